package org.schoolsafety.hub.school;

import java.time.Instant;
import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.incident.IncidentType;
import org.schoolsafety.hub.incident.Level;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.incident.Status;

/** What a school keeps about one of its incidents: enough to list its open ones. */
public record IncidentNotice(
    String incidentId, IncidentType type, Level level, Mode mode, Status status, Instant reportedAt)
    implements CborSerializable {}
