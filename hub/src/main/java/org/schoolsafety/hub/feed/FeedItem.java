package org.schoolsafety.hub.feed;

import java.time.Instant;
import java.util.List;
import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.agency.AgencyKind;
import org.schoolsafety.hub.agency.Tier;
import org.schoolsafety.hub.incident.DispatchState;
import org.schoolsafety.hub.incident.IncidentType;
import org.schoolsafety.hub.incident.Level;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.incident.Status;

/**
 * One thing that happened to an incident, with the incident's summary right after it: what a
 * command center's live board needs to update without asking for more.
 * {@code incidentSeqNr} is the event's position in the incident's own journal.
 */
public record FeedItem(
    String incidentId,
    long incidentSeqNr,
    String event,
    Instant at,
    String by,
    String detail,
    String schoolId,
    String schoolName,
    String regionCode,
    IncidentType type,
    Level level,
    Mode mode,
    Status status,
    List<DispatchSummary> dispatches,
    String drillId)
    implements CborSerializable {

  public record DispatchSummary(
      String agencyId, String agencyName, AgencyKind kind, Tier tier, DispatchState state,
      Instant deadline, Instant ackAt)
      implements CborSerializable {}
}
