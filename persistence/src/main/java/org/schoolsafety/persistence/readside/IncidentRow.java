package org.schoolsafety.persistence.readside;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.schoolsafety.hub.incident.IncidentEvent;
import org.schoolsafety.hub.incident.IncidentEvent.Acknowledged;
import org.schoolsafety.hub.incident.IncidentEvent.Cancelled;
import org.schoolsafety.hub.incident.IncidentEvent.Closed;
import org.schoolsafety.hub.incident.IncidentEvent.Dispatched;
import org.schoolsafety.hub.incident.IncidentEvent.Escalated;
import org.schoolsafety.hub.incident.IncidentEvent.ReportAdded;
import org.schoolsafety.hub.incident.IncidentEvent.Reported;
import org.schoolsafety.hub.incident.IncidentEvent.Resolved;
import org.schoolsafety.hub.incident.IncidentEvent.WentUnanswered;
import org.schoolsafety.hub.incident.Casualties;
import org.schoolsafety.hub.incident.Dispatch;
import org.schoolsafety.hub.incident.DispatchState;
import org.schoolsafety.hub.evaluation.IncidentFacts;
import org.schoolsafety.hub.incident.Status;
import org.schoolsafety.hub.reporting.ReportingFacts;

/**
 * The read side's own picture of one incident, folded from its events alone (never asked of
 * the live entity): what the lists show, and where each dispatch stands. {@code lastSeq} is the
 * sequence number of the last event folded in, so a replayed event is recognised and skipped.
 * The status follows the same rules as the entity's ({@code IncidentState.status()}).
 */
