package org.schoolsafety.sim.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.schoolsafety.sim.scenario.Durations;
import org.schoolsafety.sim.scenario.Scenario;

/**
 * The drill's figures, computed only from the hub's records ({@link DrillRecord}). Hub timestamps
 * are real time; durations that the drill compressed (reporting delays, acknowledgements) are
 * multiplied by the time scale the hub recorded for each incident, so they are in drill time and
 * comparable with the scenario's targets whatever the speed. The time to dispatch is the hub's
 * own processing and is not compressed by a drill: it stays in real seconds.
 *
 * <p>Escalations and unanswered dispatches are counted from the incidents' timelines (an
 * escalated dispatch that its agency acknowledged late shows as ACKNOWLEDGED, but its
 * escalation stays on record); per dispatch, escalated means a higher tier of its kind was
 * notified after it.
 */
public final class Figures {

  /** One incident as recorded. {@code null} durations: it never happened. */
  record IncidentRow(String incidentId, String schoolId, String regionCode, String type, String level, String status,
      double scale, Instant reportedAt, Double dispatchTime, Double initialReport, Double finalReport, Double closeTime,
      int continuations, boolean hasFinal) {}

  /** Per incident and kind of agency: first notification of the kind -> first acknowledgement of it. */
  record KindRow(String incidentId, String type, String level, String kind, Double ackTime) {}

  /** One dispatch as recorded. */
  record DispatchRow(String incidentId, String schoolId, String type, String level, String agencyId, String kind,
      String tier, String state, Instant notifiedAt, Instant ackAt, Instant deadline, Double ackTime,
      boolean escalated, boolean unanswered) {

    boolean late() {
      return ackAt != null && deadline != null && ackAt.isAfter(deadline);
    }
  }

  /** One timeline entry, in drill time from the drill's start. */
  record EventRow(double drillSeconds, Instant at, String incidentId, String schoolId, String regionCode, String type,
      String level, String event, String by, String detail) {}

  /** A target's verdict. {@code value}: at the required share (duration metrics, seconds) or the count. */
  record TargetResult(Scenario.Target target, int samples, int within, Double value, boolean pass, String measured) {}

  final DrillMeta meta;
  final DrillRecord record;
  final List<IncidentRow> incidents = new ArrayList<>();
  final List<KindRow> kinds = new ArrayList<>();
  final List<DispatchRow> dispatches = new ArrayList<>();
  final List<EventRow> events = new ArrayList<>();
  final List<TargetResult> targets = new ArrayList<>();
  final Set<String> missing = new TreeSet<>();
  final Set<String> unexpected = new TreeSet<>();
  final Map<String, Integer> reportKinds = new TreeMap<>();

  private Figures(DrillMeta meta, DrillRecord record) {
    this.meta = meta;
    this.record = record;
  }

  public static Figures compute(DrillMeta meta, DrillRecord record) {
    var f = new Figures(meta, record);
    for (JsonNode incident : record.incidents().values()) {
      f.add(incident);
    }
    f.events.sort(Comparator.comparing(EventRow::at).thenComparing(EventRow::incidentId));
    f.missing.addAll(meta.created());
    f.missing.removeAll(record.listed());
    f.unexpected.addAll(record.listed());
    f.unexpected.removeAll(meta.created());
    for (Scenario.Target t : meta.scenario().targets()) {
      f.targets.add(f.evaluate(t));
    }
    return f;
  }

