package org.schoolsafety.persistence.readside;

import java.time.Instant;
import org.schoolsafety.hub.incident.DispatchState;
import org.schoolsafety.hub.incident.IncidentState;

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

  static IncidentSummary of(IncidentState s) {
    var n = s.incident();
    Instant updated = s.timeline().get(s.timeline().size() - 1).at();
    return new IncidentSummary(s.incidentId(), n.school().schoolId(), n.school().name(),
        n.school().region().value(), n.type().name(), s.level().name(), n.mode().name(),
        s.status().name(), s.reportedAt(), updated,
        count(s, DispatchState.NOTIFIED), count(s, DispatchState.ACKNOWLEDGED),
        count(s, DispatchState.ESCALATED), count(s, DispatchState.UNANSWERED), n.drillId());
  }

  private static int count(IncidentState s, DispatchState state) {
    return (int) s.dispatches().stream().filter(d -> d.state() == state).count();
  }
}
