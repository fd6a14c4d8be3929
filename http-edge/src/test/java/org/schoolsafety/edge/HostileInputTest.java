package org.schoolsafety.edge;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;
import static org.schoolsafety.edge.Fixtures.created;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.hub.agency.AgencyKind;
import org.schoolsafety.hub.agency.Tier;
import org.schoolsafety.hub.device.SensorKind;
import org.schoolsafety.hub.incident.IncidentType;
import org.schoolsafety.hub.incident.Level;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.school.SchoolType;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * A generated corpus of hostile requests against every write endpoint, through real HTTP on a
 * real node. Every case must be refused with a 4xx {@code application/problem+json} whose
 * {@code status} matches, with a detail and without internals, and must change nothing: each
 * endpoint group snapshots the registry, both target incidents (read model and journal audit
 * trail) and every agency inbox before its cases and compares after them, and every case
 * spot-checks the entity it aimed at.
 *
 * <p>The corpus is built from field descriptions (kind, limits, required or not) and a test-side
 * oracle of the documented contract ({@code docs/API.md}): a generated value the contract
 * accepts is not used as a hostile case. The random parts (truncation points, garbage bodies,
 * unknown ids) come from {@link #SEED}; {@code -Dhostile.seed=N} varies them reproducibly.
 *
 * <p>After the corpus, {@link #everyBaseBodyIsValid()} sends each endpoint's unmutated base body
 * and expects a 2xx: every refusal above was caused by the mutation, not by the base. Finally
 * {@link #injectionLookingFreeTextIsStoredAndReturnedVerbatim()} shows that legitimate free text
 * that merely looks like an attack is accepted and returned unmangled.
 */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputTest {

  static final String KEYSPACE = "it_hostile_input";
  static final long SEED = Long.getLong("hostile.seed", 20261129L);

  static final String COUNTY = "650102";
  static final String SCHOOL = "sch-650102-001";
  /** The school the POST /schools base body registers; only the control test may create it. */
  static final String NEW_SCHOOL = "sch-650102-900";
  /** The agency the POST /agencies base body registers (no police agency covers 650103 yet). */
  static final String NEW_AGENCY = "police-650103";
  /** The clientRef of the POST /incidents base body. */
  static final String BASE_REF = "hostile-base-1";
  /** The clientRef of the POST /directives base body. */
  static final String DIRECTIVE_REF = "hostile-directive-1";
  static final String FIRE = "fire-650102";
  static final List<String> AGENCIES = registeredAgencies(COUNTY);

  static final ObjectMapper JSON = new ObjectMapper();
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  static final String PROBLEM_JSON = "application/problem+json";
  /** What an error body must never contain: stack traces, Java/Jackson/Pekko internals. */
  static final List<String> LEAKS = List.of("Exception", "at org.", "at java.", "java.", "javax.",
      "com.fasterxml", "jackson", "Jackson", "org.apache", "pekko", "scala.", "org.schoolsafety",
      "Caused by", "\tat ", "StatusReply", "Rejection");

  /** Injection-looking strings; used as hostile input only where the contract refuses them. */
  static final List<String> INJECTIONS = List.of(
      "'; DROP TABLE messages; --",
      "<script>alert(1)</script>",
      "${jndi:ldap://x/a}",
      "../../etc/passwd",
      "%00",
      "a\r\nX-Injected: 1",
      "' OR '1'='1",
      "{{7*7}}",
      "$(reboot)",
      "\"; rm -rf / #");

  /** Placeholder inside a string value, replaced by raw bytes after serialization. */
  static final String RAW = "@@RAW@@";
  static final byte[] LONE_SURROGATE_BYTES = {(byte) 0xED, (byte) 0xA0, (byte) 0x80};
  static final byte[] INVALID_UTF8 = {(byte) 0xFF, (byte) 0xFE};
  static final byte[] OVERLONG_SLASH = {(byte) 0xC0, (byte) 0xAF};

  private HubNode node;
  private String base;
  private HubClient operatorClient;
  private HubClient commandCenterClient;
  private String operator;
  private String staff;
  private String gateway;
  private String fireAgency;
  private String commandCenter;
  private String guardian;
  /** A guardian enrolled at the school by redeeming a code: target of revocation (only the control test revokes it). */
  private String enrolledGuardian;
  /** Its token, for renewals. */
  private String enrolledGuardianToken;
  /** The tip the POST /tips/{id}/incident corpus aims at (submitted by that corpus). */
  private String tipForIncident;
  /** The tip the POST /tips/{id}/hazard corpus aims at (submitted by that corpus). */
  private String tipForHazard;
  /** A DISPATCHED incident: target of reports, acks and cancel. */
  private String openIncident;
  /** A RESOLVED incident: target of close. */
  private String resolvedIncident;
  /** A real directive to the school from the province's command center: target of acks, accountability, lift. */
  private String directive;
  /** A webhook of the fire agency (to a closed port: its notices stay pending): target of redeliver. */
  private String webhookW;
  static final String WEBHOOKS = "/api/v1/agencies/" + FIRE + "/webhooks";
  static final String WEBHOOK_SECRET = "hostile-secret-0123456789";
  /** A health-cluster warning at the school: target of POST /warnings/{id}/incident (only the control test reports it). */
  private String warning;
  /** The directive the POST /directives base body would create (only the control test may). */
  private String baseDirective;

  private final Random random = new Random(SEED);
  private final AtomicInteger executed = new AtomicInteger();
  private final Map<String, Integer> generated = new LinkedHashMap<>();
  /** When this class's own work began (after the shared Cassandra is up). */
  private long classStartNanos;
  private long corpusStartNanos;
  private long corpusEndNanos;

  // --- the node and the world the corpus aims at -----------------------------------------

  @BeforeAll
  void startNode() {
    classStartNanos = System.nanoTime();
    node = TestNode.start(KEYSPACE, Map.of(
        // Hundreds of requests per principal in seconds: the rate limit is not under test here.
        "hub.http.rate-limit.burst", 1_000_000,
        "hub.http.rate-limit.per-second", 1_000_000,
        // The webhook base bodies point at a closed port on this machine over plain http.
        "hub.webhooks.allow-http", "on",
        "hub.webhooks.allowed-networks", List.of("127.0.0.0/8")));
    base = "http://127.0.0.1:" + node.httpPort();
    var anonymous = new HubClient(node.httpPort());
    operator = TestNode.token(Role.OPERATOR, "test-operator");
    staff = TestNode.token(Role.SCHOOL_STAFF, SCHOOL);
    gateway = TestNode.token(Role.SENSOR_GATEWAY, SCHOOL);
    fireAgency = TestNode.token(Role.AGENCY, FIRE);
    commandCenter = TestNode.token(Role.COMMAND_CENTER, "65");
    guardian = TestNode.guardianToken("gdn-0123456789abcdef", SCHOOL, "7-2");
    operatorClient = anonymous.withToken(operator);
    commandCenterClient = anonymous.withToken(commandCenter);
    HubClient school = anonymous.withToken(staff);

    Fixtures.registerRegion(anonymous, COUNTY);
    created(Fixtures.postSchool(operatorClient, Fixtures.school(SCHOOL, COUNTY)));

    openIncident = created(school.post("/api/v1/incidents", Fixtures.incident(SCHOOL, "FIRE", "III", "hostile-open")))
        .body().get("incidentId").asText();
    resolvedIncident = created(school.post("/api/v1/incidents", Fixtures.incident(SCHOOL, "FIRE", "III", "hostile-resolved")))
        .body().get("incidentId").asText();
    JsonNode dispatched = awaitIncident(resolvedIncident, "DISPATCHED");
    for (JsonNode d : dispatched.get("dispatches")) {
      String agency = d.get("agencyId").asText();
      var ack = anonymous.as(Role.AGENCY, agency).post("/api/v1/incidents/" + resolvedIncident + "/acks",
          Map.of("agencyId", agency, "note", "on our way"));
      assertThat(ack.status()).isEqualTo(200);
    }
    var fin = school.post("/api/v1/incidents/" + resolvedIncident + "/reports", finalReport());
    assertThat(fin.status()).as(String.valueOf(fin.body())).isEqualTo(201);
    awaitIncident(openIncident, "DISPATCHED");
    awaitIncident(resolvedIncident, "RESOLVED");
    String code = created(school.post("/api/v1/schools/" + SCHOOL + "/guardians/invitations",
        Map.of("classId", "7-2", "count", 1))).body().get("codes").get(0).asText();
    JsonNode redeemed = created(anonymous.post("/api/v1/guardians/redemptions", Map.of("code", code))).body();
    enrolledGuardian = redeemed.get("guardianId").asText();
    enrolledGuardianToken = redeemed.get("token").asText();
    var issued = commandCenterClient.post("/api/v1/directives", Map.of("schoolIds", List.of(SCHOOL),
        "posture", "SHELTER", "instruction", "Sandstorm: stay indoors", "mode", "EXERCISE", "ackWithinMinutes", 1440));
    assertThat(issued.status()).as(String.valueOf(issued.body())).isEqualTo(201);
    directive = issued.body().get("directiveId").asText();
    // A health-cluster warning (issue 15), the target of POST /warnings/{id}/incident; settled once
    // the read side has delivered it to the agencies' inboxes, which the snapshots compare.
    warning = PreventionFlowTest.clusterWarning(school, commandCenterClient, SCHOOL, "hostile-3-2");
    for (String told : List.of("health-" + COUNTY, "education-" + COUNTY)) {
      org.awaitility.Awaitility.await("warning " + warning + " in the inbox of " + told).atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> commandCenterClient.get("/api/v1/agencies/" + told + "/dispatches").body().get("warnings")
              .findValuesAsText("warningId").contains(warning));
    }
    baseDirective = org.schoolsafety.edge.api.DirectiveRoutes.directiveId(
        new org.schoolsafety.edge.auth.Principal(Role.COMMAND_CENTER, "65").id(), "EXERCISE", DIRECTIVE_REF);
    webhookW = created(anonymous.withToken(fireAgency).post(WEBHOOKS, Map.of("url", "http://127.0.0.1:9/hostile-w",
        "secret", WEBHOOK_SECRET))).body().get("webhookId").asText();
    awaitSettled();
  }

  @AfterAll
  void stopNode() {
    int total = generated.values().stream().mapToInt(Integer::intValue).sum();
    System.out.printf("HostileInputTest: %d hostile cases generated, %d executed (seed %d); node and fixtures %.1f s,"
            + " corpus %.1f s, class in all %.1f s; per endpoint: %s%n",
        total, executed.get(), SEED, (corpusStartNanos - classStartNanos) / 1e9,
        (corpusEndNanos - corpusStartNanos) / 1e9, (System.nanoTime() - classStartNanos) / 1e9, generated);
    if (node != null) {
      node.close();
    }
  }

  private JsonNode awaitIncident(String id, String status) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = commandCenterClient.get("/api/v1/incidents/" + id).body();
      if (last != null && status.equals(last.path("status").asText())) {
        return last;
      }
      sleep(100);
    }
    throw new AssertionError("incident " + id + " did not reach " + status + ": " + last);
  }

  /**
   * Waits until the world is quiet: the school lists both incidents with their final statuses
   * and nothing changes for several redelivery intervals (notices are at-least-once).
   */
  private void awaitSettled() {
    long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
    Map<String, JsonNode> previous = null;
    int stable = 0;
    while (System.nanoTime() < deadline) {
      Map<String, JsonNode> now = snapshot();
      JsonNode open = now.get("GET /api/v1/schools/" + SCHOOL).get("body").get("openIncidents");
      boolean listed = open.toString().contains(openIncident) && open.toString().contains(resolvedIncident)
          && open.findValuesAsText("status").containsAll(List.of("DISPATCHED", "RESOLVED"));
      stable = listed && now.equals(previous) ? stable + 1 : 0;
      if (stable >= 6) {
        return;
      }
      previous = now;
      sleep(500);
    }
    throw new AssertionError("the test world did not settle: " + previous);
  }

  /**
   * Everything a hostile request could change, read through the API: the registry (both
   * schools and every agency, including ids only a wrongly accepted request would create),
   * both target incidents with their audit trails (straight from the journal), the incident the
   * POST /incidents base body would create, and every agency's inbox.
   */
  private Map<String, JsonNode> snapshot() {
    Map<String, JsonNode> state = new LinkedHashMap<>();
    Consumer<String[]> read = tokenAndPath -> {
      Reply r = send("GET", tokenAndPath[1], tokenAndPath[0], null, null, Map.of());
      ObjectNode entry = NODES.objectNode();
      entry.put("status", r.status());
      entry.set("body", r.json());
      state.put("GET " + tokenAndPath[1], entry);
    };
    // The province's command center sees every real incident of the school and its agencies.
    read.accept(new String[] {commandCenter, "/api/v1/schools/" + SCHOOL});
    read.accept(new String[] {commandCenter, "/api/v1/schools/" + SCHOOL + "/devices"});
    read.accept(new String[] {staff, "/api/v1/schools/" + SCHOOL + "/guardian-messages"});
    read.accept(new String[] {staff, "/api/v1/schools/" + SCHOOL + "/guardians"});
    read.accept(new String[] {operator, "/api/v1/schools/" + NEW_SCHOOL});
    read.accept(new String[] {operator, "/api/v1/agencies/" + NEW_AGENCY});
    for (String agency : AGENCIES) {
      read.accept(new String[] {operator, "/api/v1/agencies/" + agency});
      read.accept(new String[] {commandCenter, "/api/v1/agencies/" + agency + "/dispatches?state=all"});
    }
    read.accept(new String[] {fireAgency, WEBHOOKS});
    if (webhookW != null) {
      read.accept(new String[] {fireAgency, WEBHOOKS + "/" + webhookW + "/dead-letters"});
    }
    if (directive != null) {
      read.accept(new String[] {commandCenter, "/api/v1/directives/" + directive});
      read.accept(new String[] {commandCenter, "/api/v1/directives/" + baseDirective});
    }
    for (String incident : List.of(openIncident, resolvedIncident, TestNode.staffIncidentId(SCHOOL, BASE_REF))) {
      read.accept(new String[] {commandCenter, "/api/v1/incidents/" + incident});
      read.accept(new String[] {commandCenter, "/api/v1/incidents/" + incident + "/audit"});
    }
    return state;
  }

  private static List<String> registeredAgencies(String county) {
    List<String> ids = new ArrayList<>();
    for (String kind : List.of("police", "fire", "health", "education")) {
      ids.add(kind + "-" + county);
      if (!kind.equals("health")) {
        ids.add(kind + "-" + county.substring(0, 4));
      }
      ids.add(kind + "-" + county.substring(0, 2));
    }
    return ids;
  }

  // --- the endpoint groups ---------------------------------------------------------------

  @TestFactory
  @Order(1)
  Stream<DynamicTest> postSchools() {
    corpusStartNanos = System.nanoTime();
    var endpoint = new Endpoint("POST /api/v1/schools", "/api/v1/schools", operator, schoolBody(), List.of(
        Field.id("schoolId"),
        Field.text("name", 200, true),
        Field.region("regionCode"),
        Field.oneOf("type", true, names(SchoolType.values())),
        Field.count("students", 0, 100_000),
        Field.count("staff", 0, 20_000),
        Field.count("floors", 1, 200),
        Field.object("location", true),
        Field.coord("location.lat", -90, 90),
        Field.coord("location.lon", -180, 180)));
    return group(endpoint, corpus(endpoint, List.of()), (before, c) ->
        assertThat(read(operator, "/api/v1/schools/" + NEW_SCHOOL).status()).as("school created by " + c).isEqualTo(404));
  }

  @TestFactory
  @Order(2)
  Stream<DynamicTest> postAgencies() {
    var endpoint = new Endpoint("POST /api/v1/agencies", "/api/v1/agencies", operator, agencyBody(), List.of(
        Field.id("agencyId"),
        Field.text("name", 200, true),
        Field.oneOf("kind", true, names(AgencyKind.values())),
        Field.oneOf("tier", true, names(Tier.values())),
        Field.digits("jurisdiction", 6)));
    return group(endpoint, corpus(endpoint, List.of()), (before, c) ->
        assertThat(read(operator, "/api/v1/agencies/" + NEW_AGENCY).status()).as("agency created by " + c).isEqualTo(404));
  }

  @TestFactory
  @Order(3)
  Stream<DynamicTest> postIncidents() {
    var endpoint = new Endpoint("POST /api/v1/incidents", "/api/v1/incidents", staff, incidentBody(), List.of(
        Field.id("schoolId"),
        Field.oneOf("type", true, names(IncidentType.values())),
        Field.oneOf("level", false, names(Level.values())),
        Field.oneOf("mode", false, names(Mode.values())),
        Field.timestamp("occurredAt"),
        Field.text("summary", 2000, true),
        Field.object("casualties", false),
        Field.count("casualties.dead", 0, 100_000),
        Field.count("casualties.injured", 0, 100_000),
        Field.count("casualties.missing", 0, 100_000),
        Field.text("measures", 2000, false),
        Field.object("reporter", true),
        Field.text("reporter.name", 100, true),
        Field.text("reporter.role", 50, true),
        Field.phone("reporter.phone"),
        Field.clientRef("clientRef")));
    List<Case> extra = new ArrayList<>();
    ObjectNode noRef = incidentBody();
    noRef.remove("clientRef");
    for (String key : List.of("has space", "k".repeat(129), "'; DROP TABLE messages; --", "", "tab\tinside")) {
      extra.add(endpoint.caseOf("Idempotency-Key header " + printable(key), bytes(noRef), "application/json",
          Map.of("Idempotency-Key", key), Set.of(400)));
    }
    extra.add(endpoint.caseOf("Idempotency-Key differs from clientRef", bytes(incidentBody()), "application/json",
        Map.of("Idempotency-Key", "another-ref"), Set.of(400)));
    // The incident the base body would create is in the snapshot; per case, the school's list.
    return group(endpoint, corpus(endpoint, extra), (before, c) ->
        assertThat(read(commandCenter, "/api/v1/schools/" + SCHOOL).json().get("openIncidents"))
            .as("open incidents after " + c)
            .isEqualTo(before.get("GET /api/v1/schools/" + SCHOOL).get("body").get("openIncidents")));
  }

  @TestFactory
  @Order(4)
  Stream<DynamicTest> postReports() {
    List<Field> fields = List.of(
        Field.oneOf("kind", true, List.of("CONTINUATION", "FINAL")),
        Field.text("summary", 2000, true),
        Field.object("casualties", false),
        Field.count("casualties.dead", 0, 100_000),
        Field.count("casualties.injured", 0, 100_000),
        Field.count("casualties.missing", 0, 100_000),
        Field.text("measures", 2000, false),
        Field.oneOf("level", false, names(Level.values())),
        Field.text("cause", 2000, false),
        Field.text("outcome", 2000, false));
    var endpoint = new Endpoint("POST /api/v1/incidents/{id}/reports",
        "/api/v1/incidents/" + openIncident + "/reports", staff, continuation(), fields);
    // A final report needs a cause and an outcome: the same endpoint with FINAL as base.
    var finalEndpoint = new Endpoint(endpoint.name(), endpoint.path(), staff, finalReport(), List.of(
        Field.text("cause", 2000, true), Field.text("outcome", 2000, true)));
    List<Case> extra = new ArrayList<>();
    extra.add(endpoint.with(endpoint.mutate("kind", TextNode.valueOf("INITIAL")), "kind INITIAL (only POST /incidents files it)")
        .blaming("kind"));
    for (Field field : finalEndpoint.fields()) {
      // The other hostile values of cause and outcome are covered with the CONTINUATION base.
      for (Bad bad : List.of(Bad.of("missing", MissingNode.getInstance()), Bad.of("null", NullNode.getInstance()),
          Bad.of("empty", TextNode.valueOf("")), Bad.of("blank", TextNode.valueOf(" \n\t ")))) {
        extra.add(finalEndpoint.with(finalEndpoint.mutate(field.path(), bad), "FINAL, " + field.path() + " " + bad.label())
            .blaming(field.path()));
      }
    }
    extra.addAll(pathCases(endpoint, "reports"));
    return group(endpoint, corpus(endpoint, extra),
        (before, c) -> assertUnchanged(before, commandCenter, "/api/v1/incidents/" + openIncident, c));
  }

  @TestFactory
  @Order(5)
  Stream<DynamicTest> postAcks() {
    var endpoint = new Endpoint("POST /api/v1/incidents/{id}/acks",
        "/api/v1/incidents/" + openIncident + "/acks", fireAgency, ack(), List.of(
        Field.id("agencyId"),
        Field.text("note", 1000, false)));
    return group(endpoint, corpus(endpoint, pathCases(endpoint, "acks")),
        (before, c) -> assertUnchanged(before, commandCenter, "/api/v1/incidents/" + openIncident, c));
  }

  @TestFactory
  @Order(6)
  Stream<DynamicTest> postClose() {
    var endpoint = new Endpoint("POST /api/v1/incidents/{id}/close",
        "/api/v1/incidents/" + resolvedIncident + "/close", commandCenter, object("note", "all clear"), List.of(
        Field.text("note", 2000, false)));
    return group(endpoint, corpus(endpoint, pathCases(endpoint, "close")),
        (before, c) -> assertUnchanged(before, commandCenter, "/api/v1/incidents/" + resolvedIncident, c));
  }

  @TestFactory
  @Order(7)
  Stream<DynamicTest> postCancel() {
    var endpoint = new Endpoint("POST /api/v1/incidents/{id}/cancel",
        "/api/v1/incidents/" + openIncident + "/cancel", commandCenter, object("reason", "a false alarm"), List.of(
        Field.text("reason", 2000, true)));
    return group(endpoint, corpus(endpoint, pathCases(endpoint, "cancel")),
        (before, c) -> assertUnchanged(before, commandCenter, "/api/v1/incidents/" + openIncident, c));
  }

  @TestFactory
  @Order(9)
  Stream<DynamicTest> postDevices() {
    var endpoint = new Endpoint("POST /api/v1/schools/{id}/devices", "/api/v1/schools/" + SCHOOL + "/devices", staff,
        deviceBody(), List.of(
        Field.id("deviceId"),
        Field.oneOf("kind", true, DEVICE_KINDS),
        Field.object("location", true),
        Field.text("location.building", 100, true),
        Field.text("location.floor", 20, false),
        Field.text("location.room", 100, false),
        Field.text("location.note", 500, false),
        new Field("gatewayId", Kind.ID, false, 64, 0, 0, List.of())));
    List<Case> extra = new ArrayList<>();
    extra.add(endpoint.with(endpoint.mutate("kind", TextNode.valueOf("HEARTBEAT")), "kind HEARTBEAT (a reading, not a device)")
        .blaming("kind"));
    return group(endpoint, corpus(endpoint, extra),
        (before, c) -> assertUnchanged(before, commandCenter, "/api/v1/schools/" + SCHOOL + "/devices", c));
  }

  @TestFactory
  @Order(10)
  Stream<DynamicTest> postReadings() {
    var endpoint = new Endpoint("POST /api/v1/sensors/readings", "/api/v1/sensors/readings", gateway, readingsBody(),
        List.of(
        Field.id("schoolId"),
        Field.id("gatewayId"),
        Field.oneOf("mode", false, names(Mode.values())),
        Field.id("readings[0].sensorId"),
        Field.oneOf("readings[0].kind", true, names(SensorKind.values())),
        Field.coord("readings[0].value", 0, 30),
        Field.timestamp("readings[0].at")));
    List<Case> extra = new ArrayList<>();
    ObjectNode reading = (ObjectNode) readingsBody().get("readings").get(0);
    // Values out of physical range, by kind; timestamps the hub cannot act on; wrong shapes.
    extra.add(readingCase(endpoint, reading.deepCopy().put("kind", "GAS").put("value", 100.5), "gas above 100 %LEL", "value"));
    extra.add(readingCase(endpoint, reading.deepCopy().put("kind", "PANIC").put("value", 0.5), "panic half pressed", "value"));
    extra.add(readingCase(endpoint, reading.deepCopy().put("kind", "TEMPERATURE").put("value", -300), "below absolute zero", "value"));
    extra.add(readingCase(endpoint, reading.deepCopy().put("kind", "SEISMIC").put("value", 9000), "9000 gal", "value"));
    extra.add(readingCase(endpoint, reading.deepCopy().put("kind", "CAMERA"), "camera with a value and no label", "value"));
    ObjectNode camera = reading.deepCopy().put("kind", "CAMERA").put("label", "FIGHT").put("confidence", 0.9);
    camera.remove("value");
    extra.add(readingCase(endpoint, camera.deepCopy().put("label", "SELFIE"), "camera label SELFIE", "label"));
    extra.add(readingCase(endpoint, camera.deepCopy().put("confidence", 1.01), "camera confidence 1.01", "confidence"));
    extra.add(readingCase(endpoint, camera.deepCopy().put("confidence", -0.01), "camera confidence -0.01", "confidence"));
    ObjectNode noConfidence = camera.deepCopy();
    noConfidence.remove("confidence");
    extra.add(readingCase(endpoint, noConfidence, "camera without confidence", "confidence"));
    extra.add(readingCase(endpoint, reading.deepCopy().put("label", "FIGHT"), "label on smoke", "label"));
    extra.add(readingCase(endpoint, reading.deepCopy().put("confidence", 0.5), "confidence on smoke", "confidence"));
    extra.add(readingCase(endpoint, reading.deepCopy().put("at", Instant.now().plus(2, ChronoUnit.MINUTES).toString()),
        "2 minutes ahead", "at"));
    extra.add(readingCase(endpoint, reading.deepCopy().put("at", Instant.now().minus(11, ChronoUnit.MINUTES).toString()),
        "11 minutes old", "at"));
    extra.add(readingCase(endpoint, reading.deepCopy().put("unit", "dB/m"), "unknown field unit", "unit"));
    ObjectNode nullReading = readingsBody();
    nullReading.withArray("readings").add(NullNode.getInstance());
    extra.add(endpoint.with(bytes(nullReading), "a null reading").blaming("readings[1]"));
    ObjectNode empty = readingsBody();
    empty.set("readings", NODES.arrayNode());
    extra.add(endpoint.with(bytes(empty), "no readings").blaming("readings"));
    ObjectNode tooMany = readingsBody();
    for (int i = 0; i < 500; i++) {
      tooMany.withArray("readings").add(reading.deepCopy().put("sensorId", "t-" + (i % 9)));
    }
    extra.add(endpoint.with(bytes(tooMany), "501 readings").blaming("readings"));
    ObjectNode late = readingsBody();
    late.withArray("readings").add(reading.deepCopy()).add(reading.deepCopy()).add(reading.deepCopy().put("value", 31));
    extra.add(endpoint.with(bytes(late), "the fourth reading of four out of range").blaming("readings[3].value"));
    ObjectNode drillWithoutExercise = readingsBody().put("drillId", "drill-1");
    extra.add(endpoint.with(bytes(drillWithoutExercise), "drillId on real readings").blaming("drillId"));
    // Only the school's own gateway: other principals are refused whatever the body.
    extra.add(new Case(endpoint.name(), "school staff token", "POST", endpoint.path(), staff, bytes(readingsBody()),
        "application/json", Map.of(), Set.of(403)));
    extra.add(new Case(endpoint.name(), "another school's gateway", "POST", endpoint.path(),
        TestNode.token(Role.SENSOR_GATEWAY, "sch-650102-002"), bytes(readingsBody()), "application/json", Map.of(), Set.of(403)));
    return group(endpoint, corpus(endpoint, extra), (before, c) -> {
      assertUnchanged(before, commandCenter, "/api/v1/schools/" + SCHOOL + "/devices", c);
      assertUnchanged(before, commandCenter, "/api/v1/schools/" + SCHOOL, c);
    });
  }

  private static Case readingCase(Endpoint e, ObjectNode reading, String label, String field) {
    ObjectNode body = readingsBody();
    body.withArray("readings").set(0, reading);
    return e.with(bytes(body), "readings[0]: " + label).blaming("readings[0]." + field);
  }

  @TestFactory
  @Order(21)
  Stream<DynamicTest> postDirectives() {
    var endpoint = new Endpoint("POST /api/v1/directives", "/api/v1/directives", commandCenter, directiveBody(), List.of(
        Field.oneOf("posture", true, List.of("HOLD", "SECURE", "LOCKDOWN", "EVACUATE", "SHELTER")),
        Field.text("instruction", 2000, true),
        Field.oneOf("mode", false, names(Mode.values())),
        new Field("ackWithinMinutes", Kind.COUNT, false, 0, 1, 1440, List.of()),
        Field.clientRef("clientRef")));
    List<Case> extra = new ArrayList<>();
    extra.add(endpoint.with(endpoint.mutate("posture", TextNode.valueOf("NORMAL")), "posture NORMAL (lifting does that)")
        .blaming("posture"));
    extra.add(endpoint.with(endpoint.mutate("schoolIds", MissingNode.getInstance()), "neither region nor schoolIds")
        .blaming("region"));
    extra.add(endpoint.with(endpoint.mutate("region", TextNode.valueOf("65")), "both region and schoolIds")
        .blaming("schoolIds"));
    var badLists = new LinkedHashMap<String, JsonNode>();
    badLists.put("empty", NODES.arrayNode());
    badLists.put("a string", TextNode.valueOf(SCHOOL));
    badLists.put("a number inside", NODES.arrayNode().add(12));
    badLists.put("null inside", NODES.arrayNode().addNull());
    badLists.put("an object inside", NODES.arrayNode().add(NODES.objectNode().put("id", SCHOOL)));
    badLists.put("an injection inside", NODES.arrayNode().add("'; DROP TABLE schools; --"));
    badLists.put("a duplicate", NODES.arrayNode().add(SCHOOL).add(SCHOOL));
    badLists.put("an unknown school", NODES.arrayNode().add(SCHOOL).add("sch-650102-999"));
    var tooMany = NODES.arrayNode();
    for (int i = 0; i <= 2000; i++) {
      tooMany.add("sch-" + i);
    }
    badLists.put("2001 schools", tooMany);
    badLists.forEach((label, value) -> extra.add(endpoint.with(endpoint.mutate("schoolIds", value), "schoolIds " + label)
        .blaming("schoolIds")));
    for (String region : List.of("6", "6501021", "ab", "", "65 ")) {
      var body = directiveBody();
      body.remove("schoolIds");
      body.put("region", region);
      extra.add(endpoint.with(bytes(body), "region " + printable(region)).blaming("region"));
    }
    return group(endpoint, corpus(endpoint, extra), (before, c) ->
        assertThat(read(commandCenter, "/api/v1/directives/" + baseDirective).status()).as("directive created by " + c)
            .isEqualTo(404));
  }

  @TestFactory
  @Order(22)
  Stream<DynamicTest> postDirectiveAcks() {
    var endpoint = new Endpoint("POST /api/v1/directives/{id}/acks", "/api/v1/directives/" + directive + "/acks", staff,
        object("schoolId", SCHOOL).put("note", "all inside"), List.of(
        Field.id("schoolId"),
        Field.text("note", 1000, false)));
    return group(endpoint, corpus(endpoint, pathCases(endpoint, "acks")),
        (before, c) -> assertUnchanged(before, commandCenter, "/api/v1/directives/" + directive, c));
  }

  @TestFactory
  @Order(23)
  Stream<DynamicTest> postAccountability() {
    var endpoint = new Endpoint("POST /api/v1/directives/{id}/accountability",
        "/api/v1/directives/" + directive + "/accountability", staff, accountability(), List.of(
        Field.id("schoolId"),
        Field.object("students", false),
        Field.count("students.present", 0, 100_000),
        new Field("students.missing", Kind.COUNT, false, 0, 0, 100_000, List.of()),
        new Field("students.injured", Kind.COUNT, false, 0, 0, 100_000, List.of()),
        Field.object("staff", false),
        Field.count("staff.present", 0, 100_000)));
    List<Case> extra = new ArrayList<>();
    var none = accountability();
    none.remove("students");
    none.remove("staff");
    extra.add(endpoint.with(bytes(none), "neither students, classes nor staff").blaming("students"));
    var both = accountability();
    both.set("classes", NODES.arrayNode().add(NODES.objectNode().put("classId", "1A").put("present", 30)));
    extra.add(endpoint.with(bytes(both), "students and classes").blaming("classes"));
    var classes = new LinkedHashMap<String, JsonNode>();
    classes.put("not an array", TextNode.valueOf("1A"));
    classes.put("null class", NODES.arrayNode().addNull());
    classes.put("class without id", NODES.arrayNode().add(NODES.objectNode().put("present", 3)));
    classes.put("class id with markup", NODES.arrayNode().add(NODES.objectNode().put("classId", "<b>1A</b>").put("present", 3)));
    classes.put("negative count", NODES.arrayNode().add(NODES.objectNode().put("classId", "1A").put("present", -3)));
    classes.put("duplicate class", NODES.arrayNode()
        .add(NODES.objectNode().put("classId", "1A").put("present", 3))
        .add(NODES.objectNode().put("classId", "1A").put("present", 4)));
    classes.forEach((label, value) -> {
      var body = accountability();
      body.remove("students");
      body.set("classes", value);
      extra.add(endpoint.with(bytes(body), "classes: " + label).blaming("classes"));
    });
    extra.addAll(pathCases(endpoint, "accountability"));
    return group(endpoint, corpus(endpoint, extra),
        (before, c) -> assertUnchanged(before, commandCenter, "/api/v1/directives/" + directive, c));
  }

  @TestFactory
  @Order(24)
  Stream<DynamicTest> postLift() {
    var endpoint = new Endpoint("POST /api/v1/directives/{id}/lift", "/api/v1/directives/" + directive + "/lift",
        commandCenter, object("reason", "the storm has passed"), List.of(
        Field.text("reason", 2000, false)));
    return group(endpoint, corpus(endpoint, pathCases(endpoint, "lift")),
        (before, c) -> assertUnchanged(before, commandCenter, "/api/v1/directives/" + directive, c));
  }

  @TestFactory
  @Order(25)
  Stream<DynamicTest> postCapAlerts() {
    var endpoint = new Endpoint("POST /api/v1/cap/alerts", "/api/v1/cap/alerts", commandCenter, NODES.objectNode(),
        List.of());
    String valid = """
        <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>HOSTILE-1</identifier>
        <sender>hostile@example.cn</sender><sent>2026-11-30T09:00:00+08:00</sent><status>Actual</status>
        <msgType>Alert</msgType><scope>Public</scope><info><category>Met</category><event>Sandstorm</event>
        <urgency>Immediate</urgency><severity>Severe</severity><certainty>Observed</certainty>
        <area><areaDesc>x</areaDesc>%s</area></info></alert>""";
    var xml = new LinkedHashMap<String, String>();
    xml.put("billion laughs", """
        <?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">
        <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
        <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
        <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
        <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol4;</identifier></alert>""");
    xml.put("external entity", """
        <?xml version="1.0"?><!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
        <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&xxe;</identifier></alert>""");
    xml.put("external DTD", """
        <?xml version="1.0"?><!DOCTYPE alert SYSTEM "http://127.0.0.1:1/evil.dtd">
        <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"/>""");
    xml.put("parameter entity", """
        <?xml version="1.0"?><!DOCTYPE alert [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>
        <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"/>""");
    xml.put("XInclude", """
        <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2" xmlns:xi="http://www.w3.org/2001/XInclude">
        <xi:include href="file:///etc/passwd" parse="text"/></alert>""");
    xml.put("not well-formed", "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>x</alert>");
    xml.put("empty", "");
    xml.put("JSON", "{\"identifier\":\"x\"}");
    xml.put("another namespace", "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.1\"><identifier>x</identifier></alert>");
    xml.put("schema: no sender", valid.formatted("").replace("<sender>hostile@example.cn</sender>", ""));
    xml.put("schema: sent with Z", valid.formatted("").replace("+08:00", "Z"));
    xml.put("schema: unknown status", valid.formatted("").replace("<status>Actual</status>", "<status>Real</status>"));
    for (String polygon : List.of("43.7,87.5 43.7,87.75 43.95,87.75 43.95,87.5", "43.7,87.5 43.8,87.6 43.9,87.7 43.7,87.5",
        "43,87 44,88 43,88 44,87 43,87", "91,87 43,88 44,88 91,87", "a,b c,d e,f a,b", "43,87 43,88 44,88 44,87 43,87 %00")) {
      xml.put("polygon " + polygon, valid.formatted("<polygon>" + polygon + "</polygon>"));
    }
    for (String circle : List.of("43,87", "43,87 -1", "43,87 x", "43,200 1", "43,87 1e400")) {
      xml.put("circle " + circle, valid.formatted("<circle>" + circle + "</circle>"));
    }
    xml.put("control characters", valid.formatted("").replace("HOSTILE-1", "HOSTILE\u0001"));
    List<Case> cases = new ArrayList<>();
    xml.forEach((label, body) -> cases.add(endpoint.caseOf(label, body.getBytes(UTF_8), "application/cap+xml", Map.of(),
        Set.of(400))));
    byte[] large = valid.formatted("<polygon>" + "43.7,87.5 ".repeat(8_000) + "</polygon>").getBytes(UTF_8);
    cases.add(endpoint.caseOf("a body above 64 KiB", large, "application/cap+xml", Map.of(), Set.of(413)));
    for (String type : List.of("application/json", "text/plain; charset=utf-8", "application/octet-stream")) {
      cases.add(endpoint.caseOf("content type " + type, valid.formatted("").getBytes(UTF_8), type, Map.of(), Set.of(415)));
    }
    cases.add(new Case(endpoint.name(), "as school staff", "POST", endpoint.path(), staff,
        valid.formatted("").getBytes(UTF_8), "application/cap+xml", Map.of(), Set.of(403)));
    cases.addAll(methods(endpoint));
    generated.merge(endpoint.name(), cases.size(), Integer::sum);
    return group(endpoint, cases, (before, c) -> { });
  }

  private ObjectNode directiveBody() {
    ObjectNode body = NODES.objectNode();
    body.set("schoolIds", NODES.arrayNode().add(SCHOOL));
    body.put("posture", "SHELTER");
    body.put("instruction", "Sandstorm: keep everyone indoors");
    body.put("mode", "EXERCISE");
    body.put("ackWithinMinutes", 10);
    body.put("clientRef", DIRECTIVE_REF);
    return body;
  }

  private static ObjectNode accountability() {
    ObjectNode body = NODES.objectNode();
    body.put("schoolId", SCHOOL);
    body.set("students", NODES.objectNode().put("present", 1100).put("missing", 2).put("injured", 1));
    body.set("staff", NODES.objectNode().put("present", 80));
    return body;
  }

  /**
   * The control: each endpoint's unmutated base body is accepted, so every refusal of the
   * corpus came from what the case changed.
   */
  /** Prevention (issue 15): a school's declared surroundings; nothing is declared by a refused case. */
  @TestFactory
  @Order(7)
  Stream<DynamicTest> postSurroundings() {
    var endpoint = new Endpoint("POST /api/v1/schools/{id}/surroundings", "/api/v1/schools/" + SCHOOL + "/surroundings",
        staff, surroundingBody(), List.of(
        Field.id("surroundingId"),
        Field.oneOf("kind", true, List.of("CONSTRUCTION_SITE", "MAJOR_ROAD", "RAILWAY", "RIVER_OR_RESERVOIR",
            "CHEMICAL_PLANT", "ENTERTAINMENT_VENUE", "MARKET", "OTHER")),
        Field.count("distanceMetres", 0, 100_000),
        Field.text("description", 500, false)));
    return group(endpoint, corpus(endpoint, List.of()), (before, c) ->
        assertThat(read(commandCenter, "/api/v1/schools/" + SCHOOL + "/surroundings").json().get("surroundings"))
            .as("surroundings after " + c).isEmpty());
  }

  static ObjectNode surroundingBody() {
    ObjectNode body = NODES.objectNode();
    body.put("surroundingId", "hostile-around");
    body.put("kind", "MARKET");
    body.put("distanceMetres", 300);
    body.put("description", "a night market");
    return body;
  }

  /**
   * A health-cluster warning turned into an incident (issue 15): a refused case reports nothing
   * (the school's open incidents stay as they were) and links nothing.
   */
  @TestFactory
  @Order(11)
  Stream<DynamicTest> postWarningIncident() {
    var endpoint = new Endpoint("POST /api/v1/warnings/{id}/incident", "/api/v1/warnings/" + warning + "/incident",
        staff, warningIncidentBody(), List.of(
        Field.object("reporter", true),
        Field.text("reporter.name", 100, true),
        Field.text("reporter.role", 50, true),
        Field.phone("reporter.phone"),
        Field.oneOf("level", false, names(Level.values())),
        Field.text("measures", 2000, false)));
    return group(endpoint, corpus(endpoint, pathCases(endpoint, "incident")), (before, c) ->
        assertThat(read(commandCenter, "/api/v1/schools/" + SCHOOL).json().get("openIncidents"))
            .as("open incidents after " + c)
            .isEqualTo(before.get("GET /api/v1/schools/" + SCHOOL).get("body").get("openIncidents")));
  }

  /**
   * A tip reported as an incident (issue 17): a refused case reports nothing (the school's open
   * incidents stay as they were) and links nothing (the tip shows no incident). The tip is
   * submitted here, after the tip corpus, which expects the school's tip list empty.
   */
  @TestFactory
  @Order(17)
  Stream<DynamicTest> postTipIncident() {
    String tip = created(new HubClient(node.httpPort()).post("/api/v1/tips", Map.of("schoolId", SCHOOL,
        "category", "WEAPON", "text", "a knife in a school bag"))).body().get("tipId").asText();
    tipForIncident = tip;
    var endpoint = new Endpoint("POST /api/v1/tips/{id}/incident", "/api/v1/tips/" + tip + "/incident",
        staff, tipIncidentBody(), List.of(
        Field.object("reporter", true),
        Field.text("reporter.name", 100, true),
        Field.text("reporter.role", 50, true),
        Field.phone("reporter.phone"),
        Field.oneOf("type", false, names(org.schoolsafety.hub.incident.IncidentType.values())),
        Field.oneOf("level", false, names(Level.values())),
        Field.text("summary", 2000, false),
        Field.text("measures", 2000, false)));
    return group(endpoint, corpus(endpoint, pathCases(endpoint, "incident")), (before, c) -> {
      assertThat(read(commandCenter, "/api/v1/schools/" + SCHOOL).json().get("openIncidents"))
          .as("open incidents after " + c)
          .isEqualTo(before.get("GET /api/v1/schools/" + SCHOOL).get("body").get("openIncidents"));
      assertThat(read(staff, "/api/v1/tips/" + tip).json().hasNonNull("incidentId")).as("link after " + c).isFalse();
    });
  }

  /**
   * A tip recorded as a hazard (issue 17): a refused case opens no hazard and links nothing (the
   * tip shows no hazard). Every fix of the rectification plan is required, as for an inspection.
   */
  @TestFactory
  @Order(18)
  Stream<DynamicTest> postTipHazard() {
    String tip = created(new HubClient(node.httpPort()).post("/api/v1/tips", Map.of("schoolId", SCHOOL,
        "category", "SAFETY_HAZARD", "text", "a loose railing on the stairs"))).body().get("tipId").asText();
    tipForHazard = tip;
    var endpoint = new Endpoint("POST /api/v1/tips/{id}/hazard", "/api/v1/tips/" + tip + "/hazard",
        staff, tipHazardBody(), List.of(
        Field.oneOf("category", false, names(org.schoolsafety.hub.hazard.HazardCategory.values())),
        Field.oneOf("severity", true, names(org.schoolsafety.hub.hazard.Severity.values())),
        Field.text("location", 200, false),
        Field.text("description", 2000, false),
        Field.object("rectification", true),
        Field.text("rectification.responsible", 100, true),
        Field.text("rectification.measures", 2000, true),
        Field.count("rectification.fundingYuan", 0, 1_000_000_000),
        Field.deadline("rectification.deadline"),
        Field.text("rectification.interimSafeguard", 2000, true)));
    return group(endpoint, corpus(endpoint, pathCases(endpoint, "hazard")), (before, c) ->
        assertThat(read(staff, "/api/v1/tips/" + tip).json().hasNonNull("hazardId")).as("link after " + c).isFalse());
  }

  static ObjectNode tipHazardBody() {
    ObjectNode body = NODES.objectNode();
    body.put("category", "BUILDING");
    body.put("severity", "GENERAL");
    body.put("location", "north stairs, 3rd floor");
    body.put("description", "railing loose; confirmed by the caretaker");
    body.set("rectification", NODES.objectNode().put("responsible", "Wang Fang").put("measures", "weld the railing")
        .put("fundingYuan", 1200).put("deadline", "2026-12-15T18:00:00+08:00").put("interimSafeguard", "stairs taped off"));
    return body;
  }

  static ObjectNode tipIncidentBody() {
    ObjectNode body = NODES.objectNode();
    body.set("reporter", NODES.objectNode().put("name", "Li Wei").put("role", "principal"));
    body.put("type", "VIOLENCE");
    body.put("level", "IV");
    body.put("summary", "knife reported by an anonymous tip; bag checked");
    body.put("measures", "the student's guardians called");
    return body;
  }

  static ObjectNode warningIncidentBody() {
    ObjectNode body = NODES.objectNode();
    body.set("reporter", NODES.objectNode().put("name", "Li Na").put("role", "school doctor")
        .put("phone", "+86 138 0000 0001"));
    body.put("level", "IV");
    body.put("measures", "class isolated, parents informed");
    return body;
  }

  /** The open tip endpoint (issue 17): no token needed; a refused tip leaves the school's list empty. */
  @TestFactory
  @Order(9)
  Stream<DynamicTest> postTips() {
    var endpoint = new Endpoint("POST /api/v1/tips", "/api/v1/tips", staff, tipBody(), List.of(
        Field.id("schoolId"),
        Field.oneOf("category", true, List.of("BULLYING", "SELF_HARM", "WEAPON", "DRUGS", "VIOLENCE", "ABUSE",
            "SAFETY_HAZARD", "OTHER")),
        Field.text("text", 4000, true),
        Field.text("when", 200, false),
        Field.text("where", 200, false)));
    return group(endpoint, corpus(endpoint, List.of()), (before, c) ->
        assertThat(read(staff, "/api/v1/schools/" + SCHOOL + "/tips?state=all").json().get("tips"))
            .as("tips after " + c).isEmpty());
  }

  static ObjectNode tipBody() {
    ObjectNode body = NODES.objectNode();
    body.put("schoolId", SCHOOL);
    body.put("category", "BULLYING");
    body.put("text", "older students take lunch money");
    body.put("when", "lunch break");
    body.put("where", "behind the gym");
    return body;
  }

  /**
   * Guardians (issue 17): invitations by staff, the open redemption (a token sent is ignored, as
   * for tips), a guardian's message. A refused message leaves the school's guardian messages empty (also in the snapshot); a refused
   * invitation or redemption is refused before any entity is asked.
   */
  @TestFactory
  @Order(14)
  Stream<DynamicTest> postGuardianInvitations() {
    var endpoint = new Endpoint("POST /api/v1/schools/{id}/guardians/invitations",
        "/api/v1/schools/" + SCHOOL + "/guardians/invitations", staff, invitationBody(), List.of(
        Field.id("classId"),
        Field.count("count", 1, 200),
        Field.text("expiresIn", 32, false)));
    return group(endpoint, corpus(endpoint, List.of(
        endpoint.with(bytes(invitationBody().put("expiresIn", "P31D")), "expiresIn: beyond the maximum").blaming("expiresIn"),
        endpoint.with(bytes(invitationBody().put("expiresIn", "PT0S")), "expiresIn: zero").blaming("expiresIn"),
        endpoint.with(bytes(invitationBody().put("expiresIn", "-P1D")), "expiresIn: negative").blaming("expiresIn"),
        endpoint.with(bytes(invitationBody().put("expiresIn", "7 days")), "expiresIn: prose").blaming("expiresIn"))),
        (before, c) -> { });
  }

  static ObjectNode invitationBody() {
    ObjectNode body = NODES.objectNode();
    body.put("classId", "7-2");
    body.put("count", 2);
    body.put("expiresIn", "P7D");
    return body;
  }

  @TestFactory
  @Order(15)
  Stream<DynamicTest> postGuardianRedemptions() {
    var endpoint = new Endpoint("POST /api/v1/guardians/redemptions", "/api/v1/guardians/redemptions", staff,
        object("code", "0000-0000-0000-0000-0000"), List.of(Field.text("code", 24, true)));
    return group(endpoint, corpus(endpoint, List.of(
        endpoint.with(bytes(object("code", "UUUU-UUUU-UUUU-UUUU-UUUU")), "code: letters outside the alphabet").blaming("code"),
        endpoint.with(bytes(object("code", "0000-0000-0000-0000-000")), "code: one symbol short").blaming("code"),
        endpoint.caseOf("code: well formed, never issued", bytes(object("code", "0000-0000-0000-0000-0000")),
            "application/json", Map.of(), Set.of(404)))),
        (before, c) -> { });
  }

  @TestFactory
  @Order(16)
  Stream<DynamicTest> postGuardianMessages() {
    var endpoint = new Endpoint("POST /api/v1/guardian/messages", "/api/v1/guardian/messages", guardian,
        guardianMessageBody(), List.of(
        Field.oneOf("topic", true, List.of("HEALTH", "FAMILY_SITUATION", "SAFETY_CONCERN", "OTHER")),
        Field.text("child", 64, false),
        Field.text("text", 2000, true)));
    return group(endpoint, corpus(endpoint, List.of(
        endpoint.caseOf("as the school's staff", bytes(guardianMessageBody()), "application/json", Map.of(), Set.of(403))
            .withToken(staff))),
        (before, c) -> assertThat(read(staff, "/api/v1/schools/" + SCHOOL + "/guardian-messages").json().get("messages"))
            .as("guardian messages after " + c).isEmpty());
  }

  /**
   * Revoking a guardian (issue 17): a refused case leaves the school's guardian list as it was
   * (the guardian still ACTIVE); a guardian id that cannot be one, an unknown one and another
   * school's staff are all told the guardian does not exist.
   */
  @TestFactory
  @Order(28)
  Stream<DynamicTest> postGuardianRevocation() {
    String path = "/api/v1/schools/" + SCHOOL + "/guardians/" + enrolledGuardian + "/revocation";
    var endpoint = new Endpoint("POST /api/v1/schools/{id}/guardians/{guardianId}/revocation", path, staff,
        object("reason", "custody order"), List.of(Field.text("reason", 500, true)));
    List<Case> extra = new ArrayList<>();
    for (String id : List.of("gdn-0000000000000000", "gdn-ABCDEF0123456789", "gdn-0123", "..%2F..%2Fguardians",
        "x".repeat(300), "%00", enrolledGuardian + "%20")) {
      extra.add(new Case(endpoint.name(), "guardian id " + printable(id), "POST",
          "/api/v1/schools/" + SCHOOL + "/guardians/" + id + "/revocation", staff, bytes(endpoint.base()),
          "application/json", Map.of(), Set.of(404)));
    }
    extra.add(endpoint.caseOf("as another school's staff", bytes(endpoint.base()), "application/json", Map.of(),
        Set.of(404)).withToken(TestNode.token(Role.SCHOOL_STAFF, "sch-650102-002")));
    extra.add(endpoint.caseOf("as the guardian itself", bytes(endpoint.base()), "application/json", Map.of(),
        Set.of(404)).withToken(enrolledGuardianToken));
    return group(endpoint, corpus(endpoint, extra), (before, c) -> {
      assertUnchanged(before, staff, "/api/v1/schools/" + SCHOOL + "/guardians", c);
      assertThat(read(enrolledGuardianToken, "/api/v1/guardian/notices").status()).as("notices after " + c)
          .isEqualTo(200);
    });
  }

  /**
   * Withdrawing guardian codes: the base names a well-formed code nobody issued (its outcome is
   * UNKNOWN, nothing changes); every refused case is refused before any entity is asked.
   */
  @TestFactory
  @Order(15) // with the other guardian endpoints, before the webhooks exist (their pending counts move)
  Stream<DynamicTest> postGuardianWithdrawal() {
    var endpoint = new Endpoint("POST /api/v1/schools/{id}/guardians/invitations/withdrawal",
        "/api/v1/schools/" + SCHOOL + "/guardians/invitations/withdrawal", staff, withdrawalBody(),
        List.of(Field.text("reason", 500, true)));
    var empty = withdrawalBody();
    empty.putArray("codes");
    var tooMany = withdrawalBody();
    var codes = tooMany.putArray("codes");
    for (int i = 0; i < 101; i++) {
      codes.add("0000-0000-0000-0000-0000");
    }
    return group(endpoint, corpus(endpoint, List.of(
        endpoint.with(bytes(empty), "codes: empty").blaming("codes"),
        endpoint.with(bytes(tooMany), "codes: 101 of them").blaming("codes"),
        endpoint.with(bytes(withdrawalBody().without("codes")), "codes: missing").blaming("codes"),
        endpoint.with(bytes(bodyWithCodes("UUUU-UUUU-UUUU-UUUU-UUUU")), "codes[0]: letters outside the alphabet")
            .blaming("codes[0]"),
        endpoint.with(bytes(bodyWithCodes("'; DROP TABLE messages; --")), "codes[0]: injection").blaming("codes[0]"),
        endpoint.caseOf("as another school's staff", bytes(withdrawalBody()), "application/json", Map.of(),
            Set.of(403)).withToken(TestNode.token(Role.SCHOOL_STAFF, "sch-650102-002")))),
        (before, c) -> { });
  }

  static ObjectNode withdrawalBody() {
    return bodyWithCodes("0000-0000-0000-0000-0000");
  }

  private static ObjectNode bodyWithCodes(String code) {
    ObjectNode body = NODES.objectNode();
    body.putArray("codes").add(code);
    body.put("reason", "sheet lost");
    return body;
  }

  /** Renewing a guardian's token: the body is an empty object; renewing changes nothing stored. */
  @TestFactory
  @Order(29)
  Stream<DynamicTest> postGuardianToken() {
    var endpoint = new Endpoint("POST /api/v1/guardian/token", "/api/v1/guardian/token", enrolledGuardianToken,
        NODES.objectNode(), List.of());
    return group(endpoint, corpus(endpoint, List.of(
        endpoint.caseOf("as the school's staff", bytes(NODES.objectNode()), "application/json", Map.of(), Set.of(403))
            .withToken(staff),
        endpoint.caseOf("a guardian the school never enrolled", bytes(NODES.objectNode()), "application/json", Map.of(),
            Set.of(403)).withToken(guardian))),
        (before, c) -> assertUnchanged(before, staff, "/api/v1/schools/" + SCHOOL + "/guardians", c));
  }

  static ObjectNode guardianMessageBody() {
    ObjectNode body = NODES.objectNode();
    body.put("topic", "HEALTH");
    body.put("child", "小明");
    body.put("text", "asthma; the inhaler is in the school bag");
    return body;
  }

  /**
   * Safety spending (issue 18): a refused case records nothing, so the school's list stays empty.
   * Dates, amounts and hazard ids have their own shapes: their cases are listed here.
   */
  @TestFactory
  @Order(11)
  Stream<DynamicTest> postInvestments() {
    var endpoint = new Endpoint("POST /api/v1/schools/{id}/investments", "/api/v1/schools/" + SCHOOL + "/investments",
        staff, investmentBody(), List.of(
        Field.id("investmentId"),
        Field.oneOf("category", true, List.of("EQUIPMENT", "SENSORS", "BUILDING", "TRAINING", "STAFFING", "INSURANCE",
            "OTHER")),
        Field.text("programme", 200, false)));
    List<Case> extra = new ArrayList<>();
    var dates = new LinkedHashMap<String, JsonNode>();
    dates.put("missing", MissingNode.getInstance());
    dates.put("null", NullNode.getInstance());
    for (String date : List.of("", "yesterday", "2026-02-30", "2026-13-01", "20261101", "2026-11-01T00:00:00Z",
        "2199-01-01", "1999-12-31", "+999999999-12-31", "２０２６-１１-０１")) {
      dates.put(printable(date), TextNode.valueOf(date));
    }
    dates.put("a number", IntNode.valueOf(20261101));
    dates.forEach((label, value) -> extra.add(endpoint.with(endpoint.mutate("date", value), "date: " + label)
        .blaming("date")));
    var amounts = new LinkedHashMap<String, JsonNode>();
    amounts.put("missing", MissingNode.getInstance());
    amounts.put("null", NullNode.getInstance());
    for (String literal : List.of("0", "-1", "-0.01", "1.001", "0.001", "10000000000.01", "1e400", "1e-400",
        "123456789012345678901234567890")) {
      amounts.put(literal, number(literal));
    }
    amounts.put("string", TextNode.valueOf("12"));
    amounts.put("empty string", TextNode.valueOf(""));
    amounts.put("NaN string", TextNode.valueOf("NaN"));
    amounts.put("boolean", BooleanNode.TRUE);
    amounts.put("object", NODES.objectNode());
    amounts.put("array", NODES.arrayNode().add(1));
    amounts.forEach((label, value) -> extra.add(endpoint.with(endpoint.mutate("amountCny", value), "amountCny: " + label)
        .blaming("amountCny")));
    var hazards = new LinkedHashMap<String, JsonNode>();
    for (String id : List.of("", "<script>", "h".repeat(300), "hz-1\u0000", "../hz-1")) {
      hazards.put(printable(id), TextNode.valueOf(id));
    }
    hazards.put("a number", IntNode.valueOf(12));
    hazards.put("an object", NODES.objectNode());
    hazards.forEach((label, value) -> extra.add(endpoint.with(endpoint.mutate("hazardId", value), "hazardId: " + label)
        .blaming("hazardId")));
    return group(endpoint, corpus(endpoint, extra), (before, c) ->
        assertThat(read(staff, "/api/v1/schools/" + SCHOOL + "/investments").json().get("investments"))
            .as("investments after " + c).isEmpty());
  }

  static ObjectNode investmentBody() {
    ObjectNode body = NODES.objectNode();
    body.put("investmentId", "hostile-inv");
    body.put("date", "2026-11-01");
    body.put("category", "SENSORS");
    body.set("amountCny", number("12500.50"));
    body.put("hazardId", "hz-0123456789abcdef0123-1");
    body.put("programme", "smoke detectors");
    return body;
  }

  /**
   * Hostile query strings and paths on the read endpoints (issue 11): forged and foreign cursors,
   * dates at the ends of what java.time accepts, absurd limits and modes, path shapes. Each is a
   * 4xx problem naming what is wrong, never a 5xx, and reads change nothing.
   */
  @TestFactory
  @Order(8)
  Stream<DynamicTest> hostileQueriesAndPaths() {
    String forged2106 = java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString("2106-01-01|4292000000000|inc-x".getBytes(UTF_8));
    var cases = new LinkedHashMap<String, String>();
    String incidents = "/api/v1/incidents?region=65";
    String history = "/api/v1/agencies/fire-650102/dispatch-history";
    for (String cursor : List.of(forged2106, forged2106 + ".AAAA", "garbage", "a.b.c", "%00", "x".repeat(3000),
        "LTk5OTk5OTk5OS0wMS0wMXwwfGE", "2026-11-30%7C0%7Cinc-1", ".", "%F0%9F%92%A9")) {
      cases.put("incidents cursor " + abbreviate(cursor), incidents + "&cursor=" + cursor);
      cases.put("history cursor " + abbreviate(cursor), history + "?cursor=" + cursor);
    }
    for (String date : List.of("%2B999999999-12-31", "-999999999-01-01", "9999-12-31", "1899-12-31", "2026-02-30",
        "2026-13-01", "20261130", "2026-11-30T00:00:00Z", "")) {
      cases.put("to=" + date, incidents + "&to=" + date);
      cases.put("from=" + date, incidents + "&from=" + date);
    }
    cases.put("from after to", incidents + "&from=2026-11-30&to=2026-11-01");
    cases.put("more than 92 days", incidents + "&from=2026-01-01&to=2026-11-30");
    for (String limit : List.of("0", "-1", "201", "99999999999", "1e3", "NaN", "")) {
      cases.put("limit=" + limit, incidents + "&limit=" + limit);
      cases.put("history limit=" + limit, history + "?limit=" + limit);
    }
    for (String mode : List.of("actual", "EXERCISE,ACTUAL", "ALL%20", "")) {
      cases.put("mode=" + mode, incidents + "&mode=" + mode);
      cases.put("inbox mode=" + mode, "/api/v1/agencies/fire-650102/dispatches?mode=" + mode);
      cases.put("school mode=" + mode, "/api/v1/schools/" + SCHOOL + "?mode=" + mode);
    }
    for (String region : List.of("6", "6501021", "ab", "65%00", "%2B65")) {
      cases.put("region=" + region, "/api/v1/incidents?region=" + region);
    }
    cases.put("inbox state=ALL", "/api/v1/agencies/fire-650102/dispatches?state=ALL");
    cases.put("level=V", incidents + "&level=V");
    cases.put("status=gone", incidents + "&status=gone");
    cases.put("long unknown path", "/api/v1/" + "p".repeat(1500));
    cases.put("encoded slash", "/api/v1/schools/sch%2F650102");
    cases.put("long school id", "/api/v1/schools/" + "s".repeat(500));
    cases.put("trailing segment", "/api/v1/agencies/fire-650102/dispatches/extra");
    // prevention (issue 15)
    cases.put("hazards region=6", "/api/v1/hazards?region=6");
    cases.put("hazards state=LOST", "/api/v1/hazards?region=65&state=LOST");
    cases.put("hazards category=VOLCANO", "/api/v1/hazards?region=65&category=VOLCANO");
    cases.put("hazards limit=0", "/api/v1/hazards?region=65&limit=0");
    cases.put("school hazards state=open", "/api/v1/schools/" + SCHOOL + "/hazards?state=open");
    cases.put("unknown hazard", "/api/v1/hazards/hz-" + "0".repeat(20) + "-1");
    cases.put("hazard id shape", "/api/v1/hazards/" + "h".repeat(500));
    cases.put("risk top=0", "/api/v1/risk?region=65&top=0");
    cases.put("risk top=NaN", "/api/v1/risk?region=65&top=NaN");
    cases.put("risk region=%2B65", "/api/v1/risk?region=%2B65");
    cases.put("risk history limit=-1", "/api/v1/schools/" + SCHOOL + "/risk/history?limit=-1");
    cases.put("warnings state=gone", "/api/v1/warnings?region=65&state=gone");
    cases.put("warnings region=ab", "/api/v1/warnings?region=ab");
    cases.put("coverage region=6", "/api/v1/trainings/coverage?region=6");
    cases.put("coverage region=%2B65", "/api/v1/trainings/coverage?region=%2B65");
    cases.put("coverage limit=0", "/api/v1/trainings/coverage?region=65&limit=0");
    cases.put("coverage limit=many", "/api/v1/trainings/coverage?region=65&limit=many");
    cases.put("coverage limit huge", "/api/v1/trainings/coverage?region=65&limit=99999999999");
    // tips (issue 17)
    cases.put("school tips state=ALL", "/api/v1/schools/" + SCHOOL + "/tips?state=ALL");
    cases.put("unknown tip", "/api/v1/tips/tip-" + "0".repeat(32));
    cases.put("tip id shape", "/api/v1/tips/" + "t".repeat(500));
    cases.put("tips queue region=6", "/api/v1/tips?region=6");
    cases.put("tips queue region=%2B65", "/api/v1/tips?region=%2B65&state=open");
    cases.put("tips queue state=all", "/api/v1/tips?region=65&state=all");
    cases.put("tips queue state=OPEN", "/api/v1/tips?region=65&state=OPEN");
    cases.put("tips queue limit=0", "/api/v1/tips?region=65&limit=0");
    cases.put("tips queue limit huge", "/api/v1/tips?region=65&limit=99999999999");
    // the OpenAPI document: one resource, nothing beside or behind it
    cases.put("openapi traversal", "/api/v1/openapi.yaml/..%2F..%2Fapplication.conf");
    cases.put("openapi encoded dots", "/api/v1/%2e%2e/openapi.yaml");
    cases.put("openapi NUL", "/api/v1/openapi.yaml%00");
    cases.put("openapi other resource", "/api/v1/openapi.yaml/../application.conf");
    // evaluation and spending (issue 18)
    for (String month : List.of("", "2026-13", "2026-1", "202611", "1999-12", "2200-01", "%2B999999999-12",
        "2026-11-01", "x".repeat(300))) {
      cases.put("evaluations month=" + abbreviate(month), "/api/v1/evaluations?region=65&month=" + month);
    }
    cases.put("evaluations without month", "/api/v1/evaluations?region=65");
    cases.put("evaluations region=6", "/api/v1/evaluations?region=6&month=2026-11");
    cases.put("evaluations region=65%00", "/api/v1/evaluations?region=65%00&month=2026-11");
    for (String year : List.of("", "1999", "2200", "20x6", "-2026", "%2B2026", "2026.0", "99999999999")) {
      cases.put("investments year=" + year, "/api/v1/investments?region=65&year=" + year);
    }
    cases.put("investments region=ab", "/api/v1/investments?region=ab&year=2026");
    cases.put("investments of an unknown school", "/api/v1/schools/sch-650102-999/investments");
    cases.put("investments of a school id shape", "/api/v1/schools/" + "s".repeat(500) + "/investments");
    for (String budget : List.of("", "-1", "1.5", "1e6", "%2B100", "0x10", "10000000001", "99999999999999999999",
        "x".repeat(300))) {
      cases.put("priorities budget=" + abbreviate(budget), "/api/v1/priorities?region=65&budget=" + budget);
    }
    cases.put("priorities without budget", "/api/v1/priorities?region=65");
    cases.put("priorities region=6", "/api/v1/priorities?region=6&budget=1000");
    cases.put("priorities region=65%00", "/api/v1/priorities?region=65%00&budget=1000");
    cases.put("priorities region=6501021", "/api/v1/priorities?region=6501021&budget=1000");
    for (String month : List.of("", "2026-13", "2026-1", "1999-12", "2200-01", "%2B999999999-12", "x".repeat(300))) {
      cases.put("cost-benefit from=" + abbreviate(month), "/api/v1/cost-benefit?region=65&to=2026-01&from=" + month);
      cases.put("cost-benefit to=" + abbreviate(month), "/api/v1/cost-benefit?region=65&from=2026-01&to=" + month);
    }
    cases.put("cost-benefit to before from", "/api/v1/cost-benefit?region=65&from=2026-05&to=2026-04");
    cases.put("cost-benefit window too long", "/api/v1/cost-benefit?region=65&from=2024-01&to=2026-01");
    cases.put("cost-benefit without months", "/api/v1/cost-benefit?region=65");
    cases.put("cost-benefit region=6", "/api/v1/cost-benefit?region=6&from=2026-01&to=2026-02");
    cases.put("cost-benefit programme too long", "/api/v1/cost-benefit?region=65&from=2026-01&to=2026-02&programme="
        + "p".repeat(201));
    cases.put("cost-benefit programme NUL", "/api/v1/cost-benefit?region=65&from=2026-01&to=2026-02&programme=a%00b");
    // CSV of the evaluation, spending and priorities tables (issue 18 item 5)
    for (String format : List.of("", "CSV", "xml", "csv%00", "json,csv", "x".repeat(300))) {
      cases.put("evaluations format=" + abbreviate(format), "/api/v1/evaluations?region=65&month=2026-11&format=" + format);
      cases.put("investments format=" + abbreviate(format), "/api/v1/investments?region=65&year=2026&format=" + format);
      cases.put("priorities format=" + abbreviate(format), "/api/v1/priorities?region=65&budget=1000&format=" + format);
    }
    for (String table : List.of("", "SCHOOLS", "hazards", "schools%00", "../schools", "x".repeat(300))) {
      cases.put("evaluations table=" + abbreviate(table), "/api/v1/evaluations?region=65&month=2026-11&format=csv&table="
          + table);
      cases.put("investments table=" + abbreviate(table), "/api/v1/investments?region=65&year=2026&format=csv&table="
          + table);
      cases.put("priorities table=" + abbreviate(table), "/api/v1/priorities?region=65&budget=1000&format=csv&table="
          + table);
    }
    cases.put("cost-benefit programme blank", "/api/v1/cost-benefit?region=65&from=2026-01&to=2026-02&programme=%20");
    return cases.entrySet().stream().map(c -> dynamicTest("GET " + c.getKey(), () -> {
      Reply r = read(commandCenter, c.getValue());
      assertThat(r.status()).as(c.getKey() + ": " + abbreviate(r.body())).isBetween(400, 499);
      assertThat(r.contentType()).as(c.getKey()).isEqualTo("application/problem+json");
    }));
  }

  @Test
  @Order(50)
  void everyBaseBodyIsValid() {
    corpusEndNanos = System.nanoTime();
    assertThat(send("POST", "/api/v1/schools", operator, bytes(schoolBody()), "application/json", Map.of()).status()).isEqualTo(201);
    assertThat(send("POST", "/api/v1/agencies", operator, bytes(agencyBody()), "application/json", Map.of()).status()).isEqualTo(201);
    Reply reported = send("POST", "/api/v1/incidents", staff, bytes(incidentBody()), "application/json", Map.of());
    assertThat(reported.status()).as(reported.body()).isEqualTo(201);
    String incidents = "/api/v1/incidents/";
    assertThat(send("POST", incidents + openIncident + "/acks", fireAgency, bytes(ack()), "application/json", Map.of()).status()).isEqualTo(200);
    assertThat(send("POST", incidents + openIncident + "/reports", staff, bytes(continuation()), "application/json", Map.of()).status()).isEqualTo(201);
    assertThat(send("POST", incidents + openIncident + "/cancel", commandCenter, bytes(object("reason", "a false alarm")), "application/json", Map.of()).status()).isEqualTo(200);
    assertThat(send("POST", incidents + resolvedIncident + "/close", commandCenter, bytes(object("note", "all clear")), "application/json", Map.of()).status()).isEqualTo(200);
    assertThat(send("POST", "/api/v1/schools/" + SCHOOL + "/surroundings", staff, bytes(surroundingBody()), "application/json", Map.of()).status()).isEqualTo(201);
    assertThat(send("POST", "/api/v1/tips", null, bytes(tipBody()), "application/json", Map.of()).status()).isEqualTo(201);
    Reply tipIncident = send("POST", "/api/v1/tips/" + tipForIncident + "/incident", staff, bytes(tipIncidentBody()),
        "application/json", Map.of());
    assertThat(tipIncident.status()).as(tipIncident.body()).isEqualTo(201);
    Reply tipHazard = send("POST", "/api/v1/tips/" + tipForHazard + "/hazard", staff, bytes(tipHazardBody()),
        "application/json", Map.of());
    assertThat(tipHazard.status()).as(tipHazard.body()).isEqualTo(201);
    Reply invited = send("POST", "/api/v1/schools/" + SCHOOL + "/guardians/invitations", staff, bytes(invitationBody()),
        "application/json", Map.of());
    assertThat(invited.status()).as(invited.body()).isEqualTo(201);
    assertThat(send("POST", "/api/v1/guardians/redemptions", null,
        bytes(object("code", invited.json().get("codes").get(0).asText())), "application/json", Map.of()).status())
        .isEqualTo(201);
    assertThat(send("POST", "/api/v1/guardian/messages", guardian, bytes(guardianMessageBody()), "application/json",
        Map.of()).status()).isEqualTo(201);
    assertThat(send("POST", "/api/v1/guardian/token", enrolledGuardianToken, bytes(NODES.objectNode()),
        "application/json", Map.of()).status()).isEqualTo(200);
    Reply revoked = send("POST", "/api/v1/schools/" + SCHOOL + "/guardians/" + enrolledGuardian + "/revocation", staff,
        bytes(object("reason", "custody order")), "application/json", Map.of());
    assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
    assertThat(revoked.json().get("state").asText()).isEqualTo("REVOKED");
    Reply outbreak = send("POST", "/api/v1/warnings/" + warning + "/incident", staff, bytes(warningIncidentBody()),
        "application/json", Map.of());
    assertThat(outbreak.status()).as(outbreak.body()).isEqualTo(201);
    assertThat(send("POST", "/api/v1/schools/" + SCHOOL + "/investments", staff, bytes(investmentBody()), "application/json",
        Map.of()).status()).isEqualTo(201);
    Reply imported = send("POST", "/api/v1/incidents/imports", operator, bytes(importBody()), "application/json", Map.of());
    assertThat(imported.status()).as(imported.body()).isEqualTo(201);
    String created = reported.json().get("incidentId").asText();
    assertThat(send("POST", incidents + created + "/reports", staff, bytes(finalReport()), "application/json", Map.of()).status()).isEqualTo(201);
    assertThat(send("POST", "/api/v1/schools/" + SCHOOL + "/devices", staff, bytes(deviceBody()), "application/json", Map.of()).status())
        .isEqualTo(201);
    Reply readings = send("POST", "/api/v1/sensors/readings", gateway, bytes(readingsBody()), "application/json", Map.of());
    assertThat(readings.status()).as(readings.body()).isEqualTo(202);
    String directives = "/api/v1/directives";
    assertThat(send("POST", directives, commandCenter, bytes(directiveBody()), "application/json", Map.of()).status()).isEqualTo(201);
    assertThat(send("POST", directives + "/" + directive + "/acks", staff, bytes(object("schoolId", SCHOOL).put("note", "all inside")),
        "application/json", Map.of()).status()).isEqualTo(200);
    assertThat(send("POST", directives + "/" + directive + "/accountability", staff, bytes(accountability()),
        "application/json", Map.of()).status()).isEqualTo(200);
    assertThat(send("POST", directives + "/" + directive + "/lift", commandCenter, bytes(object("reason", "the storm has passed")),
        "application/json", Map.of()).status()).isEqualTo(200);
    assertThat(send("POST", WEBHOOKS, fireAgency, bytes(webhookBody()), "application/json", Map.of()).status()).isEqualTo(201);
    assertThat(send("POST", WEBHOOKS + "/" + webhookW + "/dead-letters/redeliver", fireAgency, bytes(NODES.objectNode()),
        "application/json", Map.of()).status()).isEqualTo(202);
  }

  /** When the base record of POST /incidents/imports happened: ten days ago, on a day no other incident has. */
  static final java.time.Instant IMPORT_OCCURRED = java.time.Instant.now().minus(Duration.ofDays(10))
      .truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

  static String importAt(long minutes) {
    return IMPORT_OCCURRED.plus(Duration.ofMinutes(minutes)).toString();
  }

  /** A closed fire at the school as its previous system recorded it (issue 18 item 6). */
  static ObjectNode importBody() {
    ObjectNode body = incidentBody();
    body.put("clientRef", "hostile-import-1");
    body.put("occurredAt", importAt(0));
    body.put("receivedAt", importAt(20));
    ObjectNode fin = body.putArray("reports").addObject();
    fin.put("kind", "FINAL");
    fin.put("at", importAt(200));
    fin.put("summary", "fire out");
    fin.put("cause", "faulty wiring");
    fin.put("outcome", "two minor injuries");
    ObjectNode fire = body.putArray("dispatches").addObject();
    fire.put("kind", "FIRE");
    fire.put("notifiedAt", importAt(21));
    fire.put("acknowledgedAt", importAt(25));
    fire.put("note", "on our way");
    body.put("status", "CLOSED");
    body.put("closedAt", importAt(300));
    body.put("closeNote", "closed in the previous system");
    return body;
  }

  /**
   * Imports of past records (issue 18 item 6): every field of the record, its reports and a
   * dispatch; open, future and disordered records; per case, no incident on the record's day.
   */
  @TestFactory
  @Order(28)
  Stream<DynamicTest> postIncidentImports() {
    var endpoint = new Endpoint("POST /api/v1/incidents/imports", "/api/v1/incidents/imports", operator, importBody(),
        List.of(
        Field.id("schoolId"),
        Field.oneOf("type", true, names(IncidentType.values())),
        Field.oneOf("level", false, names(Level.values())),
        Field.oneOf("mode", false, List.of("ACTUAL")),
        Field.timestamp("occurredAt"),
        Field.timestamp("receivedAt"),
        Field.text("summary", 2000, true),
        Field.object("casualties", false),
        Field.count("casualties.dead", 0, 100_000),
        Field.text("measures", 2000, false),
        Field.object("reporter", true),
        Field.text("reporter.name", 100, true),
        Field.phone("reporter.phone"),
        Field.clientRef("clientRef"),
        Field.oneOf("reports[0].kind", true, List.of("FINAL")),
        Field.timestamp("reports[0].at"),
        Field.text("reports[0].summary", 2000, true),
        Field.text("reports[0].cause", 2000, true),
        Field.text("reports[0].outcome", 2000, true),
        Field.oneOf("dispatches[0].kind", true, List.of("FIRE")),
        Field.timestamp("dispatches[0].notifiedAt"),
        Field.text("dispatches[0].note", 500, false),
        Field.oneOf("status", true, List.of("CLOSED")),
        Field.timestamp("closedAt"),
        Field.text("closeNote", 2000, false)));
    List<Case> extra = new ArrayList<>();
    extra.add(endpoint.with(endpoint.mutate("clientRef", MissingNode.getInstance()), "clientRef missing (imports need one)")
        .blaming("clientRef"));
    for (String open : List.of("REPORTED", "DISPATCHED", "ACKNOWLEDGED", "CANCELLED")) {
      extra.add(endpoint.with(endpoint.mutate("status", TextNode.valueOf(open)), "status " + open + " (not closed)")
          .blaming("status"));
    }
    extra.add(endpoint.with(endpoint.mutate("mode", TextNode.valueOf("EXERCISE")), "mode EXERCISE").blaming("mode"));
    extra.add(endpoint.with(endpoint.mutate("reports", NODES.arrayNode()), "no reports").blaming("reports"));
    extra.add(endpoint.with(endpoint.mutate("reports[0].kind", TextNode.valueOf("CONTINUATION")), "no FINAL report")
        .blaming("reports"));
    extra.add(endpoint.with(endpoint.mutate("reports[0].kind", TextNode.valueOf("INITIAL")), "reports[0] INITIAL")
        .blaming("reports[0].kind"));
    String future = java.time.Instant.now().plus(Duration.ofDays(1)).toString();
    extra.add(endpoint.with(endpoint.mutate("receivedAt", TextNode.valueOf(future)), "receivedAt tomorrow").blaming("receivedAt"));
    extra.add(endpoint.with(endpoint.mutate("closedAt", TextNode.valueOf(future)), "closedAt tomorrow").blaming("closedAt"));
    extra.add(endpoint.with(endpoint.mutate("occurredAt", TextNode.valueOf(importAt(30))), "occurred after received")
        .blaming("occurredAt"));
    extra.add(endpoint.with(endpoint.mutate("reports[0].at", TextNode.valueOf(importAt(10))), "final before received")
        .blaming("reports[0].at"));
    extra.add(endpoint.with(endpoint.mutate("closedAt", TextNode.valueOf(importAt(100))), "closed before the final report")
        .blaming("closedAt"));
    extra.add(endpoint.with(endpoint.mutate("dispatches[0].notifiedAt", TextNode.valueOf(importAt(5))), "notified before received")
        .blaming("dispatches[0].notifiedAt"));
    extra.add(endpoint.with(endpoint.mutate("dispatches[0].acknowledgedAt", TextNode.valueOf(importAt(400))),
        "acknowledged after the final report").blaming("dispatches[0].acknowledgedAt"));
    extra.add(endpoint.with(endpoint.mutate("dispatches[0].acknowledgedAt", TextNode.valueOf("yesterday")),
        "acknowledgedAt not a timestamp").blaming("dispatches[0].acknowledgedAt"));
    extra.add(endpoint.with(endpoint.mutate("dispatches[0].unansweredAt", TextNode.valueOf(importAt(30))),
        "both acknowledged and unanswered").blaming("dispatches[0].unansweredAt"));
    extra.add(endpoint.with(endpoint.mutate("dispatches[0].escalatedAt", NODES.arrayNode().add(importAt(22)).add(importAt(23))
        .add(importAt(24))), "three escalations").blaming("dispatches[0].escalatedAt"));
    ArrayNode twice = NODES.arrayNode();
    twice.add(importBody().get("dispatches").get(0)).add(importBody().get("dispatches").get(0));
    extra.add(endpoint.with(endpoint.mutate("dispatches", twice), "one kind twice").blaming("dispatches[1].kind"));
    ArrayNode many = NODES.arrayNode();
    for (int i = 0; i < 120; i++) {
      many.add(importBody().get("reports").get(0));
    }
    extra.add(endpoint.with(endpoint.mutate("reports", many), "120 reports").blaming("reports"));
    for (String token : List.of(staff, commandCenter, fireAgency)) {
      extra.add(endpoint.caseOf("as " + token.substring(0, 12) + "… (operators only)", bytes(importBody()),
          "application/json", Map.of(), Set.of(403)).withToken(token));
    }
    String day = IMPORT_OCCURRED.atZone(java.time.ZoneOffset.UTC).toLocalDate().toString();
    String listed = "/api/v1/incidents?region=" + COUNTY + "&from=" + day + "&to=" + day;
    return group(endpoint, corpus(endpoint, extra), (before, c) ->
        assertThat(read(commandCenter, listed).json().get("incidents")).as("incidents on the record's day after " + c)
            .isEmpty());
  }

  /** Webhooks (issue 17): a refused URL or secret stores nothing; SSRF targets are refused by address. */
  @TestFactory
  @Order(26)
  Stream<DynamicTest> postWebhooks() {
    var endpoint = new Endpoint("POST " + WEBHOOKS, WEBHOOKS, fireAgency, webhookBody(), List.of(
        Field.text("url", 2000, true), Field.text("secret", 200, true)));
    List<Case> extra = new ArrayList<>();
    Map<String, JsonNode> urls = new LinkedHashMap<>();
    urls.put("missing", MissingNode.getInstance());
    urls.put("null", NullNode.getInstance());
    urls.put("number", IntNode.valueOf(80));
    urls.put("object", NODES.objectNode().put("href", "http://127.0.0.1:9/"));
    urls.put("array", NODES.arrayNode().add("http://127.0.0.1:9/"));
    urls.put("empty", TextNode.valueOf(""));
    urls.put("blank", TextNode.valueOf("   "));
    urls.put("2001 characters", TextNode.valueOf("http://127.0.0.1:9/" + "a".repeat(1982)));
    urls.put("relative", TextNode.valueOf("/hooks/fire"));
    urls.put("no scheme", TextNode.valueOf("127.0.0.1:9/hooks"));
    urls.put("ftp", TextNode.valueOf("ftp://127.0.0.1/hooks"));
    urls.put("file", TextNode.valueOf("file:///etc/passwd"));
    urls.put("javascript", TextNode.valueOf("javascript:alert(1)"));
    urls.put("gopher", TextNode.valueOf("gopher://127.0.0.1:25/_HELO"));
    urls.put("cloud metadata", TextNode.valueOf("http://169.254.169.254/latest/meta-data/"));
    urls.put("cloud metadata IPv6", TextNode.valueOf("http://[fd00:ec2::254]/latest/meta-data/"));
    urls.put("Alibaba Cloud metadata", TextNode.valueOf("http://100.100.100.200/latest/meta-data/"));
    urls.put("private 10/8", TextNode.valueOf("http://10.0.0.1/hooks"));
    urls.put("private 192.168/16", TextNode.valueOf("http://192.168.0.1/hooks"));
    urls.put("loopback IPv6 (not allowed here)", TextNode.valueOf("http://[::1]:9/hooks"));
    urls.put("link-local IPv6", TextNode.valueOf("http://[fe80::1]/hooks"));
    urls.put("unspecified", TextNode.valueOf("http://0.0.0.0:9/hooks"));
    urls.put("user info", TextNode.valueOf("http://admin:pw@127.0.0.1:9/hooks"));
    urls.put("fragment", TextNode.valueOf("http://127.0.0.1:9/hooks#x"));
    urls.put("port 0", TextNode.valueOf("http://127.0.0.1:0/hooks"));
    urls.put("port 99999", TextNode.valueOf("http://127.0.0.1:99999/hooks"));
    urls.put("CRLF", TextNode.valueOf("http://127.0.0.1:9/a\r\nX-Injected: 1"));
    urls.put("unresolvable host", TextNode.valueOf("http://no-such-host.invalid/hooks"));
    for (String injection : INJECTIONS) {
      urls.put("injection " + injection, TextNode.valueOf(injection));
    }
    urls.forEach((label, value) -> extra.add(endpoint.with(endpoint.mutate("url", value), "url: " + label).blaming("url")));
    Map<String, JsonNode> secrets = new LinkedHashMap<>();
    secrets.put("missing", MissingNode.getInstance());
    secrets.put("null", NullNode.getInstance());
    secrets.put("number", IntNode.valueOf(1234567890));
    secrets.put("object", NODES.objectNode());
    secrets.put("empty", TextNode.valueOf(""));
    secrets.put("15 characters", TextNode.valueOf("a".repeat(15)));
    secrets.put("201 characters", TextNode.valueOf("a".repeat(201)));
    secrets.put("a space", TextNode.valueOf("hostile secret 0123456789"));
    secrets.put("a control character", TextNode.valueOf("hostile-secret-\u0001-0123456789"));
    secrets.put("not ASCII", TextNode.valueOf("密钥密钥密钥密钥密钥密钥密钥密钥"));
    secrets.forEach((label, value) ->
        extra.add(endpoint.with(endpoint.mutate("secret", value), "secret: " + label).blaming("secret")));
    extra.addAll(pathCases(endpoint, "webhooks"));
    return group(endpoint, corpus(endpoint, extra), (before, c) -> assertUnchanged(before, fireAgency, WEBHOOKS, c));
  }

  @TestFactory
  @Order(27)
  Stream<DynamicTest> postRedeliver() {
    String path = WEBHOOKS + "/" + webhookW + "/dead-letters/redeliver";
    var endpoint = new Endpoint("POST " + WEBHOOKS + "/{id}/dead-letters/redeliver", path, fireAgency,
        object("noticeId", "ntc-" + FIRE + "-1"), List.of(Field.text("noticeId", 64, false)));
    List<Case> extra = new ArrayList<>();
    Map<String, JsonNode> ids = new LinkedHashMap<>();
    ids.put("number", IntNode.valueOf(1));
    ids.put("empty", TextNode.valueOf(""));
    ids.put("another agency's", TextNode.valueOf("ntc-police-650102-1"));
    ids.put("position 0", TextNode.valueOf("ntc-" + FIRE + "-0"));
    ids.put("negative", TextNode.valueOf("ntc-" + FIRE + "--1"));
    ids.put("not a number", TextNode.valueOf("ntc-" + FIRE + "-abc"));
    ids.put("too long", TextNode.valueOf("ntc-" + FIRE + "-" + "9".repeat(30)));
    ids.put("object", NODES.objectNode());
    for (String injection : INJECTIONS) {
      ids.put("injection " + injection, TextNode.valueOf(injection));
    }
    ids.forEach((label, value) -> extra.add(endpoint.with(endpoint.mutate("noticeId", value), "noticeId: " + label)
        .blaming("noticeId")));
    // Well-formed, but no such dead letter, or no such webhook: 404, and nothing changes.
    extra.add(endpoint.caseOf("no such dead letter", bytes(object("noticeId", "ntc-" + FIRE + "-999999")),
        "application/json", Map.of(), Set.of(404)));
    for (String webhook : List.of("wh-0000", "..%2F..%2Fwebhooks", "x".repeat(300), "%00", webhookW + "%20")) {
      extra.add(new Case(endpoint.name(), "webhook id " + printable(webhook), "POST",
          WEBHOOKS + "/" + webhook + "/dead-letters/redeliver", fireAgency, bytes(endpoint.base()), "application/json",
          Map.of(), Set.of(400, 404)));
    }
    return group(endpoint, corpus(endpoint, extra), (before, c) -> {
      assertUnchanged(before, fireAgency, WEBHOOKS, c);
      assertUnchanged(before, fireAgency, WEBHOOKS + "/" + webhookW + "/dead-letters", c);
    });
  }

  private static ObjectNode webhookBody() {
    return NODES.objectNode().put("url", "http://127.0.0.1:9/hostile-base").put("secret", WEBHOOK_SECRET);
  }

  // --- legitimate text that looks like an attack ------------------------------------------

  /** Free text that merely looks like an attack; every entry is valid free text. */
  static final List<String> LOOKS_HOSTILE = List.of(
      "'; DROP TABLE messages; --",
      "<script>alert(1)</script>",
      "${jndi:ldap://x/a}",
      "../../etc/passwd",
      "%00 and %0D%0AX-Injected: 1",
      "Robert'); DROP TABLE students;--",
      "\" OR \"1\"=\"1",
      "{{7*7}} #{7*7} <%= 7*7 %>",
      "$(reboot) `id` && rm -rf / ; | cat /etc/shadow",
      "</script><img src=x onerror=alert(1)>",
      "C:\\Windows\\System32 \\u0000 \\n \\\" (backslashes, literally)",
      "line one\nline two\twith a tab",
      "{\"json\":[1,2,{\"nested\":true}],\"x\":null}",
      "中文 😀🚒 émigré Ωμέγα");

  @Test
  @Order(60)
  void injectionLookingFreeTextIsStoredAndReturnedVerbatim() {
    String schoolId = "sch-650102-777";
    String schoolName = "O'Brien <b>\"Academy\"</b> ${jndi:ldap://x/a}; DROP TABLE schools; --";
    ObjectNode school = schoolBody();
    school.put("schoolId", schoolId).put("name", schoolName);
    Reply registered = send("POST", "/api/v1/schools", operator, bytes(school), "application/json", Map.of());
    assertThat(registered.status()).as(registered.body()).isEqualTo(201);
    assertVerbatim(registered, "name", schoolName);
    assertVerbatim(read(operator, "/api/v1/schools/" + schoolId), "name", schoolName);

    String agencyName = "<script>alert(1)</script> Police'; DROP TABLE agencies; --";
    ObjectNode agency = agencyBody();
    agency.put("agencyId", "police-650104").put("name", agencyName).put("jurisdiction", "650104");
    Reply agencyRegistered = send("POST", "/api/v1/agencies", operator, bytes(agency), "application/json", Map.of());
    assertThat(agencyRegistered.status()).as(agencyRegistered.body()).isEqualTo(201);
    assertVerbatim(read(operator, "/api/v1/agencies/police-650104"), "name", agencyName);

    // clientRef: printable ASCII without spaces is valid, however it looks.
    String clientRef = "${jndi:ldap://x/a}<script>'--%00../../etc/passwd";
    String summary = String.join("\n", LOOKS_HOSTILE);
    ObjectNode report = incidentBody();
    report.put("schoolId", schoolId).put("summary", summary).put("measures", LOOKS_HOSTILE.get(1))
        .put("clientRef", clientRef);
    ((ObjectNode) report.get("reporter")).put("name", LOOKS_HOSTILE.get(5)).put("role", LOOKS_HOSTILE.get(2));
    String schoolStaff = TestNode.token(Role.SCHOOL_STAFF, schoolId);
    Reply reported = send("POST", "/api/v1/incidents", schoolStaff, bytes(report), "application/json", Map.of());
    assertThat(reported.status()).as(reported.body()).isEqualTo(201);
    String id = reported.json().get("incidentId").asText();
    assertThat(id).isEqualTo(TestNode.staffIncidentId(schoolId, clientRef));
    for (Reply r : List.of(reported, read(commandCenter, "/api/v1/incidents/" + id))) {
      assertVerbatim(r, "clientRef", clientRef);
      assertVerbatim(r, "schoolName", schoolName);
      assertVerbatim(r, "reports/0/summary", summary);
      assertVerbatim(r, "reports/0/measures", LOOKS_HOSTILE.get(1));
      assertVerbatim(r, "reports/0/reporter/name", LOOKS_HOSTILE.get(5));
      assertVerbatim(r, "reports/0/reporter/role", LOOKS_HOSTILE.get(2));
    }
    awaitIncident(id, "DISPATCHED");

    String incident = "/api/v1/incidents/" + id;
    for (int i = 0; i < LOOKS_HOSTILE.size(); i++) {
      String text = LOOKS_HOSTILE.get(i);
      String measures = LOOKS_HOSTILE.get((i + 3) % LOOKS_HOSTILE.size());
      Reply added = send("POST", incident + "/reports", schoolStaff,
          bytes(object("kind", "CONTINUATION").put("summary", text).put("measures", measures)), "application/json", Map.of());
      assertThat(added.status()).as(added.body()).isEqualTo(201);
      assertVerbatim(added, "reports/" + (i + 1) + "/summary", text);
      assertVerbatim(added, "reports/" + (i + 1) + "/measures", measures);
    }

    String note = LOOKS_HOSTILE.get(9);
    Reply acked = send("POST", incident + "/acks", fireAgency, bytes(object("agencyId", FIRE).put("note", note)),
        "application/json", Map.of());
    assertThat(acked.status()).as(acked.body()).isEqualTo(200);
    JsonNode fireDispatch = null;
    for (JsonNode d : acked.json().get("dispatches")) {
      if (d.get("agencyId").asText().equals(FIRE)) {
        fireDispatch = d;
      }
    }
    assertThat(fireDispatch).isNotNull();
    assertThat(fireDispatch.get("ackNote").asText()).isEqualTo(note);
    assertThat(lastTimelineDetail(acked)).isEqualTo(FIRE + ": " + note);

    String cause = LOOKS_HOSTILE.get(6);
    String outcome = LOOKS_HOSTILE.get(10);
    Reply resolved = send("POST", incident + "/reports", schoolStaff,
        bytes(object("kind", "FINAL").put("summary", LOOKS_HOSTILE.get(13)).put("cause", cause).put("outcome", outcome)),
        "application/json", Map.of());
    assertThat(resolved.status()).as(resolved.body()).isEqualTo(201);
    int last = LOOKS_HOSTILE.size() + 1;
    assertVerbatim(resolved, "reports/" + last + "/cause", cause);
    assertVerbatim(resolved, "reports/" + last + "/outcome", outcome);
    assertVerbatim(resolved, "reports/" + last + "/summary", LOOKS_HOSTILE.get(13));

    String closeNote = LOOKS_HOSTILE.get(0) + " " + LOOKS_HOSTILE.get(11);
    Reply closed = send("POST", incident + "/close", commandCenter, bytes(object("note", closeNote)), "application/json", Map.of());
    assertThat(closed.status()).as(closed.body()).isEqualTo(200);
    assertThat(lastTimelineDetail(closed)).isEqualTo(closeNote);

    ObjectNode second = incidentBody();
    second.put("schoolId", schoolId).put("clientRef", "looks-hostile-2");
    Reply secondReported = send("POST", "/api/v1/incidents", schoolStaff, bytes(second), "application/json", Map.of());
    assertThat(secondReported.status()).as(secondReported.body()).isEqualTo(201);
    String reason = LOOKS_HOSTILE.get(12) + " " + LOOKS_HOSTILE.get(3);
    Reply cancelled = send("POST", "/api/v1/incidents/" + secondReported.json().get("incidentId").asText() + "/cancel",
        commandCenter, bytes(object("reason", reason)), "application/json", Map.of());
    assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
    assertThat(lastTimelineDetail(cancelled)).isEqualTo(reason);
    assertThat(read(commandCenter, "/api/v1/incidents/" + id).json().get("status").asText()).isEqualTo("CLOSED");
  }

  private static String lastTimelineDetail(Reply r) {
    JsonNode timeline = r.json().get("timeline");
    return timeline.get(timeline.size() - 1).get("detail").asText();
  }

  /** The field parses back to exactly {@code expected}, and the raw body has its JSON escaping. */
  private static void assertVerbatim(Reply r, String pointer, String expected) {
    assertThat(r.status()).as(r.body()).isBetween(200, 299);
    assertThat(r.contentType()).isEqualTo("application/json");
    JsonNode value = r.json().at("/" + pointer);
    assertThat(value.isTextual()).as(pointer + " in " + r.body()).isTrue();
    assertThat(value.textValue()).as(pointer).isEqualTo(expected);
    assertThat(r.body().chars().noneMatch(c -> c < 0x20)).as("every control character is escaped: " + r.body()).isTrue();
  }

  private static String jsonString(String text) {
    try {
      return JSON.writeValueAsString(text);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  // --- base bodies ------------------------------------------------------------------------

  static ObjectNode schoolBody() {
    ObjectNode body = JSON.valueToTree(Fixtures.school(NEW_SCHOOL, COUNTY));
    ObjectNode ordered = NODES.objectNode();
    for (String name : List.of("schoolId", "name", "regionCode", "type", "students", "staff", "floors", "location")) {
      ordered.set(name, body.get(name));
    }
    return ordered;
  }

  static ObjectNode agencyBody() {
    return object("agencyId", NEW_AGENCY).put("name", "Tianshan Police Station").put("kind", "POLICE")
        .put("tier", "COUNTY").put("jurisdiction", "650103");
  }

  static ObjectNode incidentBody() {
    ObjectNode body = JSON.valueToTree(Fixtures.incident(SCHOOL, "FIRE", "III", BASE_REF));
    body.put("occurredAt", Instant.now().minus(2, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toString());
    return body;
  }

  static ObjectNode continuation() {
    ObjectNode body = object("kind", "CONTINUATION").put("summary", "fire contained to the lab");
    body.set("casualties", object("dead", 0).put("injured", 3).put("missing", 0));
    return body.put("measures", "students at the assembly point").put("level", "III");
  }

  static ObjectNode finalReport() {
    return object("kind", "FINAL").put("summary", "fire out").put("cause", "faulty wiring")
        .put("outcome", "3 minor injuries, lab closed");
  }

  static final List<String> DEVICE_KINDS = Arrays.stream(SensorKind.values()).filter(SensorKind::isDeviceKind)
      .map(Enum::name).toList();

  static ObjectNode deviceBody() {
    ObjectNode body = object("deviceId", "smoke-hostile-1").put("kind", "SMOKE");
    body.set("location", object("building", "B").put("floor", "3F").put("room", "chemistry lab")
        .put("note", "above the fume cupboard"));
    return body.put("gatewayId", "gw-B");
  }

  static ObjectNode readingsBody() {
    ObjectNode body = object("schoolId", SCHOOL).put("gatewayId", "gw-B");
    body.withArray("readings").add(object("sensorId", "smoke-hostile-1").put("kind", "SMOKE").put("value", 0.01)
        .put("at", Instant.now().minus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toString()));
    return body;
  }

  static ObjectNode ack() {
    return object("agencyId", FIRE).put("note", "on our way");
  }

  static ObjectNode object(String name, String value) {
    return NODES.objectNode().put(name, value);
  }

  static ObjectNode object(String name, int value) {
    return NODES.objectNode().put(name, value);
  }

  static List<String> names(Enum<?>[] values) {
    return Arrays.stream(values).map(Enum::name).toList();
  }

  // --- the corpus -------------------------------------------------------------------------

  enum Kind { ID, TEXT, ENUM, REGION, DIGITS, TIMESTAMP, DEADLINE, CLIENT_REF, PHONE, COUNT, COORD, OBJECT }

  /** One field of a request body: where it is, what it holds, and what the contract allows. */
  record Field(String path, Kind kind, boolean required, int max, double lo, double hi, List<String> constants) {
    static Field id(String path) {
      return new Field(path, Kind.ID, true, 64, 0, 0, List.of());
    }

    static Field text(String path, int max, boolean required) {
      return new Field(path, Kind.TEXT, required, max, 0, 0, List.of());
    }

    static Field oneOf(String path, boolean required, List<String> constants) {
      return new Field(path, Kind.ENUM, required, 0, 0, 0, constants);
    }

    static Field region(String path) {
      return new Field(path, Kind.REGION, true, 6, 0, 0, List.of());
    }

    /** A region-code prefix that, with the base's tier, must have exactly this many digits. */
    static Field digits(String path, int digits) {
      return new Field(path, Kind.DIGITS, true, digits, 0, 0, List.of());
    }

    static Field timestamp(String path) {
      return new Field(path, Kind.TIMESTAMP, true, 0, 0, 0, List.of());
    }

    /** A timestamp with offset that may lie ahead (a rectification deadline): 2000 to 2199. */
    static Field deadline(String path) {
      return new Field(path, Kind.DEADLINE, true, 0, 0, 0, List.of());
    }

    static Field clientRef(String path) {
      return new Field(path, Kind.CLIENT_REF, false, 128, 0, 0, List.of());
    }

    static Field phone(String path) {
      return new Field(path, Kind.PHONE, false, 32, 0, 0, List.of());
    }

    static Field count(String path, int lo, int hi) {
      return new Field(path, Kind.COUNT, true, 0, lo, hi, List.of());
    }

    static Field coord(String path, double lo, double hi) {
      return new Field(path, Kind.COORD, true, 0, lo, hi, List.of());
    }

    static Field object(String path, boolean required) {
      return new Field(path, Kind.OBJECT, required, 0, 0, 0, List.of());
    }

    boolean isString() {
      return kind != Kind.COUNT && kind != Kind.COORD && kind != Kind.OBJECT;
    }
  }

  /**
   * A hostile value for a field: a JSON value ({@link MissingNode} removes the field), or raw
   * bytes spliced into a string value where JSON text cannot carry them.
   */
  record Bad(String label, JsonNode value, byte[] raw, Set<Integer> expected) {
    static Bad of(String label, JsonNode value) {
      return new Bad(label, value, null, Set.of(400));
    }

    static Bad raw(String label, byte[] raw) {
      return new Bad(label, TextNode.valueOf(RAW), raw, Set.of(400));
    }
  }

  /**
   * One hostile request and the statuses it may get (all 4xx); {@code field}: the field whose
   * value is at fault, which a 400's {@code errors[]} must then name (null: not a field case).
   */
  record Case(String endpoint, String name, String method, String path, String token, byte[] body,
      String contentType, Map<String, String> headers, Set<Integer> expected, String field) {

    Case(String endpoint, String name, String method, String path, String token, byte[] body,
        String contentType, Map<String, String> headers, Set<Integer> expected) {
      this(endpoint, name, method, path, token, body, contentType, headers, expected, null);
    }

    Case withToken(String other) {
      return new Case(endpoint, name, method, path, other, body, contentType, headers, expected, field);
    }

    Case blaming(String faulty) {
      return new Case(endpoint, name, method, path, token, body, contentType, headers, expected, faulty);
    }
  }

  /** A write endpoint: where, as whom, its valid base body and its fields. */
  record Endpoint(String name, String path, String token, ObjectNode base, List<Field> fields) {

    Case caseOf(String label, byte[] body, String contentType, Map<String, String> headers, Set<Integer> expected) {
      return new Case(name, label, "POST", path, token, body, contentType, headers, expected);
    }

    Case with(byte[] body, String label) {
      return caseOf(label, body, "application/json", Map.of(), Set.of(400));
    }

    Case with(Mutated m, String label) {
      return caseOf(label, m.body(), "application/json", Map.of(), m.expected());
    }

    Mutated mutate(String path, JsonNode value) {
      return mutate(path, Bad.of("", value));
    }

    /** The base body with the field at {@code path} replaced by (or set to, or without) the bad value. */
    Mutated mutate(String path, Bad bad) {
      ObjectNode body = base.deepCopy();
      String[] parts = path.split("\\.");
      ObjectNode parent = body;
      for (int i = 0; i < parts.length - 1; i++) {
        // "readings[0]": the first element of the array "readings"
        int bracket = parts[i].indexOf('[');
        parent = bracket < 0 ? (ObjectNode) parent.get(parts[i])
            : (ObjectNode) parent.get(parts[i].substring(0, bracket))
                .get(Integer.parseInt(parts[i].substring(bracket + 1, parts[i].length() - 1)));
      }
      String last = parts[parts.length - 1];
      if (bad.value().isMissingNode()) {
        parent.remove(last);
      } else {
        parent.set(last, bad.value());
      }
      byte[] serialized = bytes(body);
      return new Mutated(bad.raw() == null ? serialized : splice(serialized, bad.raw()), bad.expected());
    }
  }

  record Mutated(byte[] body, Set<Integer> expected) {}

  /** Every hostile case of one endpoint, plus the endpoint-specific {@code extra} ones. */
  private List<Case> corpus(Endpoint e, List<Case> extra) {
    List<Case> cases = new ArrayList<>();
    for (Field field : e.fields()) {
      for (Bad bad : fieldCases(field)) {
        Case c = e.with(e.mutate(field.path(), bad), field.path() + ": " + bad.label());
        cases.add(bad.raw() == null ? c.blaming(field.path()) : c);
      }
    }
    cases.addAll(unknownFields(e));
    cases.addAll(malformed(e));
    cases.addAll(contentTypes(e));
    cases.addAll(methods(e));
    cases.addAll(extra);
    generated.merge(e.name(), cases.size(), Integer::sum);
    return cases;
  }

  /** The hostile values of one field, each refused by the contract (checked by {@link #valid}). */
  private List<Bad> fieldCases(Field f) {
    List<Bad> out = new ArrayList<>();
    if (f.required()) {
      out.add(Bad.of("missing", MissingNode.getInstance()));
      out.add(Bad.of("null", NullNode.getInstance()));
    }
    switch (f.kind()) {
      case OBJECT -> {
        out.add(Bad.of("string instead of object", TextNode.valueOf("x")));
        out.add(Bad.of("empty string instead of object", TextNode.valueOf("")));
        out.add(Bad.of("number instead of object", IntNode.valueOf(42)));
        out.add(Bad.of("boolean instead of object", BooleanNode.TRUE));
        out.add(Bad.of("empty array instead of object", NODES.arrayNode()));
        out.add(Bad.of("array of an object", NODES.arrayNode().add(NODES.objectNode())));
        out.add(Bad.of("empty object (its fields are required)", NODES.objectNode()));
        out.add(Bad.of("nested unknown field", NODES.objectNode().put("extra", 1)));
      }
      case COUNT -> {
        out.add(Bad.of("below minimum " + ((int) f.lo() - 1), IntNode.valueOf((int) f.lo() - 1)));
        out.add(Bad.of("above maximum " + ((int) f.hi() + 1), IntNode.valueOf((int) f.hi() + 1)));
        out.add(Bad.of("Integer.MIN_VALUE", IntNode.valueOf(Integer.MIN_VALUE)));
        out.add(Bad.of("2^31", number("2147483648")));
        out.add(Bad.of("2^63", BigIntegerNode.valueOf(BigInteger.TWO.pow(63))));
        out.add(Bad.of("20-digit number", number("123456789012345678901234567890")));
        out.add(Bad.of("1e308", number("1e308")));
        out.add(Bad.of("1e400 (overflows double)", number("1e400")));
        out.add(Bad.of("float for int 1.5", number("1.5")));
        out.add(Bad.of("float for int 1.0", number("1.0")));
        out.add(Bad.of("string for number", TextNode.valueOf("12")));
        out.add(Bad.of("empty string", TextNode.valueOf("")));
        out.add(Bad.of("NaN string", TextNode.valueOf("NaN")));
        out.add(Bad.of("Infinity string", TextNode.valueOf("Infinity")));
        out.add(Bad.of("full-width digits", TextNode.valueOf("１２")));
        out.add(Bad.of("boolean", BooleanNode.TRUE));
        out.add(Bad.of("object", NODES.objectNode()));
        out.add(Bad.of("array of a number", NODES.arrayNode().add(1)));
      }
      case COORD -> {
        out.add(Bad.of("above maximum " + (f.hi() + 1), number(String.valueOf(f.hi() + 1))));
        out.add(Bad.of("below minimum " + (f.lo() - 1), number(String.valueOf(f.lo() - 1))));
        out.add(Bad.of("just above maximum", number((long) f.hi() + ".000000001")));
        out.add(Bad.of("2^31", number("2147483648")));
        out.add(Bad.of("1e308", number("1e308")));
        out.add(Bad.of("-1e308", number("-1e308")));
        out.add(Bad.of("1e400 (overflows to infinity)", number("1e400")));
        out.add(Bad.of("NaN string", TextNode.valueOf("NaN")));
        out.add(Bad.of("Infinity string", TextNode.valueOf("Infinity")));
        out.add(Bad.of("-Infinity string", TextNode.valueOf("-Infinity")));
        out.add(Bad.of("string for number", TextNode.valueOf("43.8")));
        out.add(Bad.of("empty string", TextNode.valueOf("")));
        out.add(Bad.of("boolean", BooleanNode.FALSE));
        out.add(Bad.of("object", NODES.objectNode()));
        out.add(Bad.of("array", NODES.arrayNode().add(43.8)));
      }
      default -> {
        out.addAll(typeErrors());
        if (f.kind() == Kind.TIMESTAMP || f.kind() == Kind.DEADLINE) {
          out.add(Bad.of("epoch seconds as a number", number("1764400000")));
          out.add(Bad.of("epoch millis as a number", number("1764400000000")));
        }
        for (var candidate : stringCandidates(f)) {
          if (!valid(f, candidate.getValue())) {
            out.add(Bad.of(candidate.getKey() + " " + printable(candidate.getValue()), TextNode.valueOf(candidate.getValue())));
          }
        }
        String prefix = sample(f);
        out.add(Bad.raw("lone surrogate as raw bytes", concat(prefix.getBytes(UTF_8), LONE_SURROGATE_BYTES)));
        if (f.kind() == Kind.TEXT) {
          out.add(Bad.raw("invalid UTF-8 byte 0xFF", concat(prefix.getBytes(UTF_8), INVALID_UTF8)));
          out.add(Bad.raw("overlong UTF-8 '/'", concat(prefix.getBytes(UTF_8), OVERLONG_SLASH)));
        }
      }
    }
    return out;
  }

  private static JsonNode number(String literal) {
    return new POJONode(new RawValue(literal));
  }

  /** JSON values of the wrong type for a string field. */
  private static List<Bad> typeErrors() {
    return List.of(
        Bad.of("number for string", IntNode.valueOf(12345)),
        Bad.of("float for string", number("1.5")),
        Bad.of("boolean for string", BooleanNode.TRUE),
        Bad.of("object for string", NODES.objectNode()),
        Bad.of("empty array for string", NODES.arrayNode()),
        Bad.of("array of a string", NODES.arrayNode().add("x")),
        Bad.of("nested arrays", NODES.arrayNode().add(NODES.arrayNode().add(NODES.arrayNode().add("x")))));
  }

  /** A plausible valid value of the field, to build near-misses from. */
  private static String sample(Field f) {
    return switch (f.kind()) {
      case ID -> f.path().startsWith("agency") ? FIRE : SCHOOL;
      case ENUM -> f.constants().get(0);
      case REGION, DIGITS -> "650102";
      case TIMESTAMP, DEADLINE -> "2026-01-15T08:15:00+08:00";
      case CLIENT_REF -> "ref-1";
      case PHONE -> "+86 138 0000 0000";
      default -> "ordinary text";
    };
  }

  /** Candidate strings for a string field; those the contract accepts are dropped by the caller. */
  private List<Map.Entry<String, String>> stringCandidates(Field f) {
    String s = sample(f);
    List<Map.Entry<String, String>> c = new ArrayList<>();
    Consumer<String[]> add = labelAndValue -> c.add(Map.entry(labelAndValue[0], labelAndValue[1]));
    add.accept(new String[] {"empty", ""});
    add.accept(new String[] {"blank", "   "});
    add.accept(new String[] {"tab and newline only", "\t\n"});
    // control characters
    for (String ctl : List.of("\u0000", "\u0007", "\u001b[2J", "\u007f")) {
      add.accept(new String[] {"control char", s + ctl + s});
    }
    add.accept(new String[] {"only NUL", "\u0000"});
    add.accept(new String[] {"CRLF header injection", s + "\r\nX-Injected: 1"});
    // unusual Unicode
    add.accept(new String[] {"RTL override", "\u202e" + s});
    add.accept(new String[] {"zero-width space", s.substring(0, s.length() / 2) + "\u200b" + s.substring(s.length() / 2)});
    add.accept(new String[] {"full-width", fullWidth(s)});
    add.accept(new String[] {"full-width digits", "６５０１０２"});
    add.accept(new String[] {"Arabic-Indic digits", arabicDigits("650102")});
    add.accept(new String[] {"homoglyph", homoglyph(s)});
    add.accept(new String[] {"lone high surrogate (escaped)", s + "\ud800"});
    add.accept(new String[] {"lone low surrogate (escaped)", "\udc00" + s});
    // injection-looking
    for (String injection : INJECTIONS) {
      add.accept(new String[] {"injection", injection});
    }
    add.accept(new String[] {"appended injection", s + INJECTIONS.get(0)});
    // sizes: just over the field's limit, and far over it
    switch (f.kind()) {
      case ID -> {
        add.accept(new String[] {"65 chars", "a".repeat(65)});
        add.accept(new String[] {"300 chars", "a".repeat(300)});
        add.accept(new String[] {"leading dash", "-" + s});
        add.accept(new String[] {"leading dot", "." + s});
        add.accept(new String[] {"slash", s + "/x"});
        add.accept(new String[] {"space", s + " x"});
        add.accept(new String[] {"accented", s + "é"});
      }
      case TEXT -> {
        add.accept(new String[] {(f.max() + 1) + " chars", "x".repeat(f.max() + 1)});
        add.accept(new String[] {(f.max() + 1) + " CJK chars", "界".repeat(f.max() + 1)});
        add.accept(new String[] {(f.max() + 1) + " emoji (surrogate pairs)", "🚒".repeat(f.max() + 1)});
        add.accept(new String[] {"padded to over the limit", " " + "y".repeat(f.max()) + "z "});
        add.accept(new String[] {"unpaired surrogate inside", "ab\ud83dcd"});
      }
      case CLIENT_REF -> {
        add.accept(new String[] {"129 chars", "r".repeat(129)});
        add.accept(new String[] {"space", "ref 1"});
        add.accept(new String[] {"tab", "ref\t1"});
        add.accept(new String[] {"accented", "réf-1"});
        add.accept(new String[] {"emoji", "ref-🚒"});
      }
      case PHONE -> {
        add.accept(new String[] {"33 chars", "1".repeat(33)});
        add.accept(new String[] {"too short", "12"});
        add.accept(new String[] {"letters", "call me"});
        add.accept(new String[] {"starts with dash", "-86 138"});
        add.accept(new String[] {"appended command", s + "; ATH0"});
        add.accept(new String[] {"Arabic-Indic digits", arabicDigits("13800000000")});
      }
      case ENUM -> {
        for (String constant : f.constants().subList(0, Math.min(3, f.constants().size()))) {
          add.accept(new String[] {"lower case", constant.toLowerCase(Locale.ROOT)});
        }
        String first = f.constants().get(0);
        add.accept(new String[] {"capitalized", first.charAt(0) + first.substring(1).toLowerCase(Locale.ROOT)});
        add.accept(new String[] {"leading space", " " + first});
        add.accept(new String[] {"trailing space", first + " "});
        add.accept(new String[] {"trailing newline", first + "\n"});
        add.accept(new String[] {"two values", first + "," + f.constants().get(f.constants().size() - 1)});
        add.accept(new String[] {"bracketed", "[" + first + "]"});
        add.accept(new String[] {"ordinal", "0"});
        add.accept(new String[] {"wildcard", "*"});
        add.accept(new String[] {"null as text", "null"});
        add.accept(new String[] {"10k chars", first + "X".repeat(10_000)});
        if (f.path().equals("level")) {
          add.accept(new String[] {"level V", "V"});
          add.accept(new String[] {"level 3", "3"});
          add.accept(new String[] {"Roman numeral U+2162", "\u2162"});
        }
      }
      case REGION, DIGITS -> {
        add.accept(new String[] {"5 digits", "65010"});
        add.accept(new String[] {"7 digits", "6501020"});
        add.accept(new String[] {"3 digits", "650"});
        add.accept(new String[] {"province prefix", "65"});
        add.accept(new String[] {"city prefix", "6501"});
        add.accept(new String[] {"letters", "abcdef"});
        add.accept(new String[] {"mixed full-width digit", "65010２"});
        add.accept(new String[] {"separators", "65-01-02"});
        add.accept(new String[] {"inner space", "65 0102"});
        add.accept(new String[] {"leading space", " 650102"});
        add.accept(new String[] {"trailing newline", "650102\n"});
        add.accept(new String[] {"signed", "+65010"});
        add.accept(new String[] {"negative", "-65010"});
        add.accept(new String[] {"scientific", "6.5e5"});
        add.accept(new String[] {"RTL-reversed", "\u202e201056"});
        add.accept(new String[] {"superscript digits", "⁶⁵⁰¹⁰²"});
        add.accept(new String[] {"10k digits", "6".repeat(10_000)});
      }
      case TIMESTAMP, DEADLINE -> {
        add.accept(new String[] {"year 9999", "9999-12-31T23:59:59Z"});
        add.accept(new String[] {"year +10000", "+10000-01-01T00:00:00Z"});
        add.accept(new String[] {"month 13 day 45 hour 99", "2026-13-45T99:00:00Z"});
        add.accept(new String[] {"February 30", "2026-02-30T08:00:00Z"});
        add.accept(new String[] {"hour 24", "2026-01-15T24:00:00Z"});
        add.accept(new String[] {"leap second", "2016-12-31T23:59:60Z"});
        add.accept(new String[] {"no offset", "2026-01-15T08:15:00"});
        add.accept(new String[] {"date only", "2026-01-15"});
        add.accept(new String[] {"time only", "08:15:00Z"});
        add.accept(new String[] {"space separator", "2026-01-15 08:15:00Z"});
        add.accept(new String[] {"offset +25:00", "2026-01-15T08:15:00+25:00"});
        add.accept(new String[] {"offset +19:00", "2026-01-15T08:15:00+19:00"});
        add.accept(new String[] {"zone id", "2026-01-15T08:15:00+08:00[Asia/Urumqi]"});
        add.accept(new String[] {"lower-case t and z", "2026-01-15t08:15:00z"});
        add.accept(new String[] {"before 2000", "1999-12-31T23:59:59Z"});
        add.accept(new String[] {"epoch zero", "1970-01-01T00:00:00Z"});
        add.accept(new String[] {"year 0", "0000-01-01T00:00:00Z"});
        add.accept(new String[] {"minimum year", "-999999999-01-01T00:00:00Z"});
        add.accept(new String[] {"tomorrow", Instant.now().plus(1, ChronoUnit.DAYS).toString()});
        add.accept(new String[] {"in 10 minutes", Instant.now().plus(10, ChronoUnit.MINUTES).toString()});
        add.accept(new String[] {"epoch seconds as text", "1764400000"});
        add.accept(new String[] {"epoch millis as text", "1764400000000"});
        add.accept(new String[] {"now", "now"});
        add.accept(new String[] {"RFC 1123", "Thu, 15 Jan 2026 08:15:00 GMT"});
        add.accept(new String[] {"full-width digits", fullWidth("2026-01-15T08:15:00Z")});
        add.accept(new String[] {"10k chars", "2026-01-15T08:15:00Z" + "0".repeat(10_000)});
      }
      default -> { }
    }
    return c;
  }

  /** The contract, as docs/API.md states it: would the hub have to accept this string here? */
  static boolean valid(Field f, String s) {
    return switch (f.kind()) {
      case ID -> Pattern.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}", s);
      case ENUM -> f.constants().contains(s);
      case REGION -> Pattern.matches("[0-9]{6}", s);
      case DIGITS -> Pattern.matches("[0-9]{" + f.max() + "}", s);
      case CLIENT_REF -> Pattern.matches("[\\x21-\\x7E]{1,128}", s);
      case PHONE -> Pattern.matches("[+0-9][0-9 ()-]{2,31}", s);
      case TIMESTAMP -> {
        try {
          Instant at = OffsetDateTime.parse(s).toInstant();
          yield !at.isBefore(Instant.parse("2000-01-01T00:00:00Z"))
              && !at.isAfter(Instant.now().plus(5, ChronoUnit.MINUTES));
        } catch (DateTimeParseException e) {
          yield false;
        }
      }
      case DEADLINE -> {
        try {
          Instant at = OffsetDateTime.parse(s).toInstant();
          yield !at.isBefore(Instant.parse("2000-01-01T00:00:00Z")) && !at.isAfter(Instant.parse("2199-12-31T00:00:00Z"));
        } catch (DateTimeParseException e) {
          yield false;
        }
      }
      case TEXT -> {
        String t = s.strip();
        yield !(f.required() && t.isEmpty())
            && t.codePointCount(0, t.length()) <= f.max()
            && t.codePoints().noneMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t')
            && !hasUnpairedSurrogate(t);
      }
      default -> throw new IllegalArgumentException(f.kind() + " is not a string kind");
    };
  }

  static boolean hasUnpairedSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  /** Fields nobody asked for: mass assignment, prototype pollution, near-miss names. */
  private List<Case> unknownFields(Endpoint e) {
    // A body without fields ({} for POST /guardian/token) has no names to near-miss or repeat.
    String first = e.base().fieldNames().hasNext() ? e.base().fieldNames().next() : null;
    Map<String, JsonNode> extras = new LinkedHashMap<>();
    extras.put("extra", TextNode.valueOf("x"));
    extras.put("__proto__", NODES.objectNode().put("admin", true));
    extras.put("constructor", NODES.objectNode().set("prototype", NODES.objectNode().put("admin", true)));
    extras.put("@class", TextNode.valueOf("x"));
    extras.put("$where", TextNode.valueOf("1 == 1"));
    extras.put("by", TextNode.valueOf("operator:root"));
    extras.put("status", TextNode.valueOf("CLOSED"));
    extras.put("role", TextNode.valueOf("OPERATOR"));
    extras.put("incidentId", TextNode.valueOf("inc-00000000-0000-0000-0000-000000000000"));
    extras.put("", TextNode.valueOf("empty name"));
    if (first != null) {
      extras.put(Character.toUpperCase(first.charAt(0)) + first.substring(1), e.base().get(first));
      extras.put(first + " ", e.base().get(first));
      extras.put(first + "\u200b", e.base().get(first));
    }
    List<Case> cases = new ArrayList<>();
    extras.forEach((name, value) -> {
      if (e.base().has(name)) {
        return; // a field of this endpoint (an import's "status"), not an unknown one
      }
      ObjectNode body = e.base().deepCopy();
      body.set(name, value);
      cases.add(e.with(bytes(body), "unknown field '" + printable(name) + "'"));
    });
    if (first == null) {
      return cases;
    }
    // The same name twice: which one would count?
    String serialized = new String(bytes(e.base()), UTF_8);
    String duplicate = "{\"" + first + "\":" + jsonString("duplicate-" + first) + "," + serialized.substring(1);
    cases.add(e.with(duplicate.getBytes(UTF_8), "duplicate field '" + first + "'"));
    return cases;
  }

  /** Bodies that are not one well-formed JSON object, or are too large to read. */
  private List<Case> malformed(Endpoint e) {
    String json = new String(bytes(e.base()), UTF_8);
    // For a body without fields, a name it does not have: each of these bodies is malformed anyway.
    boolean hasFields = e.base().fieldNames().hasNext();
    String first = hasFields ? e.base().fieldNames().next() : "extra";
    Map<String, byte[]> bodies = new LinkedHashMap<>();
    Consumer<String[]> add = labelAndBody -> bodies.put(labelAndBody[0], labelAndBody[1].getBytes(UTF_8));
    add.accept(new String[] {"empty body", ""});
    add.accept(new String[] {"whitespace body", " \n\t "});
    add.accept(new String[] {"null", "null"});
    add.accept(new String[] {"true", "true"});
    add.accept(new String[] {"number", "42"});
    add.accept(new String[] {"huge number", "-1.5e308"});
    add.accept(new String[] {"bare string", "\"hello\""});
    add.accept(new String[] {"empty array", "[]"});
    add.accept(new String[] {"array of the body", "[" + json + "]"});
    add.accept(new String[] {"truncated after {", json.substring(0, 1)});
    add.accept(new String[] {"truncated before last }", json.substring(0, json.length() - 1)});
    add.accept(new String[] {"truncated in an escape", "{\"" + first + "\":\"\\u00"});
    add.accept(new String[] {"unterminated string", "{\"" + first + "\":\"abc"});
    for (int i = 0; hasFields && i < 2; i++) {
      int cut = 2 + random.nextInt(json.length() - 3);
      add.accept(new String[] {"truncated at " + cut, json.substring(0, cut)});
    }
    add.accept(new String[] {"trailing garbage", json + "x"});
    add.accept(new String[] {"trailing }", json + "}"});
    add.accept(new String[] {"trailing comma", json + ","});
    add.accept(new String[] {"two objects", json + json});
    add.accept(new String[] {"trailing object", json + "{}"});
    add.accept(new String[] {"trailing NUL", json + "\u0000"});
    add.accept(new String[] {"trailing line comment", json + " // done"});
    add.accept(new String[] {"block comment", "{/* hi */" + json.substring(1)});
    add.accept(new String[] {"comma before }", json.substring(0, json.length() - 1) + ",}"});
    if (hasFields) {
      add.accept(new String[] {"single quotes", json.replace('"', '\'')});
      add.accept(new String[] {"unquoted name", "{" + first + json.substring(first.length() + 3)});
    }
    add.accept(new String[] {"NaN literal", "{\"" + first + "\":NaN}"});
    add.accept(new String[] {"Infinity literal", "{\"" + first + "\":-Infinity}"});
    add.accept(new String[] {"leading zeros", "{\"" + first + "\":007}"});
    add.accept(new String[] {"raw newline in string", "{\"" + first + "\":\"a\nb\"}"});
    add.accept(new String[] {"invalid escape", "{\"" + first + "\":\"\\x41\"}"});
    add.accept(new String[] {"10k nested arrays", "[".repeat(10_000) + "]".repeat(10_000)});
    add.accept(new String[] {"10k nested arrays as a field", "{\"" + first + "\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}"});
    add.accept(new String[] {"5k nested objects", "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000)});
    add.accept(new String[] {"10k unclosed arrays", "[".repeat(10_000)});
    add.accept(new String[] {"form encoded", first + "=x&name=y"});
    add.accept(new String[] {"XML", "<?xml version=\"1.0\"?><" + first + ">x</" + first + ">"});
    bodies.put("UTF-16 encoded body", json.getBytes(java.nio.charset.StandardCharsets.UTF_16LE));
    bodies.put("invalid UTF-8 before the body", concat(INVALID_UTF8, json.getBytes(UTF_8)));
    for (int i = 0; i < 3; i++) {
      byte[] garbage = new byte[1 + random.nextInt(512)];
      random.nextBytes(garbage);
      bodies.put("random bytes #" + i + " (" + garbage.length + ")", garbage);
    }
    List<Case> cases = new ArrayList<>();
    bodies.forEach((label, body) -> cases.add(e.with(body, "malformed: " + label)));
    // Too large: the 64 KiB limit (256 KiB for readings) answers 413 before the body is read.
    String firstString = e.fields().stream().filter(Field::isString).findFirst().map(Field::path).orElse("padding");
    int limit = e.path().equals("/api/v1/sensors/readings") ? 256 * 1024 : 64 * 1024;
    cases.add(e.with(e.mutate(firstString, new Bad("", TextNode.valueOf("x".repeat(limit + 1)), null, Set.of(413))),
        firstString + ": just over the " + limit / 1024 + " KiB body limit"));
    cases.add(e.with(e.mutate(firstString, new Bad("", TextNode.valueOf("x".repeat(1 << 20)), null, Set.of(413))),
        firstString + ": 1 MB string"));
    return cases;
  }

  /** The valid base body, labelled as something other than application/json. */
  private List<Case> contentTypes(Endpoint e) {
    byte[] body = bytes(e.base());
    List<Case> cases = new ArrayList<>();
    for (String type : List.of("text/plain; charset=utf-8", "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=xyz", "application/xml", "application/problem+json",
        "application/octet-stream", "json")) {
      cases.add(e.caseOf("content type " + type, body, type, Map.of(), Set.of(415)));
    }
    cases.add(e.caseOf("no content type", body, null, Map.of(), Set.of(415)));
    return cases;
  }

  /** The valid base body with the wrong method. */
  private static List<Case> methods(Endpoint e) {
    List<Case> cases = new ArrayList<>();
    for (String method : List.of("PUT", "PATCH", "DELETE")) {
      cases.add(new Case(e.name(), "method " + method, method, e.path(), e.token(), bytes(e.base()),
          "application/json", Map.of(), Set.of(405)));
    }
    return cases;
  }

  /** The valid base body sent to an incident id that is not one. */
  private List<Case> pathCases(Endpoint e, String command) {
    String id = e.path().split("/")[4];
    var rng = new Random(random.nextLong());
    List<String> ids = List.of(
        "a%2Fb", "..%2F..%2Fetc%2Fpasswd", "%2E%2E", id + "%2F..", "%252F", "x".repeat(300),
        id.toUpperCase(Locale.ROOT), id + "%20", id + "%00", id + "%0D%0AX-Injected:%201",
        "%E2%80%AE" + id, id.substring(0, 10) + "%E2%80%8B" + id.substring(10),
        "%EF%BD%89%EF%BD%8E%EF%BD%83" + id.substring(3), "%ED%A0%80", id + "%FF",
        "%24%7Bjndi%3Aldap%3A%2F%2Fx%2Fa%7D", "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "'%3B%20DROP%20TABLE%20messages%3B%20--",
        "inc-00000000-0000-0000-0000-000000000000", "inc-" + new UUID(rng.nextLong(), rng.nextLong()),
        id.substring(0, id.length() - 1), id + ";jsessionid=1");
    List<Case> cases = new ArrayList<>();
    for (String bad : ids) {
      cases.add(new Case(e.name(), "path id " + printable(bad), "POST", "/api/v1/" + e.path().split("/")[3] + "/" + bad + "/" + command,
          e.token(), bytes(e.base()), "application/json", Map.of(), Set.of(400, 404)));
    }
    return cases;
  }

  // --- running cases ----------------------------------------------------------------------

  /** What a case's spot check gets: the group's snapshot from before its first case. */
  interface SpotCheck {
    void check(Map<String, JsonNode> before, String caseName);
  }

  /**
   * The cases of one endpoint as dynamic tests, between a snapshot of everything and the
   * comparison with it; each case also spot-checks its own target.
   */
  private Stream<DynamicTest> group(Endpoint e, List<Case> cases, SpotCheck spot) {
    List<Map<String, JsonNode>> before = new ArrayList<>();
    Stream<DynamicTest> first = Stream.of(dynamicTest(e.name() + ": snapshot before " + cases.size() + " cases",
        () -> before.add(snapshot())));
    Stream<DynamicTest> each = cases.stream().map(c -> dynamicTest(c.name(), () -> {
      assertRefused(c);
      spot.check(before.get(0), c.endpoint() + " / " + c.name());
    }));
    Stream<DynamicTest> last = Stream.of(dynamicTest(e.name() + ": nothing changed after " + cases.size() + " cases", () -> {
      sleep(300);
      Map<String, JsonNode> after = snapshot();
      for (var entry : before.get(0).entrySet()) {
        assertThat(after.get(entry.getKey())).as(entry.getKey()).isEqualTo(entry.getValue());
      }
      assertThat(after).isEqualTo(before.get(0));
    }));
    return Stream.of(first, each, last).flatMap(s -> s);
  }

  private void assertRefused(Case c) {
    Reply r = send(c.method(), c.path(), c.token(), c.body(), c.contentType(), c.headers());
    executed.incrementAndGet();
    String what = c.endpoint() + " / " + c.name() + " -> " + r.status() + " " + abbreviate(r.body());
    assertThat(r.status()).as(what).isBetween(400, 499);
    assertThat(c.expected()).as(what).contains(r.status());
    assertThat(r.contentType()).as(what).isEqualTo(PROBLEM_JSON);
    JsonNode problem;
    try {
      problem = JSON.readTree(r.body());
    } catch (IOException ex) {
      throw new AssertionError(what + ": body is not JSON", ex);
    }
    assertThat(problem != null && problem.isObject()).as(what + ": body is a JSON object").isTrue();
    assertThat(problem.path("status").isInt()).as(what + ": status is a number").isTrue();
    assertThat(problem.get("status").intValue()).as(what).isEqualTo(r.status());
    assertThat(problem.path("detail").isTextual()).as(what + ": detail is text").isTrue();
    assertThat(problem.get("detail").textValue()).as(what).isNotBlank();
    for (String leak : LEAKS) {
      assertThat(r.body()).as(what + ": leaks internals").doesNotContain(leak);
    }
    if (c.field() != null && r.status() == 400) {
      List<String> named = new ArrayList<>();
      problem.path("errors").forEach(error -> named.add(error.path("field").asText()));
      assertThat(named).as(what + ": errors[] names the field").anyMatch(
          name -> name.equals(c.field()) || name.startsWith(c.field() + ".") || name.startsWith(c.field() + "["));
    }
  }

  private void assertUnchanged(Map<String, JsonNode> before, String token, String path, String caseName) {
    Reply now = read(token, path);
    assertThat(now.json()).as(path + " after " + caseName).isEqualTo(before.get("GET " + path).get("body"));
  }

  // --- HTTP -------------------------------------------------------------------------------

  record Reply(int status, String contentType, String body) {
    JsonNode json() {
      if (body.isEmpty()) {
        return NullNode.getInstance();
      }
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + abbreviate(body), e);
      }
    }
  }

  private Reply read(String token, String path) {
    return send("GET", path, token, null, null, Map.of());
  }

  private Reply send(String method, String path, String token, byte[] body, String contentType, Map<String, String> headers) {
    var builder = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      builder.header("Content-Type", contentType);
    }
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    headers.forEach(builder::header);
    try {
      HttpResponse<byte[]> response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
          new String(response.body(), UTF_8));
    } catch (IOException e) {
      throw new AssertionError(method + " " + abbreviate(path) + ": no HTTP answer: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  // --- small helpers ----------------------------------------------------------------------

  static byte[] bytes(JsonNode body) {
    try {
      return JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Replaces the {@link #RAW} placeholder in serialized JSON by raw bytes. */
  static byte[] splice(byte[] serialized, byte[] raw) {
    String text = new String(serialized, UTF_8);
    int at = text.indexOf(RAW);
    var out = new ByteArrayOutputStream();
    out.writeBytes(text.substring(0, at).getBytes(UTF_8));
    out.writeBytes(raw);
    out.writeBytes(text.substring(at + RAW.length()).getBytes(UTF_8));
    return out.toByteArray();
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static String fullWidth(String s) {
    StringBuilder out = new StringBuilder();
    s.chars().forEach(c -> out.append((char) (c >= 0x21 && c <= 0x7E ? c + 0xFEE0 : c)));
    return out.toString();
  }

  static String arabicDigits(String s) {
    StringBuilder out = new StringBuilder();
    s.chars().forEach(c -> out.append((char) (c >= '0' && c <= '9' ? 0x0660 + (c - '0') : c)));
    return out.toString();
  }

  /** Swaps the first Latin letter that has a Cyrillic twin for the twin. */
  static String homoglyph(String s) {
    String latin = "aceopxyAEIOPCX";
    String cyrillic = "асеорхуАЕІОРСХ";
    for (int i = 0; i < s.length(); i++) {
      int k = latin.indexOf(s.charAt(i));
      if (k >= 0) {
        return s.substring(0, i) + cyrillic.charAt(k) + s.substring(i + 1);
      }
    }
    return "\u0430" + s;
  }

  /** A short, printable rendering for test names and messages. */
  static String printable(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length() && out.length() < 60; i++) {
      char c = s.charAt(i);
      out.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    }
    return s.length() > 60 ? out + "...(" + s.length() + " chars)" : out.toString();
  }

  static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
