package org.schoolsafety.hub.incident;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.agency.AgencyKind;
import org.schoolsafety.hub.agency.AgencyProfile;
import org.schoolsafety.hub.incident.IncidentEvent.Acknowledged;
import org.schoolsafety.hub.incident.IncidentEvent.Cancelled;
import org.schoolsafety.hub.incident.IncidentEvent.Closed;
import org.schoolsafety.hub.incident.IncidentEvent.DevicesFlagged;
import org.schoolsafety.hub.incident.IncidentEvent.EvidenceAdded;
import org.schoolsafety.hub.incident.IncidentEvent.Dispatched;
import org.schoolsafety.hub.incident.IncidentEvent.Escalated;
import org.schoolsafety.hub.incident.IncidentEvent.ReportAdded;
import org.schoolsafety.hub.incident.IncidentEvent.Reported;
import org.schoolsafety.hub.incident.IncidentEvent.Resolved;
import org.schoolsafety.hub.incident.IncidentEvent.WentUnanswered;
import org.schoolsafety.hub.plan.ResponsePlan;

/**
 * An incident as its events made it. {@code incident} is null until reported. The status is
 * derived, never stored, so it cannot disagree with the reports and dispatches. {@code evidence}:
 * the device alarms attached to a device-raised incident, the first one first.
 *
 * <p>The state is bounded, so an incident with a long history recovers as fast as a short one
 * (a snapshot is as large as the state): {@code reports} keeps the initial report and the latest
 * {@link #REPORTS_KEPT} - 1, {@code timeline} the latest {@link #TIMELINE_KEPT} entries. The whole
 * history stays in the journal, which the audit trail and the read side read. {@code eventCount}
 * is the number of events applied (the journal's last sequence number) and {@code reportCount}
 * the number of reports ever filed; both are 0 in snapshots written before the bound, which
 * kept everything, so the compact constructor derives them from the lists.
 */
