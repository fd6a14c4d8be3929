package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.schoolsafety.edge.Fixtures.created;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * What follows from prevention work, over real HTTP on a real node: early warnings on the
 * command-center stream (gapless, resumable) and in the addressed agencies' inboxes and streams;
 * a health-cluster warning turned into one ILLNESS_OUTBREAK incident, idempotently; training
 * coverage of a region from the read side; a late initial report in the execution dimension.
 */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PreventionFollowUpTest {

  static final String A = "sch-650102-001";
  static final String B = "sch-650102-002";
  static final Duration WAIT = Duration.ofSeconds(30);
  private HubNode node;
  private HubClient anonymous;

  @BeforeAll
  void start() {
    node = TestNode.start("it_prevention_follow", Map.of());
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

  HubClient staff(String school) {
    return anonymous.as(Role.SCHOOL_STAFF, school);
  }

  HubClient agency(String id) {
    return anonymous.as(Role.AGENCY, id);
  }

  HubClient cc(String region) {
    return anonymous.as(Role.COMMAND_CENTER, region);
  }

  private SseClient stream(String path, Role role, String subject, Long lastEventId) {
    return new SseClient(node.httpPort(), path, TestNode.token(role, subject), lastEventId);
  }

  private static List<String> warningIds(JsonNode inbox) {
    var ids = new ArrayList<String>();
    inbox.get("warnings").forEach(w -> ids.add(w.get("warningId").asText()));
    return ids;
  }

  // --- 1. warnings reach people ------------------------------------------------------------

  @Test
  void aClusterWarningIsOnTheCommandCenterStreamAndInTheHealthAndEducationAgenciesInboxes() throws Exception {
    try (SseClient wall = stream("/api/v1/stream/incidents?region=650102", Role.COMMAND_CENTER, "65", null)) {
      assertThat(wall.status()).isEqualTo(200);
      String w = PreventionFlowTest.clusterWarning(staff(A), cc("65"), A, "1-1");

      var raised = wall.until(e -> e.type().equals("warning")
          && e.data().get("warning").get("warningId").asText().equals(w), WAIT);
      SseClient.Event event = raised.get(raised.size() - 1);
      assertThat(event.type()).isEqualTo("warning");
      assertThat(event.data().get("seq").asLong()).isEqualTo(event.id());
      assertThat(event.data().get("warning").get("state").asText()).isEqualTo("RAISED");
      assertThat(event.data().get("warning").get("cause").asText()).isEqualTo("HEALTH_CLUSTER");
      assertThat(event.data().get("warning").get("schoolId").asText()).isEqualTo(A);

      // The county health and education agencies have it in their inboxes; the fire brigade not.
      await().atMost(WAIT).untilAsserted(() -> {
        assertThat(warningIds(agency("health-650102").get("/api/v1/agencies/health-650102/dispatches").body()))
            .contains(w);
        assertThat(warningIds(agency("education-650102").get("/api/v1/agencies/education-650102/dispatches").body()))
            .contains(w);
      });
      assertThat(warningIds(agency("fire-650102").get("/api/v1/agencies/fire-650102/dispatches").body()))
          .doesNotContain(w);
      // ... and on their own streams, replayed from their journal.
      try (SseClient desk = stream("/api/v1/agencies/health-650102/stream", Role.AGENCY, "health-650102", 0L)) {
        var got = desk.until(e -> e.type().equals("warning")
            && e.data().get("warning").get("warningId").asText().equals(w), WAIT);
        assertThat(got).isNotEmpty();
        assertThat(got.get(got.size() - 1).type()).isEqualTo("warning");
      }

      // Acknowledged by the health agency: the wall sees the new state as the next change of that warning.
      assertThat(agency("health-650102").post("/api/v1/warnings/" + w + "/acks", Map.of()).status()).isEqualTo(200);
      var acked = wall.until(e -> e.type().equals("warning")
          && e.data().get("warning").get("warningId").asText().equals(w)
          && e.data().get("warning").get("state").asText().equals("ACKNOWLEDGED"), WAIT);
      SseClient.Event ack = acked.get(acked.size() - 1);
      assertThat(ack.data().get("warning").get("acknowledgedBy").asText()).isEqualTo("agency:health-650102");
      await().atMost(WAIT).untilAsserted(() -> assertThat(
          agency("education-650102").get("/api/v1/agencies/education-650102/dispatches").body().get("warnings")
              .findValuesAsText("state")).contains("ACKNOWLEDGED"));

      // Gapless: a wall that resumes just before the raise gets the raise, then everything up to the ack, in order.
      try (SseClient resumed = stream("/api/v1/stream/incidents?region=650102", Role.COMMAND_CENTER, "6501",
          event.id() - 1)) {
        var again = resumed.until(e -> e.id() == ack.id(), WAIT);
        assertThat(again.get(0).id()).isEqualTo(event.id());
        assertThat(again.get(0).data().get("warning").get("state").asText()).isEqualTo("RAISED");
        assertThat(again.get(again.size() - 1).data().get("warning").get("state").asText()).isEqualTo("ACKNOWLEDGED");
        for (int i = 1; i < again.size(); i++) {
          assertThat(again.get(i).id()).isGreaterThan(again.get(i - 1).id());
        }
      }
    }
  }

  // --- 2. from a health-check cluster to an incident, in one call -------------------------------

  @Test
  void aClusterWarningBecomesOneIllnessOutbreakIncidentLinkedBothWays() {
    String w = PreventionFlowTest.clusterWarning(staff(A), cc("65"), A, "4-1");
    String path = "/api/v1/warnings/" + w + "/incident";

    var bad = staff(A).post(path, Map.of("reporter", Map.of("name", "", "role", "school doctor"), "level", "V"));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.contentType()).isEqualTo("application/problem+json");
    assertThat(bad.body().get("errors").findValuesAsText("field")).containsExactlyInAnyOrder("reporter.name", "level");
    assertThat(staff(B).post(path, reporter()).status()).isEqualTo(404);
    assertThat(cc("65").post(path, reporter()).status()).isEqualTo(403);
    assertThat(agency("fire-650102").post(path, reporter()).status()).isEqualTo(404);

    var first = staff(A).post(path, reporter());
    assertThat(first.status()).as(String.valueOf(first.body())).isEqualTo(201);
    String incidentId = first.body().get("incident").get("incidentId").asText();
    assertThat(first.header("Location")).isEqualTo("/api/v1/incidents/" + incidentId);
    assertThat(first.body().get("incident").get("type").asText()).isEqualTo("ILLNESS_OUTBREAK");
    assertThat(first.body().get("incident").get("mode").asText()).isEqualTo("ACTUAL");
    assertThat(first.body().get("warning").get("incidentId").asText()).isEqualTo(incidentId);
    JsonNode incident = staff(A).get("/api/v1/incidents/" + incidentId).body();
    String summary = incident.findValuesAsText("summary").get(0);
    assertThat(summary).contains(w, "3 students", "FEVER", "class 4-1");

    // Again, by the school or by the county education agency: the same incident, replayed.
    for (HubClient again : List.of(staff(A), agency("education-650102"), agency("health-650102"))) {
      var replay = again.post(path, reporter());
      assertThat(replay.status()).as(String.valueOf(replay.body())).isEqualTo(200);
      assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
      assertThat(replay.body().get("incident").get("incidentId").asText()).isEqualTo(incidentId);
    }
    // The warnings list (read side) shows the link.
    await().atMost(WAIT).untilAsserted(() -> {
      JsonNode listed = null;
      for (JsonNode each : cc("65").get("/api/v1/warnings?region=650102").body().get("warnings")) {
        if (each.get("warningId").asText().equals(w)) {
          listed = each;
        }
      }
      assertThat(listed).isNotNull();
      assertThat(listed.get("incidentId").asText()).isEqualTo(incidentId);
    });

    assertThat(staff(A).post("/api/v1/warnings/wr-999-" + A + "/incident", reporter()).status()).isEqualTo(404);
    assertThat(staff(A).post("/api/v1/warnings/not-a-warning/incident", reporter()).status()).isEqualTo(404);
  }

  @Test
  void onlyAHealthClusterWarningBecomesAnIncident() {
    created(staff(B).post("/api/v1/schools/" + B + "/inspections", PreventionFlowTest.inspection("follow-major",
        List.of(PreventionFlowTest.hazard("ELECTRICAL", "MAJOR", Instant.now().plus(Duration.ofDays(10)))))));
    String major = await().atMost(WAIT).until(() -> {
      for (JsonNode w : cc("65").get("/api/v1/warnings?region=650102").body().get("warnings")) {
        if (w.get("cause").asText().equals("MAJOR_HAZARD") && w.get("schoolId").asText().equals(B)) {
          return w.get("warningId").asText();
        }
      }
      return null;
    }, id -> id != null);
    var refused = staff(B).post("/api/v1/warnings/" + major + "/incident", reporter());
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.contentType()).isEqualTo("application/problem+json");
  }

  private static Map<String, Object> reporter() {
    return Map.of("reporter", Map.of("name", "Li Na", "role", "school doctor"), "measures", "class 4-1 isolated");
  }

  // --- 3. training coverage per region -------------------------------------------------------

  @Test
  void trainingCoveragePerSchoolAndRolledUpPerCountyCityAndProvince() {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    String trainings = "/api/v1/schools/" + A + "/trainings";
    created(staff(A).post(trainings, training("cov-1", today, "FIRE", "STAFF", 30, 2.0)));
    created(staff(A).post(trainings, training("cov-2", today.minusDays(40), "FIRST_AID", "STAFF", 20, 3.0)));
    created(staff(A).post(trainings, training("cov-3", today.minusDays(400), "FIRE", "STAFF", 80, 2.0)));
    created(staff(A).post(trainings, training("cov-4", today, "EVACUATION", "STUDENTS", 600, 1.0)));
    created(staff(A).post(trainings, training("cov-5", today, "ANTI_BULLYING", "PARENTS", 150, 1.5)));

    JsonNode coverage = await().atMost(WAIT).until(
        () -> cc("65").get("/api/v1/trainings/coverage?region=650102").body(),
        body -> body.has("schools") && body.get("schools").findValuesAsText("schoolId").contains(B)
            && school(body, A).get("parentSessions").asInt() == 1);
    // A: staff 80 (the fixture's), 50 trained in the last 12 months; the training 400 days ago does not count.
    JsonNode a = school(coverage, A);
    assertThat(a.get("staff").asInt()).isEqualTo(80);
    assertThat(a.get("staffTrained").asInt()).isEqualTo(50);
    assertThat(a.get("staffCoverage").asDouble()).isEqualTo(0.625);
    assertThat(a.get("staffSessions").asInt()).isEqualTo(2);
    assertThat(a.get("studentSessions").asInt()).isEqualTo(1);
    assertThat(a.get("studentParticipants").asInt()).isEqualTo(600);
    assertThat(a.get("parentSessions").asInt()).isEqualTo(1);
    assertThat(a.get("hoursByTopic").get("FIRE").asDouble()).isEqualTo(2.0);
    assertThat(a.get("hoursByTopic").get("FIRST_AID").asDouble()).isEqualTo(3.0);
    assertThat(a.get("hoursByTopic").get("EVACUATION").asDouble()).isEqualTo(1.0);
    JsonNode b = school(coverage, B);
    assertThat(b.get("staffTrained").asInt()).isZero();
    assertThat(b.get("staffCoverage").asDouble()).isZero();
    // Rolled up: the county, its city and its province each have both schools (160 staff, 50 trained).
    for (String region : List.of("650102", "6501", "65")) {
      JsonNode rollup = null;
      for (JsonNode r : coverage.get("regions")) {
        if (r.get("region").asText().equals(region)) {
          rollup = r;
        }
      }
      assertThat(rollup).as(region).isNotNull();
      assertThat(rollup.get("schools").asInt()).isEqualTo(2);
      assertThat(rollup.get("staff").asInt()).isEqualTo(160);
      assertThat(rollup.get("staffTrained").asInt()).isEqualTo(50);
      assertThat(rollup.get("staffCoverage").asDouble()).isEqualTo(0.313);
    }
    assertThat(coverage.get("regions").findValuesAsText("tier")).containsExactly("PROVINCE", "CITY", "COUNTY");

    // Education agencies within their jurisdiction; nobody else.
    assertThat(agency("education-650102").get("/api/v1/trainings/coverage?region=650102").status()).isEqualTo(200);
    assertThat(agency("education-650102").get("/api/v1/trainings/coverage?region=6501").status()).isEqualTo(403);
    assertThat(agency("health-650102").get("/api/v1/trainings/coverage?region=650102").status()).isEqualTo(403);
    assertThat(staff(A).get("/api/v1/trainings/coverage?region=650102").status()).isEqualTo(403);
    assertThat(cc("11").get("/api/v1/trainings/coverage?region=650102").status()).isEqualTo(403);
    var bad = cc("65").get("/api/v1/trainings/coverage?region=6&limit=0");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body().get("errors").findValuesAsText("field")).contains("region");
  }

  private static JsonNode school(JsonNode coverage, String schoolId) {
    for (JsonNode s : coverage.get("schools")) {
      if (s.get("schoolId").asText().equals(schoolId)) {
        return s;
      }
    }
    throw new AssertionError("no " + schoolId + " in " + coverage);
  }

  private static Map<String, Object> training(String id, LocalDate date, String topic, String audience, int participants,
      double hours) {
    return Map.of("trainingId", id, "date", date.toString(), "topic", topic, "audience", audience,
        "participants", participants, "hours", hours);
  }

  // --- 4. initial reports filed on time ---------------------------------------------------------

  @Test
  void anInitialReportFiledLaterThanAnHourCountsAgainstExecution() {
    var late = new LinkedHashMap<>(Fixtures.incident(B, "INJURY", "IV", "follow-late"));
    late.put("occurredAt", Instant.now().minus(3, ChronoUnit.HOURS).toString());
    created(staff(B).post("/api/v1/incidents", late));
    created(staff(B).post("/api/v1/incidents", Fixtures.incident(B, "INJURY", "IV", "follow-on-time")));
    await().atMost(WAIT).untilAsserted(() -> {
      JsonNode risk = staff(B).get("/api/v1/schools/" + B + "/risk").body();
      var codes = new ArrayList<String>();
      for (JsonNode f : risk.get("factors")) {
        if (f.get("code").asText().equals("late-initial-reports")) {
          assertThat(f.get("dimension").asText()).isEqualTo("execution");
          codes.add(f.get("code").asText());
        }
      }
      assertThat(codes).hasSize(1);
    });
  }
}
