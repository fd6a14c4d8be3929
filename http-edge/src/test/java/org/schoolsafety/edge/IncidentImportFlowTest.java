package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.schoolsafety.edge.Fixtures.created;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.YearMonth;
import java.time.ZoneId;
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
 * Issue 18 item 6 over real HTTP: an operator imports a region's closed incidents from its
 * previous system, and the evaluation of that past month counts them with the right on-time and
 * late figures; nothing reaches an agency's inbox; bad, open and future records are refused
 * naming the field and change nothing; only operators may import.
 */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IncidentImportFlowTest {

  static final String COUNTY = "650203";
  static final String A = "sch-650203-001";
  static final String B = "sch-650203-002";
  static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  /** Two months ago, on the 15th at 10:00 in the hub's zone: well inside one evaluation month. */
  static final YearMonth MONTH = YearMonth.now(SHANGHAI).minusMonths(2);
  static final Instant OCCURRED = MONTH.atDay(15).atTime(LocalTime.of(10, 0)).atZone(SHANGHAI).toInstant();

  private HubNode node;
  private HubClient anonymous;
  private HubClient operator;

  @BeforeAll
  void start() {
    node = TestNode.start("it_imports", Map.of());
    anonymous = new HubClient(node.httpPort());
    Fixtures.registerRegion(anonymous, COUNTY);
    operator = anonymous.as(Role.OPERATOR, "ops");
    created(Fixtures.postSchool(operator, Fixtures.school(A, COUNTY)));
    created(Fixtures.postSchool(operator, Fixtures.school(B, COUNTY)));
  }

  @AfterAll
  void stop() {
    if (node != null) {
      node.close();
    }
  }

  static String at(long minutesAfterOccurrence) {
    return OCCURRED.plus(Duration.ofMinutes(minutesAfterOccurrence)).toString();
  }

  /** A level IV injury reported {@code reportedAfter} minutes after it happened, resolved 2 h later, closed. */
  static Map<String, Object> record(String school, String ref, long reportedAfter) {
    var body = new LinkedHashMap<String, Object>();
    body.put("clientRef", ref);
    body.put("schoolId", school);
    body.put("type", "INJURY");
    body.put("level", "IV");
    body.put("mode", "ACTUAL");
    body.put("occurredAt", at(0));
    body.put("receivedAt", at(reportedAfter));
    body.put("summary", "a pupil fell from the climbing frame");
    body.put("casualties", Map.of("dead", 0, "injured", 1, "missing", 0));
    body.put("reporter", Map.of("name", "Li Na", "role", "teacher"));
    body.put("reports", List.of(Map.of("kind", "FINAL", "at", at(reportedAfter + 120), "summary", "treated",
        "cause", "wet surface", "outcome", "a sprained wrist")));
    body.put("dispatches", new ArrayList<>(List.of(
        Map.of("kind", "HEALTH", "notifiedAt", at(reportedAfter + 1), "acknowledgedAt", at(reportedAfter + 5)),
        Map.of("kind", "EDUCATION", "notifiedAt", at(reportedAfter + 1), "acknowledgedAt", at(reportedAfter + 4)))));
    body.put("status", "CLOSED");
    body.put("closedAt", at(reportedAfter + 180));
    body.put("closeNote", "closed in the previous system");
    return body;
  }

  static Map<String, Object> with(Map<String, Object> body, String key, Object value) {
    var copy = new LinkedHashMap<>(body);
    if (value == null) {
      copy.remove(key);
    } else {
      copy.put(key, value);
    }
    return copy;
  }

  @Test
  void importedRecordsCountInTheirMonthsEvaluationAndReachNoInbox() {
    // Refused first, in the same month and at the same school: had any of them been recorded,
    // the evaluation below would count more than three.
    List<Map.Entry<Map<String, Object>, String>> refused = List.of(
        Map.entry(with(record(A, "bad-open", 10), "status", "DISPATCHED"), "status"),
        Map.entry(with(record(A, "bad-no-final", 10), "reports", List.of(Map.of("kind", "CONTINUATION", "at", at(30),
            "summary", "still there"))), "reports"),
        Map.entry(with(record(A, "bad-future", 10), "receivedAt", Instant.now().plus(Duration.ofDays(2)).toString()),
            "receivedAt"),
        Map.entry(with(record(A, "bad-order", 10), "occurredAt", at(20)), "occurredAt"),
        Map.entry(with(record(A, "bad-closed-before-final", 10), "closedAt", at(60)), "closedAt"),
        Map.entry(with(record(A, "bad-drill", 10), "mode", "EXERCISE"), "mode"),
        Map.entry(with(record(A, "bad-escalations", 10), "dispatches", List.of(Map.of("kind", "HEALTH",
            "notifiedAt", at(11), "escalatedAt", List.of(at(20), at(30)), "acknowledgedAt", at(40)))),
            "dispatches[0].escalatedAt"),
        Map.entry(with(record(A, "bad-ack-after-final", 10), "dispatches", List.of(Map.of("kind", "HEALTH",
            "notifiedAt", at(11), "acknowledgedAt", at(500)))), "dispatches[0].acknowledgedAt"),
        Map.entry(with(record(A, null, 10), "clientRef", null), "clientRef"));
    for (var bad : refused) {
      var answer = operator.post("/api/v1/incidents/imports", bad.getKey());
      assertThat(answer.status()).as(bad.getValue()).isEqualTo(400);
      assertThat(answer.contentType()).isEqualTo("application/problem+json");
      assertThat(answer.body().get("errors").findValuesAsText("field")).as(bad.getValue()).contains(bad.getValue());
    }
    assertThat(operator.post("/api/v1/incidents/imports", record("sch-650203-999", "unknown-school", 10)).status())
        .isEqualTo(404);

    // Two on time (30 and 59 minutes), one late (90 minutes) at school A, which also had a fire escalated once.
    var onTime = created(operator.post("/api/v1/incidents/imports", record(A, "legacy-a-1", 30)));
    created(operator.post("/api/v1/incidents/imports", record(B, "legacy-b-1", 59)));
    var lateFire = with(record(A, "legacy-a-2", 90), "dispatches", List.of(
        Map.of("kind", "HEALTH", "notifiedAt", at(91), "escalatedAt", List.of(at(130)), "acknowledgedAt", at(135))));
    var late = created(operator.post("/api/v1/incidents/imports", with(with(lateFire, "status", "RESOLVED"), "closedAt", null)));

    JsonNode closed = onTime.body();
    assertThat(closed.get("imported").asBoolean()).isTrue();
    assertThat(closed.get("importedAt").isNull()).isFalse();
    assertThat(closed.get("status").asText()).isEqualTo("CLOSED");
    assertThat(Instant.parse(closed.get("reportedAt").asText())).isEqualTo(Instant.parse(at(30)));
    assertThat(closed.get("timeline").findValuesAsText("event"))
        .containsExactly("reported", "dispatched", "acknowledged", "acknowledged", "resolved", "closed");
    assertThat(late.body().get("status").asText()).isEqualTo("RESOLVED");
    assertThat(late.body().get("dispatches").findValuesAsText("state")).containsExactly("ESCALATED", "ACKNOWLEDGED");

    // The same record again: the same incident, nothing new. Other content under its reference: 409.
    var again = operator.post("/api/v1/incidents/imports", record(A, "legacy-a-1", 30));
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.raw().headers().firstValue("Idempotent-Replayed")).contains("true");
    assertThat(again.body().get("incidentId").asText()).isEqualTo(closed.get("incidentId").asText());
    assertThat(operator.post("/api/v1/incidents/imports", with(record(A, "legacy-a-1", 30), "closeNote", "other"))
        .status()).isEqualTo(409);

    String url = "/api/v1/evaluations?region=" + COUNTY + "&month=" + MONTH;
    HubClient cc = anonymous.as(Role.COMMAND_CENTER, "65");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      var answer = cc.get(url);
      assertThat(answer.status()).isEqualTo(200);
      JsonNode county = EvaluationFlowTest.rollup(answer.body(), COUNTY);
      assertThat(county.get("incidents").asInt()).isEqualTo(3);
      assertThat(county.get("initialReports").asInt()).isEqualTo(3);
      assertThat(county.get("initialReportsLate").asInt()).isEqualTo(1);
      assertThat(county.get("finalReportsLate").asInt()).isEqualTo(0);
      assertThat(county.get("escalations").asInt()).isEqualTo(1);
      JsonNode finding = null;
      for (JsonNode f : answer.body().get("findings")) {
        if (f.get("rule").asText().equals("initial-reports-late")) {
          finding = f;
        }
      }
      assertThat(finding).isNotNull();
      assertThat(finding.get("incidentIds").get(0).asText()).isEqualTo(late.body().get("incidentId").asText());
    });

    // Dispatched in the record, never live: the agencies' inboxes hold nothing of it.
    JsonNode inbox = anonymous.as(Role.AGENCY, "health-" + COUNTY).get("/api/v1/agencies/health-" + COUNTY + "/dispatches").body();
    assertThat(inbox.toString()).doesNotContain(closed.get("incidentId").asText());
  }

  @Test
  void onlyOperatorsImport() {
    var body = record(B, "authz-only-operators", 20);
    assertThat(anonymous.post("/api/v1/incidents/imports", body).status()).isEqualTo(401);
    assertThat(anonymous.as(Role.SCHOOL_STAFF, B).post("/api/v1/incidents/imports", body).status()).isEqualTo(403);
    assertThat(anonymous.as(Role.COMMAND_CENTER, "65").post("/api/v1/incidents/imports", body).status()).isEqualTo(403);
    assertThat(anonymous.as(Role.AGENCY, "education-" + COUNTY).post("/api/v1/incidents/imports", body).status())
        .isEqualTo(403);
  }
}
