package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.schoolsafety.edge.Fixtures.created;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * Devices and readings through the real HTTP API on a real node and Cassandra: registry, a burst
 * that becomes one incident with its evidence, the malformed-reading corpus (every refusal names
 * the reading's index and field and applies nothing of the batch), a false alarm counted, a
 * silent device noticed by the education agency and back by itself, and the open incident still
 * found after the node restarts. Intervals are shortened by configuration; no timing is asserted.
 */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SensorsTest {

  static final String KEYSPACE = "it_sensors";
  static final String COUNTY = "650102";
  static final String SCHOOL = "sch-650102-001";
  static final String OTHER_SCHOOL = "sch-650102-002";
  static final Map<String, Object> CONFIG = Map.of(
      "hub.http.rate-limit.burst", 100_000,
      "hub.http.rate-limit.per-second", 100_000,
      "hub.sensors.offline-after.CAMERA", "3s");

  private HubNode node;
  private HubClient anonymous;
  private HubClient operator;
  private HubClient staff;
  private HubClient gateway;
  private HubClient commandCenter;

  @BeforeAll
  void startNode() {
    node = TestNode.start(KEYSPACE, CONFIG);
    clients();
    Fixtures.registerRegion(anonymous, COUNTY);
    created(Fixtures.postSchool(operator, Fixtures.school(SCHOOL, COUNTY)));
    created(Fixtures.postSchool(operator, Fixtures.school(OTHER_SCHOOL, COUNTY)));
  }

  private void clients() {
    anonymous = new HubClient(node.httpPort());
    operator = anonymous.as(Role.OPERATOR, "test-operator");
    staff = anonymous.as(Role.SCHOOL_STAFF, SCHOOL);
    gateway = anonymous.as(Role.SENSOR_GATEWAY, SCHOOL);
    commandCenter = anonymous.as(Role.COMMAND_CENTER, "65");
  }

  @AfterAll
  void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  static Map<String, Object> device(String id, String kind, String building) {
    return Map.of("deviceId", id, "kind", kind, "gatewayId", "gw-" + building,
        "location", Map.of("building", building, "floor", "3F", "room", "room of " + id));
  }

  static Map<String, Object> reading(String id, String kind, double value, Instant at) {
    return Map.of("sensorId", id, "kind", kind, "value", value, "at", at.atOffset(ZoneOffset.ofHours(8)).toString());
  }

  static Map<String, Object> batch(String school, List<Map<String, Object>> readings) {
    return Map.of("schoolId", school, "gatewayId", "gw-B", "readings", readings);
  }

  private JsonNode devices() {
    var r = staff.get("/api/v1/schools/" + SCHOOL + "/devices");
    assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(200);
    return r.body();
  }

  private JsonNode deviceOf(String id) {
    for (JsonNode d : devices().get("devices")) {
      if (d.get("deviceId").asText().equals(id)) {
        return d;
      }
    }
    throw new AssertionError("no device " + id + " in " + devices());
  }

  private void eventually(Runnable assertion) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(assertion::run);
  }

  // --- registry ---------------------------------------------------------------------------

  @Test
  @Order(1)
  void devicesAreRegisteredAndListedWithTheirState() {
    for (int i = 0; i < 10; i++) {
      var r = created(operator.post("/api/v1/schools/" + SCHOOL + "/devices", device("smoke-B-" + i, "SMOKE", "B")));
      assertThat(r.body().get("state").asText()).isEqualTo("ACTIVE");
    }
    created(staff.post("/api/v1/schools/" + SCHOOL + "/devices", device("panic-A-1", "PANIC", "A")));
    created(staff.post("/api/v1/schools/" + SCHOOL + "/devices", device("cam-B-1", "CAMERA", "B")));
    // The same again is fine; a different device under the same id is a conflict.
    assertThat(staff.post("/api/v1/schools/" + SCHOOL + "/devices", device("panic-A-1", "PANIC", "A")).status()).isEqualTo(201);
    assertThat(staff.post("/api/v1/schools/" + SCHOOL + "/devices", device("panic-A-1", "PANIC", "C")).status()).isEqualTo(409);
    JsonNode list = devices();
    assertThat(list.get("registered").asInt()).isEqualTo(12);
    assertThat(list.get("devices").findValuesAsText("deviceId")).contains("smoke-B-0", "panic-A-1", "cam-B-1");
    JsonNode panic = deviceOf("panic-A-1");
    assertThat(panic.get("location").get("building").asText()).isEqualTo("A");
    assertThat(panic.get("state").asText()).isEqualTo("ACTIVE");
    assertThat(panic.get("falseAlarmRate").asDouble()).isZero();
  }

  // --- a burst ------------------------------------------------------------------------------

  @Test
  @Order(2)
  void fortyReadingsFromTenDetectorsInOneMinuteAreOneIncidentWithItsEvidence() {
    Instant start = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS);
    var touched = new ArrayList<JsonNode>();
    for (int round = 0; round < 4; round++) {
      var readings = new ArrayList<Map<String, Object>>();
      for (int i = 0; i < 10; i++) {
        readings.add(reading("smoke-B-" + i, "SMOKE", 0.2 + i * 0.02, start.plusSeconds(round * 15L + i)));
      }
      var r = gateway.post("/api/v1/sensors/readings", batch(SCHOOL, readings));
      assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(202);
      assertThat(r.body().get("accepted").asInt()).isEqualTo(10);
      r.body().get("incidents").forEach(touched::add);
    }
    assertThat(touched).isNotEmpty();
    List<String> ids = touched.stream().map(t -> t.get("incidentId").asText()).distinct().toList();
    assertThat(ids).hasSize(1);
    assertThat(touched.stream().filter(t -> t.get("opened").asBoolean())).hasSize(1);
    String id = ids.get(0);
    eventually(() -> {
      JsonNode incident = commandCenter.get("/api/v1/incidents/" + id).body();
      assertThat(incident.get("type").asText()).isEqualTo("FIRE");
      assertThat(incident.get("status").asText()).isEqualTo("DISPATCHED");
      assertThat(incident.get("device").get("gatewayId").asText()).isEqualTo("gw-B");
      assertThat(incident.get("device").get("building").asText()).isEqualTo("B");
      assertThat(incident.get("evidenceCount").asInt()).isEqualTo(10);
      assertThat(incident.get("reports").get(0).get("reporter").get("role").asText()).isEqualTo("sensor gateway");
      assertThat(incident.get("timeline").findValuesAsText("event")).contains("reported", "dispatched", "evidence-added");
    });
    assertThat(deviceOf("smoke-B-3").get("alarms").asInt()).isEqualTo(1);
    assertThat(deviceOf("smoke-B-3").get("incidents").get(0).asText()).isEqualTo(id);
    // School staff see it among their open incidents, and may grade it.
    eventually(() -> assertThat(staff.get("/api/v1/schools/" + SCHOOL).body().get("openIncidents")
        .findValuesAsText("incidentId")).contains(id));
    var graded = staff.post("/api/v1/incidents/" + id + "/reports",
        Map.of("kind", "CONTINUATION", "summary", "confirmed: fire in the lab", "level", "II"));
    assertThat(graded.status()).as(String.valueOf(graded.body())).isEqualTo(201);
  }

  @Test
  @Order(3)
  void readingsOfAnUnregisteredDeviceAreAcceptedAndListed() {
    var r = gateway.post("/api/v1/sensors/readings", batch(SCHOOL,
        List.of(reading("gas-new-1", "GAS", 2.5, Instant.now().minusSeconds(1)))));
    assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(202);
    assertThat(r.body().get("unregistered").get(0).asText()).isEqualTo("gas-new-1");
    JsonNode listed = deviceOf("gas-new-1");
    assertThat(listed.get("registered").asBoolean()).isFalse();
    assertThat(listed.get("lastReadingAt").asText()).isNotEmpty();
    assertThat(devices().get("unregistered").asInt()).isEqualTo(1);
  }

  // --- the malformed-reading corpus ----------------------------------------------------------

  @Test
  @Order(4)
  void everyMalformedReadingIsRefusedByIndexAndFieldAndNothingOfItsBatchIsApplied() {
    JsonNode before = devices();
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Map<String, Object> good = reading("panic-A-1", "PANIC", 1, now);
    var corpus = new LinkedHashMap<String, Map.Entry<Map<String, Object>, String>>();
    Consumer<Object[]> bad = c -> corpus.put((String) c[0], Map.entry(with((Map<String, Object>) c[1]), (String) c[2]));
    bad.accept(new Object[] {"unknown kind", Map.of("sensorId", "x-1", "kind", "RADIATION", "value", 1, "at", now.toString()), "kind"});
    bad.accept(new Object[] {"kind in lower case", Map.of("sensorId", "x-1", "kind", "smoke", "value", 0.1, "at", now.toString()), "kind"});
    bad.accept(new Object[] {"value as a string", Map.of("sensorId", "x-1", "kind", "SMOKE", "value", "0.1", "at", now.toString()), "value"});
    bad.accept(new Object[] {"value missing", Map.of("sensorId", "x-1", "kind", "GAS", "at", now.toString()), "value"});
    bad.accept(new Object[] {"negative smoke", Map.of("sensorId", "x-1", "kind", "SMOKE", "value", -0.1, "at", now.toString()), "value"});
    bad.accept(new Object[] {"gas above 100 %LEL", Map.of("sensorId", "x-1", "kind", "GAS", "value", 140, "at", now.toString()), "value"});
    bad.accept(new Object[] {"temperature of the sun", Map.of("sensorId", "x-1", "kind", "TEMPERATURE", "value", 5500, "at", now.toString()), "value"});
    bad.accept(new Object[] {"seismic 1e400", Map.of("sensorId", "x-1", "kind", "SEISMIC", "value", 1e300, "at", now.toString()), "value"});
    bad.accept(new Object[] {"panic half pressed", Map.of("sensorId", "x-1", "kind", "PANIC", "value", 0.5, "at", now.toString()), "value"});
    bad.accept(new Object[] {"camera without label", Map.of("sensorId", "x-1", "kind", "CAMERA", "confidence", 0.9, "at", now.toString()), "label"});
    bad.accept(new Object[] {"camera with unknown label", Map.of("sensorId", "x-1", "kind", "CAMERA", "label", "DANCING", "confidence", 0.9, "at", now.toString()), "label"});
    bad.accept(new Object[] {"camera confidence 1.5", Map.of("sensorId", "x-1", "kind", "CAMERA", "label", "FIGHT", "confidence", 1.5, "at", now.toString()), "confidence"});
    bad.accept(new Object[] {"camera with a value", Map.of("sensorId", "x-1", "kind", "CAMERA", "label", "FIGHT", "confidence", 0.9, "value", 1, "at", now.toString()), "value"});
    bad.accept(new Object[] {"label on smoke", Map.of("sensorId", "x-1", "kind", "SMOKE", "value", 0.1, "label", "FIGHT", "at", now.toString()), "label"});
    bad.accept(new Object[] {"far in the future", Map.of("sensorId", "x-1", "kind", "SMOKE", "value", 0.1, "at", now.plusSeconds(3600).toString()), "at"});
    bad.accept(new Object[] {"too old to act on", Map.of("sensorId", "x-1", "kind", "SMOKE", "value", 0.1, "at", now.minusSeconds(3600).toString()), "at"});
    bad.accept(new Object[] {"time without offset", Map.of("sensorId", "x-1", "kind", "SMOKE", "value", 0.1, "at", "2026-11-29T08:15:02"), "at"});
    bad.accept(new Object[] {"time as a number", Map.of("sensorId", "x-1", "kind", "SMOKE", "value", 0.1, "at", 1764400000), "at"});
    bad.accept(new Object[] {"sensor id with a space", Map.of("sensorId", "smoke 3F", "kind", "SMOKE", "value", 0.1, "at", now.toString()), "sensorId"});
    bad.accept(new Object[] {"unknown field", Map.of("sensorId", "x-1", "kind", "SMOKE", "value", 0.1, "at", now.toString(), "unit", "dB/m"), "unit"});
    for (var c : corpus.entrySet()) {
      var readings = new ArrayList<Map<String, Object>>(List.of(good, good, good));
      readings.add(c.getValue().getKey()); // index 3
      var r = gateway.post("/api/v1/sensors/readings", batch(SCHOOL, readings));
      assertThat(r.status()).as(c.getKey() + ": " + r.body()).isEqualTo(400);
      assertThat(r.contentType()).isEqualTo("application/problem+json");
      assertThat(r.body().get("errors").findValuesAsText("field")).as(c.getKey())
          .contains("readings[3]." + c.getValue().getValue());
    }
    // Whole-batch problems.
    var many = new ArrayList<Map<String, Object>>();
    for (int i = 0; i < 501; i++) {
      many.add(reading("t-" + (i % 7), "TEMPERATURE", 21, now));
    }
    for (var body : List.<Map<String, Object>>of(batch(SCHOOL, List.of()), batch(SCHOOL, many),
        Map.of("schoolId", SCHOOL, "readings", List.of(good)))) {
      var r = gateway.post("/api/v1/sensors/readings", body);
      assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(400);
    }
    // Nothing of any batch was applied: no press was taken, no device appeared.
    JsonNode after = devices();
    assertThat(after.get("devices").findValuesAsText("deviceId")).isEqualTo(before.get("devices").findValuesAsText("deviceId"));
    assertThat(deviceOf("panic-A-1").get("alarms").asInt()).isZero();
  }

  private static Map<String, Object> with(Map<String, Object> reading) {
    return reading;
  }

  @Test
  @Order(5)
  void onlyTheSchoolsOwnGatewaySendsItsReadings() {
    var body = batch(SCHOOL, List.of(reading("panic-A-1", "PANIC", 0, Instant.now())));
    assertThat(staff.post("/api/v1/sensors/readings", body).status()).isEqualTo(403);
    assertThat(anonymous.as(Role.SENSOR_GATEWAY, OTHER_SCHOOL).post("/api/v1/sensors/readings", body).status()).isEqualTo(403);
    assertThat(commandCenter.post("/api/v1/sensors/readings", body).status()).isEqualTo(403);
    assertThat(anonymous.post("/api/v1/sensors/readings", body).status()).isEqualTo(401);
    var unknown = anonymous.as(Role.SENSOR_GATEWAY, "sch-650102-404")
        .post("/api/v1/sensors/readings", batch("sch-650102-404", List.of(reading("p", "PANIC", 0, Instant.now()))));
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.body().get("detail").asText()).contains("schoolId");
  }

  // --- false alarms ---------------------------------------------------------------------------

  @Test
  @Order(6)
  void aFalseAlarmCancelledByStaffIsCountedOnTheDevice() {
    var pressed = gateway.post("/api/v1/sensors/readings", batch(SCHOOL,
        List.of(reading("panic-A-1", "PANIC", 1, Instant.now().minusSeconds(2)))));
    assertThat(pressed.status()).as(String.valueOf(pressed.body())).isEqualTo(202);
    String id = pressed.body().get("incidents").get(0).get("incidentId").asText();
    assertThat(pressed.body().get("incidents").get(0).get("type").asText()).isEqualTo("INTRUSION");
    eventually(() -> assertThat(staff.get("/api/v1/incidents/" + id).status()).isEqualTo(200));
    var cancelled = staff.post("/api/v1/incidents/" + id + "/cancel", Map.of("reason", "FALSE_ALARM: a pupil leaned on it"));
    assertThat(cancelled.status()).as(String.valueOf(cancelled.body())).isEqualTo(200);
    eventually(() -> {
      JsonNode panic = deviceOf("panic-A-1");
      assertThat(panic.get("falseAlarms").asInt()).isEqualTo(1);
      assertThat(panic.get("alarms").asInt()).isEqualTo(1);
      assertThat(panic.get("falseAlarmRate").asDouble()).isEqualTo(1.0);
    });
    // The next press opens a new incident: the cancelled one is no longer open.
    gateway.post("/api/v1/sensors/readings", batch(SCHOOL, List.of(reading("panic-A-1", "PANIC", 0, Instant.now().minusSeconds(1)))));
    var again = gateway.post("/api/v1/sensors/readings", batch(SCHOOL, List.of(reading("panic-A-1", "PANIC", 1, Instant.now()))));
    assertThat(again.body().get("incidents").get(0).get("opened").asBoolean()).isTrue();
    assertThat(again.body().get("incidents").get(0).get("incidentId").asText()).isNotEqualTo(id);
  }

  // --- silent devices ---------------------------------------------------------------------------

  @Test
  @Order(7)
  void aSilentCameraTurnsOfflineTheEducationAgencyIsToldAndItComesBackByItself() {
    var seen = gateway.post("/api/v1/sensors/readings", batch(SCHOOL, List.of(Map.of("sensorId", "cam-B-1", "kind", "CAMERA",
        "label", "CROWDING", "confidence", 0.1, "at", Instant.now().toString()))));
    assertThat(seen.status()).as(String.valueOf(seen.body())).isEqualTo(202);
    HubClient education = anonymous.as(Role.AGENCY, "education-650102");
    eventually(() -> {
      assertThat(deviceOf("cam-B-1").get("state").asText()).isEqualTo("OFFLINE");
      JsonNode inbox = education.get("/api/v1/agencies/education-650102/dispatches").body();
      assertThat(inbox.get("deviceNotices").findValuesAsText("deviceId")).contains("cam-B-1");
    });
    var back = gateway.post("/api/v1/sensors/readings", batch(SCHOOL, List.of(Map.of("sensorId", "cam-B-1", "kind", "CAMERA",
        "label", "CROWDING", "confidence", 0.1, "at", Instant.now().toString()))));
    assertThat(back.status()).isEqualTo(202);
    assertThat(deviceOf("cam-B-1").get("state").asText()).isEqualTo("ACTIVE");
    eventually(() -> {
      JsonNode all = education.get("/api/v1/agencies/education-650102/dispatches?state=all").body();
      JsonNode notice = null;
      for (JsonNode n : all.get("deviceNotices")) {
        if (n.get("deviceId").asText().equals("cam-B-1")) {
          notice = n;
        }
      }
      assertThat(notice).isNotNull();
      assertThat(notice.get("state").asText()).isEqualTo("ACTIVE");
    });
  }

  // --- a node restart -----------------------------------------------------------------------------

  /**
   * A gateway's full batch is larger than the API's usual 64 KiB body limit: its endpoint takes up
   * to 256 KiB, also when the node reads the body before the routes (ConnectionGuard).
   */
  @Test
  @Order(7)
  void aFullBatchLargerThanTheUsualBodyLimitIsAccepted() throws Exception {
    var readings = new ArrayList<Map<String, Object>>();
    Instant at = Instant.now().minusSeconds(5).truncatedTo(ChronoUnit.SECONDS);
    for (int i = 0; i < 500; i++) {
      readings.add(reading("smoke-B-" + (i % 10), "SMOKE", 0.01, at.plusMillis(i)));
    }
    String pretty = new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
        .writeValueAsString(batch(SCHOOL, readings));
    String body = "{" + " ".repeat(40_000) + pretty.substring(1);
    assertThat(body.length()).isBetween(64 * 1024 + 1, 256 * 1024);
    var r = gateway.postRaw("/api/v1/sensors/readings", body, "application/json", Map.of());
    assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(202);
    assertThat(r.body().get("accepted").asInt()).isEqualTo(500);
  }

  @Test
  @Order(8)
  void theOpenIncidentIsStillFoundAfterTheNodeRestarts() {
    String fire = null;
    for (JsonNode d : devices().get("devices")) {
      if (d.get("deviceId").asText().equals("smoke-B-0")) {
        fire = d.get("incidents").get(0).asText();
      }
    }
    assertThat(fire).isNotNull();
    node.close();
    node = TestNode.start(KEYSPACE, CONFIG);
    clients();
    created(operator.post("/api/v1/schools/" + SCHOOL + "/devices", device("heat-B-1", "TEMPERATURE", "B")));
    Instant start = Instant.now().minusSeconds(20);
    var r = gateway.post("/api/v1/sensors/readings", batch(SCHOOL, List.of(
        reading("heat-B-1", "TEMPERATURE", 80, start), reading("heat-B-1", "TEMPERATURE", 90, start.plusSeconds(15)))));
    assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(202);
    assertThat(r.body().get("incidents")).hasSize(1);
    assertThat(r.body().get("incidents").get(0).get("opened").asBoolean()).isFalse();
    assertThat(r.body().get("incidents").get(0).get("incidentId").asText()).isEqualTo(fire);
    String id = fire;
    eventually(() -> assertThat(commandCenter.get("/api/v1/incidents/" + id).body().get("evidenceCount").asInt()).isEqualTo(11));
  }
}
