package org.schoolsafety.persistence.readside;

import java.time.Instant;

/** One row of the incident lists: who, where, how bad, and where the dispatches stand. */
public record IncidentSummary(
    String incidentId,
    String schoolId,
    String schoolName,
    String regionCode,
    String type,
    String level,
    String mode,
    String status,
    Instant reportedAt,
    Instant updatedAt,
    int notified,
    int acknowledged,
    int escalated,
    int unanswered,
    String drillId) {
}