  private void add(JsonNode n) {
    String id = n.path("incidentId").asText();
    double scale = n.hasNonNull("timeScale") && n.get("timeScale").isNumber() ? n.get("timeScale").asDouble() : meta.speed();
    Instant reported = instant(n.get("reportedAt"));
    Instant occurred = instant(n.get("occurredAt"));
    String type = n.path("type").asText();
    String level = n.path("level").asText();
    String school = n.path("schoolId").asText();
    String region = n.path("regionCode").asText();

    Instant firstNotified = null;
    var firstNotifiedByKind = new TreeMap<String, Instant>();
    var firstAckByKind = new TreeMap<String, Instant>();
    var unansweredDetails = new ArrayList<String>();
    for (JsonNode t : n.path("timeline")) {
      if ("unanswered".equals(t.path("event").asText())) {
        unansweredDetails.add(t.path("detail").asText(""));
      }
    }
    for (JsonNode d : n.path("dispatches")) {
      Instant notified = instant(d.get("notifiedAt"));
      Instant ack = instant(d.get("ackAt"));
      String kind = d.path("kind").asText();
      if (notified != null && (firstNotified == null || notified.isBefore(firstNotified))) {
        firstNotified = notified;
      }
      if (notified != null) {
        firstNotifiedByKind.merge(kind, notified, (a, b) -> a.isBefore(b) ? a : b);
      }
      if (ack != null) {
        firstAckByKind.merge(kind, ack, (a, b) -> a.isBefore(b) ? a : b);
      }
      String agencyId = d.path("agencyId").asText();
      String tier = d.path("tier").asText();
      boolean escalated = false;
      for (JsonNode other : n.path("dispatches")) {
        escalated |= other.path("kind").asText().equals(kind)
            && Scenario.TIERS.indexOf(other.path("tier").asText()) > Scenario.TIERS.indexOf(tier);
      }
      String state = d.path("state").asText();
      boolean unanswered = "UNANSWERED".equals(state)
          || unansweredDetails.stream().anyMatch(detail -> detail.startsWith(agencyId + " "));
      dispatches.add(new DispatchRow(id, school, type, level, agencyId, kind, tier, state, notified, ack,
          instant(d.get("deadline")), notified != null && ack != null ? seconds(notified, ack, scale) : null,
          escalated, unanswered));
    }
    firstNotifiedByKind.forEach((kind, notified) -> {
      Instant ack = firstAckByKind.get(kind);
      kinds.add(new KindRow(id, type, level, kind, ack == null ? null : seconds(notified, ack, scale)));
    });

    Instant finalAt = null;
    int continuations = 0;
    for (JsonNode r : n.path("reports")) {
      String kind = r.path("kind").asText();
      reportKinds.merge(kind, 1, Integer::sum);
      if ("FINAL".equals(kind) && finalAt == null) {
        finalAt = instant(r.get("at"));
      }
      if ("CONTINUATION".equals(kind)) {
        continuations++;
      }
    }
    Instant closedAt = null;
    for (JsonNode t : n.path("timeline")) {
      Instant at = instant(t.get("at"));
      String event = t.path("event").asText();
      if ("closed".equals(event) && closedAt == null) {
        closedAt = at;
      }
      events.add(new EventRow(at == null ? Double.NaN : seconds(meta.start(), at, scale), at, id, school, region, type,
          level, event, t.path("by").asText(), t.path("detail").asText("")));
    }
    incidents.add(new IncidentRow(id, school, region, type, level, n.path("status").asText(), scale, reported,
        firstNotified == null || reported == null ? null : seconds(reported, firstNotified, 1.0),
        occurred == null || reported == null ? null : seconds(occurred, reported, scale),
        finalAt == null || reported == null ? null : seconds(reported, finalAt, scale),
        closedAt == null || reported == null ? null : seconds(reported, closedAt, scale),
        continuations, finalAt != null));
  }

  private static Instant instant(JsonNode node) {
    return node == null || node.isNull() ? null : Instant.parse(node.asText());
  }

  private static double seconds(Instant from, Instant to, double scale) {
    return Duration.between(from, to).toNanos() / 1e9 * scale;
  }

  // --- figures ---------------------------------------------------------------------------

  Stats dispatchTime() {
    return Stats.of(incidents.stream().map(IncidentRow::dispatchTime).filter(Objects::nonNull).toList());
  }

  Stats initialReport() {
    return Stats.of(incidents.stream().map(IncidentRow::initialReport).filter(Objects::nonNull).toList());
  }

  Stats finalReport() {
    return Stats.of(incidents.stream().map(IncidentRow::finalReport).filter(Objects::nonNull).toList());
  }

  /** Acknowledged dispatches' times, by "KIND/TIER" in the order kinds and tiers are listed. */
  Map<String, List<Double>> ackByKindTier() {
    var map = new LinkedHashMap<String, List<Double>>();
    for (String kind : Scenario.KINDS) {
      for (String tier : Scenario.TIERS) {
        var values = dispatches.stream().filter(d -> d.kind().equals(kind) && d.tier().equals(tier)).toList();
        if (!values.isEmpty()) {
          map.put(kind + "/" + tier, values.stream().map(DispatchRow::ackTime).filter(Objects::nonNull).toList());
        }
      }
    }
    return map;
  }

