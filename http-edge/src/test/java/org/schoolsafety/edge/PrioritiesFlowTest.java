package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.schoolsafety.edge.Fixtures.created;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * Issue 18 item 4 over real HTTP on a real node: a small county whose best set of actions within
 * a budget is computed by hand, the cost-benefit figures of another, and the bad-input problems. Default weights and costs: a MAJOR
 * hazard 25 points, a GENERAL one 10, a fully untrained school 20 × untrained/staff, a month
 * without an evacuation drill 8; a trained staff member 300 yuan, a drill 2,000 yuan.
 */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrioritiesFlowTest {

  static final String COUNTY = "650205";
  static final String A = "sch-650205-001";
  static final String B = "sch-650205-002";
  private HubNode node;
  private HubClient anonymous;
  private String majorFire;
  private String generalTraffic;

  @BeforeAll
  void start() {
    // a camera silent for 3 s is OFFLINE here (anOfflineDeviceIsACandidate…)
    node = TestNode.start("it_priorities", Map.of("hub.sensors.offline-after.CAMERA", "3s"));
    anonymous = new HubClient(node.httpPort());
    Fixtures.registerRegion(anonymous, COUNTY);
    HubClient operator = anonymous.as(Role.OPERATOR, "ops");
    for (String school : List.of(A, B)) {
      var body = new HashMap<>(Fixtures.school(school, COUNTY));
      body.put("staff", 10);
      created(Fixtures.postSchool(operator, body));
    }
    Instant deadline = Instant.now().plus(Duration.ofDays(20));
    JsonNode inspection = created(anonymous.as(Role.SCHOOL_STAFF, A).post("/api/v1/schools/" + A + "/inspections",
        PreventionFlowTest.inspection("insp-prio", List.of(hazard("FIRE_SAFETY", "MAJOR", 5000, deadline),
            hazard("TRAFFIC", "GENERAL", 1000, deadline))))).body();
    majorFire = inspection.get("hazards").get(0).get("hazardId").asText();
    generalTraffic = inspection.get("hazards").get(1).get("hazardId").asText();
    // A trained all ten of its staff, B four of ten
    training(A, 10);
    training(B, 4);
  }

  void training(String school, int participants) {
    created(anonymous.as(Role.SCHOOL_STAFF, school).post("/api/v1/schools/" + school + "/trainings",
        Map.of("trainingId", "t-" + school, "date", LocalDate.now(ZoneOffset.UTC).toString(), "topic", "FIRE",
            "audience", "STAFF", "participants", participants, "hours", 2.0)));
  }

  static Map<String, Object> hazard(String category, String severity, long funding, Instant deadline) {
    return Map.of("category", category, "severity", severity, "location", "gate",
        "description", "needs fixing", "rectification", Map.of("responsible", "Li Ming",
            "measures", "fix it", "fundingYuan", funding, "deadline", deadline.toString(),
            "interimSafeguard", "teacher on duty"));
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

  static List<String> ids(JsonNode actions) {
    return actions.findValuesAsText("actionId");
  }

  @Test
  void theBestSetWithinTheBudgetIsTheHandComputedOne() {
    // Candidates: major fire hazard 5000 yuan / 25 points, general traffic hazard 1000 / 10,
    // B's six untrained staff 6 × 300 = 1800 / 20 × 6/10 = 12, a drill at A and at B 2000 / 8 each.
    // Within 7000: traffic + training + both drills = 6800 for 38 beats fire + training (6800, 37)
    // and fire + traffic (6000, 35).
    String url = "/api/v1/priorities?region=" + COUNTY + "&budget=7000";
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      var answer = cc("65");
      JsonNode body = answer.get(url).body();
      assertThat(body.get("candidates").asInt()).isEqualTo(5);
      assertThat(ids(body.get("chosen"))).containsExactlyInAnyOrder("hazard:" + generalTraffic, "training:" + B,
          "drill:" + A, "drill:" + B);
      assertThat(body.get("costYuan").asLong()).isEqualTo(6800);
      assertThat(body.get("riskReduction").asDouble()).isEqualTo(38.0);
      assertThat(ids(body.get("leftOut"))).containsExactly("hazard:" + majorFire);
      JsonNode fire = body.get("leftOut").get(0);
      assertThat(fire.get("costYuan").asLong()).isEqualTo(5000);
      assertThat(fire.get("riskReduction").asDouble()).isEqualTo(25.0);
      assertThat(fire.get("schoolId").asText()).isEqualTo(A);
      assertThat(fire.get("leftOutBecause").asText()).isEqualTo("the budget buys more risk reduction elsewhere");
      for (JsonNode a : body.get("chosen")) {
        if (a.get("actionId").asText().equals("training:" + B)) {
          assertThat(a.get("costYuan").asLong()).isEqualTo(1800);
          assertThat(a.get("riskReduction").asDouble()).isEqualTo(12.0);
          assertThat(a.get("reason").asText()).startsWith("6 of 10 staff not trained");
        }
      }
      assertThat(body.get("counties").get(0).get("regionCode").asText()).isEqualTo(COUNTY);
      assertThat(body.get("counties").get(0).get("costYuan").asLong()).isEqualTo(6800);
      assertThat(body.get("method").asText()).contains("knapsack");
    });
    // A bigger budget buys everything; nothing buys nothing.
    JsonNode all = cc("65").get("/api/v1/priorities?region=" + COUNTY + "&budget=20000").body();
    assertThat(all.get("costYuan").asLong()).isEqualTo(11800);
    assertThat(all.get("riskReduction").asDouble()).isEqualTo(63.0);
    assertThat(all.get("leftOut")).isEmpty();
    JsonNode none = cc("65").get("/api/v1/priorities?region=" + COUNTY + "&budget=0").body();
    assertThat(none.get("chosen")).isEmpty();
    assertThat(none.get("leftOut").findValuesAsText("leftOutBecause")).contains("costs more than the whole budget");
  }

  @Test
  void anOfflineDeviceIsACandidateAtTheReconnectionCostAndFollowsItsStateChanges() {
    String county = "650207";
    String school = "sch-650207-001";
    var body = new HashMap<>(Fixtures.school(school, county));
    body.put("staff", 10);
    created(Fixtures.postSchool(anonymous.as(Role.OPERATOR, "ops"), body));
    HubClient staff = staff(school);
    created(staff.post("/api/v1/schools/" + school + "/devices", SensorsTest.device("cam-P-1", "CAMERA", "P")));
    String actionId = "device:" + school + ":cam-P-1";
    // The camera sends nothing: after 3 s the school turns it OFFLINE, and the read side lists it.
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      JsonNode device = staff.get("/api/v1/schools/" + school + "/devices").body().get("devices").get(0);
      assertThat(device.get("state").asText()).isEqualTo("OFFLINE");
      JsonNode plan = cc("65").get("/api/v1/priorities?region=" + county + "&budget=100000").body();
      JsonNode reconnect = action(plan.get("chosen"), actionId);
      assertThat(reconnect).as("chosen: %s", plan.get("chosen")).isNotNull();
      assertThat(reconnect.get("kind").asText()).isEqualTo("RECONNECT_DEVICE");
      assertThat(reconnect.get("costYuan").asLong()).isEqualTo(500);
      assertThat(reconnect.get("riskReduction").asDouble()).isEqualTo(10.0);
      assertThat(reconnect.get("dimension").asText()).isEqualTo("execution");
      assertThat(reconnect.get("reason").asText()).contains("CAMERA device cam-P-1 offline since");
    });
    // Too small a budget leaves it out, saying why.
    JsonNode poor = cc("65").get("/api/v1/priorities?region=" + county + "&budget=100").body();
    assertThat(action(poor.get("leftOut"), actionId).get("leftOutBecause").asText())
        .isEqualTo("costs more than the whole budget");
    // Its next reading brings it back ACTIVE; silent again, it goes OFFLINE again, and the
    // candidate follows: offline since after that reading.
    Instant reading = Instant.now();
    HubClient gateway = anonymous.as(Role.SENSOR_GATEWAY, school);
    assertThat(gateway.post("/api/v1/sensors/readings", SensorsTest.batch(school, List.of(Map.of("sensorId", "cam-P-1",
        "kind", "CAMERA", "label", "CROWDING", "confidence", 0.1, "at", reading.toString())))).status())
        .isEqualTo(202);
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      JsonNode plan = cc("65").get("/api/v1/priorities?region=" + county + "&budget=100000").body();
      JsonNode reconnect = action(plan.get("chosen"), actionId);
      assertThat(reconnect).isNotNull();
      String reason = reconnect.get("reason").asText();
      int at = reason.indexOf(" since ") + " since ".length();
      Instant since = Instant.parse(reason.substring(at, reason.indexOf(": ", at)));
      assertThat(since).isAfter(reading);
    });
  }

  static JsonNode action(JsonNode actions, String actionId) {
    for (JsonNode a : actions) {
      if (a.get("actionId").asText().equals(actionId)) {
        return a;
      }
    }
    return null;
  }

  @Test
  void badRegionAndBudgetAreNamed() {
    var answer = cc("65").get("/api/v1/priorities?region=6x&budget=-5");
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.body().get("errors").findValuesAsText("field")).containsExactly("region", "budget");
    assertThat(cc("65").get("/api/v1/priorities?region=65").body().get("errors").findValuesAsText("field"))
        .containsExactly("budget");
    assertThat(cc("65").get("/api/v1/priorities?region=65&budget=99999999999").body().get("errors")
        .findValuesAsText("field")).containsExactly("budget");
    // a command center outside the region
    assertThat(cc("6502").get("/api/v1/priorities?region=6501&budget=100").status()).isEqualTo(403);
  }

  @Test
  void costBenefitShowsTheWindowsSpendingBesideWhatMoved() {
    String county = "650206";
    String c1 = "sch-650206-001";
    String c2 = "sch-650206-002";
    Fixtures.registerRegion(anonymous, county);
    HubClient operator = anonymous.as(Role.OPERATOR, "ops");
    created(Fixtures.postSchool(operator, Fixtures.school(c1, county))); // 1200 students
    var small = new HashMap<>(Fixtures.school(c2, county));
    small.put("students", 800);
    created(Fixtures.postSchool(operator, small));
    LocalDate today = LocalDate.now(java.time.ZoneId.of("Asia/Shanghai"));
    HubClient staff1 = anonymous.as(Role.SCHOOL_STAFF, c1);
    for (var item : List.of(List.of("cb-1", today.toString(), "BUILDING", "5000.50"),
        List.of("cb-2", today.toString(), "TRAINING", "1200"), List.of("cb-old", "2025-01-15", "OTHER", "999"))) {
      var investment = new HashMap<String, Object>(Map.of("investmentId", item.get(0),
          "date", item.get(1), "category", item.get(2), "amountCny", new java.math.BigDecimal(item.get(3))));
      if (item.get(0).equals("cb-1")) {
        investment.put("programme", "smoke 2026");
      }
      created(staff1.post("/api/v1/schools/" + c1 + "/investments", investment));
    }
    String i1 = created(staff1.post("/api/v1/incidents", Fixtures.incident(c1, "FIRE", "IV", "cb-i1")))
        .body().get("incidentId").asText();
    // the latest figures count: 2 injured in the initial report, then 3 injured and 1 missing
    assertThat(staff1.post("/api/v1/incidents/" + i1 + "/reports", Map.of("kind", "CONTINUATION",
        "summary", "one more pupil hurt", "casualties", Map.of("dead", 0, "injured", 3, "missing", 1))).status())
        .isEqualTo(201);
    created(anonymous.as(Role.SCHOOL_STAFF, c2).post("/api/v1/incidents", Fixtures.incident(c2, "FIRE", "IV", "cb-i2")));
    created(staff1.post("/api/v1/schools/" + c1 + "/inspections", PreventionFlowTest.inspection("insp-cb",
        List.of(hazard("BUILDING", "GENERAL", 800, Instant.now().plus(Duration.ofDays(20)))))));

    String month = java.time.YearMonth.from(today).toString();
    String url = "/api/v1/cost-benefit?region=" + county + "&from=" + month + "&to=" + month;
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      JsonNode body = cc("65").get(url).body();
      // 5000.50 + 1200 in the window; the 2025 item is outside it
      assertThat(body.get("spending").get("investments").asInt()).isEqualTo(2);
      assertThat(body.get("spending").get("totalCny").decimalValue()).isEqualByComparingTo("6200.50");
      assertThat(body.get("spending").get("byCategory").get("BUILDING").decimalValue()).isEqualByComparingTo("5000.50");
      // 2 incidents among 1200 + 800 students: 1.00 per 1,000; none in the month before
      assertThat(body.get("incidents").get("students").asInt()).isEqualTo(2000);
      assertThat(body.get("incidents").get("inWindow").asInt()).isEqualTo(2);
      assertThat(body.get("incidents").get("per1000StudentsInWindow").decimalValue()).isEqualByComparingTo("1.00");
      assertThat(body.get("incidents").get("inWindowBefore").asInt()).isEqualTo(0);
      // casualties (dead and injured, latest figures): 3 at C1 and 2 at C2 among 2000 students
      assertThat(body.get("incidents").get("casualtiesInWindow").asInt()).isEqualTo(5);
      assertThat(body.get("incidents").get("casualtiesPer1000StudentsInWindow").decimalValue())
          .isEqualByComparingTo("2.50");
      assertThat(body.get("incidents").get("casualtiesInWindowBefore").asInt()).isEqualTo(0);
      assertThat(body.get("incidents").get("casualtiesByKind").get("inWindow").get("missing").asInt()).isEqualTo(1);
      assertThat(body.get("incidents").get("withoutCasualtyFigures").asInt()).isEqualTo(0);
      assertThat(body.get("hazardsOpen").get("atStart").asInt()).isEqualTo(0);
      assertThat(body.get("hazardsOpen").get("atEnd").asInt()).isEqualTo(1);
      // the risk figures are the means of each scored school's first and last score of the month
      // (C1's inspection gives it a score; a school with no score yet is not compared)
      double start = 0;
      double end = 0;
      int scored = 0;
      for (String school : List.of(c1, c2)) {
        JsonNode history = staff(school).get("/api/v1/schools/" + school + "/risk/history?limit=100").body().get("history");
        if (history.size() > 0) {
          scored++;
          end += history.get(0).get("overall").asDouble();
          start += history.get(history.size() - 1).get("overall").asDouble();
        }
      }
      assertThat(scored).isGreaterThan(0);
      start /= scored;
      end /= scored;
      assertThat(body.get("risk").get("schoolsCompared").asInt()).isEqualTo(scored);
      assertThat(body.get("risk").get("atStart").get("overall").asDouble()).isCloseTo(start, within(0.051));
      assertThat(body.get("risk").get("atEnd").get("overall").asDouble()).isCloseTo(end, within(0.051));
      assertThat(body.get("method").asText()).contains("risk history");
      assertThat(body.get("limits").get(0).asText()).startsWith("Correlation, not causation");
    });
    // a programme's view: its spending, and what moved at the schools that spent on it (C1 alone):
    // 1 incident among 1200 students is 0.83 per 1,000
    JsonNode programme = cc("65").get(url + "&programme=smoke%202026").body();
    assertThat(programme.get("programme").asText()).isEqualTo("smoke 2026");
    assertThat(programme.get("spending").get("totalCny").decimalValue()).isEqualByComparingTo("5000.50");
    assertThat(programme.get("incidents").get("schools").asInt()).isEqualTo(1);
    assertThat(programme.get("incidents").get("students").asInt()).isEqualTo(1200);
    assertThat(programme.get("incidents").get("inWindow").asInt()).isEqualTo(1);
    assertThat(programme.get("incidents").get("per1000StudentsInWindow").decimalValue()).isEqualByComparingTo("0.83");
    assertThat(programme.get("incidents").get("casualtiesPer1000StudentsInWindow").decimalValue())
        .isEqualByComparingTo("2.50");
    assertThat(programme.get("hazardsOpen").get("atEnd").asInt()).isEqualTo(1);
    assertThat(cc("65").get(url + "&programme=nothing%20spent").body().get("incidents").get("schools").asInt())
        .isEqualTo(0);
    var bad = cc("65").get("/api/v1/cost-benefit?region=6x&from=2026-13&to=2025-01");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body().get("errors").findValuesAsText("field")).containsExactly("region", "from");
    assertThat(cc("65").get("/api/v1/cost-benefit?region=65&from=2026-05&to=2026-04").body().get("errors")
        .findValuesAsText("field")).containsExactly("to");
  }

  HubClient staff(String school) {
    return anonymous.as(Role.SCHOOL_STAFF, school);
  }
}
