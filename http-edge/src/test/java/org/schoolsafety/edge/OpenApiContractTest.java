package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.schoolsafety.edge.Fixtures.created;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.edge.api.OpenApiRoutes;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.edge.ops.Metrics;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * The OpenAPI document ({@code GET /api/v1/openapi.yaml}, resource {@value OpenApiRoutes#RESOURCE})
 * against the node that serves it, over real HTTP:
 *
 * <ul>
 *   <li>it parses as OpenAPI 3.1 without errors;
 *   <li>route coverage both ways. Pekko HTTP's directives cannot be listed, so the served routes
 *       come from the lists the project keeps — the paths of {@code Metrics.ROUTES} and the
 *       endpoints of {@link AuthorizationTableTest} — and from asking a real node: a
 *       (method, path) is served when it does not answer the node's own "no route" (405, or the
 *       404 whose detail is "no such endpoint"). Every served operation must be documented, every
 *       documented one served, and a method the document does not list on a documented path
 *       must answer 405;
 *   <li>every example in the document validates against its schema, and real answers of the main
 *       read endpoints (and the stream's events) validate against the documented schemas.
 * </ul>
 */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiContractTest {

  /** The methods probed on every path (HEAD and OPTIONS too: neither is served anywhere). */
  static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");

  /** The static web pages the node serves (HTML, CSS, ES modules): web pages, not API, not in the document. */
  static final Set<String> WEB_PAGES = Set.of("/console", "/tips");

  /** Where the validator finds the document (an id, never fetched). */
  static final String DOCUMENT_URI = "https://hub.schoolsafety.example/api/v1/openapi.yaml";

  static final String SCHOOL = "sch-650102-001";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private HubNode node;
  private HubClient anonymous;
  private String yaml;
  private JsonNode document;
  private OpenAPI openApi;
  private SchemaRegistry schemas;
  /** The same document, but every component object that lists its properties admits no others. */
  private SchemaRegistry strictSchemas;

  @BeforeAll
  void setUp() throws IOException {
    try (InputStream in = OpenApiRoutes.class.getClassLoader().getResourceAsStream(OpenApiRoutes.RESOURCE)) {
      assertThat(in).as(OpenApiRoutes.RESOURCE + " on the classpath").isNotNull();
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    document = new YAMLMapper().readTree(yaml);
    var options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(yaml, null, options);
    openApi = parsed.getOpenAPI();
    assertThat(parsed.getMessages()).as("swagger-parser's messages").isEmpty();
    String json = JSON.writeValueAsString(document);
    schemas = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi31(),
        builder -> builder.schemas(Map.of(DOCUMENT_URI, json)));
    // Answers may gain fields (clients must ignore unknown ones), so the document admits them;
    // the node's own answers must not carry a field the document does not name.
    JsonNode strict = document.deepCopy();
    strict.path("components").path("schemas").forEach(schema -> {
      if (schema.has("properties") && !schema.has("additionalProperties")) {
        ((com.fasterxml.jackson.databind.node.ObjectNode) schema).put("additionalProperties", false);
      }
    });
    String strictJson = JSON.writeValueAsString(strict);
    strictSchemas = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi31(),
        builder -> builder.schemas(Map.of(DOCUMENT_URI, strictJson)));
    node = TestNode.start("it_openapi", Map.of(
        "hub.http.rate-limit.burst", 1_000_000, "hub.http.rate-limit.per-second", 1_000_000));
    anonymous = new HubClient(node.httpPort());
  }

  @AfterAll
  void tearDown() {
    if (node != null) {
      node.close();
    }
  }

  // --- the document -----------------------------------------------------------------------

  @Test
  void theDocumentIsOpenApi31AndParsesWithoutProblems() {
    assertThat(openApi).isNotNull();
    assertThat(openApi.getOpenapi()).isEqualTo("3.1.0");
    assertThat(openApi.getSpecVersion()).isEqualTo(io.swagger.v3.oas.models.SpecVersion.V31);
    assertThat(openApi.getComponents().getSecuritySchemes().get("bearerAuth").getScheme()).isEqualTo("bearer");
    assertThat(openApi.getComponents().getSchemas()).containsKey("Problem");
    // Generators name methods after operation ids: every operation has one, and no two share one.
    var ids = new ArrayList<String>();
    operations().forEach(op -> ids.add(op.operation().getOperationId()));
    assertThat(ids).doesNotContainNull().doesNotHaveDuplicates();
    // Every error answer is a problem.
    var notProblems = new TreeSet<String>();
    operations().forEach(op -> op.operation().getResponses().keySet().forEach(status -> {
      JsonNode response = document.path("paths").path(op.path()).path(op.method().toLowerCase())
          .path("responses").path(status);
      if (response.has("$ref")) {
        response = document.at(response.get("$ref").asText().substring(1));
      }
      // the health probes answer 503 with their own body (which checks failed, what is broken)
      boolean error = status.startsWith("4") || (status.equals("503") && !op.path().startsWith("/health/"));
      if (error && !response.path("content").has("application/problem+json")) {
        notProblems.add(op.method() + " " + op.path() + " " + status);
      }
    }));
    assertThat(notProblems).as("error answers without application/problem+json").isEmpty();
  }

  @Test
  void theNodeServesTheDocumentWithoutATokenUnderItsUsualRules() throws Exception {
    var response = send("GET", "/api/v1/openapi.yaml", null);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/yaml");
    assertThat(response.body()).isEqualTo(yaml);
    // The node's security headers and CSP apply to it as to any answer.
    assertThat(response.headers().firstValue("Content-Security-Policy").orElse(""))
        .contains("default-src 'self'").contains("frame-ancestors 'none'");
    assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    // Only GET: other methods are 405 for a principal, 401 without a token, like any API path.
    String operator = TestNode.token(Role.OPERATOR, "ops");
    assertThat(send("POST", "/api/v1/openapi.yaml", operator).statusCode()).isEqualTo(405);
    assertThat(send("POST", "/api/v1/openapi.yaml", null).statusCode()).isEqualTo(401);
    // The 404 policy is unchanged: a near miss needs a token to learn that nothing is there.
    assertThat(send("GET", "/api/v1/openapi.yml", null).statusCode()).isEqualTo(401);
    var nearMiss = send("GET", "/api/v1/openapi.yml", operator);
    assertThat(nearMiss.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(nearMiss.body()).get("detail").asText()).isEqualTo("no such endpoint");
    assertThat(send("GET", "/api/v1/openapi.yaml/x", operator).statusCode()).isEqualTo(404);
  }

  @Test
  void fetchingTheDocumentNeitherSpendsNorEscapesAPrincipalsRateLimit() throws Exception {
    try (HubNode limited = TestNode.start("it_openapi_limits", Map.of(
        "hub.http.rate-limit.burst", 3, "hub.http.rate-limit.per-second", 1))) {
      HubClient client = new HubClient(limited.httpPort());
      HubClient greedy = client.as(Role.OPERATOR, "greedy");
      String token = TestNode.token(Role.OPERATOR, "greedy");
      int refusedAt = -1;
      for (int i = 0; i < 30 && refusedAt < 0; i++) {
        // The document is open: it answers with or without the token and does not count against it.
        var document = send(limited.httpPort(), "GET", "/api/v1/openapi.yaml", i % 2 == 0 ? token : null);
        assertThat(document.statusCode()).as("document fetch %d", i).isEqualTo(200);
        if (greedy.get("/api/v1/schools/sch-none").status() == 429) {
          refusedAt = i;
        }
      }
      // Refused on the 4th API call at the earliest (a burst of 3): fetching the document with the
      // token spent none of it; refused at all: the limit still holds.
      assertThat(refusedAt).as("the principal's API calls are still limited").isBetween(3, 29);
      var refused = greedy.get("/api/v1/schools/sch-none");
      assertThat(refused.status()).isEqualTo(429);
      assertThat(refused.header("Retry-After")).isNotNull();
    }
  }

  // --- route coverage -----------------------------------------------------------------------

  @Test
  void everyServedRouteIsDocumentedAndEveryDocumentedOneIsServed() throws Exception {
    String operator = TestNode.token(Role.OPERATOR, "probe");
    // What the node serves: each path of Metrics.ROUTES, probed with every method.
    var served = new TreeSet<String>();
    var probedPaths = new LinkedHashMap<String, String>(); // route template -> a concrete path
    for (Pattern pattern : Metrics.routePatterns()) {
      for (String path : expand(pattern.pattern())) {
        if (WEB_PAGES.stream().anyMatch(path::startsWith)) {
          continue;
        }
        String template = Metrics.route(path);
        assertThat(template).as("Metrics.route(%s)", path).isNotEqualTo("other");
        probedPaths.putIfAbsent(template, path);
      }
    }
    var probes = new LinkedHashMap<String, String>(); // "METHOD template" -> what answered
    for (var entry : probedPaths.entrySet()) {
      for (String method : METHODS) {
        String answer = probe(method, entry.getValue(), operator);
        probes.put(method + " " + entry.getKey(), answer);
        if (!isNoRoute(answer)) {
          served.add(method + " " + entry.getKey());
        }
      }
    }
    // The authorization table's endpoints are served by definition (it calls each of them).
    var notInMetrics = new TreeSet<String>();
    for (String endpoint : AuthorizationTableTest.TABLE.keySet()) {
      // "POST /incidents/{new level I}/cancel": the method, then the path (braces may hold spaces).
      Matcher m = Pattern.compile("(\\S+) (/(?:\\{[^}]*\\}|[^\\s{?])*)").matcher(endpoint);
      assertThat(m.lookingAt()).as(endpoint).isTrue();
      String path = m.group(2);
      String template = Metrics.route(path.startsWith("/health") ? path : "/api/v1" + path);
      if (template.equals("other")) {
        notInMetrics.add(endpoint);
      } else {
        served.add(m.group(1) + " " + template);
      }
    }
    assertThat(notInMetrics).as("AuthorizationTableTest endpoints that Metrics.ROUTES does not know").isEmpty();

    // What the document describes, in the same terms.
    var documented = new TreeSet<String>();
    var documentedNotCounted = new TreeSet<String>();
    operations().forEach(op -> {
      String template = Metrics.route(op.path());
      if (template.equals("other")) {
        documentedNotCounted.add(op.method() + " " + op.path());
      } else {
        documented.add(op.method() + " " + template);
      }
    });

    var undocumented = new TreeSet<>(served);
    undocumented.removeAll(documented);
    var notServed = new TreeSet<>(documented);
    notServed.removeAll(served);
    var report = new StringBuilder();
    undocumented.forEach(o -> report.append("\n  served but not in openapi.yaml: ").append(o)
        .append(" (answered ").append(probes.getOrDefault(o, "in AuthorizationTableTest")).append(')'));
    notServed.forEach(o -> report.append("\n  in openapi.yaml but not served: ").append(o)
        .append(" (answered ").append(probes.getOrDefault(o, "never probed")).append(')'));
    documentedNotCounted.forEach(o -> report.append("\n  in openapi.yaml but not in Metrics.ROUTES: ").append(o));
    assertThat(report.toString()).as("route coverage, both ways").isEmpty();

    // Methods the document does not list on a documented path are refused with 405.
    var notRefused = new TreeSet<String>();
    for (var entry : openApi.getPaths().entrySet()) {
      String template = Metrics.route(entry.getKey());
      Set<String> listed = new LinkedHashSet<>();
      entry.getValue().readOperationsMap().keySet().forEach(m -> listed.add(m.name()));
      for (String method : METHODS) {
        String answer = probes.get(method + " " + template);
        if (!listed.contains(method) && (answer == null || !answer.startsWith("405"))) {
          notRefused.add(method + " " + entry.getKey() + " answered " + answer);
        }
      }
    }
    assertThat(notRefused).as("undocumented methods on documented paths that are not 405").isEmpty();
    assertThat(documented).as("operations documented").hasSizeGreaterThan(50);
  }

  /** The concrete paths a route's regular expression stands for: ids become "probe". */
  static List<String> expand(String regex) {
    String r = regex.replace("[^/]+", "probe").replace("/?", "").replace("(/.*)?", "");
    Matcher group = Pattern.compile("\\(([^()]*)\\)").matcher(r);
    if (!group.find()) {
      return List.of(r);
    }
    var paths = new ArrayList<String>();
    for (String alternative : group.group(1).split("\\|")) {
      paths.addAll(expand(r.substring(0, group.start()) + alternative + r.substring(group.end())));
    }
    return paths;
  }

  /** The status and problem detail a request answers, without reading a stream that was granted. */
  private String probe(String method, String path, String token) throws Exception {
    var builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token);
    if (method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
      builder.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString("{}"));
    } else {
      builder.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<InputStream> response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = response.body()) {
      String type = response.headers().firstValue("Content-Type").orElse("");
      String detail = "";
      if (type.startsWith("application/problem+json")) {
        JsonNode problem = JSON.readTree(in);
        detail = problem == null ? "" : problem.path("detail").asText();
      }
      return response.statusCode() + " " + detail;
    }
  }

  /** The node's own answers for a request no route takes: 405, or 404 "no such endpoint". */
  static boolean isNoRoute(String answer) {
    return answer.startsWith("405") || answer.equals("404 no such endpoint")
        // HEAD answers carry no body, so its 404 cannot tell; no route serves HEAD.
        || answer.equals("404 ");
  }

  record Op(String method, String path, Operation operation) {}

  private List<Op> operations() {
    var ops = new ArrayList<Op>();
    for (Map.Entry<String, PathItem> path : openApi.getPaths().entrySet()) {
      path.getValue().readOperationsMap().forEach((method, operation) ->
          ops.add(new Op(method.name(), path.getKey(), operation)));
    }
    return ops;
  }

  // --- examples and real answers against the schemas --------------------------------------------

  @Test
  void everyExampleInTheDocumentValidatesAgainstItsSchema() {
    var checked = new ArrayList<String>();
    var failures = new ArrayList<String>();
    walk(document, "", (pointer, node) -> {
      // A media type or parameter object with an example and a schema beside it.
      if (node.has("example") && node.has("schema") && node.get("schema").isObject()) {
        String where = pointer + "/schema";
        JsonNode example = node.get("example");
        if (isTextual(node.get("schema")) && example.isTextual()) {
          checked.add(where); // SSE, CAP XML, YAML: the example is the text itself
          return;
        }
        checked.add(where);
        failures.addAll(validate(where, example));
      }
      // A schema's own example (parameters give theirs beside the schema).
      if (node.has("examples") && node.get("examples").isArray() && node.has("type")) {
        for (JsonNode example : node.get("examples")) {
          checked.add(pointer);
          failures.addAll(validate(pointer, example));
        }
      }
    });
    assertThat(checked).as("examples found").hasSizeGreaterThan(30);
    // The validator resolves the document's references and does refuse what does not fit.
    assertThat(validate("/components/schemas/Incident", JSON.createObjectNode().put("level", "V"))).isNotEmpty();
    assertThat(validate("/paths/~1api~1v1~1schools/post/requestBody/content/application~1json/schema",
        JSON.createObjectNode().put("schoolId", "sch-1").put("unknown", 1))).isNotEmpty();
    assertThat(failures).as("examples that do not validate against their schemas").isEmpty();
  }

  @Test
  void realAnswersOfTheMainReadEndpointsValidateAgainstTheDocumentedSchemas() throws Exception {
    Fixtures.registerRegion(anonymous, "650102");
    HubClient operator = anonymous.as(Role.OPERATOR, "ops");
    HubClient staff = anonymous.as(Role.SCHOOL_STAFF, SCHOOL);
    HubClient commandCenter = anonymous.as(Role.COMMAND_CENTER, "65");
    HubClient fire = anonymous.as(Role.AGENCY, "fire-650102");
    HubClient education = anonymous.as(Role.AGENCY, "edu-650102");
    HubClient gateway = anonymous.as(Role.SENSOR_GATEWAY, SCHOOL);
    String today = LocalDate.now(ZoneOffset.UTC).toString();

    var answers = new ArrayList<Answer>();
    answers.add(answer("POST", "/api/v1/schools", created(operator.post("/api/v1/schools",
        Fixtures.school(SCHOOL, "650102")))));
    created(Fixtures.postSchool(operator, Fixtures.school("sch-650102-002", "650102")));
    try (var stream = new SseClient(node.httpPort(), "/api/v1/stream/incidents?region=65",
        TestNode.token(Role.COMMAND_CENTER, "65"), null)) {
      assertThat(stream.status()).isEqualTo(200);
      var incident = created(staff.post("/api/v1/incidents", Fixtures.incident(SCHOOL, "FIRE", "III", "openapi-1")));
      answers.add(answer("POST", "/api/v1/incidents", incident));
      String incidentId = incident.body().get("incidentId").asText();
      await().atMost(Duration.ofSeconds(20)).until(() ->
          commandCenter.get("/api/v1/incidents/" + incidentId).body().get("dispatches").size() == 3);
      answers.add(answer("POST", "/api/v1/incidents/{incidentId}/acks", fire.post(
          "/api/v1/incidents/" + incidentId + "/acks", Map.of("agencyId", "fire-650102", "note", "on our way"))));
      var directive = created(commandCenter.post("/api/v1/directives", Map.of("schoolIds",
          List.of(SCHOOL, "sch-650102-002"), "posture", "SHELTER", "instruction", "Sandstorm: stay indoors")));
      answers.add(answer("POST", "/api/v1/directives", directive));
      String directiveId = directive.body().get("directiveId").asText();
      answers.add(answer("POST", "/api/v1/directives/{directiveId}/accountability", staff.post(
          "/api/v1/directives/" + directiveId + "/accountability", Map.of("schoolId", SCHOOL,
              "classes", List.of(Map.of("classId", "3-2", "present", 30, "missing", 1)),
              "staff", Map.of("present", 80)))));
      answers.add(answer("POST", "/api/v1/schools/{schoolId}/inspections", created(staff.post(
          "/api/v1/schools/" + SCHOOL + "/inspections", PreventionFlowTest.inspection("openapi-insp",
              List.of(PreventionFlowTest.hazard("FIRE_SAFETY", "MAJOR", Instant.now().plus(Duration.ofDays(30)))))))));
      answers.add(answer("POST", "/api/v1/schools/{schoolId}/health-checks", created(staff.post(
          "/api/v1/schools/" + SCHOOL + "/health-checks", Map.of("date", today, "classId", "3-2", "present", 30,
              "absentIll", 3, "symptoms", Map.of("FEVER", 3))))));
      answers.add(answer("POST", "/api/v1/schools/{schoolId}/trainings", created(staff.post(
          "/api/v1/schools/" + SCHOOL + "/trainings", Map.of("trainingId", "fire-1", "date", today, "topic", "FIRE",
              "audience", "STAFF", "participants", 40, "hours", 1.5)))));
      answers.add(answer("POST", "/api/v1/schools/{schoolId}/surroundings", created(staff.post(
          "/api/v1/schools/" + SCHOOL + "/surroundings", Map.of("surroundingId", "market", "kind", "MARKET",
              "distanceMetres", 300)))));
      answers.add(answer("POST", "/api/v1/schools/{schoolId}/drills", created(staff.post(
          "/api/v1/schools/" + SCHOOL + "/drills", Map.of("drillId", "evac-1", "type", "EVACUATION", "date", today,
              "durationMinutes", 12, "participants", 850, "evacuationSeconds", 190)))));
      answers.add(answer("POST", "/api/v1/schools/{schoolId}/devices", created(staff.post(
          "/api/v1/schools/" + SCHOOL + "/devices", Map.of("deviceId", "smoke-1", "kind", "SMOKE", "gatewayId", "gw-B",
              "location", Map.of("building", "B", "floor", "3F"))))));
      answers.add(answer("POST", "/api/v1/sensors/readings", gateway.post("/api/v1/sensors/readings", Map.of(
          "schoolId", SCHOOL, "gatewayId", "gw-B", "readings", List.of(Map.of("sensorId", "smoke-1",
              "kind", "HEARTBEAT", "at", Instant.now().toString()))))));
      var tip = created(anonymous.post("/api/v1/tips", Map.of("schoolId", SCHOOL, "category", "WEAPON",
          "text", "a knife in a school bag")));
      answers.add(answer("POST", "/api/v1/tips", tip));
      String tipId = tip.body().get("tipId").asText();
      String code = tip.body().get("followUpCode").asText();

      // The stream's events, incident and directive, against their schemas.
      var events = stream.until(e -> e.type().equals("directive") && e.data().path("event").asText()
          .equals("accountability"), Duration.ofSeconds(30));
      var incidentEvent = events.stream().filter(e -> e.type().equals("incident")).findFirst().orElseThrow();
      var directiveEvent = events.stream().filter(e -> e.type().equals("directive")).reduce((a, b) -> b).orElseThrow();
      assertThat(validate(strictSchemas, "/components/schemas/IncidentStreamEvent", incidentEvent.data())).isEmpty();
      assertThat(validate(strictSchemas, "/components/schemas/DirectiveStreamEvent", directiveEvent.data())).isEmpty();

      // The read side lags the entities by a few seconds: wait until the lists have the rows.
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        assertThat(commandCenter.get("/api/v1/incidents?region=65").body().get("incidents")).as("incidents").hasSize(1);
        assertThat(commandCenter.get("/api/v1/hazards?region=65").body().get("hazards")).as("hazards").hasSize(1);
        assertThat(commandCenter.get("/api/v1/warnings?region=65").body().get("warnings").findValuesAsText("cause"))
            .as("warnings").contains("HEALTH_CLUSTER");
        assertThat(commandCenter.get("/api/v1/risk?region=65").body().get("schools")).as("ranking").isNotEmpty();
        assertThat(commandCenter.get("/api/v1/schools?region=65").body().get("schools")).as("schools").hasSize(2);
      });

      String hazardId = commandCenter.get("/api/v1/hazards?region=65").body().get("hazards").get(0)
          .get("hazardId").asText();
      var reads = new LinkedHashMap<String, HubClient.Response>();
      reads.put("/api/v1/schools/{schoolId}", commandCenter.get("/api/v1/schools/" + SCHOOL));
      reads.put("/api/v1/schools", commandCenter.get("/api/v1/schools?region=65"));
      reads.put("/api/v1/schools/{schoolId}/drills", commandCenter.get("/api/v1/schools/" + SCHOOL + "/drills"));
      reads.put("/api/v1/drills/compliance", commandCenter.get("/api/v1/drills/compliance?region=65&month="
          + today.substring(0, 7)));
      reads.put("/api/v1/schools/{schoolId}/devices", commandCenter.get("/api/v1/schools/" + SCHOOL + "/devices"));
      reads.put("/api/v1/agencies/{agencyId}", commandCenter.get("/api/v1/agencies/edu-650102"));
      reads.put("/api/v1/agencies/{agencyId}/dispatches", education.get("/api/v1/agencies/edu-650102/dispatches?state=all"));
      reads.put("/api/v1/agencies/{agencyId}/dispatch-history", fire.get("/api/v1/agencies/fire-650102/dispatch-history"));
      reads.put("/api/v1/incidents", commandCenter.get("/api/v1/incidents?region=65"));
      reads.put("/api/v1/incidents/open-counts", commandCenter.get("/api/v1/incidents/open-counts?region=65"));
      reads.put("/api/v1/incidents/{incidentId}", commandCenter.get("/api/v1/incidents/" + incidentId));
      reads.put("/api/v1/incidents/{incidentId}/audit", commandCenter.get("/api/v1/incidents/" + incidentId + "/audit"));
      reads.put("/api/v1/directives/{directiveId}", commandCenter.get("/api/v1/directives/" + directiveId));
      reads.put("/api/v1/hazards", commandCenter.get("/api/v1/hazards?region=65"));
      reads.put("/api/v1/hazards/{hazardId}", commandCenter.get("/api/v1/hazards/" + hazardId));
      reads.put("/api/v1/schools/{schoolId}/hazards", commandCenter.get("/api/v1/schools/" + SCHOOL + "/hazards"));
      reads.put("/api/v1/schools/{schoolId}/health-checks", commandCenter.get("/api/v1/schools/" + SCHOOL + "/health-checks"));
      reads.put("/api/v1/schools/{schoolId}/trainings", commandCenter.get("/api/v1/schools/" + SCHOOL + "/trainings"));
      reads.put("/api/v1/schools/{schoolId}/surroundings", commandCenter.get("/api/v1/schools/" + SCHOOL + "/surroundings"));
      reads.put("/api/v1/schools/{schoolId}/risk", commandCenter.get("/api/v1/schools/" + SCHOOL + "/risk"));
      reads.put("/api/v1/schools/{schoolId}/risk/history", commandCenter.get("/api/v1/schools/" + SCHOOL + "/risk/history"));
      reads.put("/api/v1/risk", commandCenter.get("/api/v1/risk?region=65"));
      reads.put("/api/v1/warnings", commandCenter.get("/api/v1/warnings?region=65"));
      reads.put("/api/v1/trainings/coverage", commandCenter.get("/api/v1/trainings/coverage?region=65"));
      reads.put("/api/v1/schools/{schoolId}/tips", staff.get("/api/v1/schools/" + SCHOOL + "/tips?state=all"));
      reads.put("/api/v1/tips/{tipId}", staff.get("/api/v1/tips/" + tipId));
      reads.put("/health/ready", anonymous.get("/health/ready"));
      reads.put("/health/alive", anonymous.get("/health/alive"));
      reads.forEach((path, response) -> answers.add(answer("GET", path, response)));
      answers.add(answer("GET", "/api/v1/tips/{tipId}", anonymous.get("/api/v1/tips/" + tipId,
          Map.of("Follow-Up-Code", code))));
      answers.add(answer("POST", "/api/v1/tips/{tipId}/triage", staff.post("/api/v1/tips/" + tipId + "/triage",
          Map.of("priority", "HIGH", "status", "TRIAGED", "note", "looking into it", "toTipster", true))));
      // The health-check cluster's warning turned into an incident.
      String clusterWarning = null;
      for (JsonNode w : commandCenter.get("/api/v1/warnings?region=65").body().get("warnings")) {
        if (w.get("cause").asText().equals("HEALTH_CLUSTER")) {
          clusterWarning = w.get("warningId").asText();
        }
      }
      assertThat(clusterWarning).as("the cluster's warning").isNotNull();
      answers.add(answer("POST", "/api/v1/warnings/{warningId}/incident", created(staff.post(
          "/api/v1/warnings/" + clusterWarning + "/incident", Map.of("reporter", Map.of("name", "Li Na",
              "role", "school doctor"), "level", "IV", "measures", "class 3-2 isolated")))));
      // A guardian: redeemed, renewed, listed by the school, revoked, then refused.
      String guardianCode = created(staff.post("/api/v1/schools/" + SCHOOL + "/guardians/invitations",
          Map.of("classId", "7-2", "count", 1))).body().get("codes").get(0).asText();
      var redeemed = created(anonymous.post("/api/v1/guardians/redemptions", Map.of("code", guardianCode)));
      answers.add(answer("POST", "/api/v1/guardians/redemptions", redeemed));
      HubClient guardian = anonymous.withToken(redeemed.body().get("token").asText());
      String guardianId = redeemed.body().get("guardianId").asText();
      answers.add(answer("POST", "/api/v1/guardian/token", guardian.post("/api/v1/guardian/token", Map.of())));
      answers.add(answer("GET", "/api/v1/schools/{schoolId}/guardians",
          staff.get("/api/v1/schools/" + SCHOOL + "/guardians")));
      answers.add(answer("POST", "/api/v1/schools/{schoolId}/guardians/{guardianId}/revocation", staff.post(
          "/api/v1/schools/" + SCHOOL + "/guardians/" + guardianId + "/revocation", Map.of("reason", "custody order"))));
      answers.add(answer("POST", "/api/v1/guardian/token", guardian.post("/api/v1/guardian/token", Map.of())));
      // Problems: a missing token, an unknown school, a bad body.
      answers.add(answer("GET", "/api/v1/schools/{schoolId}", anonymous.get("/api/v1/schools/" + SCHOOL)));
      answers.add(answer("GET", "/api/v1/schools/{schoolId}", commandCenter.get("/api/v1/schools/sch-none")));
      answers.add(answer("POST", "/api/v1/incidents", staff.post("/api/v1/incidents", Map.of("level", "V"))));
      answers.add(answer("POST", "/api/v1/directives/{directiveId}/lift", commandCenter.post(
          "/api/v1/directives/" + directiveId + "/lift", Map.of("reason", "all clear"))));
    }

    var failures = new ArrayList<String>();
    for (Answer a : answers) {
      assertThat(a.status()).as("%s %s: %s", a.method(), a.path(), a.body()).isLessThan(500);
      String pointer = responseSchema(a.method(), a.path(), a.status(), a.contentType());
      if (pointer == null) {
        failures.add(a.method() + " " + a.path() + " answered " + a.status() + " " + a.contentType()
            + ", which the document does not describe");
        continue;
      }
      validate(strictSchemas, pointer, a.body())
          .forEach(e -> failures.add(a.method() + " " + a.path() + " " + a.status() + ": " + e));
    }
    assertThat(failures).as("real answers that do not match the document").isEmpty();
    assertThat(answers).hasSizeGreaterThan(40);
  }

  record Answer(String method, String path, int status, String contentType, JsonNode body) {}

  private static Answer answer(String method, String path, HubClient.Response response) {
    return new Answer(method, path, response.status(), response.contentType(), response.body());
  }

  /** The JSON pointer of the documented schema for this answer, or null when it is not documented. */
  private String responseSchema(String method, String path, int status, String contentType) {
    JsonNode operation = document.path("paths").path(path).path(method.toLowerCase());
    JsonNode response = operation.path("responses").path(String.valueOf(status));
    String pointer = "/paths/" + escape(path) + "/" + method.toLowerCase() + "/responses/" + status;
    if (response.has("$ref")) {
      pointer = response.get("$ref").asText().substring(1);
      response = document.at(pointer);
    }
    String mediaType = contentType.replaceAll(";.*", "").strip();
    if (!response.path("content").has(mediaType)) {
      return null;
    }
    return pointer + "/content/" + escape(mediaType) + "/schema";
  }

  private static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }

  /** The validator's complaints about {@code value} against the schema at {@code pointer} in the document. */
  private List<String> validate(String pointer, JsonNode value) {
    return validate(schemas, pointer, value);
  }

  private static List<String> validate(SchemaRegistry registry, String pointer, JsonNode value) {
    Schema schema = registry.getSchema(SchemaLocation.of(DOCUMENT_URI + "#" + pointer));
    String json;
    try {
      json = JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
    return schema.validate(json, InputFormat.JSON).stream()
        .map(error -> pointer + ": " + error.toString() + " in " + abbreviate(json))
        .toList();
  }

  private static String abbreviate(String json) {
    return json.length() <= 300 ? json : json.substring(0, 300) + "…";
  }

  private static boolean isTextual(JsonNode schema) {
    return "string".equals(schema.path("type").asText());
  }

  private interface Visitor {
    void visit(String pointer, JsonNode node);
  }

  /** Every object of the document with its JSON pointer; examples themselves are not walked into. */
  private static void walk(JsonNode node, String pointer, Visitor visitor) {
    if (node.isObject()) {
      visitor.visit(pointer, node);
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        var field = it.next();
        if (field.getKey().equals("example") || field.getKey().equals("examples")) {
          continue;
        }
        walk(field.getValue(), pointer + "/" + escape(field.getKey()), visitor);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walk(node.get(i), pointer + "/" + i, visitor);
      }
    }
  }

  // --- plain HTTP -----------------------------------------------------------------------------

  private HttpResponse<String> send(String method, String path, String token) throws Exception {
    return send(node.httpPort(), method, path, token);
  }

  private static HttpResponse<String> send(int port, String method, String path, String token) throws Exception {
    var builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
  }
}
