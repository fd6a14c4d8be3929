package org.schoolsafety.persistence.readside;

import java.time.Instant;

/** One dispatch in an agency's full history. */
public record DispatchRecord(
    String agencyId, String incidentId, String schoolId, String schoolName, String regionCode,
    String type, String level, String mode, String incidentStatus, String state,
    Instant notifiedAt, Instant deadline, Instant ackAt) {}