  long dispatchesIn(String state) {
    return dispatches.stream().filter(d -> d.state().equals(state)).count();
  }

  long dispatches(String kindTier, Predicate<DispatchRow> which) {
    return dispatches.stream().filter(d -> (kindTier == null || (d.kind() + "/" + d.tier()).equals(kindTier)) && which.test(d)).count();
  }

  long dispatchesOf(String kindTier) {
    return dispatches(kindTier, d -> true);
  }

  /** Timeline entries of one kind ("escalated", "unanswered", ...) over all incidents. */
  long timelineEvents(String event) {
    return events.stream().filter(e -> e.event().equals(event)).count();
  }

  Set<String> schoolsTakingPart() {
    var set = new TreeSet<String>();
    incidents.forEach(i -> set.add(i.schoolId()));
    return set;
  }

  long schoolsWithDrillRecord() {
    return record.schoolDrills().values().stream().filter(l -> !l.isEmpty()).count();
  }

  // --- targets ---------------------------------------------------------------------------

  private TargetResult evaluate(Scenario.Target t) {
    Scenario.Where w = t.where();
    Predicate<String> type = v -> w.type() == null || w.type().equals(v);
    Predicate<String> level = v -> w.level() == null || w.level().equals(v);
    Predicate<String> kind = v -> w.kind() == null || w.kind().equals(v);
    Predicate<String> tier = v -> w.tier() == null || w.tier().equals(v);
    var dispatchRows = dispatches.stream().filter(d -> type.test(d.type()) && level.test(d.level())
        && kind.test(d.kind()) && tier.test(d.tier())).toList();
    if (!t.isDuration()) {
      long count = switch (t.metric()) {
        case "escalations" -> dispatchRows.stream().filter(DispatchRow::escalated).count();
        case "unanswered" -> dispatchRows.stream().filter(DispatchRow::unanswered).count();
        case "unacknowledged" -> dispatchRows.stream().filter(d -> d.ackAt() == null).count();
        case "missingIncidents" -> missing.size();
        default -> throw new IllegalStateException("unknown metric " + t.metric());
      };
      return new TargetResult(t, (int) count, 0, (double) count, count <= t.atMost(), String.valueOf(count));
    }
    var incidentRows = incidents.stream().filter(i -> type.test(i.type()) && level.test(i.level())).toList();
    List<Double> samples = switch (t.metric()) {
      case "dispatchTime" -> incidentRows.stream().map(IncidentRow::dispatchTime).toList();
      case "initialReport" -> incidentRows.stream().map(IncidentRow::initialReport).toList();
      case "finalReport" -> incidentRows.stream().filter(i -> !"CANCELLED".equals(i.status())).map(IncidentRow::finalReport).toList();
      case "closeTime" -> incidentRows.stream().filter(i -> !"CANCELLED".equals(i.status())).map(IncidentRow::closeTime).toList();
      case "ackTime" -> kinds.stream().filter(k -> type.test(k.type()) && level.test(k.level()) && kind.test(k.kind()))
          .map(KindRow::ackTime).toList();
      case "dispatchAckTime" -> dispatchRows.stream().map(DispatchRow::ackTime).toList();
      default -> throw new IllegalStateException("unknown metric " + t.metric());
    };
    double limit = t.within().toNanos() / 1e9;
    int within = (int) samples.stream().filter(v -> v != null && v <= limit).count();
    int n = samples.size();
    if (n == 0) {
      return new TargetResult(t, 0, 0, null, true, "no samples");
    }
    double share = t.requiredShare();
    // the value at the required share, counting samples that never happened as infinitely late
    var sorted = samples.stream().map(v -> v == null ? Double.POSITIVE_INFINITY : v).sorted().toList();
    int rank = Math.max(1, (int) Math.ceil(share * n));
    double value = sorted.get(Math.min(n, rank) - 1);
    boolean pass = within >= Math.ceil(share * n - 1e-9);
    String at = share >= 1.0 ? "max" : "p" + trim(share * 100);
    String measured = at + " " + (Double.isInfinite(value) ? "never" : Durations.formatSeconds(value))
        + ", " + within + "/" + n + " within " + Durations.format(t.within());
    return new TargetResult(t, n, within, Double.isInfinite(value) ? null : value, pass, measured);
  }