public record IncidentState(
    String incidentId,
    NewIncident incident,
    String fingerprint,
    Level level,
    List<IncidentReport> reports,
    List<Dispatch> dispatches,
    Map<AgencyKind, List<AgencyProfile>> standby,
    Set<AgencyKind> uncovered,
    Ending ending,
    List<TimelineEntry> timeline,
    List<Evidence> evidence,
    int eventCount,
    int reportCount)
    implements CborSerializable {

  /** Timeline entries kept in the state; older ones are in the journal (the audit trail). */
  public static final int TIMELINE_KEPT = 128;

  /** Reports kept in the state: the initial report and the latest ones. */
  public static final int REPORTS_KEPT = 16;

  public IncidentState {
    // Snapshots written before devices could raise incidents have no evidence.
    evidence = evidence == null ? List.of() : evidence;
    // Snapshots written before the bound kept every entry and report.
    eventCount = Math.max(eventCount, timeline.size());
    reportCount = Math.max(reportCount, reports.size());
  }

  /** How an incident ended: closed by the command center or cancelled as a false alarm. */
  public record Ending(Status status, Instant at, String by, String text)
      implements CborSerializable {}

  public static IncidentState empty(String incidentId) {
    return new IncidentState(
        incidentId, null, null, null, List.of(), List.of(), Map.of(), Set.of(), null, List.of(), List.of(), 0, 0);
  }

  public boolean isReported() {
    return incident != null;
  }

  /** The journal sequence number of {@code timeline().get(0)}: every event adds one entry. */
  public long firstTimelineSequenceNr() {
    return eventCount - timeline.size() + 1L;
  }

  /** The number (1 = the initial report) of {@code reports().get(index)}. */
  public int reportNumber(int index) {
    return index == 0 ? 1 : reportCount - reports.size() + 1 + index;
  }

  /**
   * What the reports tell about reporting deadlines: the same facts the read side folds from the
   * events. Whole only while no report was left to the journal ({@link #isTrimmed()}).
   */
  public org.schoolsafety.hub.reporting.ReportingFacts reportingFacts() {
    Level after = incident.level();
    var updates = new ArrayList<org.schoolsafety.hub.reporting.ReportingFacts.Update>();
    for (IncidentReport report : reports.subList(1, reports.size())) {
      after = report.level() == null ? after : report.level();
      String kind = report.kind() == ReportKind.FINAL ? "FINAL" : "CONTINUATION";
      updates.add(new org.schoolsafety.hub.reporting.ReportingFacts.Update(kind, report.at(), after.name()));
    }
    return new org.schoolsafety.hub.reporting.ReportingFacts(incident.initial().occurredAt(), reportedAt(),
        incident.level().name(), incident.timeScale(), updates,
        ending != null && ending.status() == Status.CANCELLED ? ending.at() : null);
  }

  /** Whether older reports or timeline entries are in the journal only. */
  public boolean isTrimmed() {
    return eventCount > timeline.size() || reportCount > reports.size();
  }

  public Status status() {
    if (ending != null) {
      return ending.status();
    }
    if (finalReport().isPresent()) {
      return Status.RESOLVED;
    }
    if (dispatches.isEmpty()) {
      return Status.REPORTED;
    }
    return acknowledgedKinds().containsAll(dispatchedKinds())
        ? Status.ACKNOWLEDGED
        : Status.DISPATCHED;
  }

  public Instant reportedAt() {
    return reports.get(0).at();
  }

  public Optional<IncidentReport> finalReport() {
    return reports.stream().filter(r -> r.kind() == ReportKind.FINAL).findFirst();
  }

  /** Casualty figures of the latest report that gave any. */
  public Casualties casualties() {
    for (int i = reports.size() - 1; i >= 0; i--) {
      if (reports.get(i).casualties() != null) {
        return reports.get(i).casualties();
      }
    }
    return Casualties.NONE;
  }

  public Optional<Dispatch> dispatchOf(String agencyId) {
    return dispatches.stream().filter(d -> d.agencyId().equals(agencyId)).findFirst();
  }

  public Set<AgencyKind> dispatchedKinds() {
    return kindsOf(dispatches);
  }

  Set<AgencyKind> acknowledgedKinds() {
    return kindsOf(
        dispatches.stream().filter(d -> d.state() == DispatchState.ACKNOWLEDGED).toList());
  }

  private static Set<AgencyKind> kindsOf(Collection<Dispatch> dispatches) {
    return dispatches.stream()
        .map(d -> d.agency().kind())
        .collect(Collectors.toCollection(() -> EnumSet.noneOf(AgencyKind.class)));
  }

  /** Kinds the plan calls for at the current level that were neither dispatched nor found missing. */
  Set<AgencyKind> kindsToDispatch(ResponsePlan plan) {
    if (!isReported() || !status().isActive()) {
      return Set.of();
    }
    var kinds = new LinkedHashSet<>(plan.kindsFor(incident.type(), level));
    kinds.removeAll(dispatchedKinds());
    kinds.removeAll(uncovered);
    return kinds;
  }

  /** Dispatches whose deadline still matters: unanswered so far, and no other tier of their kind answered. */
  List<Dispatch> awaitingAcknowledgement() {
    if (!isReported() || !status().isActive()) {
      return List.of();
    }
    Set<AgencyKind> answered = acknowledgedKinds();
    return dispatches.stream()
        .filter(d -> d.state() == DispatchState.NOTIFIED)
        .filter(d -> !answered.contains(d.agency().kind()))
        .toList();
  }

  Optional<Instant> nextDeadline() {
    return awaitingAcknowledgement().stream().map(Dispatch::deadline).min(Instant::compareTo);
  }

  List<Dispatch> overdue(Instant now) {
    return awaitingAcknowledgement().stream().filter(d -> !d.deadline().isAfter(now)).toList();
  }

  /** The next agency of the same kind, one tier up, if any is left. */
  Optional<AgencyProfile> nextTierFor(AgencyKind kind) {
    return standby.getOrDefault(kind, List.of()).stream().findFirst();
  }

  // --- applying events ------------------------------------------------------------------

  /** The pure event handler: the state after {@code event}. */
  public IncidentState apply(IncidentEvent event) {
    // Java 17: no pattern matching for switch yet.
    if (event instanceof Reported e) {
      return reported(e);
    } else if (event instanceof Dispatched e) {
      return dispatched(e);
    } else if (event instanceof Acknowledged e) {
      return acknowledged(e);
    } else if (event instanceof Escalated e) {
      return escalated(e);
    } else if (event instanceof WentUnanswered e) {
      return unanswered(e);
    } else if (event instanceof ReportAdded e) {
      return reportAdded(e);
    } else if (event instanceof Resolved e) {
      return resolved(e);
    } else if (event instanceof Closed e) {
      return ended(new Ending(Status.CLOSED, e.at(), e.by(), e.note()), e);
    } else if (event instanceof Cancelled e) {
      return ended(new Ending(Status.CANCELLED, e.at(), e.by(), e.reason()), e);
    } else if (event instanceof EvidenceAdded e) {
      return evidenceAdded(e);
    } else if (event instanceof DevicesFlagged e) {
      return logged(e, e.detail());
    }
    throw new IllegalArgumentException("unknown incident event " + event.getClass());
  }

  private IncidentState reported(Reported e) {
    NewIncident n = e.incident();
    IncidentReport initial = n.initial().filed(e.at(), e.by());
    String detail = n.type() + " level " + n.level() + " (" + n.mode() + ") at " + n.school().name()
        + (n.origin() == null ? "" : "; alarm of " + n.origin().first().describe() + " via gateway " + n.origin().gatewayId());
    // A device-raised incident starts with its first alarm as evidence.
    List<Evidence> first = n.origin() == null ? evidence : List.of(n.origin().first());
    return new IncidentState(
            incidentId, n, e.fingerprint(), n.level(), List.of(initial), dispatches, standby,
            uncovered, ending, timeline, first, eventCount, 1)
        .logged(e, detail);
  }

  private IncidentState dispatched(Dispatched e) {
    var nextStandby = new EnumMap<AgencyKind, List<AgencyProfile>>(AgencyKind.class);
    nextStandby.putAll(standby);
    nextStandby.putAll(e.standby());
    var nextUncovered = EnumSet.noneOf(AgencyKind.class);
    nextUncovered.addAll(uncovered);
    nextUncovered.addAll(e.uncovered());
    String detail =
        e.dispatches().stream()
            .map(d -> d.agency().kind() + " -> " + d.agencyId() + " (" + d.agency().tier() + ")")
            .collect(Collectors.joining(", "));
    if (!e.uncovered().isEmpty()) {
      detail += (detail.isEmpty() ? "" : "; ") + "no agency covers " + e.uncovered();
    }
    return new IncidentState(
            incidentId, incident, fingerprint, level, reports, concat(dispatches, e.dispatches()),
            Map.copyOf(nextStandby), Set.copyOf(nextUncovered), ending, timeline, evidence, eventCount, reportCount)
        .logged(e, detail);
  }

  private IncidentState acknowledged(Acknowledged e) {
    String detail = e.agencyId() + (e.note() == null || e.note().isEmpty() ? "" : ": " + e.note());
    return withDispatches(
            replace(dispatches, e.agencyId(), d -> d.acknowledged(e.at(), e.note())))
        .logged(e, detail);
  }

  private IncidentState escalated(Escalated e) {
    AgencyKind kind = e.to().agency().kind();
    var nextStandby = new EnumMap<AgencyKind, List<AgencyProfile>>(AgencyKind.class);
    nextStandby.putAll(standby);
    List<AgencyProfile> chain = standby.getOrDefault(kind, List.of());
    nextStandby.put(kind, chain.isEmpty() ? List.of() : chain.subList(1, chain.size()));
    List<Dispatch> next =
        concat(replace(dispatches, e.fromAgencyId(), d -> d.withState(DispatchState.ESCALATED)),
            List.of(e.to()));
    String detail =
        kind + ": " + e.fromAgencyId() + " did not acknowledge in time; notified "
            + e.to().agencyId() + " (" + e.to().agency().tier() + ")";
    return new IncidentState(
            incidentId, incident, fingerprint, level, reports, next, Map.copyOf(nextStandby),
            uncovered, ending, timeline, evidence, eventCount, reportCount)
        .logged(e, detail);
  }

  private IncidentState unanswered(WentUnanswered e) {
    return withDispatches(
            replace(dispatches, e.agencyId(), d -> d.withState(DispatchState.UNANSWERED)))
        .logged(e, e.agencyId() + " did not acknowledge and no tier is left above it");
  }

  private IncidentState reportAdded(ReportAdded e) {
    IncidentReport report = e.report().filed(e.at(), e.by());
    Level nextLevel = report.level() == null ? level : report.level();
    String detail =
        report.summary() + (nextLevel != level ? " (level " + level + " -> " + nextLevel + ")" : "");
    return new IncidentState(
            incidentId, incident, fingerprint, nextLevel, withReport(report),
            dispatches, standby, uncovered, ending, timeline, evidence, eventCount, reportCount + 1)
        .logged(e, detail);
  }

  private IncidentState resolved(Resolved e) {
    IncidentReport report = e.report().filed(e.at(), e.by());
    Level nextLevel = report.level() == null ? level : report.level();
    return new IncidentState(
            incidentId, incident, fingerprint, nextLevel, withReport(report),
            dispatches, standby, uncovered, ending, timeline, evidence, eventCount, reportCount + 1)
        .logged(e, "final report: " + report.outcome());
  }

  private IncidentState ended(Ending end, IncidentEvent e) {
    return new IncidentState(
            incidentId, incident, fingerprint, level, reports, dispatches, standby, uncovered,
            end, timeline, evidence, eventCount, reportCount)
        .logged(e, end.text());
  }

  private IncidentState evidenceAdded(EvidenceAdded e) {
    var all = new ArrayList<>(evidence);
    all.addAll(e.evidence());
    String detail = e.evidence().size() == 1
        ? "evidence: " + e.evidence().get(0).describe()
        : e.evidence().size() + " alarms as evidence: "
            + e.evidence().stream().map(Evidence::describe).collect(Collectors.joining("; "));
    return new IncidentState(
            incidentId, incident, fingerprint, level, reports, dispatches, standby, uncovered, ending,
            timeline, List.copyOf(all), eventCount, reportCount)
        .logged(e, detail);
  }

  /** Whether this evidence is attached already (same device, rule and time). */
  public boolean hasEvidence(Evidence e) {
    return evidence.stream().anyMatch(e::sameAs);
  }

  /** The devices of a device-raised incident's evidence, each once, in order of their first alarm. */
  public List<String> contributingDevices() {
    return evidence.stream().map(Evidence::deviceId).distinct().toList();
  }

  /** Cancelled with reason FALSE_ALARM. */
  public boolean isFalseAlarm() {
    return ending != null && ending.status() == Status.CANCELLED && Cancellation.isFalseAlarm(ending.text());
  }

  private IncidentState withDispatches(List<Dispatch> next) {
    return new IncidentState(
        incidentId, incident, fingerprint, level, reports, next, standby, uncovered, ending,
        timeline, evidence, eventCount, reportCount);
  }

  private IncidentState logged(IncidentEvent e, String detail) {
    return new IncidentState(
        incidentId, incident, fingerprint, level, reports, dispatches, standby, uncovered, ending,
        latest(timeline, new TimelineEntry(e.at(), IncidentEvent.nameOf(e), e.by(), detail), TIMELINE_KEPT),
        evidence, eventCount + 1, reportCount);
  }

  /** The initial report and the latest ones, with {@code report} last. */
  private List<IncidentReport> withReport(IncidentReport report) {
    if (reports.size() < REPORTS_KEPT) {
      return concat(reports, List.of(report));
    }
    var kept = new ArrayList<IncidentReport>(REPORTS_KEPT);
    kept.add(reports.get(0));
    kept.addAll(reports.subList(reports.size() - REPORTS_KEPT + 2, reports.size()));
    kept.add(report);
    return List.copyOf(kept);
  }

  /** The last {@code keep} of {@code list} followed by {@code item}. */
  private static <T> List<T> latest(List<T> list, T item, int keep) {
    int from = Math.max(0, list.size() + 1 - keep);
    var kept = new ArrayList<T>(list.size() + 1 - from);
    kept.addAll(list.subList(from, list.size()));
    kept.add(item);
    return List.copyOf(kept);
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    var all = new ArrayList<T>(a.size() + b.size());
    all.addAll(a);
    all.addAll(b);
    return List.copyOf(all);
  }

  private static List<Dispatch> replace(
      List<Dispatch> dispatches, String agencyId, java.util.function.UnaryOperator<Dispatch> f) {
    return dispatches.stream().map(d -> d.agencyId().equals(agencyId) ? f.apply(d) : d).toList();
  }
}
