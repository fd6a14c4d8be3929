package org.schoolsafety.hub.incident;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.schoolsafety.hub.agency.AgencyKind;
import org.schoolsafety.hub.agency.AgencyProfile;
import org.schoolsafety.hub.incident.IncidentEvent.Acknowledged;
import org.schoolsafety.hub.incident.IncidentEvent.Closed;
import org.schoolsafety.hub.incident.IncidentEvent.Dispatched;
import org.schoolsafety.hub.incident.IncidentEvent.Escalated;
import org.schoolsafety.hub.incident.IncidentEvent.ReportAdded;
import org.schoolsafety.hub.incident.IncidentEvent.Reported;
import org.schoolsafety.hub.incident.IncidentEvent.Resolved;
import org.schoolsafety.hub.incident.IncidentEvent.WentUnanswered;
import org.schoolsafety.hub.plan.AckDeadlines;

/**
 * An imported record (issue 18) as the incident's ordinary events, each at its historical time:
 * reported, dispatched, escalated, acknowledged or unanswered, continuation and final reports,
 * closed. Every projection reads them as it reads a live incident's — the evaluation, the
 * reporting deadlines, acknowledgement times, the incident lists — because they are the same
 * events; only {@link NewIncident#importedAt()} tells them apart. A pure function: the entity
 * decides with it in its command path.
 */
public final class IncidentImports {

  /** A problem with one field of the import, named as the HTTP body names it. */
  public record FieldProblem(String field, String message) {}

  /**
   * What is wrong with an import, given the escalation chains (most specific agency first) of
   * the kinds it names: times out of order or not in the past, an incident still open, a kind no
   * agency covers, more escalations than tiers. Empty when it may be imported.
   */
  public static List<FieldProblem> check(IncidentImport imp, Map<AgencyKind, List<AgencyProfile>> chains, Instant now) {
    var problems = new ArrayList<FieldProblem>();
    NewIncident n = imp.incident();
    Instant occurred = n.initial().occurredAt();
    Instant received = imp.receivedAt();
    if (n.mode() != Mode.ACTUAL) {
      problems.add(new FieldProblem("mode", "must be ACTUAL: drills are not imported"));
    }
    if (occurred != null && occurred.isAfter(received)) {
      problems.add(new FieldProblem("occurredAt", "must not be after receivedAt"));
    }
    if (received.isAfter(now)) {
      problems.add(new FieldProblem("receivedAt", "must be in the past"));
    }
    List<IncidentReport> reports = imp.reports();
    Instant previous = received;
    int finals = 0;
    for (int i = 0; i < reports.size(); i++) {
      IncidentReport r = reports.get(i);
      String field = "reports[" + i + "]";
      if (r.kind() == ReportKind.INITIAL) {
        problems.add(new FieldProblem(field + ".kind", "must be CONTINUATION or FINAL: the initial report is the record itself"));
      }
      if (r.at().isBefore(previous)) {
        problems.add(new FieldProblem(field + ".at", "must not be before receivedAt or the report before it"));
      }
      if (r.at().isAfter(now)) {
        problems.add(new FieldProblem(field + ".at", "must be in the past"));
      }
      if (r.kind() == ReportKind.FINAL) {
        finals++;
        if (i != reports.size() - 1) {
          problems.add(new FieldProblem(field + ".kind", "the FINAL report must be the last one"));
        }
      }
      previous = r.at().isAfter(previous) ? r.at() : previous;
    }
    if (finals == 0) {
      problems.add(new FieldProblem("reports",
          "must end with the FINAL report: only closed incidents (RESOLVED or CLOSED) may be imported"));
    }
    Instant resolved = finals == 0 ? null : reports.get(reports.size() - 1).at();
    if (imp.closedAt() != null) {
      if (resolved != null && imp.closedAt().isBefore(resolved)) {
        problems.add(new FieldProblem("closedAt", "must not be before the FINAL report"));
      }
      if (imp.closedAt().isAfter(now)) {
        problems.add(new FieldProblem("closedAt", "must be in the past"));
      }
    }
    Set<AgencyKind> kinds = new HashSet<>();
    for (int i = 0; i < imp.dispatches().size(); i++) {
      checkDispatch(imp.dispatches().get(i), "dispatches[" + i + "]", chains, received, resolved, kinds, problems);
    }
    return problems;
  }