  private static String trim(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(Math.round(d * 10) / 10.0);
  }

  // --- summary.json ------------------------------------------------------------------------

  public Map<String, Object> summary() {
    var s = new LinkedHashMap<String, Object>();
    s.put("drillId", meta.drillId());
    s.put("scenario", meta.scenario().name());
    s.put("description", meta.scenario().description());
    s.put("hub", meta.hub());
    s.put("speed", meta.speed());
    s.put("seed", meta.seed());
    s.put("startedAt", meta.start().toString());
    s.put("endedAt", meta.end().toString());
    s.put("wallSeconds", Stats.round(meta.wallSeconds()));
    s.put("source", "every figure is computed from the hub's records read back over its API after the drill"
        + " (incident list filtered by drillId, each incident's read model, the schools' drill records);"
        + " durations are drill time (hub timestamps x the incident's recorded timeScale, in seconds),"
        + " except timeToDispatch, the hub's own processing, in real seconds."
        + " Only 'client' holds what the simulator itself observed.");

    var schools = new LinkedHashMap<String, Object>();
    schools.put("planned", meta.schools().size());
    schools.put("provisioned", meta.provisionedSchools());
    schools.put("takingPart", schoolsTakingPart().size());
    if (meta.scenario().schoolDrill() != null) {
      schools.put("withDrillRecord", schoolsWithDrillRecord());
    }
    s.put("schools", schools);

    var inc = new LinkedHashMap<String, Object>();
    inc.put("planned", meta.plannedIncidents());
    inc.put("acceptedBySimulatorCount", meta.created().size());
    inc.put("recorded", incidents.size());
    inc.put("listedByHub", record.listed().size());
    inc.put("listFilter", record.listFilter());
    inc.put("missingFromList", missing.size());
    inc.put("unexpectedInList", unexpected.size());
    inc.put("unreadable", record.unreadable().size());
    inc.put("byType", countBy(incidents, IncidentRow::type));
    inc.put("byLevel", countBy(incidents, IncidentRow::level));
    inc.put("byStatus", countBy(incidents, IncidentRow::status));
    s.put("incidents", inc);

    var reports = new LinkedHashMap<String, Object>();
    reports.put("initial", reportKinds.getOrDefault("INITIAL", 0));
    reports.put("continuation", reportKinds.getOrDefault("CONTINUATION", 0));
    reports.put("final", reportKinds.getOrDefault("FINAL", 0));
    s.put("reports", reports);

    var disp = new LinkedHashMap<String, Object>();
    disp.put("total", dispatches.size());
    disp.put("acknowledged", dispatches(null, d -> d.ackAt() != null));
    disp.put("acknowledgedAfterDeadline", dispatches(null, DispatchRow::late));
    disp.put("neverAcknowledged", dispatches(null, d -> d.ackAt() == null));
    disp.put("escalated", dispatches(null, DispatchRow::escalated));
    disp.put("unanswered", dispatches(null, DispatchRow::unanswered));
    disp.put("byState", countBy(dispatches, DispatchRow::state));
    s.put("dispatches", disp);
    s.put("escalations", timelineEvents("escalated"));
    s.put("unansweredDispatches", timelineEvents("unanswered"));

    var toDispatch = dispatchTime().summary();
    toDispatch.put("unit", "real seconds: the hub's own processing, not compressed by the drill's speed");
    s.put("timeToDispatch", toDispatch);
    var ack = new LinkedHashMap<String, Object>();
    var byKind = new LinkedHashMap<String, Object>();
    for (String kind : Scenario.KINDS) {
      var rows = kinds.stream().filter(k -> k.kind().equals(kind)).toList();
      if (rows.isEmpty()) {
        continue;
      }
      var m = Stats.of(rows.stream().map(KindRow::ackTime).filter(Objects::nonNull).toList()).summary();
      m.put("incidents", rows.size());
      m.put("neverAcknowledged", rows.stream().filter(k -> k.ackTime() == null).count());
      byKind.put(kind, m);
    }
    ack.put("byKind", byKind);
    var byKindTier = new ArrayList<Object>();
    ackByKindTier().forEach((kt, values) -> {
      var m = new LinkedHashMap<String, Object>();
      m.put("kind", kt.substring(0, kt.indexOf('/')));
      m.put("tier", kt.substring(kt.indexOf('/') + 1));
      m.put("dispatches", dispatchesOf(kt));
      m.put("acknowledged", values.size());
      m.put("acknowledgedAfterDeadline", dispatches(kt, DispatchRow::late));
      m.put("escalated", dispatches(kt, DispatchRow::escalated));
      m.put("unanswered", dispatches(kt, DispatchRow::unanswered));
      m.put("neverAcknowledged", dispatches(kt, d -> d.ackAt() == null));
      Map<String, Object> st = Stats.of(values).summary();
      st.remove("count");
      m.putAll(st);
      byKindTier.add(m);
    });
    ack.put("byKindTier", byKindTier);
    ack.put("note", "byKind: from the first dispatch of a kind to its first acknowledgement at any tier;"
        + " byKindTier: each acknowledged dispatch, notified -> acknowledged by that agency");
    s.put("timeToAcknowledge", ack);

    var reporting = new LinkedHashMap<String, Object>();
    reporting.put("initialReportDelay", initialReport().summary());
    reporting.put("finalReportAfterInitial", finalReport().summary());
    reporting.put("targets", targets.stream()
        .filter(t -> List.of("initialReport", "finalReport").contains(t.target().metric()))
        .map(this::targetJson).toList());
    s.put("reportingDeadlines", reporting);

    s.put("targets", targets.stream().map(this::targetJson).toList());
    s.put("targetsPassed", targets.stream().filter(TargetResult::pass).count());
    s.put("targetsFailed", targets.stream().filter(t -> !t.pass()).count());
    s.put("client", clientJson());
    return s;
  }

