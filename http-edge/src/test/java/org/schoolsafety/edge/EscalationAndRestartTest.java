package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.schoolsafety.edge.Fixtures.created;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
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
 * Escalation on a live node, and what survives a node restart on the same Cassandra: every
 * school, agency and incident reads back identical, and a deadline that fell while the node
 * was down fires once it is back, without any request waking the incident.
 */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EscalationAndRestartTest {

  static final String KEYSPACE = "it_escalation_restart";
  /** Short deadlines for levels IV and II so that escalations happen within the test. */
  static final Map<String, Object> CONFIG = Map.of(
      "hub.escalation.ack-deadline.IV", "3s",
      "hub.escalation.ack-deadline.II", "6s");

  private HubNode node;
  private HubClient anonymous;
  /** The command center of the province the running test is about. */
  private HubClient hub;

  @BeforeAll
  void startNode() {
    start();
    for (String county : List.of("650102", "110105", "440305")) {
      Fixtures.registerRegion(anonymous, county);
      created(Fixtures.postSchool(anonymous.as(Role.OPERATOR, "test-operator"), Fixtures.school("sch-" + county, county)));
    }
  }

  @AfterAll
  void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  private void start() {
    node = TestNode.start(KEYSPACE, CONFIG);
    anonymous = new HubClient(node.httpPort());
  }

  private void restart() {
    node.close();
    start();
  }

  @Test
  void anUnacknowledgedDispatchEscalatesToTheNextTierOfTheSameKind() {
    hub = commandCenter("65");
    String id = report("sch-650102", "INJURY", "IV", "esc-1");
    // EDUCATION climbs county -> city; the city has no HEALTH agency, so HEALTH climbs county -> province.
    JsonNode escalated = awaitIncident(id, i -> state(i, "education-6501").equals("NOTIFIED")
        && state(i, "health-65").equals("NOTIFIED"));
    assertThat(state(escalated, "education-650102")).isEqualTo("ESCALATED");
    assertThat(state(escalated, "health-650102")).isEqualTo("ESCALATED");
    assertThat(escalated.get("timeline").findValuesAsText("event")).contains("escalated");

    var ack = agency("education-6501").post("/api/v1/incidents/" + id + "/acks", Map.of("agencyId", "education-6501"));
    assertThat(ack.status()).isEqualTo(200);
    // HEALTH was not acknowledged anywhere: past the province it goes unanswered.
    JsonNode unanswered = awaitIncident(id, i -> state(i, "health-65").equals("UNANSWERED"));
    assertThat(state(unanswered, "education-6501")).isEqualTo("ACKNOWLEDGED");
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
        hub.get("/api/v1/agencies/education-6501/dispatches").body().get("dispatches").findValuesAsText("incidentId"))
        .contains(id));
  }

  @Test
  void everySchoolAgencyAndIncidentReadsBackIdenticalAfterARestart() {
    hub = commandCenter("11");
    String open = report("sch-110105", "FIRE", "III", "restart-open");
    String acknowledged = report("sch-110105", "INJURY", "III", "restart-acked");
    String resolved = report("sch-110105", "VIOLENCE", "III", "restart-resolved");
    String closed = report("sch-110105", "TRAFFIC", "III", "restart-closed");
    String cancelled = report("sch-110105", "INTRUSION", "III", "restart-cancelled");
    for (String id : List.of(open, acknowledged, resolved, closed, cancelled)) {
      awaitIncident(id, i -> i.get("status").asText().equals("DISPATCHED"));
    }
    ok(agency("health-110105").post("/api/v1/incidents/" + acknowledged + "/acks", Map.of("agencyId", "health-110105")));
    ok(agency("education-110105").post("/api/v1/incidents/" + acknowledged + "/acks", Map.of("agencyId", "education-110105")));
    for (String id : List.of(resolved, closed)) {
      assertThat(hub.post("/api/v1/incidents/" + id + "/reports", Map.of("kind", "FINAL", "summary", "over",
          "cause", "a fight after class", "outcome", "handled")).status()).isEqualTo(201);
    }
    ok(hub.post("/api/v1/incidents/" + closed + "/close", Map.of("note", "done")));
    ok(hub.post("/api/v1/incidents/" + cancelled + "/cancel", Map.of("reason", "false alarm")));

    List<String> paths = new java.util.ArrayList<>(List.of("/api/v1/schools/sch-110105"));
    for (String id : List.of(open, acknowledged, resolved, closed, cancelled)) {
      paths.add("/api/v1/incidents/" + id);
    }
    for (String kind : List.of("police", "fire", "health", "education")) {
      paths.add("/api/v1/agencies/" + kind + "-110105");
      paths.add("/api/v1/agencies/" + kind + "-110105/dispatches?state=all");
    }
    // Notices to schools and agencies are asynchronous: wait until they have settled.
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
        hub.get("/api/v1/schools/sch-110105").body().get("openIncidents").findValuesAsText("incidentId"))
        .containsExactlyInAnyOrder(open, acknowledged, resolved));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
        hub.get("/api/v1/agencies/education-110105/dispatches?state=all").body().get("dispatches")
            .findValuesAsText("incidentStatus")).contains("CLOSED", "CANCELLED"));
    Map<String, JsonNode> before = readAll(paths);

    restart();
    hub = commandCenter("11");

    assertThat(readAll(paths)).isEqualTo(before);
    assertThat(before.get("/api/v1/incidents/" + open).get("status").asText()).isEqualTo("DISPATCHED");
    assertThat(before.get("/api/v1/incidents/" + acknowledged).get("status").asText()).isEqualTo("ACKNOWLEDGED");
    assertThat(before.get("/api/v1/incidents/" + closed).get("status").asText()).isEqualTo("CLOSED");
    // And the restarted node keeps working on the same incidents.
    ok(agency("fire-110105").post("/api/v1/incidents/" + open + "/acks", Map.of("agencyId", "fire-110105")));
  }

  @Test
  void anEscalationWhoseDeadlineFallsWhileTheNodeIsDownFiresAfterItComesBack() {
    hub = commandCenter("44");
    String id = report("sch-440305", "MISSING_STUDENT", "II", "downtime-1");
    JsonNode dispatched = awaitIncident(id, i -> i.get("status").asText().equals("DISPATCHED"));
    Instant deadline = Instant.parse(dispatch(dispatched, "police-440305").get("deadline").asText());

    node.close();
    await().atMost(Duration.ofSeconds(30)).until(() -> Instant.now().isAfter(deadline.plusSeconds(1)));
    Instant restartedAt = Instant.now();
    start();
    hub = commandCenter("44");

    // Only the city police's inbox is read: nothing asks the incident itself, so it must have
    // come back by itself (remembered entity) and re-armed its overdue deadline.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
        hub.get("/api/v1/agencies/police-4403/dispatches").body().get("dispatches").findValuesAsText("incidentId"))
        .contains(id));
    JsonNode after = hub.get("/api/v1/incidents/" + id).body();
    assertThat(state(after, "police-440305")).isEqualTo("ESCALATED");
    assertThat(state(after, "police-4403")).isEqualTo("NOTIFIED");
    Instant escalatedAt = Instant.parse(dispatch(after, "police-4403").get("notifiedAt").asText());
    assertThat(escalatedAt).isAfter(restartedAt);
  }

  // --- helpers --------------------------------------------------------------------------

  private HubClient commandCenter(String province) {
    return anonymous.as(Role.COMMAND_CENTER, province);
  }

  private HubClient agency(String agencyId) {
    return anonymous.as(Role.AGENCY, agencyId);
  }

  private String report(String school, String type, String level, String clientRef) {
    return created(anonymous.as(Role.SCHOOL_STAFF, school).post("/api/v1/incidents", Fixtures.incident(school, type, level, clientRef)))
        .body().get("incidentId").asText();
  }

  private Map<String, JsonNode> readAll(List<String> paths) {
    var bodies = new LinkedHashMap<String, JsonNode>();
    for (String path : paths) {
      var response = hub.get(path);
      assertThat(response.status()).as(path).isEqualTo(200);
      bodies.put(path, response.body());
    }
    return bodies;
  }

  private static void ok(HubClient.Response response) {
    assertThat(response.status()).as(String.valueOf(response.body())).isEqualTo(200);
  }

  private JsonNode awaitIncident(String id, java.util.function.Predicate<JsonNode> condition) {
    JsonNode[] last = new JsonNode[1];
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      last[0] = hub.get("/api/v1/incidents/" + id).body();
      return condition.test(last[0]);
    });
    return last[0];
  }

  private static JsonNode dispatch(JsonNode incident, String agencyId) {
    for (JsonNode d : incident.get("dispatches")) {
      if (d.get("agencyId").asText().equals(agencyId)) {
        return d;
      }
    }
    return null;
  }

  private static String state(JsonNode incident, String agencyId) {
    JsonNode d = dispatch(incident, agencyId);
    return d == null ? "" : d.get("state").asText();
  }
}
