package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.schoolsafety.edge.Fixtures.created;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * Prevention over real HTTP on a real node: an inspection with hazards, a major hazard in the
 * county education agency's inbox, rectification rejected then verified, a hazard going overdue
 * while the node is down and escalating once it is back, health checks raising a cluster warning,
 * the risk score, ranking and history, and 400s that name every bad field and change nothing.
 */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PreventionFlowTest {

  static final String A = "sch-650102-001";
  static final String B = "sch-650102-002";
  static final String KEYSPACE = "it_prevention";
  private HubNode node;
  private HubClient anonymous;

  @BeforeAll
  void start() {
    node = TestNode.start(KEYSPACE, Map.of());
    anonymous = new HubClient(node.httpPort());
    Fixtures.registerRegion(anonymous, "650102");
    HubClient operator = anonymous.as(Role.OPERATOR, "ops");
    created(Fixtures.postSchool(operator, Fixtures.school(A, "650102")));
    created(Fixtures.postSchool(operator, Fixtures.school(B, "650102")));
  }

  @AfterAll
  void stop() {
    if (node != null) {
      node.close();
    }
  }

  /** Waits up to 30 s for the read side to show what {@code assertion} expects; says what storage held if not. */
  static void awaitReadSide(ThrowingRunnable assertion) {
    ReadSideDiagnosis.awaitAsserted(KEYSPACE, Duration.ofSeconds(30), assertion);
  }

  HubClient staff(String school) {
    return anonymous.as(Role.SCHOOL_STAFF, school);
  }

  HubClient agency(String id) {
    return anonymous.as(Role.AGENCY, id);
  }

  HubClient cc() {
    return anonymous.as(Role.COMMAND_CENTER, "65");
  }

  static Map<String, Object> hazard(String category, String severity, Instant deadline) {
    return Map.of("category", category, "severity", severity, "location", "building B stairwell",
        "description", "fire door blocked", "rectification", Map.of("responsible", "Li Ming",
            "measures", "clear the stairwell", "fundingYuan", 1200, "deadline", deadline.toString(),
            "interimSafeguard", "teacher on duty"));
  }

  static Map<String, Object> inspection(String id, List<Map<String, Object>> hazards) {
    return Map.of("inspectionId", id, "date", LocalDate.now(ZoneOffset.UTC).toString(),
        "inspector", Map.of("name", "Zhang Wei", "role", "safety officer"), "areas", List.of("building B", "canteen"),
        "hazards", hazards);
  }

  /**
   * Three pupils with fever in {@code classId} today: a cluster, and its warning once the read
   * side lists it (as {@code cc} sees it); returns the warning's id.
   */
  static String clusterWarning(HubClient staff, HubClient cc, String schoolId, String classId) {
    var answer = created(staff.post("/api/v1/schools/" + schoolId + "/health-checks", Map.of(
        "date", LocalDate.now(ZoneOffset.UTC).toString(), "classId", classId, "present", 35, "absentIll", 3,
        "symptoms", Map.of("FEVER", 3))));
    String clusterId = answer.body().get("clusters").get(0).get("clusterId").asText();
    return await().atMost(Duration.ofSeconds(60)).until(() -> {
      for (JsonNode w : cc.get("/api/v1/warnings?region=" + schoolId.substring(4, 10)).body().get("warnings")) {
        if (w.get("causeId").asText().equals(clusterId) && w.get("schoolId").asText().equals(schoolId)) {
          return w.get("warningId").asText();
        }
      }
      return null;
    }, id -> id != null);
  }

  @Test
  void aMajorHazardReachesTheCountyEducationAgencyAndIsRectifiedAfterARejection() {
    var response = created(staff(A).post("/api/v1/schools/" + A + "/inspections", inspection("insp-major",
        List.of(hazard("FIRE_SAFETY", "MAJOR", Instant.now().plus(Duration.ofDays(10)))))));
    String id = response.body().get("hazards").get(0).get("hazardId").asText();
    assertThat(response.body().get("hazards").get(0).get("status").asText()).isEqualTo("OPEN");
    // the same inspection again: the same hazards, nothing new
    assertThat(staff(A).post("/api/v1/schools/" + A + "/inspections", inspection("insp-major",
        List.of(hazard("FIRE_SAFETY", "MAJOR", Instant.parse(response.body().get("hazards").get(0).get("deadline").asText())))))
        .status()).isEqualTo(201);

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
        agency("education-650102").get("/api/v1/agencies/education-650102/dispatches").body().get("hazards")
            .findValuesAsText("hazardId")).contains(id));
    awaitReadSide(() -> assertThat(
        cc().get("/api/v1/hazards?region=650102&category=FIRE_SAFETY").body().get("hazards").findValuesAsText("hazardId"))
        .contains(id));
    awaitReadSide(() -> assertThat(
        staff(A).get("/api/v1/schools/" + A + "/hazards?state=OPEN").body().get("hazards").findValuesAsText("hazardId"))
        .contains(id));
    assertThat(staff(B).get("/api/v1/schools/" + A + "/hazards").status()).isEqualTo(403);
    assertThat(staff(B).get("/api/v1/hazards/" + id).status()).isEqualTo(404);
    assertThat(staff(A).get("/api/v1/hazards?region=650102").status()).isEqualTo(403);

    assertThat(staff(A).post("/api/v1/hazards/" + id + "/rectification", Map.of("note", "cleared")).body()
        .get("status").asText()).isEqualTo("RECTIFIED");
    assertThat(agency("fire-650102").post("/api/v1/hazards/" + id + "/verification", Map.of("accepted", true)).status())
        .isEqualTo(404);
    var noReason = agency("education-650102").post("/api/v1/hazards/" + id + "/verification", Map.of("accepted", false));
    assertThat(noReason.status()).isEqualTo(400);
    assertThat(noReason.body().get("errors").findValuesAsText("field")).containsExactly("note");
    assertThat(agency("education-650102").post("/api/v1/hazards/" + id + "/verification",
        Map.of("accepted", false, "note", "closer missing")).body().get("status").asText()).isEqualTo("OPEN");
    staff(A).post("/api/v1/hazards/" + id + "/rectification", Map.of("note", "closer fitted"));
    assertThat(agency("education-650102").post("/api/v1/hazards/" + id + "/verification",
        Map.of("accepted", true, "note", "checked")).body().get("status").asText()).isEqualTo("VERIFIED");
    awaitReadSide(() -> assertThat(
        staff(A).get("/api/v1/schools/" + A + "/hazards?state=VERIFIED").body().get("hazards").findValuesAsText("hazardId"))
        .contains(id));
  }

  @Test
  void aHazardThatFellOverdueWhileTheNodeWasDownEscalatesOnceItIsBack() throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(6));
    var response = created(staff(B).post("/api/v1/schools/" + B + "/inspections", inspection("insp-late",
        List.of(hazard("ELECTRICAL", "GENERAL", deadline)))));
    String id = response.body().get("hazards").get(0).get("hazardId").asText();
    node.close();
    // The deadline falls while the node is down.
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> Instant.now().isAfter(deadline));
    node = TestNode.start(KEYSPACE, Map.of());
    anonymous = new HubClient(node.httpPort());
    // Nobody asks the hazard: remember-entities brings it back and its deadline fires.
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      JsonNode hazards = agency("education-650102").get("/api/v1/agencies/education-650102/dispatches").body().get("hazards");
      assertThat(hazards.findValuesAsText("hazardId")).contains(id);
      for (JsonNode h : hazards) {
        if (h.get("hazardId").asText().equals(id)) {
          assertThat(h.get("reason").asText()).isEqualTo("OVERDUE");
          assertThat(h.get("status").asText()).isEqualTo("OVERDUE");
        }
      }
    });
    awaitReadSide(() -> assertThat(
        cc().get("/api/v1/warnings?region=650102&state=RAISED").body().get("warnings").findValuesAsText("causeId"))
        .contains(id));
  }

  @Test
  void threeFeverCasesInOneClassOnOneDayRaiseAClusterWarning() {
    String day = LocalDate.now(ZoneOffset.UTC).toString();
    var two = created(staff(A).post("/api/v1/schools/" + A + "/health-checks", Map.of("date", day, "classId", "3-2",
        "present", 38, "absentIll", 2, "symptoms", Map.of("FEVER", 2))));
    assertThat(two.body().get("clusters")).isEmpty();
    var three = created(staff(A).post("/api/v1/schools/" + A + "/health-checks", Map.of("date", day, "session", "NOON",
        "classId", "3-2", "present", 37, "absentIll", 0, "symptoms", Map.of("FEVER", 1))));
    assertThat(three.body().get("clusters").get(0).get("cases").asInt()).isEqualTo(3);
    // personal data about children: not for other schools or fire brigades
    assertThat(staff(B).get("/api/v1/schools/" + A + "/health-checks").status()).isEqualTo(403);
    assertThat(agency("fire-650102").get("/api/v1/schools/" + A + "/health-checks").status()).isEqualTo(403);
    assertThat(agency("health-650102").get("/api/v1/schools/" + A + "/health-checks").body().get("healthChecks"))
        .hasSize(2);
    JsonNode warning = ReadSideDiagnosis.explained(KEYSPACE, () -> await().atMost(Duration.ofSeconds(30)).until(() -> {
      for (JsonNode w : cc().get("/api/v1/warnings?region=65").body().get("warnings")) {
        if (w.get("cause").asText().equals("HEALTH_CLUSTER") && w.get("schoolId").asText().equals(A)) {
          return w;
        }
      }
      return null;
    }, w -> w != null));
    var ack = agency("health-650102").post("/api/v1/warnings/" + warning.get("warningId").asText() + "/acks", Map.of());
    assertThat(ack.status()).as(String.valueOf(ack.body())).isEqualTo(200);
    assertThat(ack.body().get("state").asText()).isEqualTo("ACKNOWLEDGED");
    assertThat(agency("fire-650102").post("/api/v1/warnings/" + warning.get("warningId").asText() + "/acks", Map.of())
        .status()).isEqualTo(404);
  }

  @Test
  void riskScoreRankingAndHistory() {
    created(staff(B).post("/api/v1/schools/" + B + "/surroundings",
        Map.of("surroundingId", "road-1", "kind", "MAJOR_ROAD", "distanceMetres", 150)));
    created(staff(B).post("/api/v1/schools/" + B + "/trainings", Map.of("trainingId", "t-1",
        "date", LocalDate.now(ZoneOffset.UTC).toString(), "topic", "FIRE", "audience", "STAFF", "participants", 40,
        "hours", 2.0)));
    JsonNode risk = staff(B).get("/api/v1/schools/" + B + "/risk").body();
    assertThat(risk.get("dimensions").get("traffic").asDouble()).isEqualTo(20.0);
    assertThat(risk.get("level").asText()).isIn("BLUE", "YELLOW", "ORANGE", "RED");
    assertThat(risk.get("factors").findValuesAsText("code")).contains("nearby-MAJOR_ROAD", "training-coverage");
    assertThat(staff(B).get("/api/v1/schools/" + B + "/trainings").body().get("trainings")).hasSize(1);
    awaitReadSide(() -> assertThat(
        cc().get("/api/v1/risk?region=650102&top=10").body().get("schools").findValuesAsText("schoolId")).contains(B));
    awaitReadSide(() -> assertThat(
        staff(B).get("/api/v1/schools/" + B + "/risk/history").body().get("history").size()).isGreaterThanOrEqualTo(2));
    assertThat(staff(A).get("/api/v1/schools/" + B + "/risk").status()).isEqualTo(403);
    assertThat(anonymous.as(Role.COMMAND_CENTER, "11").get("/api/v1/risk?region=65").status()).isEqualTo(403);
  }

  @Test
  void badInputNamesEveryFieldAndChangesNothing() {
    var body = new LinkedHashMap<String, Object>(inspection("insp-bad", List.of(Map.of("category", "VOLCANO",
        "severity", "MAJOR", "location", "", "description", "x", "rectification", Map.of("responsible", "a",
            "measures", "b", "fundingYuan", -1, "deadline", "tomorrow", "interimSafeguard", "c")))));
    body.put("date", "2999-01-01");
    var bad = staff(A).post("/api/v1/schools/" + A + "/inspections", body);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.contentType()).isEqualTo("application/problem+json");
    assertThat(bad.body().get("errors").findValuesAsText("field")).containsExactlyInAnyOrder("date",
        "hazards[0].category", "hazards[0].location", "hazards[0].rectification.fundingYuan",
        "hazards[0].rectification.deadline");
    var check = staff(A).post("/api/v1/schools/" + A + "/health-checks", Map.of("date", "yesterday", "classId", "",
        "present", -1, "absentIll", 0, "symptoms", Map.of("SNEEZE", 1)));
    assertThat(check.body().get("errors").findValuesAsText("field")).containsExactlyInAnyOrder("date", "classId",
        "present", "symptoms.SNEEZE");
    assertThat(cc().get("/api/v1/hazards?region=65&state=LOST").body().get("errors").findValuesAsText("field"))
        .containsExactly("state");
    assertThat(cc().get("/api/v1/risk?region=6&top=0").status()).isEqualTo(400);
    assertThat(staff(A).get("/api/v1/schools/" + A + "/hazards").body().get("hazards").findValuesAsText("inspectionId"))
        .doesNotContain("insp-bad");
  }
}