  private static void checkDispatch(IncidentImport.DispatchRecord d, String field, Map<AgencyKind, List<AgencyProfile>> chains,
      Instant received, Instant resolved, Set<AgencyKind> kinds, List<FieldProblem> problems) {
    if (!kinds.add(d.kind())) {
      problems.add(new FieldProblem(field + ".kind", "is named twice: one dispatch per kind of agency"));
      return;
    }
    List<AgencyProfile> chain = chains.getOrDefault(d.kind(), List.of());
    if (chain.isEmpty()) {
      problems.add(new FieldProblem(field + ".kind", "no " + d.kind() + " agency covers the school's region"));
      return;
    }
    if (d.notifiedAt().isBefore(received)) {
      problems.add(new FieldProblem(field + ".notifiedAt", "must not be before receivedAt"));
    }
    Instant last = d.notifiedAt();
    for (int j = 0; j < d.escalatedAt().size(); j++) {
      if (d.escalatedAt().get(j).isBefore(last)) {
        problems.add(new FieldProblem(field + ".escalatedAt[" + j + "]", "must not be before notifiedAt or the escalation before it"));
      }
      last = d.escalatedAt().get(j).isAfter(last) ? d.escalatedAt().get(j) : last;
    }
    if (d.escalatedAt().size() > chain.size() - 1) {
      problems.add(new FieldProblem(field + ".escalatedAt", "has " + d.escalatedAt().size() + " escalations, but only "
          + (chain.size() - 1) + " tiers cover the school above its first " + d.kind() + " agency"));
    }
    if (d.acknowledgedAt() != null && d.unansweredAt() != null) {
      problems.add(new FieldProblem(field + ".unansweredAt", "a dispatch is acknowledged or unanswered, not both"));
    }
    if (d.unansweredAt() != null && d.escalatedAt().size() != chain.size() - 1) {
      problems.add(new FieldProblem(field + ".unansweredAt", "only the top tier can go unanswered: escalate to it first"));
    }
    Instant end = d.acknowledgedAt() != null ? d.acknowledgedAt() : d.unansweredAt();
    String endField = field + (d.acknowledgedAt() != null ? ".acknowledgedAt" : ".unansweredAt");
    if (end != null && end.isBefore(last)) {
      problems.add(new FieldProblem(endField, "must not be before notifiedAt or the last escalation"));
    }
    Instant latest = end != null && end.isAfter(last) ? end : last;
    if (resolved != null && latest.isAfter(resolved)) {
      problems.add(new FieldProblem(end != null ? endField : field + ".escalatedAt",
          "must not be after the FINAL report: an incident's dispatches end with it"));
    }
  }

  /**
   * The events of a checked import, in the order they happened (at equal times in lifecycle
   * order). Each dispatch's deadline is its notification plus the hub's acknowledgement deadline
   * for the incident's initial level, as if the hub had handled it. {@code importedAt}: now, which
   * marks the incident as imported.
   */
  public static List<IncidentEvent> events(String incidentId, IncidentImport imp, Map<AgencyKind, List<AgencyProfile>> chains,
      AckDeadlines deadlines, String fingerprint, Instant importedAt, String by) {
    NewIncident n = imp.incident().importedAt(importedAt);
    Duration ack = deadlines.forLevel(n.level());
    var timed = new ArrayList<Timed>();
    timed.add(new Timed(imp.receivedAt(), 0, new Reported(incidentId, n, fingerprint, imp.receivedAt(), by)));
    var byTime = new LinkedHashMap<Instant, List<IncidentImport.DispatchRecord>>();
    imp.dispatches().stream().sorted(Comparator.comparing(IncidentImport.DispatchRecord::notifiedAt))
        .forEach(d -> byTime.computeIfAbsent(d.notifiedAt(), t -> new ArrayList<>()).add(d));
    byTime.forEach((at, group) -> {
      var dispatches = new ArrayList<Dispatch>();
      var standby = new EnumMap<AgencyKind, List<AgencyProfile>>(AgencyKind.class);
      for (IncidentImport.DispatchRecord d : group) {
        List<AgencyProfile> chain = chains.get(d.kind());
        dispatches.add(Dispatch.notify(chain.get(0), at, at.plus(ack)));
        standby.put(d.kind(), List.copyOf(chain.subList(1, chain.size())));
      }
      timed.add(new Timed(at, 1, new Dispatched(incidentId, List.copyOf(dispatches), Map.copyOf(standby), Set.of(), at, by)));
    });
    for (IncidentImport.DispatchRecord d : imp.dispatches()) {
      List<AgencyProfile> chain = chains.get(d.kind());
      for (int j = 0; j < d.escalatedAt().size(); j++) {
        Instant at = d.escalatedAt().get(j);
        timed.add(new Timed(at, 2, new Escalated(incidentId, chain.get(j).agencyId(),
            Dispatch.notify(chain.get(j + 1), at, at.plus(ack)), at, by)));
      }
      String reached = chain.get(d.escalatedAt().size()).agencyId();
      if (d.acknowledgedAt() != null) {
        timed.add(new Timed(d.acknowledgedAt(), 3,
            new Acknowledged(incidentId, reached, d.note(), d.acknowledgedAt(), by)));
      } else if (d.unansweredAt() != null) {
        timed.add(new Timed(d.unansweredAt(), 3, new WentUnanswered(incidentId, reached, d.unansweredAt(), by)));
      }
    }
    for (IncidentReport r : imp.reports()) {
      timed.add(r.kind() == ReportKind.FINAL
          ? new Timed(r.at(), 5, new Resolved(incidentId, r, r.at(), by))
          : new Timed(r.at(), 4, new ReportAdded(incidentId, r, r.at(), by)));
    }
    if (imp.closedAt() != null) {
      timed.add(new Timed(imp.closedAt(), 6, new Closed(incidentId, imp.closeNote(), imp.closedAt(), by)));
    }
    timed.sort(Comparator.comparing(Timed::at).thenComparingInt(Timed::rank));
    return timed.stream().map(Timed::event).map(Function.<IncidentEvent>identity()).toList();
  }

  private record Timed(Instant at, int rank, IncidentEvent event) {}

  private IncidentImports() {}
}