  private Map<String, Object> targetJson(TargetResult r) {
    var m = new LinkedHashMap<String, Object>();
    m.put("name", r.target().name());
    m.put("metric", r.target().metric());
    if (!r.target().where().isEmpty()) {
      m.put("where", r.target().where().toString());
    }
    if (r.target().isDuration()) {
      m.put("withinSeconds", r.target().within().toNanos() / 1e9);
      m.put("share", r.target().requiredShare());
      m.put("samples", r.samples());
      m.put("withinCount", r.within());
      m.put("valueSeconds", r.value() == null ? null : Stats.round(r.value()));
    } else {
      m.put("atMost", r.target().atMost());
      m.put("count", r.samples());
    }
    m.put("measured", r.measured());
    m.put("pass", r.pass());
    return m;
  }

  private Map<String, Object> clientJson() {
    var c = new LinkedHashMap<String, Object>();
    c.put("note", "observed by the simulator: latency from each request's scheduled time to its final answer"
        + " (queueing and retries included), in milliseconds; not a hub record");
    c.put("plannedRequests", meta.plannedRequests());
    c.put("reportsNeverAccepted", meta.reportsFailed());
    var kinds = new LinkedHashMap<String, Object>();
    meta.client().byKind().forEach((label, k) -> {
      var m = new LinkedHashMap<String, Object>();
      var h = k.latencyMicros();
      m.put("answers", h.getTotalCount());
      m.put("statuses", k.statuses());
      m.put("retries", k.retries());
      m.put("failures", k.failures());
      if (h.getTotalCount() > 0) {
        m.put("p50ms", h.getValueAtPercentile(50) / 1000.0);
        m.put("p95ms", h.getValueAtPercentile(95) / 1000.0);
        m.put("p99ms", h.getValueAtPercentile(99) / 1000.0);
        m.put("maxMs", h.getMaxValue() / 1000.0);
      }
      kinds.put(label, m);
    });
    c.put("requests", kinds);
    return c;
  }

  private static <T> Map<String, Long> countBy(List<T> rows, java.util.function.Function<T, String> key) {
    var m = new TreeMap<String, Long>();
    rows.forEach(r -> m.merge(key.apply(r), 1L, Long::sum));
    return m;
  }
}