record IncidentRow(
    String incidentId,
    String schoolId,
    String schoolName,
    String regionCode,
    String type,
    String level,
    String mode,
    String drillId,
    Instant reportedAt,
    Instant updatedAt,
    boolean resolved,
    String ending,
    List<DispatchRow> dispatches,
    long lastSeq,
    ReportingFacts reporting,
    Casualties casualties) {

  /** One agency's part, as the agency's history shows it. */
  record DispatchRow(String agencyId, String kind, String state, Instant notifiedAt, Instant deadline, Instant ackAt) {
    static DispatchRow of(Dispatch d) {
      return new DispatchRow(d.agencyId(), d.agency().kind().name(), d.state().name(), d.notifiedAt(), d.deadline(),
          d.ackAt());
    }

    DispatchRow withState(DispatchState next, Instant ackAt) {
      return new DispatchRow(agencyId, kind, next.name(), notifiedAt, deadline, ackAt);
    }
  }

  /** The row after the incident's first event; null for any other first event (nothing to fold into). */
  static IncidentRow first(IncidentEvent event, long seq) {
    if (!(event instanceof Reported r)) {
      return null;
    }
    var n = r.incident();
    return new IncidentRow(r.incidentId(), n.school().schoolId(), n.school().name(), n.school().region().value(),
        n.type().name(), n.level().name(), n.mode().name(), n.drillId(), r.at(), r.at(), false, null, List.of(), seq,
        ReportingFacts.reported(n.initial().occurredAt(), r.at(), n.level().name(), n.timeScale()),
        n.initial().casualties() == null ? Casualties.NONE : n.initial().casualties());
  }

  /** This row with the event folded in; the same row when the event was folded in before. */
  IncidentRow apply(IncidentEvent event, long seq) {
    if (seq <= lastSeq) {
      return this;
    }
    IncidentRow next;
    if (event instanceof Dispatched e) {
      var all = new ArrayList<>(dispatches);
      e.dispatches().forEach(d -> all.add(DispatchRow.of(d)));
      next = withDispatches(List.copyOf(all));
    } else if (event instanceof Acknowledged e) {
      next = withDispatches(replace(e.agencyId(), d -> d.withState(DispatchState.ACKNOWLEDGED, e.at())));
    } else if (event instanceof Escalated e) {
      var all = new ArrayList<>(replace(e.fromAgencyId(), d -> d.withState(DispatchState.ESCALATED, d.ackAt())));
      all.add(DispatchRow.of(e.to()));
      next = withDispatches(List.copyOf(all));
    } else if (event instanceof WentUnanswered e) {
      next = withDispatches(replace(e.agencyId(), d -> d.withState(DispatchState.UNANSWERED, d.ackAt())));
    } else if (event instanceof ReportAdded e) {
      var graded = withLevel(e.report().level() == null ? level : e.report().level().name());
      next = graded.withReporting(
          reporting(r -> r.with(new ReportingFacts.Update("CONTINUATION", e.at(), graded.level))))
          .withCasualties(e.report().casualties());
    } else if (event instanceof Resolved e) {
      var graded = withLevel(e.report().level() == null ? level : e.report().level().name());
      next = graded.resolvedNow()
          .withReporting(reporting(r -> r.with(new ReportingFacts.Update("FINAL", e.at(), graded.level))))
          .withCasualties(e.report().casualties());
    } else if (event instanceof Closed) {
      next = ended(Status.CLOSED);
    } else if (event instanceof Cancelled e) {
      next = ended(Status.CANCELLED).withReporting(reporting(r -> r.cancelledAt(e.at())));
    } else {
      next = this; // a second Reported cannot happen: the entity refuses it
    }
    return next.at(event.at(), seq);
  }

  Status status() {
    if (ending != null) {
      return Status.valueOf(ending);
    }
    if (resolved) {
      return Status.RESOLVED;
    }
    if (dispatches.isEmpty()) {
      return Status.REPORTED;
    }
    Set<String> dispatched = new java.util.HashSet<>();
    Set<String> acknowledged = new java.util.HashSet<>();
    for (DispatchRow d : dispatches) {
      dispatched.add(d.kind());
      if (d.state().equals(DispatchState.ACKNOWLEDGED.name())) {
        acknowledged.add(d.kind());
      }
    }
    return acknowledged.containsAll(dispatched) ? Status.ACKNOWLEDGED : Status.DISPATCHED;
  }

  IncidentSummary summary() {
    int[] byState = new int[DispatchState.values().length];
    for (DispatchRow d : dispatches) {
      byState[DispatchState.valueOf(d.state()).ordinal()]++;
    }
    return new IncidentSummary(incidentId, schoolId, schoolName, regionCode, type, level, mode, status().name(),
        reportedAt, updatedAt, byState[DispatchState.NOTIFIED.ordinal()], byState[DispatchState.ACKNOWLEDGED.ordinal()],
        byState[DispatchState.ESCALATED.ordinal()], byState[DispatchState.UNANSWERED.ordinal()], drillId, List.of());
  }

  /** What the evaluation needs of this incident (issue 18). */
  IncidentFacts facts() {
    return new IncidentFacts(incidentId, schoolId, regionCode, type, level, mode, reportedAt, reporting,
        dispatches.stream().map(d -> new IncidentFacts.DispatchFacts(d.agencyId(), d.kind(), d.state(), d.notifiedAt(),
            d.ackAt())).toList(), casualties);
  }

  DispatchRecord record(DispatchRow d) {
    return new DispatchRecord(d.agencyId(), incidentId, schoolId, schoolName, regionCode, type, level, mode,
        status().name(), d.state(), d.notifiedAt(), d.deadline(), d.ackAt());
  }

  private List<DispatchRow> replace(String agencyId, UnaryOperator<DispatchRow> change) {
    return dispatches.stream().map(d -> d.agencyId().equals(agencyId) ? change.apply(d) : d).toList();
  }

  private IncidentRow withDispatches(List<DispatchRow> next) {
    return new IncidentRow(incidentId, schoolId, schoolName, regionCode, type, level, mode, drillId, reportedAt,
        updatedAt, resolved, ending, next, lastSeq, reporting, casualties);
  }

  private IncidentRow withLevel(String next) {
    return new IncidentRow(incidentId, schoolId, schoolName, regionCode, type, next, mode, drillId, reportedAt,
        updatedAt, resolved, ending, dispatches, lastSeq, reporting, casualties);
  }

  private IncidentRow resolvedNow() {
    return new IncidentRow(incidentId, schoolId, schoolName, regionCode, type, level, mode, drillId, reportedAt,
        updatedAt, true, ending, dispatches, lastSeq, reporting, casualties);
  }

  private IncidentRow ended(Status end) {
    return new IncidentRow(incidentId, schoolId, schoolName, regionCode, type, level, mode, drillId, reportedAt,
        updatedAt, resolved, end.name(), dispatches, lastSeq, reporting, casualties);
  }

  /** The reporting facts changed; a row written before they were kept has none and stays without. */
  private ReportingFacts reporting(UnaryOperator<ReportingFacts> change) {
    return reporting == null ? null : change.apply(reporting);
  }

  private IncidentRow withReporting(ReportingFacts next) {
    return new IncidentRow(incidentId, schoolId, schoolName, regionCode, type, level, mode, drillId, reportedAt,
        updatedAt, resolved, ending, dispatches, lastSeq, next, casualties);
  }

  /**
   * The casualty figures of the latest report that gave any (as {@code IncidentState.casualties()});
   * a row folded before they were kept has none and stays without.
   */
  private IncidentRow withCasualties(Casualties reported) {
    if (reported == null || casualties == null) {
      return this;
    }
    return new IncidentRow(incidentId, schoolId, schoolName, regionCode, type, level, mode, drillId, reportedAt,
        updatedAt, resolved, ending, dispatches, lastSeq, reporting, reported);
  }

  private IncidentRow at(Instant at, long seq) {
    return new IncidentRow(incidentId, schoolId, schoolName, regionCode, type, level, mode, drillId, reportedAt,
        at, resolved, ending, dispatches, seq, reporting, casualties);
  }
}
