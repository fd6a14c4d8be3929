package org.schoolsafety.sim.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schoolsafety.sim.hub.ClientStats;
import org.schoolsafety.sim.scenario.Scenario;
import org.schoolsafety.sim.scenario.ScenarioParser;

/** Figures from hand-made hub records: drill-time scaling, escalations from the timeline, targets. */
class FiguresTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T = Instant.parse("2026-11-29T08:00:00Z");

  private static String at(double seconds) {
    return T.plusNanos((long) (seconds * 1e9)).toString();
  }

  private static Map<String, Object> dispatch(String agency, String kind, String tier, String state, double notified,
      Double ack) {
    var d = new TreeMap<String, Object>();
    d.put("agencyId", agency);
    d.put("kind", kind);
    d.put("tier", tier);
    d.put("state", state);
    d.put("notifiedAt", at(notified));
    d.put("deadline", at(notified + 5));
    d.put("ackAt", ack == null ? null : at(ack));
    return d;
  }

  private static Map<String, Object> obj(Object... keysAndValues) {
    var m = new java.util.LinkedHashMap<String, Object>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  private static Map<String, Object> event(String event, double when, String detail) {
    return Map.of("event", event, "at", at(when), "by", "hub", "detail", detail);
  }

  /** A: escalated fire (county silent, city acks), education acked, final report; B: cancelled, never acked. */
  private static Map<String, JsonNode> incidents() {
    var a = obj("incidentId", "inc-a", "schoolId", "sch-1", "regionCode", "650102", "type", "FIRE", "level", "II",
        "status", "CLOSED", "timeScale", 60.0, "reportedAt", at(0), "occurredAt", at(-10),
        "reports", List.of(Map.of("kind", "INITIAL", "at", at(0)), Map.of("kind", "FINAL", "at", at(60))),
        "dispatches", List.of(
            dispatch("fire-650102", "FIRE", "COUNTY", "ESCALATED", 0.1, null),
            dispatch("fire-6501", "FIRE", "CITY", "ACKNOWLEDGED", 5.2, 6.2),
            dispatch("edu-650102", "EDUCATION", "COUNTY", "ACKNOWLEDGED", 0.1, 1.1)),
        "timeline", List.of(event("reported", 0, ""), event("dispatched", 0.1, ""),
            event("escalated", 5.2, "FIRE: fire-650102 did not acknowledge in time; notified fire-6501 (CITY)"),
            event("acknowledged", 1.1, ""), event("acknowledged", 6.2, ""), event("resolved", 60, ""),
            event("closed", 70, "")));
    var b = obj("incidentId", "inc-b", "schoolId", "sch-2", "regionCode", "650102", "type", "OTHER", "level", "IV",
        "status", "CANCELLED", "timeScale", 60.0, "reportedAt", at(20), "occurredAt", at(20),
        "reports", List.of(Map.of("kind", "INITIAL", "at", at(20))),
        "dispatches", List.of(dispatch("edu-650102", "EDUCATION", "COUNTY", "NOTIFIED", 20.3, null)),
        "timeline", List.of(event("reported", 20, ""), event("dispatched", 20.3, ""), event("cancelled", 30, "")));
    var map = new TreeMap<String, JsonNode>();
    map.put("inc-a", JSON.valueToTree(a));
    map.put("inc-b", JSON.valueToTree(b));
    return map;
  }

  private static Figures figures() {
    Scenario scenario = ScenarioParser.parse("""
        { "name": "f", "schools": { "list": ["sch-1", "sch-2"] },
          "incidents": [ { "type": "FIRE", "count": 2, "summary": "s" } ],
          "targets": [
            { "metric": "ackTime", "within": "5m", "share": 0.5 },
            { "metric": "ackTime", "where": { "kind": "EDUCATION" }, "within": "2m" },
            { "metric": "dispatchTime", "within": "1s" },
            { "metric": "initialReport", "within": "10m" },
            { "metric": "finalReport", "within": "1h" },
            { "metric": "escalations", "where": { "kind": "FIRE", "tier": "COUNTY" }, "atMost": 0 },
            { "metric": "unacknowledged", "atMost": 2 },
            { "metric": "missingIncidents", "atMost": 0 } ] }
        """, "f.json");
    var meta = new DrillMeta("d1", scenario, "http://hub", 60, 1, T.minusSeconds(1), T.plusSeconds(100), 101,
        List.of("sch-1", "sch-2"), 0, 2, 8, Set.of("inc-a", "inc-b", "inc-c"), 0, new ClientStats());
    var record = new DrillRecord(incidents(), Set.of("inc-a", "inc-b"), "hub", List.of(), Map.of(), T.plusSeconds(200));
    return Figures.compute(meta, record);
  }

  @Test
  void durationsAreDrillTimeExceptTheHubsOwnProcessing() {
    Figures f = figures();
    var a = f.incidents.stream().filter(i -> i.incidentId().equals("inc-a")).findFirst().orElseThrow();
    assertThat(a.dispatchTime()).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-9)); // real seconds
    assertThat(a.initialReport()).isCloseTo(600, org.assertj.core.data.Offset.offset(1e-6)); // 10 s x 60
    assertThat(a.finalReport()).isCloseTo(3600, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(f.kinds).filteredOn(k -> k.incidentId().equals("inc-a") && k.kind().equals("FIRE"))
        .singleElement().satisfies(k -> assertThat(k.ackTime()).isCloseTo(366, org.assertj.core.data.Offset.offset(1e-6)));
  }

  @Test
  void escalationsComeFromTheRecordedDispatchesAndTimeline() {
    Map<String, Object> s = figures().summary();
    assertThat(s.get("escalations")).isEqualTo(1L);
    assertThat(s.get("unansweredDispatches")).isEqualTo(0L);
    @SuppressWarnings("unchecked")
    var d = (Map<String, Object>) s.get("dispatches");
    assertThat(d).containsEntry("total", 4).containsEntry("acknowledged", 2L).containsEntry("neverAcknowledged", 2L)
        .containsEntry("escalated", 1L);
    @SuppressWarnings("unchecked")
    var inc = (Map<String, Object>) s.get("incidents");
    assertThat(inc).containsEntry("recorded", 2).containsEntry("missingFromList", 1);
  }

  @Test
  void targetsAreJudgedOnShareAndCount() {
    var results = figures().targets;
    assertThat(results).extracting(Figures.TargetResult::pass)
        .containsExactly(false, false, true, true, true, false, true, false);
    // 3 samples (fire 366 s, education 60 s, education never): 1 within 5 min < 50 %, value at 50 % is 366 s
    assertThat(results.get(0).samples()).isEqualTo(3);
    assertThat(results.get(0).within()).isEqualTo(1);
    assertThat(results.get(0).value()).isCloseTo(366, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(results.get(1).measured()).isEqualTo("max never, 1/2 within 2m00s");
    // the cancelled incident has no final report and is not counted against finalReport
    assertThat(results.get(4).samples()).isEqualTo(1);
  }

  @Test
  void theReportDirectoryHoldsHtmlJsonAndCsv(@TempDir Path dir) throws Exception {
    ReportWriter.write(dir, figures());
    assertThat(Files.readString(dir.resolve("report.html"))).contains("<svg", "FAIL", "PASS").doesNotContain("<script");
    assertThat(JSON.readTree(dir.resolve("summary.json").toFile()).get("drillId").asText()).isEqualTo("d1");
    assertThat(Files.readAllLines(dir.resolve("events.csv"))).hasSize(1 + 10);
    assertThat(Files.readAllLines(dir.resolve("dispatches.csv"))).hasSize(1 + 4);
  }
}
