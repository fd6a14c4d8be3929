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
 * that contributed to it (null otherwise). {@code occurredAt}: when it happened, by the initial
 * report; only the prevention record's copy carries it (for "initial reports filed on time"),
 * the school's own copy leaves it null.
 */
public record IncidentNotice(
    String incidentId, IncidentType type, Level level, Mode mode, Status status, Instant reportedAt,
    List<String> falseAlarmDevices,
    Instant occurredAt)
    implements CborSerializable {

  public IncidentNotice(
      String incidentId, IncidentType type, Level level, Mode mode, Status status, Instant reportedAt,
      List<String> falseAlarmDevices) {
    this(incidentId, type, level, mode, status, reportedAt, falseAlarmDevices, null);
  }

  public IncidentNotice(
      String incidentId, IncidentType type, Level level, Mode mode, Status status, Instant reportedAt) {
    this(incidentId, type, level, mode, status, reportedAt, null, null);
  }
}
