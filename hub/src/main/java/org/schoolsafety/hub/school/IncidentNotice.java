package org.schoolsafety.hub.school;

import java.time.Instant;
import java.util.List;
import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.incident.IncidentType;
import org.schoolsafety.hub.incident.Level;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.incident.Status;

/**
 * What a school keeps about one of its incidents: enough to list its open ones.
 * {@code falseAlarmDevices}: for a device-raised incident cancelled as a false alarm, the devices
 * that contributed to it (null otherwise).
 */
public record IncidentNotice(
    String incidentId, IncidentType type, Level level, Mode mode, Status status, Instant reportedAt,
    List<String> falseAlarmDevices)
    implements CborSerializable {

  public IncidentNotice(
      String incidentId, IncidentType type, Level level, Mode mode, Status status, Instant reportedAt) {
    this(incidentId, type, level, mode, status, reportedAt, null);
  }
}
