package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.schoolsafety.edge.Fixtures.created;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.persistence.testing.SharedCassandra;

/** The life of an incident through the real HTTP API, on a real node and real Cassandra. */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IncidentFlowTest {

  static final String COUNTY = "650102";
  static final String SCHOOL = "sch-650102-001";

  private HubNode node;
  private HubClient anonymous;
  /** The command center of province 65: sees every incident there. */
  private HubClient hub;
  private HubClient school;
  private HubClient operator;

  @BeforeAll
  void startNode() {
    node = TestNode.start("it_incident_flow", Map.of());
    anonymous = new HubClient(node.httpPort());
    hub = anonymous.as(Role.COMMAND_CENTER, "65");
    school = anonymous.as(Role.SCHOOL_STAFF, SCHOOL);
    operator = anonymous.as(Role.OPERATOR, "test-operator");
    Fixtures.registerRegion(anonymous, COUNTY);
    created(Fixtures.postSchool(operator, Fixtures.school(SCHOOL, COUNTY)));
  }

  private HubClient agency(String agencyId) {
    return anonymous.as(Role.AGENCY, agencyId);
  }

  /** The node's hub_incident_access_reads counter, from its /metrics. */
  private double accessReads() throws Exception {
    String text = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + node.httpPort() + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    return text.lines().filter(l -> l.startsWith("hub_incident_access_reads_total "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst()
        .orElseThrow(() -> new AssertionError("no hub_incident_access_reads_total in /metrics"));
  }

  @AfterAll
  void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void anIncidentGoesFromReportThroughDispatchAcknowledgementAndReportsToClose() throws Exception {
    var reported = created(school.post("/api/v1/incidents", Fixtures.incident(SCHOOL, "FIRE", "III", "flow-1")));
    String id = reported.body().get("incidentId").asText();
    assertThat(reported.header("Location")).isEqualTo("/api/v1/incidents/" + id);
    // The report waited for its region's agencies and was written with its dispatch: the 201
    // already names who was notified (hub.incident.dispatch-with-report-within).
    assertThat(reported.body().get("status").asText()).isEqualTo("DISPATCHED");
    assertThat(agencies(reported.body())).containsExactlyInAnyOrder("fire-650102", "health-650102", "education-650102");
    assertThat(reported.body().get("regionCode").asText()).isEqualTo(COUNTY);

    JsonNode dispatched = awaitIncident(id, i -> i.get("status").asText().equals("DISPATCHED"));
    assertThat(agencies(dispatched)).containsExactlyInAnyOrder("fire-650102", "health-650102", "education-650102");
    for (JsonNode d : dispatched.get("dispatches")) {
      assertThat(d.get("tier").asText()).isEqualTo("COUNTY");
      assertThat(d.get("state").asText()).isEqualTo("NOTIFIED");
      assertThat(d.get("deadline").asText()).isNotEmpty();
    }
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
        agency("fire-650102").get("/api/v1/agencies/fire-650102/dispatches").body().get("dispatches").findValuesAsText("incidentId"))
        .contains(id));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
        school.get("/api/v1/schools/" + SCHOOL).body().get("openIncidents").findValuesAsText("incidentId"))
        .contains(id));

    double readsBefore = accessReads();
    for (String agency : List.of("fire-650102", "health-650102", "education-650102")) {
      var ack = agency(agency).post("/api/v1/incidents/" + id + "/acks", Map.of("agencyId", agency, "note", "on our way"));
      assertThat(ack.status()).isEqualTo(200);
    }
    // an agency's own acknowledgement is one ask: the incident was not read first to decide access
    assertThat(accessReads()).isEqualTo(readsBefore);
    var acked = hub.get("/api/v1/incidents/" + id).body();
    assertThat(accessReads()).isEqualTo(readsBefore + 1);
    assertThat(acked.get("status").asText()).isEqualTo("ACKNOWLEDGED");
    assertThat(acked.get("dispatches").findValuesAsText("state")).containsOnly("ACKNOWLEDGED");
    assertThat(acked.get("dispatches").get(0).get("ackAt").isNull()).isFalse();

    var continuation = school.post("/api/v1/incidents/" + id + "/reports", Map.of("kind", "CONTINUATION",
        "summary", "fire contained to the lab", "casualties", Map.of("dead", 0, "injured", 3, "missing", 0),
        "measures", "students at the assembly point", "level", "III"));
    assertThat(continuation.status()).isEqualTo(201);
    assertThat(continuation.body().get("casualties").get("injured").asInt()).isEqualTo(3);

    var closeTooEarly = hub.post("/api/v1/incidents/" + id + "/close", Map.of("note", "done"));
    assertProblem(closeTooEarly, 409, "FINAL");

    var fin = school.post("/api/v1/incidents/" + id + "/reports", Map.of("kind", "FINAL",
        "summary", "fire out", "cause", "faulty wiring", "outcome", "3 minor injuries, lab closed"));
    assertThat(fin.status()).isEqualTo(201);
    assertThat(fin.body().get("status").asText()).isEqualTo("RESOLVED");

    var closed = hub.post("/api/v1/incidents/" + id + "/close", Map.of("note", "all clear"));
    assertThat(closed.status()).isEqualTo(200);
    assertThat(closed.body().get("status").asText()).isEqualTo("CLOSED");
    assertThat(closed.body().get("timeline").findValuesAsText("event")).containsExactly(
        "reported", "dispatched", "acknowledged", "acknowledged", "acknowledged", "report-added", "resolved", "closed");
    assertThat(closed.body().get("reports").findValuesAsText("kind")).containsExactly("INITIAL", "CONTINUATION", "FINAL");
    assertThat(closed.body().get("reportCount").asInt()).isEqualTo(3);
    assertThat(closed.body().get("eventCount").asInt()).isEqualTo(8);

    assertProblem(agency("fire-650102").post("/api/v1/incidents/" + id + "/acks", Map.of("agencyId", "fire-650102")), 200, null);
    assertProblem(school.post("/api/v1/incidents/" + id + "/reports", Map.of("kind", "CONTINUATION", "summary", "late")), 409, "CLOSED");
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
        school.get("/api/v1/schools/" + SCHOOL).body().get("openIncidents").findValuesAsText("incidentId"))
        .doesNotContain(id));
    var all = agency("fire-650102").get("/api/v1/agencies/fire-650102/dispatches?state=all").body().get("dispatches");
    assertThat(all.findValuesAsText("incidentId")).contains(id);
  }

  @Test
  void aRetriedReportReturnsTheSameIncidentAndCreatesNothingNew() {
    var report = Fixtures.incident(SCHOOL, "INJURY", "IV", "retry-1");
    var first = created(school.post("/api/v1/incidents", report));
    String id = first.body().get("incidentId").asText();
    var retry = school.post("/api/v1/incidents", report);
    assertThat(retry.status()).isEqualTo(200);
    assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(retry.body().get("incidentId").asText()).isEqualTo(id);

    var body = Fixtures.incident(SCHOOL, "INJURY", "IV", null);
    var viaHeader = created(school.post("/api/v1/incidents", body, Map.of("Idempotency-Key", "retry-2")));
    var headerRetry = school.post("/api/v1/incidents", body, Map.of("Idempotency-Key", "retry-2"));
    assertThat(headerRetry.status()).isEqualTo(200);
    assertThat(headerRetry.body().get("incidentId")).isEqualTo(viaHeader.body().get("incidentId"));

    var reused = school.post("/api/v1/incidents", Fixtures.incident(SCHOOL, "FIRE", "I", "retry-1"));
    assertProblem(reused, 409, "retry-1");
    assertThat(hub.get("/api/v1/incidents/" + id).body().get("type").asText()).isEqualTo("INJURY");
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      var open = school.get("/api/v1/schools/" + SCHOOL).body().get("openIncidents").findValuesAsText("incidentId");
      assertThat(open.stream().filter(id::equals)).hasSize(1);
    });
  }

  @Test
  void badInputIsAProblemNamingTheFieldAndChangesNothing() {
    var before = school.get("/api/v1/schools/" + SCHOOL).body().get("openIncidents").size();

    var bad = new java.util.HashMap<>(Fixtures.incident(SCHOOL, "FIRE", "V", "bad-1"));
    bad.put("casualties", Map.of("dead", -1, "injured", 0, "missing", 0));
    assertProblem(school.post("/api/v1/incidents", bad), 400, "level");
    assertThat(fields(school.post("/api/v1/incidents", bad))).containsExactlyInAnyOrder("level", "casualties.dead");

    var wrongType = new java.util.HashMap<>(Fixtures.incident(SCHOOL, "FIRE", "III", "bad-2"));
    wrongType.put("casualties", Map.of("dead", "none", "injured", 0, "missing", 0));
    assertThat(fields(school.post("/api/v1/incidents", wrongType))).containsExactly("casualties.dead");

    var future = new java.util.HashMap<>(Fixtures.incident(SCHOOL, "FIRE", "III", "bad-3"));
    future.put("occurredAt", "2099-01-01T00:00:00Z");
    assertThat(fields(school.post("/api/v1/incidents", future))).containsExactly("occurredAt");

    var unknown = new java.util.HashMap<>(Fixtures.incident(SCHOOL, "FIRE", "III", "bad-4"));
    unknown.put("severity", "high");
    assertThat(fields(school.post("/api/v1/incidents", unknown))).containsExactly("severity");

    assertProblem(school.post("/api/v1/incidents", "{\"schoolId\": "), 400, "malformed JSON");
    assertProblem(school.postRaw("/api/v1/incidents", "hello", "text/plain", Map.of()), 415, "application/json");
    assertProblem(school.post("/api/v1/incidents", Fixtures.incident("sch-nowhere", "FIRE", "III", "bad-5")), 404, "schoolId");

    assertThat(school.get("/api/v1/schools/" + SCHOOL).body().get("openIncidents").size()).isEqualTo(before);
    for (String ref : List.of("bad-1", "bad-2", "bad-3", "bad-4")) {
      String wouldBe = TestNode.staffIncidentId(SCHOOL, ref);
      assertThat(hub.get("/api/v1/incidents/" + wouldBe).status()).isEqualTo(404);
    }
  }

  @Test
  void unknownIdsAreNotFoundAndCommandsThatDoNotFitTheStateConflict() {
    assertProblem(hub.get("/api/v1/incidents/inc-00000000-0000-0000-0000-000000000000"), 404, "no incident");
    assertProblem(hub.get("/api/v1/incidents/not-an-id"), 404, "no incident");
    assertProblem(operator.get("/api/v1/schools/sch-unknown"), 404, "no school");
    assertProblem(operator.get("/api/v1/agencies/agency-unknown"), 404, "no agency");
    assertProblem(agency("fire-650102").get("/api/v1/agencies/fire-650102/dispatches?state=some"), 400, "state");
    assertProblem(hub.get("/api/v1/nothing-here"), 404, "no such endpoint");

    var reported = created(school.post("/api/v1/incidents", Fixtures.incident(SCHOOL, "BULLYING", "III", "conflict-1")));
    String id = reported.body().get("incidentId").asText();
    awaitIncident(id, i -> i.get("status").asText().equals("DISPATCHED"));
    // An agency that was not dispatched cannot even see the incident; a dispatched one cannot
    // acknowledge for another agency.
    var stranger = agency("police-650102").post("/api/v1/incidents/" + id + "/acks", Map.of("agencyId", "police-650102"));
    assertProblem(stranger, 404, "no incident");
    // The incident itself decides an agency's own acknowledgement (one ask, no read first): its
    // 404 is word for word the one of an incident that does not exist, for the agency and anyone else.
    String nowhere = "inc-00000000-0000-0000-0000-000000000000";
    var none = agency("police-650102").post("/api/v1/incidents/" + nowhere + "/acks", Map.of("agencyId", "police-650102"));
    assertProblem(none, 404, "no incident");
    assertThat(stranger.body().get("detail").asText().replace(id, nowhere)).isEqualTo(none.body().get("detail").asText());
    assertThat(stranger.body().get("detail").asText().replace(id, nowhere))
        .isEqualTo(hub.get("/api/v1/incidents/" + nowhere).body().get("detail").asText());
    assertProblem(agency("education-650102").post("/api/v1/incidents/" + id + "/acks", Map.of("agencyId", "police-650102")), 403, "may not");
    var cancelled = hub.post("/api/v1/incidents/" + id + "/cancel", Map.of("reason", "a misunderstanding"));
    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(cancelled.body().get("status").asText()).isEqualTo("CANCELLED");
    assertProblem(agency("education-650102").post("/api/v1/incidents/" + id + "/acks", Map.of("agencyId", "education-650102")), 409, "CANCELLED");
    // however the incident stands, an agency it never reached does not learn that it exists
    assertProblem(agency("police-650102").post("/api/v1/incidents/" + id + "/acks", Map.of("agencyId", "police-650102")), 404, "no incident");
    assertProblem(hub.post("/api/v1/incidents/" + id + "/cancel", Map.of()), 400, "reason");
  }

  @Test
  void theRegistryRefusesConflictingAndInconsistentAgencies() {
    assertProblem(operator.post("/api/v1/agencies", Fixtures.agency("fire-650102-b", "FIRE", "COUNTY", COUNTY)), 409, "fire-650102");
    assertProblem(operator.post("/api/v1/agencies", Fixtures.agency("fire-x", "FIRE", "CITY", COUNTY)), 400, "jurisdiction");
    assertProblem(operator.post("/api/v1/agencies", Fixtures.agency("fire-650102", "POLICE", "COUNTY", COUNTY)), 409, "different profile");
    var again = operator.post("/api/v1/agencies", Fixtures.agency("fire-650102", "FIRE", "COUNTY", COUNTY));
    assertThat(again.status()).isEqualTo(201);
    assertThat(operator.get("/api/v1/agencies/fire-650102").body().get("kind").asText()).isEqualTo("FIRE");
    assertThat(operator.get("/api/v1/agencies/fire-650102-b").status()).isEqualTo(404);

    var badSchool = new java.util.HashMap<>(Fixtures.school("sch-bad", "65010"));
    badSchool.put("floors", 0);
    assertThat(fields(operator.post("/api/v1/schools", badSchool))).containsExactlyInAnyOrder("regionCode", "floors");
  }

  @Test
  void healthAnswers() {
    assertThat(anonymous.get("/health/alive").status()).isEqualTo(200);
    var ready = anonymous.get("/health/ready");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.body().get("checks").findValuesAsText("name")).containsExactly("cluster-member", "cassandra", "tag-queries", "startup");
  }

  // --- helpers --------------------------------------------------------------------------

  private JsonNode awaitIncident(String id, java.util.function.Predicate<JsonNode> condition) {
    JsonNode[] last = new JsonNode[1];
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      last[0] = hub.get("/api/v1/incidents/" + id).body();
      return condition.test(last[0]);
    });
    return last[0];
  }

  private static List<String> agencies(JsonNode incident) {
    return incident.get("dispatches").findValuesAsText("agencyId");
  }

  private static List<String> fields(HubClient.Response response) {
    assertThat(response.status()).isEqualTo(400);
    var fields = new ArrayList<String>();
    response.body().get("errors").forEach(e -> fields.add(e.get("field").asText()));
    return fields;
  }

  static void assertProblem(HubClient.Response response, int status, String detailContains) {
    assertThat(response.status()).as(String.valueOf(response.body())).isEqualTo(status);
    if (status >= 400) {
      assertThat(response.contentType()).isEqualTo("application/problem+json");
      assertThat(response.body().get("status").asInt()).isEqualTo(status);
      assertThat(response.body().get("detail").asText()).contains(detailContains);
    }
  }
}
