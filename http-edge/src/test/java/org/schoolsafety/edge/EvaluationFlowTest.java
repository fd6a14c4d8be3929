package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.schoolsafety.edge.Fixtures.created;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * Issue 18 over real HTTP on a real node: reporting deadlines on the incident read model (an
 * initial report 61 minutes after occurrence is late, 59 minutes on time), the monthly evaluation
 * of a county with its finding and roll-ups, safety spending recorded idempotently and rolled up
 * by region and category, and who may see what.
 */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvaluationFlowTest {

  static final String COUNTY = "650203";
  static final String A = "sch-650203-001";
  static final String B = "sch-650203-002";
  private HubNode node;
  private HubClient anonymous;

  @BeforeAll
  void start() {
    // A MEDIUM tip (bullying) must be triaged within 10 s here, so that one can go overdue in the test.
    node = TestNode.start("it_evaluation", Map.of("hub.tip.response-deadline.MEDIUM", "10s"));
    anonymous = new HubClient(node.httpPort());
    Fixtures.registerRegion(anonymous, COUNTY);
    HubClient operator = anonymous.as(Role.OPERATOR, "ops");
    created(Fixtures.postSchool(operator, Fixtures.school(A, COUNTY)));
    created(Fixtures.postSchool(operator, Fixtures.school(B, COUNTY)));
  }

  @AfterAll
  void stop() {
    if (node != null) {
      node.close();
    }
  }

  HubClient cc(String region) {
    return anonymous.as(Role.COMMAND_CENTER, region);
  }

  static Map<String, Object> reportedMinutesAfter(String school, String level, long minutes, String ref) {
    var body = new LinkedHashMap<>(Fixtures.incident(school, "FIRE", level, ref));
    body.put("occurredAt", Instant.now().minus(Duration.ofMinutes(minutes)).toString());
    return body;
  }

  static JsonNode deadline(JsonNode incident, String name) {
    for (JsonNode d : incident.get("reportingDeadlines")) {
      if (d.get("name").asText().equals(name)) {
        return d;
      }
    }
    throw new AssertionError("no deadline " + name + " in " + incident.get("reportingDeadlines"));
  }

  @Test
  void lateAndTimelyInitialReportsShowOnTheIncidentAndInTheCountysEvaluation() {
    HubClient staffA = anonymous.as(Role.SCHOOL_STAFF, A);
    var late = created(staffA.post("/api/v1/incidents", reportedMinutesAfter(A, "IV", 61, "eval-late")));
    var timely = created(anonymous.as(Role.SCHOOL_STAFF, B).post("/api/v1/incidents",
        reportedMinutesAfter(B, "II", 59, "eval-timely")));
    String lateId = late.body().get("incidentId").asText();
    String timelyId = timely.body().get("incidentId").asText();

    // The read side folds the reports in; the incident's read model judges them.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      JsonNode incident = cc("65").get("/api/v1/incidents/" + lateId).body();
      assertThat(deadline(incident, "initial").get("met").asBoolean()).isFalse();
      assertThat(Instant.parse(deadline(incident, "initial").get("doneAt").asText()))
          .isAfter(Instant.parse(deadline(incident, "initial").get("due").asText()));
    });
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      JsonNode incident = cc("65").get("/api/v1/incidents/" + timelyId).body();
      assertThat(deadline(incident, "initial").get("met").asBoolean()).isTrue();
      // level II: the quick report was due 30 minutes after occurrence, and this one came at 59
      assertThat(deadline(incident, "quick").get("met").asBoolean()).isFalse();
      assertThat(deadline(incident, "continuation-1").get("met").isNull()).isTrue();
      assertThat(deadline(incident, "final").get("met").isNull()).isTrue();
    });

    // The lists show them too, judged from the same rows.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      JsonNode listed = null;
      for (JsonNode i : cc("65").get("/api/v1/incidents?region=" + COUNTY).body().get("incidents")) {
        if (i.get("incidentId").asText().equals(lateId)) {
          listed = i;
        }
      }
      assertThat(listed).isNotNull();
      assertThat(deadline(listed, "initial").get("met").asBoolean()).isFalse();
    });

    String month = YearMonth.from(Instant.parse(late.body().get("reportedAt").asText())
        .atZone(ZoneId.of("Asia/Shanghai"))).toString();
    String url = "/api/v1/evaluations?region=" + COUNTY + "&month=" + month;
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      var answer = cc("65").get(url);
      assertThat(answer.status()).isEqualTo(200);
      JsonNode county = rollup(answer.body(), COUNTY);
      assertThat(county.get("initialReports").asInt()).isEqualTo(2);
      assertThat(county.get("initialReportsLate").asInt()).isEqualTo(1);
      assertThat(county.get("quickReportsLate").asInt()).isEqualTo(1);
      assertThat(county.get("drillsRequired").asInt()).isEqualTo(2);
      // training coverage over the twelve months that end with the month: none recorded here
      assertThat(answer.body().get("trainingCoverage").isObject()).isTrue();
      int schoolsLate = 0;
      for (JsonNode s : answer.body().get("schools")) {
        schoolsLate += s.get("initialReportsLate").asInt();
      }
      assertThat(schoolsLate).isEqualTo(1);
      JsonNode finding = null;
      for (JsonNode f : answer.body().get("findings")) {
        if (f.get("rule").asText().equals("initial-reports-late")) {
          finding = f;
        }
      }
      assertThat(finding).isNotNull();
      assertThat(finding.get("text").asText()).isEqualTo("1 of 2 initial reports from county 650203 were late.");
      assertThat(finding.get("incidentIds").get(0).asText()).isEqualTo(lateId);
    });

    // Who may read it: the province's and the county's command centers, the county's education agency.
    assertThat(cc(COUNTY).get(url).status()).isEqualTo(200);
    assertThat(anonymous.as(Role.AGENCY, "education-" + COUNTY).get(url).status()).isEqualTo(200);
    assertThat(anonymous.as(Role.AGENCY, "fire-" + COUNTY).get(url).status()).isEqualTo(403);
    assertThat(cc("11").get(url).status()).isEqualTo(403);
    assertThat(staffA.get(url).status()).isEqualTo(403);
    assertThat(anonymous.as(Role.AGENCY, "education-" + COUNTY).get("/api/v1/evaluations?region=65&month=" + month)
        .status()).isEqualTo(403);
  }

  @Test
  void tipsAnsweredInTimeAndLateCountPerSchoolAndCounty() {
    String inTime = created(anonymous.post("/api/v1/tips", TipFlowTest.tip(A, "BULLYING", "eval tip one")))
        .body().get("tipId").asText();
    String untriaged = created(anonymous.post("/api/v1/tips", TipFlowTest.tip(B, "BULLYING", "eval tip two")))
        .body().get("tipId").asText();
    String triagedLate = created(anonymous.post("/api/v1/tips", TipFlowTest.tip(B, "BULLYING", "eval tip three")))
        .body().get("tipId").asText();
    var triage = Map.of("priority", "MEDIUM", "status", "IN_PROGRESS");
    assertThat(anonymous.as(Role.SCHOOL_STAFF, A).post("/api/v1/tips/" + inTime + "/triage", triage).status())
        .isEqualTo(200);
    // The other two pass their 10 s deadline untriaged; then one of them is triaged, late.
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
        cc("65").get("/api/v1/tips?region=" + COUNTY + "&state=open").body().get("tips").findValues("overdue").stream()
            .filter(JsonNode::asBoolean).count()).isEqualTo(2));
    assertThat(anonymous.as(Role.SCHOOL_STAFF, B).post("/api/v1/tips/" + triagedLate + "/triage", triage).status())
        .isEqualTo(200);

    String month = YearMonth.now(ZoneId.of("Asia/Shanghai")).toString();
    String url = "/api/v1/evaluations?region=" + COUNTY + "&month=" + month;
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      JsonNode answer = cc("65").get(url).body();
      JsonNode county = rollup(answer, COUNTY);
      assertThat(county.get("tipsReceived").asInt()).isEqualTo(3);
      assertThat(county.get("tipsAnsweredInTime").asInt()).isEqualTo(1);
      assertThat(county.get("tipsLate").asInt()).isEqualTo(2);
      JsonNode a = school(answer, A);
      assertThat(a.get("tipsReceived").asInt()).isEqualTo(1);
      assertThat(a.get("tipsAnsweredInTime").asInt()).isEqualTo(1);
      assertThat(a.get("tipsLate").asInt()).isZero();
      JsonNode b = school(answer, B);
      assertThat(b.get("tipsReceived").asInt()).isEqualTo(2);
      assertThat(b.get("tipsLate").asInt()).isEqualTo(2);
      JsonNode finding = null;
      for (JsonNode f : answer.get("findings")) {
        if (f.get("rule").asText().equals("tips-late")) {
          finding = f;
        }
      }
      assertThat(finding).isNotNull();
      assertThat(finding.get("text").asText()).isEqualTo("2 of 3 tips received in county " + COUNTY + " in " + month
          + " were not answered (triaged) in time.");
      assertThat(finding.get("tipIds").toString()).contains(untriaged).contains(triagedLate).doesNotContain(inTime);
      assertThat(finding.get("schoolIds").toString()).contains(B).doesNotContain(A);
    });
  }

  static JsonNode school(JsonNode evaluation, String schoolId) {
    for (JsonNode s : evaluation.get("schools")) {
      if (s.get("schoolId").asText().equals(schoolId)) {
        return s;
      }
    }
    throw new AssertionError("no school " + schoolId + " in " + evaluation);
  }

  static JsonNode rollup(JsonNode evaluation, String code) {
    for (JsonNode r : evaluation.get("rollups")) {
      if (r.get("regionCode").asText().equals(code)) {
        return r;
      }
    }
    throw new AssertionError("no rollup " + code + " in " + evaluation);
  }

  @Test
  void badEvaluationQueriesNameEveryBadField() {
    var answer = cc("65").get("/api/v1/evaluations?region=6x&month=2026-13");
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.contentType()).isEqualTo("application/problem+json");
    assertThat(answer.body().get("errors").findValuesAsText("field")).containsExactly("region", "month");
    assertThat(cc("65").get("/api/v1/evaluations?region=65").body().get("errors").findValuesAsText("field"))
        .containsExactly("month");
    assertThat(cc("65").get("/api/v1/evaluations?region=65&month=1999-12").status()).isEqualTo(400);
  }

  static Map<String, Object> investment(String id, String amount, String category) {
    var body = new LinkedHashMap<String, Object>();
    body.put("investmentId", id);
    body.put("date", java.time.LocalDate.now(ZoneId.of("Asia/Shanghai")).minusDays(1).toString());
    body.put("category", category);
    body.put("amountCny", new java.math.BigDecimal(amount));
    body.put("programme", "smoke detectors");
    return body;
  }

  @Test
  void spendingIsRecordedOnceListedPerSchoolAndRolledUpByRegionAndCategory() {
    HubClient staffA = anonymous.as(Role.SCHOOL_STAFF, A);
    String path = "/api/v1/schools/" + A + "/investments";
    var first = created(staffA.post(path, investment("inv-1", "12500.50", "SENSORS")));
    assertThat(first.body().get("amountCny").decimalValue()).isEqualByComparingTo("12500.50");
    var again = staffA.post(path, investment("inv-1", "12500.50", "SENSORS"));
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.raw().headers().firstValue("Idempotent-Replayed")).contains("true");
    assertThat(staffA.post(path, investment("inv-1", "99", "SENSORS")).status()).isEqualTo(409);
    // The county's education agency may record for the school; the city's may not; nor another school.
    created(anonymous.as(Role.AGENCY, "education-" + COUNTY).post(path, investment("inv-2", "0.01", "TRAINING")));
    assertThat(anonymous.as(Role.AGENCY, "education-6502").post(path, investment("inv-3", "1", "OTHER")).status())
        .isEqualTo(403);
    assertThat(anonymous.as(Role.SCHOOL_STAFF, B).post(path, investment("inv-3", "1", "OTHER")).status())
        .isEqualTo(403);
    created(anonymous.as(Role.SCHOOL_STAFF, B).post("/api/v1/schools/" + B + "/investments",
        investment("inv-b", "100", "SENSORS")));

    var bad = staffA.post(path, Map.of("investmentId", "bad id!", "date", "yesterday", "category", "GOLD",
        "amountCny", -1, "hazardId", "<script>"));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body().get("errors").findValuesAsText("field"))
        .containsExactly("investmentId", "date", "category", "amountCny", "hazardId");
    assertThat(staffA.post(path, investment("inv-4", "1.001", "OTHER")).body().get("errors").findValuesAsText("field"))
        .containsExactly("amountCny");

    JsonNode list = staffA.get(path).body().get("investments");
    assertThat(list.findValuesAsText("investmentId")).containsExactlyInAnyOrder("inv-1", "inv-2");
    assertThat(anonymous.as(Role.SCHOOL_STAFF, B).get(path).status()).isEqualTo(403);

    int year = java.time.LocalDate.now(ZoneId.of("Asia/Shanghai")).minusDays(1).getYear();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      JsonNode rollups = cc("65").get("/api/v1/investments?region=65&year=" + year).body();
      assertThat(rollups.get("investments").asInt()).isEqualTo(3);
      assertThat(rollups.get("totalCny").decimalValue()).isEqualByComparingTo("12600.51");
      assertThat(rollups.get("byCategory").get("SENSORS").decimalValue()).isEqualByComparingTo("12600.50");
      assertThat(rollups.get("byCategory").get("TRAINING").decimalValue()).isEqualByComparingTo("0.01");
      assertThat(rollup(rollups, COUNTY).get("totalCny").decimalValue()).isEqualByComparingTo("12600.51");
      assertThat(rollup(rollups, "6502").get("totalCny").decimalValue()).isEqualByComparingTo("12600.51");
    });
    assertThat(cc("11").get("/api/v1/investments?region=65&year=" + year).status()).isEqualTo(403);
    assertThat(cc("65").get("/api/v1/investments?region=65&year=20x6").body().get("errors").findValuesAsText("field"))
        .containsExactly("year");
  }
}
