package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.schoolsafety.edge.Fixtures.created;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * Every role × every endpoint → the expected status, including cross-school, cross-agency and
 * cross-region attempts. The same table is in docs/SECURITY.md. 2xx and 409 both mean "allowed"
 * (409: allowed, but the incident's state does not fit); 403 is refused, 404 hides the incident.
 */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationTableTest {

  static final String SCHOOL_A = "sch-650102-001";
  static final String SCHOOL_B = "sch-650102-002";
  static final String SCHOOL_C = "sch-110105-001";

  /** The principals of the table, by column name. */
  static final Map<String, Object[]> PRINCIPALS = principals();

  private static Map<String, Object[]> principals() {
    var p = new LinkedHashMap<String, Object[]>();
    p.put("anonymous", null);
    p.put("operator", new Object[] {Role.OPERATOR, "ops"});
    p.put("staff-A", new Object[] {Role.SCHOOL_STAFF, SCHOOL_A});
    p.put("staff-B", new Object[] {Role.SCHOOL_STAFF, SCHOOL_B});
    p.put("gateway-A", new Object[] {Role.SENSOR_GATEWAY, SCHOOL_A});
    p.put("fire-650102", new Object[] {Role.AGENCY, "fire-650102"});
    p.put("police-650102", new Object[] {Role.AGENCY, "police-650102"});
    p.put("fire-110105", new Object[] {Role.AGENCY, "fire-110105"});
    p.put("cc-65", new Object[] {Role.COMMAND_CENTER, "65"});
    p.put("cc-6501", new Object[] {Role.COMMAND_CENTER, "6501"});
    p.put("cc-11", new Object[] {Role.COMMAND_CENTER, "11"});
    return p;
  }

  /** Endpoint → expected status per principal, in the column order of {@link #PRINCIPALS}. */
  static final Map<String, int[]> TABLE = new LinkedHashMap<>();

  static {
    //                                            anon  op  stA  stB  gwA  fire pol  f11  cc65 cc6501 cc11
    TABLE.put("POST /schools",                    new int[] {401, 201, 403, 403, 403, 403, 403, 403, 403, 403, 403});
    TABLE.put("GET /schools/{A}",                 new int[] {401, 200, 200, 403, 200, 200, 200, 403, 200, 200, 403});
    TABLE.put("POST /agencies",                   new int[] {401, 201, 403, 403, 403, 403, 403, 403, 403, 403, 403});
    TABLE.put("GET /agencies/fire-650102",        new int[] {401, 200, 403, 403, 403, 200, 403, 403, 200, 200, 403});
    TABLE.put("GET /agencies/fire-650102/dispatches", new int[] {401, 200, 403, 403, 403, 200, 403, 403, 200, 200, 403});
    TABLE.put("POST /incidents (ACTUAL, A)",      new int[] {401, 403, 201, 403, 201, 403, 403, 403, 201, 201, 403});
    TABLE.put("POST /incidents (EXERCISE, A)",    new int[] {401, 201, 201, 403, 201, 403, 403, 403, 201, 201, 403});
    TABLE.put("GET /incidents/{X}",               new int[] {401, 404, 200, 404, 200, 200, 404, 404, 200, 200, 404});
    TABLE.put("GET /incidents/{drill}",           new int[] {401, 200, 200, 404, 200, 200, 404, 404, 200, 200, 404});
    TABLE.put("POST /incidents/{X}/reports CONTINUATION", new int[] {401, 404, 201, 404, 201, 201, 404, 404, 201, 201, 404});
    TABLE.put("POST /incidents/{X}/reports FINAL", new int[] {401, 404, 201, 404, 403, 201, 404, 404, 201, 201, 404});
    TABLE.put("POST /incidents/{X}/acks fire-650102", new int[] {401, 404, 403, 404, 403, 200, 404, 404, 403, 403, 404});
    TABLE.put("POST /incidents/{X}/close",        new int[] {401, 404, 403, 404, 403, 403, 404, 404, 200, 200, 404});
    TABLE.put("POST /incidents/{new}/cancel",     new int[] {401, 404, 200, 404, 403, 403, 404, 404, 200, 200, 404});
    TABLE.put("GET /incidents/{X}/cap",           new int[] {401, 404, 200, 404, 200, 200, 404, 404, 200, 200, 404});
    TABLE.put("GET /incidents/{X}/audit",         new int[] {401, 404, 403, 404, 403, 403, 404, 404, 200, 200, 404});
    TABLE.put("GET /agencies/fire-650102/dispatch-history", new int[] {401, 200, 403, 403, 403, 200, 403, 403, 200, 200, 403});
    TABLE.put("GET /agencies/fire-650102/stream", new int[] {401, 200, 403, 403, 403, 200, 403, 403, 200, 200, 403});
    TABLE.put("POST /incidents/{X}/reports lowering the level", new int[] {401, 404, 403, 404, 403, 403, 404, 404, 201, 201, 404});
    TABLE.put("GET /incidents/open-counts?region=6501", new int[] {401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403});
    TABLE.put("GET /cap/feed?region=6501",        new int[] {401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403});
    TABLE.put("GET /incidents/open-counts?region=6501&mode=EXERCISE", new int[] {401, 200, 403, 403, 403, 403, 403, 403, 200, 200, 403});
    // prevention (issue 15): a school sees only its own records; agencies only their jurisdiction
    TABLE.put("POST /schools/{A}/inspections",    new int[] {401, 403, 201, 403, 403, 403, 403, 403, 403, 403, 403});
    TABLE.put("GET /schools/{A}/hazards",         new int[] {401, 403, 200, 403, 200, 403, 403, 403, 200, 200, 403});
    TABLE.put("GET /hazards?region=650102",       new int[] {401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403});
    TABLE.put("GET /hazards/{H}",                 new int[] {401, 404, 200, 404, 200, 404, 404, 404, 200, 200, 404});
    TABLE.put("POST /hazards/{H}/rectification",  new int[] {401, 404, 200, 404, 403, 404, 404, 404, 403, 403, 404});
    TABLE.put("POST /hazards/{H}/verification",   new int[] {401, 404, 403, 404, 403, 404, 404, 404, 403, 403, 404});
    TABLE.put("POST /schools/{A}/health-checks",  new int[] {401, 403, 201, 403, 403, 403, 403, 403, 403, 403, 403});
    TABLE.put("GET /schools/{A}/health-checks",   new int[] {401, 403, 200, 403, 200, 403, 403, 403, 200, 200, 403});
    TABLE.put("POST /schools/{A}/trainings",      new int[] {401, 403, 201, 403, 403, 403, 403, 403, 403, 403, 403});
    TABLE.put("GET /schools/{A}/trainings",       new int[] {401, 403, 200, 403, 200, 403, 403, 403, 200, 200, 403});
    TABLE.put("POST /schools/{A}/surroundings",   new int[] {401, 403, 201, 403, 403, 403, 403, 403, 403, 403, 403});
    TABLE.put("GET /schools/{A}/surroundings",    new int[] {401, 403, 200, 403, 200, 403, 403, 403, 200, 200, 403});
    TABLE.put("GET /schools/{A}/risk",            new int[] {401, 403, 200, 403, 200, 403, 403, 403, 200, 200, 403});
    TABLE.put("GET /schools/{A}/risk/history",    new int[] {401, 403, 200, 403, 200, 403, 403, 403, 200, 200, 403});
    TABLE.put("GET /risk?region=65",              new int[] {401, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403});
    TABLE.put("GET /warnings?region=650102",      new int[] {401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403});
    // a health-cluster warning W at school A becomes an incident: the school's staff (or an education or
    // health agency covering it); its command centers and its gateway see the school but do not report (403)
    TABLE.put("POST /warnings/{W}/incident",      new int[] {401, 404, 201, 404, 403, 404, 404, 404, 403, 403, 404});
    TABLE.put("GET /trainings/coverage?region=650102", new int[] {401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403});
    TABLE.put("POST /schools/{A}/devices",        new int[] {401, 201, 201, 403, 403, 403, 403, 403, 403, 403, 403});
    TABLE.put("GET /schools/{A}/devices",         new int[] {401, 200, 200, 403, 200, 403, 403, 403, 200, 200, 403});
    TABLE.put("POST /sensors/readings (A)",       new int[] {401, 403, 403, 403, 202, 403, 403, 403, 403, 403, 403});
    // tips (issue 17): anyone submits without a token; a school sees only its own tips; a told
    // agency reads and acknowledges but does not triage; everyone else is told the tip does not exist
    TABLE.put("POST /tips (no token needed)",     new int[] {201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201});
    TABLE.put("GET /schools/{A}/tips",            new int[] {401, 403, 200, 403, 403, 403, 403, 403, 403, 403, 403});
    TABLE.put("GET /tips/{T} (WEAPON at A)",      new int[] {401, 404, 200, 404, 404, 404, 200, 404, 404, 404, 404});
    TABLE.put("POST /tips/{T}/triage",            new int[] {401, 404, 200, 404, 404, 404, 403, 404, 404, 404, 404});
    TABLE.put("POST /tips/{T}/acks police-650102", new int[] {401, 404, 403, 404, 404, 404, 200, 404, 404, 404, 404});
    TABLE.put("POST /tips/{new}/incident",        new int[] {401, 404, 201, 404, 404, 404, 404, 404, 404, 404, 404});
    TABLE.put("POST /tips/{new}/hazard",          new int[] {401, 404, 201, 404, 404, 404, 404, 404, 404, 404, 404});
    // the region's tips queue: metadata only, for its command centers (and its education agencies)
    TABLE.put("GET /tips?region=650102",          new int[] {401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403});
    TABLE.put("GET /health/ready",                new int[] {200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200});
    // Directives (issue 16): D is a real directive to school A from cc-6501; the drill one from the operator.
    TABLE.put("POST /directives (ACTUAL, A)",     new int[] {401, 403, 403, 403, 403, 403, 403, 403, 201, 201, 403});
    TABLE.put("POST /directives (EXERCISE, A)",   new int[] {401, 201, 403, 403, 403, 403, 403, 403, 201, 201, 403});
    TABLE.put("POST /directives (region 6501)",   new int[] {401, 403, 403, 403, 403, 403, 403, 403, 201, 201, 403});
    TABLE.put("GET /directives/{D}",              new int[] {401, 404, 200, 404, 200, 404, 404, 404, 200, 200, 404});
    TABLE.put("GET /directives/{drill}",          new int[] {401, 200, 200, 404, 200, 404, 404, 404, 200, 200, 404});
    TABLE.put("POST /directives/{D}/acks A",      new int[] {401, 404, 200, 404, 403, 404, 404, 404, 200, 200, 404});
    TABLE.put("POST /directives/{D}/accountability A", new int[] {401, 404, 200, 404, 403, 404, 404, 404, 200, 200, 404});
    TABLE.put("POST /directives/{new}/lift",      new int[] {401, 404, 403, 404, 403, 404, 404, 404, 200, 200, 404});
    TABLE.put("GET /directives?region=6501",      new int[] {401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403});
    TABLE.put("GET /directives?region=6501&mode=EXERCISE", new int[] {401, 200, 403, 403, 403, 403, 403, 403, 200, 200, 403});
    // CAP in: command centers (each reaches only its own region's schools) and alert sources (CapInTest).
    TABLE.put("POST /cap/alerts",                 new int[] {401, 403, 403, 403, 403, 403, 403, 403, 201, 201, 201});
    // Handling authority by level: a level I incident is led by the province. Its city's command
    // center may no longer close, cancel or downgrade it (level III X above: the city leads, as before).
    TABLE.put("POST /incidents/{level I}/close",  new int[] {401, 404, 403, 404, 403, 403, 403, 404, 200, 403, 404});
    TABLE.put("POST /incidents/{new level I}/cancel", new int[] {401, 404, 200, 404, 403, 403, 403, 404, 200, 403, 404});
    TABLE.put("POST /incidents/{new level I}/reports lowering to II", new int[] {401, 404, 403, 404, 403, 403, 403, 404, 201, 403, 404});
    // Guardians (issue 17): only A's staff invite and read what guardians wrote; anyone redeems a code
    // without a token; the /guardian endpoints answer guardians only (GuardianFlowTest: the guardian's side).
    TABLE.put("POST /schools/{A}/guardians/invitations", new int[] {401, 403, 201, 403, 403, 403, 403, 403, 403, 403, 403});
    TABLE.put("POST /schools/{A}/guardians/invitations/withdrawal", new int[] {401, 403, 200, 403, 403, 403, 403, 403, 403, 403, 403});
    TABLE.put("POST /guardians/redemptions (no token needed)", new int[] {201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201});
    TABLE.put("GET /schools/{A}/guardian-messages", new int[] {401, 403, 200, 403, 403, 403, 403, 403, 403, 403, 403});
    TABLE.put("POST /guardian/messages",          new int[] {401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403});
    TABLE.put("GET /guardian/notices",            new int[] {401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403});
    TABLE.put("GET /guardian/stream",             new int[] {401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403});
    // Revocation and renewal: A's staff list and cut off its guardians; to everyone else a guardian of A
    // does not exist (404). Renewal is for guardians only (GuardianRevocationTest: the guardian's side).
    TABLE.put("GET /schools/{A}/guardians",       new int[] {401, 403, 200, 403, 403, 403, 403, 403, 403, 403, 403});
    TABLE.put("POST /schools/{A}/guardians/{new}/revocation", new int[] {401, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404});
    TABLE.put("POST /guardian/token",             new int[] {401, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403});
    // Lists, streams and drill logs (rows added when the OpenAPI coverage test found them missing here).
    TABLE.put("GET /schools?region=6501",         new int[] {401, 200, 403, 403, 403, 403, 403, 403, 200, 200, 403});
    TABLE.put("GET /incidents?region=6501",       new int[] {401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403});
    TABLE.put("GET /incidents?region=6501&mode=EXERCISE", new int[] {401, 200, 403, 403, 403, 403, 403, 403, 200, 200, 403});
    TABLE.put("GET /stream/incidents?region=6501", new int[] {401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403});
    TABLE.put("GET /stream/incidents?region=6501&mode=EXERCISE", new int[] {401, 200, 403, 403, 403, 403, 403, 403, 200, 200, 403});
    TABLE.put("POST /schools/{A}/drills",         new int[] {401, 201, 201, 403, 403, 403, 403, 403, 403, 403, 403});
    TABLE.put("GET /schools/{A}/drills",          new int[] {401, 200, 200, 403, 200, 403, 403, 403, 200, 200, 403});
    TABLE.put("GET /drills/compliance?region=6501", new int[] {401, 200, 403, 403, 403, 403, 403, 403, 200, 200, 403});
    TABLE.put("POST /warnings/{W}/acks",          new int[] {401, 404, 403, 404, 403, 404, 404, 404, 403, 403, 404});
    TABLE.put("POST /tips/{T}/messages (no code)", new int[] {404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404});
    // Webhooks (issue 17): only the agency's own dispatch system registers, removes and reads dead
    // letters; operators and the command centers above it may list (never the secrets).
    TABLE.put("POST /agencies/fire-650102/webhooks", new int[] {401, 403, 403, 403, 403, 201, 403, 403, 403, 403, 403});
    TABLE.put("GET /agencies/fire-650102/webhooks", new int[] {401, 200, 403, 403, 403, 200, 403, 403, 200, 200, 403});
    TABLE.put("GET /agencies/fire-650102/webhooks/{W}/dead-letters", new int[] {401, 403, 403, 403, 403, 200, 403, 403, 403, 403, 403});
    TABLE.put("POST /agencies/fire-650102/webhooks/{W}/dead-letters/redeliver", new int[] {401, 403, 403, 403, 403, 202, 403, 403, 403, 403, 403});
    TABLE.put("DELETE /agencies/fire-650102/webhooks/{W2}", new int[] {401, 403, 403, 403, 403, 204, 403, 403, 403, 403, 403});
    // The OpenAPI document: open to anyone, a token changes nothing (OpenApiContractTest).
    TABLE.put("GET /openapi.yaml (no token needed)", new int[] {200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200});
    // evaluation and safety spending (issue 18); education agencies: EvaluationFlowTest
    TABLE.put("GET /evaluations?region=650102",   new int[] {401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403});
    TABLE.put("POST /schools/{A}/investments",    new int[] {401, 403, 201, 403, 403, 403, 403, 403, 403, 403, 403});
    TABLE.put("GET /schools/{A}/investments",     new int[] {401, 403, 200, 403, 200, 403, 403, 403, 200, 200, 403});
    TABLE.put("GET /investments?region=650102",   new int[] {401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403});
    TABLE.put("GET /priorities?region=650102",    new int[] {401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403});
    TABLE.put("GET /cost-benefit?region=650102",  new int[] {401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403});
    // the same tables as CSV (format=csv): the JSON's rules
    TABLE.put("GET /evaluations?region=650102&format=csv", new int[] {401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403});
    TABLE.put("GET /investments?region=650102&format=csv", new int[] {401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403});
    TABLE.put("GET /priorities?region=650102&format=csv",  new int[] {401, 403, 403, 403, 403, 403, 403, 403, 200, 200, 403});
    // issue 18 item 6: a region's past records from its previous system, operators only
    TABLE.put("POST /incidents/imports",          new int[] {401, 201, 403, 403, 403, 403, 403, 403, 403, 403, 403});
  }

  private HubNode node;
  private HubClient anonymous;
  private String incidentX;
  private String drill;
  private String directiveD;
  private String incidentI;
  private String drillDirective;
  /** A hazard at school A (prevention rows). */
  private String hazardH;
  /** A health-cluster warning at school A (3 pupils with fever in one class). */
  private String warningW;
  /** A WEAPON tip at school A, told to police-650102. */
  private String tipT;
  /** Webhooks of fire-650102 (to a closed loopback port: deliveries fail, which nothing here reads). */
  private String webhookW;
  private String webhookW2;
  private final AtomicInteger counter = new AtomicInteger();

  @BeforeAll
  void setUp() {
    node = TestNode.start("it_authorization", Map.of("hub.webhooks.allow-http", "on",
        "hub.webhooks.allowed-networks", List.of("127.0.0.0/8")));
    anonymous = new HubClient(node.httpPort());
    Fixtures.registerRegion(anonymous, "650102");
    Fixtures.registerRegion(anonymous, "110105");
    HubClient operator = anonymous.as(Role.OPERATOR, "ops");
    for (String[] school : new String[][] {{SCHOOL_A, "650102"}, {SCHOOL_B, "650102"}, {SCHOOL_C, "110105"}}) {
      created(Fixtures.postSchool(operator, Fixtures.school(school[0], school[1])));
    }
    HubClient staffA = anonymous.as(Role.SCHOOL_STAFF, SCHOOL_A);
    incidentX = created(staffA.post("/api/v1/incidents", Fixtures.incident(SCHOOL_A, "FIRE", "III", "authz-x")))
        .body().get("incidentId").asText();
    var exercise = new LinkedHashMap<>(Fixtures.incident(SCHOOL_A, "FIRE", "III", "authz-drill"));
    exercise.put("mode", "EXERCISE");
    drill = created(operator.post("/api/v1/incidents", exercise)).body().get("incidentId").asText();
    hazardH = created(staffA.post("/api/v1/schools/" + SCHOOL_A + "/inspections", PreventionFlowTest.inspection(
        "authz-hazards", List.of(PreventionFlowTest.hazard("BUILDING", "GENERAL",
            java.time.Instant.now().plus(Duration.ofDays(30)))))))
        .body().get("hazards").get(0).get("hazardId").asText();
    tipT = created(anonymous.post("/api/v1/tips", Map.of("schoolId", SCHOOL_A, "category", "WEAPON",
        "text", "a knife in a school bag"))).body().get("tipId").asText();
    HubClient police = anonymous.as(Role.AGENCY, "police-650102");
    await().atMost(Duration.ofSeconds(20)).until(() -> police.get("/api/v1/agencies/police-650102/dispatches")
        .body().get("tips").findValuesAsText("tipId").contains(tipT));
    HubClient cc = anonymous.as(Role.COMMAND_CENTER, "65");
    HubClient fire = anonymous.as(Role.AGENCY, "fire-650102");
    webhookW = created(fire.post("/api/v1/agencies/fire-650102/webhooks", Map.of("url", "http://127.0.0.1:9/authz-w",
        "secret", "authz-secret-0123456789"))).body().get("webhookId").asText();
    webhookW2 = created(fire.post("/api/v1/agencies/fire-650102/webhooks", Map.of("url", "http://127.0.0.1:9/authz-w2",
        "secret", "authz-secret-0123456789"))).body().get("webhookId").asText();
    warningW = PreventionFlowTest.clusterWarning(staffA, cc, SCHOOL_A, "authz-cluster");
    directiveD = freshDirective();
    incidentI = freshLevelI();
    drillDirective = created(operator.post("/api/v1/directives", directive(SCHOOL_A, "EXERCISE")))
        .body().get("directiveId").asText();
    // POST /directives (region 6501) reads the school registry, a projection: wait for it.
    await().atMost(Duration.ofSeconds(30)).until(() ->
        cc.get("/api/v1/schools?region=6501").body().get("schools").size() >= 2);
    for (String id : List.of(incidentX, drill)) {
      await().atMost(Duration.ofSeconds(20)).until(() ->
          cc.get("/api/v1/incidents/" + id).body().get("dispatches").size() == 3);
    }
  }

  @AfterAll
  void tearDown() {
    if (node != null) {
      node.close();
    }
  }

  static Stream<Arguments> table() {
    var rows = new ArrayList<Arguments>();
    TABLE.forEach((endpoint, expected) -> {
      int i = 0;
      for (String principal : PRINCIPALS.keySet()) {
        rows.add(Arguments.of(endpoint, principal, expected[i++]));
      }
    });
    return rows.stream();
  }

  @ParameterizedTest(name = "{0} as {1} -> {2}")
  @MethodSource("table")
  void roleByEndpoint(String endpoint, String principal, int expected) {
    HubClient client = client(principal);
    var response = ENDPOINTS.get(endpoint).apply(this, client);
    // Closing X is allowed for its command centers but the incident is not resolved yet: 409.
    int status = endpoint.endsWith("/close") && response.status() == 409 ? 200 : response.status();
    assertThat(status).as(endpoint + " as " + principal + ": " + response.body()).isEqualTo(expected);
    if (status >= 400) {
      assertThat(response.contentType()).isEqualTo("application/problem+json");
    }
  }

  @Test
  void theTableCoversEveryPrincipalForEveryEndpoint() {
    assertThat(ENDPOINTS.keySet()).containsExactlyElementsOf(TABLE.keySet());
    TABLE.values().forEach(row -> assertThat(row).hasSize(PRINCIPALS.size()));
  }

  private HubClient client(String principal) {
    Object[] p = PRINCIPALS.get(principal);
    return p == null ? anonymous : anonymous.as((Role) p[0], (String) p[1]);
  }

  private String unique(String prefix) {
    return prefix + "-" + counter.incrementAndGet();
  }

  /** How each endpoint of the table is called. */
  static final Map<String, BiFunction<AuthorizationTableTest, HubClient, HubClient.Response>> ENDPOINTS = endpoints();

  private static Map<String, BiFunction<AuthorizationTableTest, HubClient, HubClient.Response>> endpoints() {
    var e = new LinkedHashMap<String, BiFunction<AuthorizationTableTest, HubClient, HubClient.Response>>();
    e.put("POST /schools", (t, c) -> c.post("/api/v1/schools", Fixtures.school(t.unique("sch-new"), "650102")));
    e.put("GET /schools/{A}", (t, c) -> c.get("/api/v1/schools/" + SCHOOL_A));
    e.put("POST /agencies", (t, c) -> c.post("/api/v1/agencies", Fixtures.agency(t.unique("fire-new"), "FIRE", "COUNTY",
        String.format("65%04d", t.counter.incrementAndGet()))));
    e.put("GET /agencies/fire-650102", (t, c) -> c.get("/api/v1/agencies/fire-650102"));
    e.put("GET /agencies/fire-650102/dispatches", (t, c) -> c.get("/api/v1/agencies/fire-650102/dispatches"));
    e.put("POST /incidents (ACTUAL, A)", (t, c) -> c.post("/api/v1/incidents",
        Fixtures.incident(SCHOOL_A, "INJURY", "IV", t.unique("authz-report"))));
    e.put("POST /incidents (EXERCISE, A)", (t, c) -> {
      var body = new LinkedHashMap<>(Fixtures.incident(SCHOOL_A, "INJURY", "IV", t.unique("authz-exercise")));
      body.put("mode", "EXERCISE");
      return c.post("/api/v1/incidents", body);
    });
    e.put("GET /incidents/{X}", (t, c) -> c.get("/api/v1/incidents/" + t.incidentX));
    e.put("GET /incidents/{drill}", (t, c) -> c.get("/api/v1/incidents/" + t.drill));
    e.put("POST /incidents/{X}/reports CONTINUATION", (t, c) -> c.post("/api/v1/incidents/" + t.incidentX + "/reports",
        Map.of("kind", "CONTINUATION", "summary", "still burning")));
    e.put("POST /incidents/{X}/reports FINAL", (t, c) -> c.post("/api/v1/incidents/" + t.fresh() + "/reports",
        Map.of("kind", "FINAL", "summary", "out", "cause", "wiring", "outcome", "no injuries")));
    e.put("POST /incidents/{X}/acks fire-650102", (t, c) -> c.post("/api/v1/incidents/" + t.incidentX + "/acks",
        Map.of("agencyId", "fire-650102")));
    e.put("POST /incidents/{X}/close", (t, c) -> c.post("/api/v1/incidents/" + t.incidentX + "/close", Map.of()));
    e.put("POST /incidents/{new}/cancel", (t, c) -> c.post("/api/v1/incidents/" + t.fresh() + "/cancel",
        Map.of("reason", "false alarm")));
    e.put("GET /incidents/{X}/cap", (t, c) -> c.getHeadersOnly("/api/v1/incidents/" + t.incidentX + "/cap"));
    e.put("GET /incidents/{X}/audit", (t, c) -> c.get("/api/v1/incidents/" + t.incidentX + "/audit"));
    e.put("GET /agencies/fire-650102/dispatch-history", (t, c) -> c.get("/api/v1/agencies/fire-650102/dispatch-history"));
    e.put("GET /agencies/fire-650102/stream", (t, c) -> t.streamStatus(c, "/api/v1/agencies/fire-650102/stream"));
    e.put("POST /incidents/{X}/reports lowering the level", (t, c) -> c.post("/api/v1/incidents/" + t.fresh() + "/reports",
        Map.of("kind", "CONTINUATION", "summary", "calmer", "level", "IV")));
    e.put("GET /incidents/open-counts?region=6501", (t, c) -> c.get("/api/v1/incidents/open-counts?region=6501"));
    e.put("GET /cap/feed?region=6501", (t, c) -> c.getHeadersOnly("/api/v1/cap/feed?region=6501"));
    e.put("GET /incidents/open-counts?region=6501&mode=EXERCISE",
        (t, c) -> c.get("/api/v1/incidents/open-counts?region=6501&mode=EXERCISE"));
    e.put("POST /schools/{A}/inspections", (t, c) -> c.post("/api/v1/schools/" + SCHOOL_A + "/inspections",
        PreventionFlowTest.inspection(t.unique("authz-insp"), List.of())));
    e.put("GET /schools/{A}/hazards", (t, c) -> c.get("/api/v1/schools/" + SCHOOL_A + "/hazards"));
    e.put("GET /hazards?region=650102", (t, c) -> c.get("/api/v1/hazards?region=650102"));
    e.put("GET /hazards/{H}", (t, c) -> c.get("/api/v1/hazards/" + t.hazardH));
    e.put("POST /hazards/{H}/rectification", (t, c) -> c.post("/api/v1/hazards/" + t.hazardH + "/rectification",
        Map.of("note", "done")));
    e.put("POST /hazards/{H}/verification", (t, c) -> c.post("/api/v1/hazards/" + t.hazardH + "/verification",
        Map.of("accepted", true)));
    e.put("POST /schools/{A}/health-checks", (t, c) -> c.post("/api/v1/schools/" + SCHOOL_A + "/health-checks",
        Map.of("date", java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString(), "classId", t.unique("class"),
            "present", 30, "absentIll", 1, "symptoms", Map.of("COUGH", 1))));
    e.put("GET /schools/{A}/health-checks", (t, c) -> c.get("/api/v1/schools/" + SCHOOL_A + "/health-checks"));
    e.put("POST /schools/{A}/trainings", (t, c) -> c.post("/api/v1/schools/" + SCHOOL_A + "/trainings",
        Map.of("trainingId", t.unique("training"), "date", java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString(),
            "topic", "FIRE", "audience", "STAFF", "participants", 10, "hours", 1.5)));
    e.put("GET /schools/{A}/trainings", (t, c) -> c.get("/api/v1/schools/" + SCHOOL_A + "/trainings"));
    e.put("POST /schools/{A}/surroundings", (t, c) -> c.post("/api/v1/schools/" + SCHOOL_A + "/surroundings",
        Map.of("surroundingId", t.unique("around"), "kind", "MARKET", "distanceMetres", 300)));
    e.put("GET /schools/{A}/surroundings", (t, c) -> c.get("/api/v1/schools/" + SCHOOL_A + "/surroundings"));
    e.put("GET /schools/{A}/risk", (t, c) -> c.get("/api/v1/schools/" + SCHOOL_A + "/risk"));
    e.put("GET /schools/{A}/risk/history", (t, c) -> c.get("/api/v1/schools/" + SCHOOL_A + "/risk/history"));
    e.put("GET /risk?region=65", (t, c) -> c.get("/api/v1/risk?region=65"));
    e.put("GET /warnings?region=650102", (t, c) -> c.get("/api/v1/warnings?region=650102"));
    e.put("POST /warnings/{W}/incident", (t, c) -> c.post("/api/v1/warnings/" + t.warningW + "/incident",
        Map.of("reporter", Map.of("name", "Li Na", "role", "school doctor"))));
    e.put("GET /trainings/coverage?region=650102", (t, c) -> c.get("/api/v1/trainings/coverage?region=650102"));
    e.put("POST /schools/{A}/devices", (t, c) -> c.post("/api/v1/schools/" + SCHOOL_A + "/devices", Map.of(
        "deviceId", t.unique("smoke-authz"), "kind", "SMOKE", "location", Map.of("building", "B", "floor", "3F"))));
    e.put("GET /schools/{A}/devices", (t, c) -> c.get("/api/v1/schools/" + SCHOOL_A + "/devices"));
    e.put("POST /sensors/readings (A)", (t, c) -> c.post("/api/v1/sensors/readings", Map.of("schoolId", SCHOOL_A,
        "gatewayId", "gw-1", "readings", List.of(Map.of("sensorId", "smoke-authz-hb", "kind", "HEARTBEAT",
            "at", java.time.Instant.now().toString())))));
    e.put("POST /tips (no token needed)", (t, c) -> c.post("/api/v1/tips",
        Map.of("schoolId", SCHOOL_A, "category", "OTHER", "text", "authz tip")));
    e.put("GET /schools/{A}/tips", (t, c) -> c.get("/api/v1/schools/" + SCHOOL_A + "/tips"));
    e.put("GET /tips/{T} (WEAPON at A)", (t, c) -> c.get("/api/v1/tips/" + t.tipT));
    e.put("POST /tips/{T}/triage", (t, c) -> c.post("/api/v1/tips/" + t.tipT + "/triage",
        Map.of("priority", "URGENT", "status", "IN_PROGRESS")));
    e.put("POST /tips/{T}/acks police-650102", (t, c) -> c.post("/api/v1/tips/" + t.tipT + "/acks",
        Map.of("agencyId", "police-650102")));
    e.put("POST /tips/{new}/incident", (t, c) -> c.post("/api/v1/tips/" + t.freshTip() + "/incident",
        Map.of("reporter", Map.of("name", "Li Wei", "role", "principal"))));
    e.put("POST /tips/{new}/hazard", (t, c) -> c.post("/api/v1/tips/" + t.freshTip() + "/hazard",
        Map.of("severity", "GENERAL", "rectification", Map.of("responsible", "Wang Fang", "measures", "fix it",
            "fundingYuan", 0, "deadline", "2099-12-15T18:00:00+08:00", "interimSafeguard", "taped off"))));
    e.put("GET /tips?region=650102", (t, c) -> c.get("/api/v1/tips?region=650102&state=open"));
    e.put("GET /health/ready", (t, c) -> c.get("/health/ready"));
    e.put("POST /directives (ACTUAL, A)", (t, c) -> c.post("/api/v1/directives", directive(SCHOOL_A, "ACTUAL")));
    e.put("POST /directives (EXERCISE, A)", (t, c) -> c.post("/api/v1/directives", directive(SCHOOL_A, "EXERCISE")));
    e.put("POST /directives (region 6501)", (t, c) -> {
      var body = new LinkedHashMap<>(directive(SCHOOL_A, "ACTUAL"));
      body.remove("schoolIds");
      body.put("region", "6501");
      return c.post("/api/v1/directives", body);
    });
    e.put("GET /directives/{D}", (t, c) -> c.get("/api/v1/directives/" + t.directiveD));
    e.put("GET /directives/{drill}", (t, c) -> c.get("/api/v1/directives/" + t.drillDirective));
    e.put("POST /directives/{D}/acks A", (t, c) -> c.post("/api/v1/directives/" + t.directiveD + "/acks",
        Map.of("schoolId", SCHOOL_A)));
    e.put("POST /directives/{D}/accountability A", (t, c) -> c.post("/api/v1/directives/" + t.directiveD + "/accountability",
        Map.of("schoolId", SCHOOL_A, "students", Map.of("present", 1200), "staff", Map.of("present", 80))));
    e.put("POST /directives/{new}/lift", (t, c) -> c.post("/api/v1/directives/" + t.freshDirective() + "/lift",
        Map.of("reason", "all clear")));
    e.put("GET /directives?region=6501", (t, c) -> c.get("/api/v1/directives?region=6501"));
    e.put("GET /directives?region=6501&mode=EXERCISE", (t, c) -> c.get("/api/v1/directives?region=6501&mode=EXERCISE"));
    e.put("POST /cap/alerts", (t, c) -> c.postRaw("/api/v1/cap/alerts", capAlert(t.unique("authz-cap")),
        "application/cap+xml", Map.of()));
    e.put("POST /incidents/{level I}/close", (t, c) -> c.post("/api/v1/incidents/" + t.incidentI + "/close", Map.of()));
    e.put("POST /incidents/{new level I}/cancel", (t, c) -> c.post("/api/v1/incidents/" + t.freshLevelI() + "/cancel",
        Map.of("reason", "false alarm")));
    e.put("POST /incidents/{new level I}/reports lowering to II", (t, c) -> c.post(
        "/api/v1/incidents/" + t.freshLevelI() + "/reports", Map.of("kind", "CONTINUATION", "summary", "calmer", "level", "II")));
    e.put("POST /schools/{A}/guardians/invitations", (t, c) -> c.post("/api/v1/schools/" + SCHOOL_A
        + "/guardians/invitations", Map.of("classId", "7-2", "count", 1)));
    e.put("POST /schools/{A}/guardians/invitations/withdrawal", (t, c) -> c.post("/api/v1/schools/" + SCHOOL_A
        + "/guardians/invitations/withdrawal", Map.of("codes", List.of(t.freshGuardianCode()), "reason", "sheet lost")));
    e.put("POST /guardians/redemptions (no token needed)", (t, c) -> c.post("/api/v1/guardians/redemptions",
        Map.of("code", t.freshGuardianCode())));
    e.put("GET /schools/{A}/guardian-messages", (t, c) -> c.get("/api/v1/schools/" + SCHOOL_A + "/guardian-messages"));
    e.put("POST /guardian/messages", (t, c) -> c.post("/api/v1/guardian/messages",
        Map.of("topic", "HEALTH", "text", "asthma")));
    e.put("GET /guardian/notices", (t, c) -> c.get("/api/v1/guardian/notices"));
    e.put("GET /guardian/stream", (t, c) -> t.streamStatus(c, "/api/v1/guardian/stream"));
    e.put("GET /schools/{A}/guardians", (t, c) -> c.get("/api/v1/schools/" + SCHOOL_A + "/guardians"));
    e.put("POST /schools/{A}/guardians/{new}/revocation", (t, c) -> c.post("/api/v1/schools/" + SCHOOL_A + "/guardians/"
        + t.freshGuardian() + "/revocation", Map.of("reason", "a code handed to the wrong person")));
    e.put("POST /guardian/token", (t, c) -> c.post("/api/v1/guardian/token", Map.of()));
    e.put("GET /schools?region=6501", (t, c) -> c.get("/api/v1/schools?region=6501"));
    e.put("GET /incidents?region=6501", (t, c) -> c.get("/api/v1/incidents?region=6501"));
    e.put("GET /incidents?region=6501&mode=EXERCISE", (t, c) -> c.get("/api/v1/incidents?region=6501&mode=EXERCISE"));
    e.put("GET /stream/incidents?region=6501", (t, c) -> t.streamStatus(c, "/api/v1/stream/incidents?region=6501"));
    e.put("GET /stream/incidents?region=6501&mode=EXERCISE",
        (t, c) -> t.streamStatus(c, "/api/v1/stream/incidents?region=6501&mode=EXERCISE"));
    e.put("POST /schools/{A}/drills", (t, c) -> c.post("/api/v1/schools/" + SCHOOL_A + "/drills", Map.of(
        "drillId", t.unique("authz-drill"), "type", "EVACUATION", "date", java.time.LocalDate.now(java.time.ZoneOffset.UTC)
            .toString(), "durationMinutes", 10, "participants", 500)));
    e.put("GET /schools/{A}/drills", (t, c) -> c.get("/api/v1/schools/" + SCHOOL_A + "/drills"));
    e.put("GET /drills/compliance?region=6501", (t, c) -> c.get("/api/v1/drills/compliance?region=6501&month="
        + java.time.YearMonth.now(java.time.ZoneOffset.UTC)));
    e.put("POST /warnings/{W}/acks", (t, c) -> c.post("/api/v1/warnings/" + t.warningW + "/acks", Map.of("note", "seen")));
    e.put("POST /tips/{T}/messages (no code)", (t, c) -> c.post("/api/v1/tips/" + t.tipT + "/messages",
        Map.of("text", "more about it")));
    e.put("POST /agencies/fire-650102/webhooks", (t, c) -> c.post("/api/v1/agencies/fire-650102/webhooks",
        Map.of("url", "http://127.0.0.1:9/" + t.unique("authz-hook"), "secret", "authz-secret-0123456789")));
    e.put("GET /agencies/fire-650102/webhooks", (t, c) -> c.get("/api/v1/agencies/fire-650102/webhooks"));
    e.put("GET /agencies/fire-650102/webhooks/{W}/dead-letters", (t, c) -> c.get(
        "/api/v1/agencies/fire-650102/webhooks/" + t.webhookW + "/dead-letters"));
    e.put("POST /agencies/fire-650102/webhooks/{W}/dead-letters/redeliver", (t, c) -> c.post(
        "/api/v1/agencies/fire-650102/webhooks/" + t.webhookW + "/dead-letters/redeliver", Map.of()));
    e.put("DELETE /agencies/fire-650102/webhooks/{W2}", (t, c) -> c.delete(
        "/api/v1/agencies/fire-650102/webhooks/" + t.webhookW2));
    e.put("GET /openapi.yaml (no token needed)", (t, c) -> c.getHeadersOnly("/api/v1/openapi.yaml"));
    e.put("GET /evaluations?region=650102", (t, c) -> c.get("/api/v1/evaluations?region=650102&month="
        + java.time.YearMonth.now(java.time.ZoneId.of("Asia/Shanghai"))));
    e.put("POST /schools/{A}/investments", (t, c) -> c.post("/api/v1/schools/" + SCHOOL_A + "/investments",
        Map.of("investmentId", t.unique("authz-inv"), "date", "2026-11-01", "category", "SENSORS", "amountCny", 1200)));
    e.put("GET /schools/{A}/investments", (t, c) -> c.get("/api/v1/schools/" + SCHOOL_A + "/investments"));
    e.put("GET /investments?region=650102", (t, c) -> c.get("/api/v1/investments?region=650102&year=2026"));
    e.put("GET /priorities?region=650102", (t, c) -> c.get("/api/v1/priorities?region=650102&budget=50000"));
    e.put("GET /cost-benefit?region=650102", (t, c) -> {
      String month = java.time.YearMonth.now(java.time.ZoneId.of("Asia/Shanghai")).toString();
      return c.get("/api/v1/cost-benefit?region=650102&from=" + month + "&to=" + month);
    });
    // CSV bodies are not JSON: status and content type only
    e.put("GET /evaluations?region=650102&format=csv", (t, c) -> c.getHeadersOnly(
        "/api/v1/evaluations?region=650102&format=csv&table=rollups&month="
        + java.time.YearMonth.now(java.time.ZoneId.of("Asia/Shanghai"))));
    e.put("GET /investments?region=650102&format=csv", (t, c) -> c.getHeadersOnly(
        "/api/v1/investments?region=650102&year=2026&format=csv"));
    e.put("GET /priorities?region=650102&format=csv", (t, c) -> c.getHeadersOnly(
        "/api/v1/priorities?region=650102&budget=50000&format=csv&table=counties"));
    e.put("POST /incidents/imports", (t, c) -> c.post("/api/v1/incidents/imports", importedRecord(t.unique("authz-import"))));
    return e;
  }

  /** Opens a stream just long enough for its status (or its refusal, with the problem body). */
  private HubClient.Response streamStatus(HubClient client, String path) {
    return client.getHeadersOnly(path);
  }

  /** A CAP alert whose area is school A's county. */
  static String capAlert(String identifier) {
    return """
        <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>%s</identifier>
        <sender>authz@example.cn</sender><sent>2026-11-30T09:00:00+08:00</sent><status>Actual</status>
        <msgType>Alert</msgType><scope>Public</scope><info><category>Met</category><event>Sandstorm</event>
        <urgency>Immediate</urgency><severity>Severe</severity><certainty>Observed</certainty>
        <area><areaDesc>Tianshan</areaDesc><geocode><valueName>GB/T 2260</valueName><value>650102</value></geocode></area>
        </info></alert>""".formatted(identifier);
  }

  /** A closed level IV injury at school A a month ago, as a previous system recorded it. */
  static Map<String, Object> importedRecord(String clientRef) {
    java.time.Instant occurred = java.time.Instant.now().minus(Duration.ofDays(30));
    var body = new LinkedHashMap<String, Object>();
    body.put("clientRef", clientRef);
    body.put("schoolId", SCHOOL_A);
    body.put("type", "INJURY");
    body.put("level", "IV");
    body.put("occurredAt", occurred.toString());
    body.put("receivedAt", occurred.plus(Duration.ofMinutes(20)).toString());
    body.put("summary", "a pupil fell");
    body.put("reporter", Map.of("name", "Li Na", "role", "teacher"));
    body.put("reports", List.of(Map.of("kind", "FINAL", "at", occurred.plus(Duration.ofHours(2)).toString(),
        "summary", "treated", "cause", "wet floor", "outcome", "a bruise")));
    body.put("status", "RESOLVED");
    return body;
  }

  static Map<String, Object> directive(String schoolId, String mode) {
    var body = new LinkedHashMap<String, Object>();
    body.put("schoolIds", List.of(schoolId));
    body.put("posture", "LOCKDOWN");
    body.put("instruction", "Lock doors, stay away from windows");
    body.put("mode", mode);
    return body;
  }

  /** A new real directive to school A from the city's command center, for rows that lift it. */
  private String freshDirective() {
    return created(anonymous.as(Role.COMMAND_CENTER, "6501").post("/api/v1/directives", directive(SCHOOL_A, "ACTUAL")))
        .body().get("directiveId").asText();
  }

  /** A new BULLYING tip at school A (told to no agency). */
  private String freshTip() {
    return created(anonymous.post("/api/v1/tips", Map.of("schoolId", SCHOOL_A, "category", "BULLYING",
        "text", "authz tip"))).body().get("tipId").asText();
  }

  /** A new guardian invitation code of school A, from its staff. */
  private String freshGuardianCode() {
    return created(anonymous.as(Role.SCHOOL_STAFF, SCHOOL_A).post("/api/v1/schools/" + SCHOOL_A
        + "/guardians/invitations", Map.of("classId", "7-2", "count", 1))).body().get("codes").get(0).asText();
  }

  /** A guardian of school A, enrolled by redeeming a new code. */
  private String freshGuardian() {
    return created(anonymous.post("/api/v1/guardians/redemptions", Map.of("code", freshGuardianCode())))
        .body().get("guardianId").asText();
  }

  /** A new dispatched level I fire at school A (fire, health, police and education are dispatched). */
  private String freshLevelI() {
    HubClient staffA = anonymous.as(Role.SCHOOL_STAFF, SCHOOL_A);
    String id = created(staffA.post("/api/v1/incidents", Fixtures.incident(SCHOOL_A, "FIRE", "I", unique("authz-level-i"))))
        .body().get("incidentId").asText();
    await().atMost(Duration.ofSeconds(20)).until(() ->
        staffA.get("/api/v1/incidents/" + id).body().get("dispatches").size() == 4);
    return id;
  }

  /** A new dispatched incident at school A, for rows that change an incident's state. */
  private String fresh() {
    HubClient staffA = anonymous.as(Role.SCHOOL_STAFF, SCHOOL_A);
    String id = created(staffA.post("/api/v1/incidents", Fixtures.incident(SCHOOL_A, "FIRE", "III", unique("authz-fresh"))))
        .body().get("incidentId").asText();
    await().atMost(Duration.ofSeconds(20)).until(() ->
        staffA.get("/api/v1/incidents/" + id).body().get("dispatches").size() == 3);
    return id;
  }
}
