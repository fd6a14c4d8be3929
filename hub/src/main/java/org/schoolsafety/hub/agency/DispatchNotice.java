package org.schoolsafety.hub.agency;

import java.time.Instant;
import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.incident.DispatchState;
import org.schoolsafety.hub.incident.IncidentType;
import org.schoolsafety.hub.incident.Level;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.incident.Status;

/** An agency's view of one dispatch: what happened where, and where its part stands. */
public record DispatchNotice(
    String incidentId,
    String schoolId,
    String schoolName,
    String regionCode,
    IncidentType type,
    Level level,
    Mode mode,
    Status incidentStatus,
    DispatchState state,
    Instant notifiedAt,
    Instant deadline,
    Instant ackAt)
    implements CborSerializable {

  /** In the inbox's open list while the incident is in progress. */
  public boolean isOpen() {
    return incidentStatus.isActive();
  }
}
