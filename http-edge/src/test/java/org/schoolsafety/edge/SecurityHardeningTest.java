package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.schoolsafety.edge.Fixtures.created;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * Regression tests for the security assessment (issue 11): each test names the finding it holds.
 * County 650102 has agencies of every kind; county 650103 has none of its own, so its fire
 * dispatches land in the city brigade {@code fire-6501}'s inbox, which the command center of
 * the sibling county 650102 may read — but only for its own schools' incidents.
 */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityHardeningTest {

  static final String SCHOOL_A = "sch-650102-001";
  static final String SCHOOL_SIBLING = "sch-650103-001";
  static final int PER_ADDRESS = 40;

  private HubNode node;
  private HubClient anonymous;
  private HubClient operator;
  private HubClient staffA;
  private HubClient cc650102;
  private HubClient cc6501;
  private String siblingIncident;
  private String actualAtA;
  private String drillAtA;

  @BeforeAll
  void setUp() {
    node = TestNode.start("it_hardening", Map.of(
        "hub.escalation.ack-deadline.IV", "3s",
        "hub.http.connections.max-connections-per-address", PER_ADDRESS,
        "hub.http.connections.first-request-within", "2s"));
    anonymous = new HubClient(node.httpPort());
    Fixtures.registerRegion(anonymous, "650102");
    operator = anonymous.as(Role.OPERATOR, "ops");
    created(Fixtures.postSchool(operator, Fixtures.school(SCHOOL_A, "650102")));
    created(Fixtures.postSchool(operator, Fixtures.school(SCHOOL_SIBLING, "650103")));
    staffA = anonymous.as(Role.SCHOOL_STAFF, SCHOOL_A);
    cc650102 = anonymous.as(Role.COMMAND_CENTER, "650102");
    cc6501 = anonymous.as(Role.COMMAND_CENTER, "6501");
    HubClient fireCity = anonymous.as(Role.AGENCY, "fire-6501");

    siblingIncident = created(anonymous.as(Role.SCHOOL_STAFF, SCHOOL_SIBLING).post("/api/v1/incidents",
        Fixtures.incident(SCHOOL_SIBLING, "FIRE", "III", "sibling-1"))).body().get("incidentId").asText();
    await().atMost(Duration.ofSeconds(30)).until(() ->
        ids(fireCity.get("/api/v1/agencies/fire-6501/dispatches?state=all").body()).contains(siblingIncident));

    actualAtA = created(staffA.post("/api/v1/incidents", Fixtures.incident(SCHOOL_A, "FIRE", "I", "actual-a")))
        .body().get("incidentId").asText();
    var drill = new LinkedHashMap<>(Fixtures.incident(SCHOOL_A, "FIRE", "III", "drill-a"));
    drill.put("mode", "EXERCISE");
    drillAtA = created(operator.post("/api/v1/incidents", drill)).body().get("incidentId").asText();
    HubClient fireCounty = anonymous.as(Role.AGENCY, "fire-650102");
    await().atMost(Duration.ofSeconds(30)).until(() ->
        ids(fireCounty.get("/api/v1/agencies/fire-650102/dispatches?mode=ALL").body()).containsAll(List.of(actualAtA, drillAtA)));
  }

  @AfterAll
  void tearDown() {
    if (node != null) {
      node.close();
    }
  }

  private static List<String> ids(JsonNode body) {
    JsonNode list = body.has("dispatches") ? body.get("dispatches") : body.get("openIncidents");
    return StreamSupport.stream(list.spliterator(), false).map(d -> d.get("incidentId").asText()).toList();
  }

  // --- 1. cursors -----------------------------------------------------------------------

  @Test
  void forgedOrForeignCursorsAreRefusedWithoutScanning() {
    String dated2106 = Base64.getUrlEncoder().withoutPadding()
        .encodeToString("2106-01-01|4292000000000|inc-x".getBytes(StandardCharsets.UTF_8));
    for (String forged : List.of(dated2106, dated2106 + ".AAAA", "garbage", "+999999999-12-31")) {
      assertBadRequest(cc650102.get("/api/v1/incidents?cursor=" + forged), "cursor");
    }
    // A real cursor works for its own query only.
    for (int i = 0; i < 3; i++) {
      created(staffA.post("/api/v1/incidents", Fixtures.incident(SCHOOL_A, "INJURY", "IV", "page-" + i)));
    }
    await().atMost(Duration.ofSeconds(30)).until(() ->
        cc650102.get("/api/v1/incidents?limit=200").body().get("incidents").size() >= 4);
    var first = cc650102.get("/api/v1/incidents?limit=1");
    String next = first.body().get("next").asText();
    var second = cc650102.get("/api/v1/incidents?limit=1&cursor=" + next);
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.body().get("incidents").get(0).get("incidentId").asText())
        .isNotEqualTo(first.body().get("incidents").get(0).get("incidentId").asText());
    assertBadRequest(cc650102.get("/api/v1/incidents?limit=1&level=I&cursor=" + next), "cursor");
    assertBadRequest(cc6501.get("/api/v1/incidents?region=6501&limit=1&cursor=" + next), "cursor");
  }

  // --- 2. metrics -----------------------------------------------------------------------

  @Test
  void uniquePathsDoNotGrowTheMetrics() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + node.httpPort();
    http.send(HttpRequest.newBuilder(URI.create(base + "/health/alive")).build(), HttpResponse.BodyHandlers.discarding());
    http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/nothing-here-0")).build(), HttpResponse.BodyHandlers.discarding());
    int before = metrics().length();
    for (int i = 0; i < 300; i++) {
      String unique = "x".repeat(200) + i;
      for (String path : List.of("/api/v1/" + unique, "/health/" + unique, "/api/v1/schools/a/" + unique)) {
        http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.discarding());
      }
    }
    String after = metrics();
    System.out.printf("metrics: %d bytes before, %d after 900 anonymous requests with unique paths%n", before, after.length());
    assertThat(after).doesNotContain("x".repeat(200));
    assertThat(after.length()).isLessThan(before * 2);
  }

  private String metrics() throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + node.httpPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  // --- 3, 4 and 10: every projection of an incident follows the incident's own visibility --

  @Test
  void aSiblingCountyReadsOnlyItsOwnIncidentsThroughACityInbox() {
    for (String path : List.of("/api/v1/agencies/fire-6501/dispatches?state=all",
        "/api/v1/agencies/fire-6501/dispatches?state=all&mode=ALL")) {
      assertThat(ids(cc6501.get(path).body())).contains(siblingIncident);
      var sibling = cc650102.get(path);
      assertThat(sibling.status()).isEqualTo(200);
      assertThat(ids(sibling.body())).doesNotContain(siblingIncident);
    }
    await().atMost(Duration.ofSeconds(30)).until(() ->
        ids(cc6501.get("/api/v1/agencies/fire-6501/dispatch-history").body()).contains(siblingIncident));
    assertThat(ids(cc650102.get("/api/v1/agencies/fire-6501/dispatch-history?mode=ALL").body())).doesNotContain(siblingIncident);
    assertThat(ids(operator.get("/api/v1/agencies/fire-6501/dispatch-history?mode=ALL").body())).doesNotContain(siblingIncident);
  }

  @Test
  void aSiblingCountysStreamFromTheStartSkipsOtherCountiesIncidents() throws Exception {
    // A level-IV fire at A is not acknowledged by the county brigade: after 3 s it escalates to
    // fire-6501, whose stream then carries an incident the 650102 command center may see.
    String sentinel = created(staffA.post("/api/v1/incidents", Fixtures.incident(SCHOOL_A, "FIRE", "IV", "sentinel")))
        .body().get("incidentId").asText();
    try (var stream = new SseClient(node.httpPort(), "/api/v1/agencies/fire-6501/stream",
        TestNode.token(Role.COMMAND_CENTER, "650102"), 0L)) {
      assertThat(stream.status()).isEqualTo(200);
      var events = stream.until(e -> sentinel.equals(e.data().path("dispatch").path("incidentId").asText()),
          Duration.ofSeconds(60));
      assertThat(events).isNotEmpty();
      assertThat(events.get(events.size() - 1).data().path("dispatch").path("incidentId").asText()).isEqualTo(sentinel);
      assertThat(events).allSatisfy(e ->
          assertThat(e.data().path("dispatch").path("regionCode").asText()).startsWith("650102"));
    }
  }

  @Test
  void operatorsSeeDrillsOnlyAndRealViewsShowRealIncidentsOnly() {
    // The operator: no ACTUAL incident anywhere, drills when asked.
    assertThat(ids(operator.get("/api/v1/schools/" + SCHOOL_A).body())).isEmpty();
    assertThat(ids(operator.get("/api/v1/schools/" + SCHOOL_A + "?mode=ALL").body())).containsExactly(drillAtA);
    assertThat(ids(operator.get("/api/v1/agencies/fire-650102/dispatches?state=all&mode=ALL").body()))
        .contains(drillAtA).doesNotContain(actualAtA);
    // The school and the agency: real incidents by default, drills only when asked.
    assertThat(ids(staffA.get("/api/v1/schools/" + SCHOOL_A).body())).contains(actualAtA).doesNotContain(drillAtA);
    assertThat(ids(staffA.get("/api/v1/schools/" + SCHOOL_A + "?mode=EXERCISE").body())).containsExactly(drillAtA);
    HubClient fire = anonymous.as(Role.AGENCY, "fire-650102");
    assertThat(ids(fire.get("/api/v1/agencies/fire-650102/dispatches").body())).contains(actualAtA).doesNotContain(drillAtA);
    assertThat(ids(fire.get("/api/v1/agencies/fire-650102/dispatches?mode=EXERCISE").body())).contains(drillAtA).doesNotContain(actualAtA);
    // Counts in the registry list follow the same rule.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(count(cc650102.get("/api/v1/schools?region=650102"))).isEqualTo(openActualAtA());
      assertThat(count(operator.get("/api/v1/schools?region=650102"))).isZero();
      assertThat(count(operator.get("/api/v1/schools?region=650102&mode=EXERCISE"))).isEqualTo(1);
    });
  }

  private int openActualAtA() {
    return staffA.get("/api/v1/schools/" + SCHOOL_A).body().get("openIncidents").size();
  }

  private static int count(HubClient.Response schools) {
    for (JsonNode s : schools.body().get("schools")) {
      if (s.get("schoolId").asText().equals(SCHOOL_A)) {
        return s.get("openIncidents").asInt();
      }
    }
    throw new AssertionError("school A not listed: " + schools.body());
  }

  @Test
  void anAgencyThatWasNotDispatchedDoesNotLearnOfTheIncidentFromTheSchool() {
    // A level-I fire dispatches police; a level-III fire (the drill) does not: use health-less kinds.
    HubClient police = anonymous.as(Role.AGENCY, "police-650102");
    HubClient fire = anonymous.as(Role.AGENCY, "fire-650102");
    String injury = created(staffA.post("/api/v1/incidents", Fixtures.incident(SCHOOL_A, "FIRE", "IV", "no-police")))
        .body().get("incidentId").asText();
    await().atMost(Duration.ofSeconds(30)).until(() -> ids(fire.get("/api/v1/schools/" + SCHOOL_A).body()).contains(injury));
    var read = police.get("/api/v1/schools/" + SCHOOL_A);
    assertThat(read.status()).isEqualTo(200);
    assertThat(ids(read.body())).doesNotContain(injury);
    assertThat(police.get("/api/v1/incidents/" + injury).status()).isEqualTo(404);
  }

  // --- 5. stream slots --------------------------------------------------------------------

  @Test
  void abortedStreamConnectionsGiveTheirSlotsBack() throws Exception {
    String principal = "command-center:6501";
    String token = TestNode.token(Role.COMMAND_CENTER, "6501");
    for (int i = 0; i < 10; i++) {
      try (Socket socket = new Socket("127.0.0.1", node.httpPort())) {
        socket.getOutputStream().write(("GET /api/v1/stream/incidents?region=6501 HTTP/1.1\r\nHost: x\r\n"
            + "Authorization: Bearer " + token + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        socket.setSoLinger(true, 0); // close with a reset, at once
      }
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> node.streams().openBy(principal) == 0);
    var open = new ArrayList<SseClient>();
    try {
      for (int i = 0; i < node.streams().maxPerPrincipal(); i++) {
        var stream = new SseClient(node.httpPort(), "/api/v1/stream/incidents?region=6501", token, null);
        open.add(stream);
        assertThat(stream.status()).as("stream " + (i + 1)).isEqualTo(200);
      }
    } finally {
      open.forEach(SseClient::close);
    }
  }

  // --- 6. slow clients ----------------------------------------------------------------------

  @Test
  void slowClientsFromOneAddressCannotTakeTheNodeFromOthers() throws Exception {
    InetAddress attacker = InetAddress.getByName("127.0.0.2");
    var sockets = new ArrayList<Socket>();
    try {
      for (int i = 0; i < PER_ADDRESS * 3; i++) {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(attacker, 0));
        s.connect(new InetSocketAddress("127.0.0.1", node.httpPort()), 5000);
        OutputStream out = s.getOutputStream();
        out.write("GET /health/alive HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        sockets.add(s);
      }
      var guard = node.connections();
      // The node takes connections from its accept queue as it gets to them: wait until it has
      // seen them all (held, refused, or already closed for want of a request on a slow machine), not
      // just until the client's connect() returned.
      await().atMost(Duration.ofSeconds(30)).until(() -> guard.openFrom(attacker) + guard.refused()
          + guard.closedWithoutRequest() >= sockets.size());
      System.out.printf("slow clients: %d connections attempted from %s, %d held open by the node, %d refused at once%n",
          sockets.size(), attacker, guard.openFrom(attacker), guard.refused());
      assertThat(guard.openFrom(attacker)).isLessThanOrEqualTo(PER_ADDRESS);
      assertThat(guard.refused()).isGreaterThanOrEqualTo(PER_ADDRESS);
      // Everybody else is still served while the slow connections are held.
      assertThat(anonymous.get("/health/alive").status()).isEqualTo(200);
      // Headers never finished: the node closes them after first-request-within.
      await().atMost(Duration.ofSeconds(30)).until(() -> guard.openFrom(attacker) == 0);
      assertThat(anonymous.get("/health/ready").status()).isEqualTo(200);
      // Closed quietly: no request was made, so there is nothing to answer (it once got a 500, and
      // the node logged an "Internal server error" for every such connection).
      assertThat(guard.closedWithoutRequest()).as("held connections closed for want of a request").isPositive();
      // An operator sees both in the node's metrics.
      String metrics = metrics();
      assertThat(counterIn(metrics, "hub_http_connections_refused_total")).isGreaterThanOrEqualTo(PER_ADDRESS);
      assertThat(counterIn(metrics, "hub_http_connections_closed_without_request_total")).isPositive();
      for (Socket s : sockets) {
        s.setSoTimeout(5000);
        String sent = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(sent).as("what the node sent to a connection that never finished its headers").isEmpty();
      }
    } finally {
      for (Socket s : sockets) {
        closeQuietly(s);
      }
    }
  }

  private static double counterIn(String metrics, String name) {
    return metrics.lines().filter(line -> line.startsWith(name + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(name.length() + 1).trim())).findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " in /metrics"));
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already gone
    }
  }

  // --- 7 and 8: idempotency keys ----------------------------------------------------------

  @Test
  void anExerciseCanNeitherSquatNorProbeARealReportsReference() {
    var exercise = new LinkedHashMap<>(Fixtures.incident(SCHOOL_A, "FIRE", "III", "future-ref"));
    exercise.put("mode", "EXERCISE");
    var squat = created(operator.post("/api/v1/incidents", exercise));
    var real = created(staffA.post("/api/v1/incidents", Fixtures.incident(SCHOOL_A, "FIRE", "III", "future-ref")));
    assertThat(real.body().get("incidentId").asText()).isNotEqualTo(squat.body().get("incidentId").asText());
    // The other way round: an exercise reusing a real report's reference is its own incident.
    var probe = new LinkedHashMap<>(Fixtures.incident(SCHOOL_A, "INJURY", "IV", "actual-a"));
    probe.put("mode", "EXERCISE");
    var answer = operator.post("/api/v1/incidents", probe);
    assertThat(answer.status()).isEqualTo(201);
    assertThat(answer.raw().body()).doesNotContain(actualAtA);
  }

  @Test
  void aCorrectionUnderTheSameReferenceIsRefusedAndChangesNothing() {
    var first = Fixtures.incident(SCHOOL_A, "INJURY", "III", "correction-1");
    String id = created(staffA.post("/api/v1/incidents", first)).body().get("incidentId").asText();
    var corrected = new LinkedHashMap<>(first);
    corrected.put("casualties", Map.of("dead", 5, "injured", 40, "missing", 3));
    corrected.put("reporter", Map.of("name", "Li Lei", "role", "teacher"));
    var answer = staffA.post("/api/v1/incidents", corrected);
    assertThat(answer.status()).isEqualTo(409);
    assertThat(answer.contentType()).isEqualTo("application/problem+json");
    assertThat(answer.body().get("detail").asText()).contains("CONTINUATION");
    assertThat(staffA.get("/api/v1/incidents/" + id).body().get("casualties").get("injured").asInt()).isEqualTo(2);
    assertThat(staffA.post("/api/v1/incidents", first).status()).isEqualTo(200);
  }

  // --- 9. downgrades ------------------------------------------------------------------------

  @Test
  void onlyCommandCentersMayLowerALevelOthersMayRaiseIt() {
    await().atMost(Duration.ofSeconds(30)).until(() ->
        cc650102.get("/api/v1/incidents/" + actualAtA).body().get("dispatches").size() >= 4);
    String path = "/api/v1/incidents/" + actualAtA + "/reports";
    for (var who : List.of(anonymous.as(Role.AGENCY, "fire-650102"), anonymous.as(Role.SENSOR_GATEWAY, SCHOOL_A), staffA)) {
      for (String lower : List.of("IV", "UNGRADED")) {
        var answer = who.post(path, Map.of("kind", "CONTINUATION", "summary", "calmer", "level", lower));
        assertThat(answer.status()).as(answer.raw().body()).isEqualTo(403);
        assertThat(answer.contentType()).isEqualTo("application/problem+json");
      }
    }
    assertThat(cc650102.get("/api/v1/incidents/" + actualAtA).body().get("level").asText()).isEqualTo("I");
    // Handling authority by level (issue 16): a level I incident is led by the province, so the
    // county's command center may no longer lower it (before: 201); the province's may.
    assertThat(cc650102.post(path, Map.of("kind", "CONTINUATION", "summary", "contained", "level", "II")).status())
        .isEqualTo(403);
    assertThat(anonymous.as(Role.COMMAND_CENTER, "65").post(path,
        Map.of("kind", "CONTINUATION", "summary", "contained", "level", "II")).status()).isEqualTo(201);
    assertThat(staffA.post(path, Map.of("kind", "CONTINUATION", "summary", "flaring up", "level", "I")).status())
        .isEqualTo(201);
  }

  // --- 11 and 12: clear errors everywhere --------------------------------------------------

  @Test
  void absurdDatesAndCursorsAreBadRequestsNotServerErrors() {
    assertBadRequest(anonymous.as(Role.AGENCY, "fire-650102").get("/api/v1/agencies/fire-650102/dispatch-history?cursor=garbage"), "cursor");
    assertBadRequest(cc650102.get("/api/v1/incidents?to=%2B999999999-12-31"), "to");
    assertBadRequest(cc650102.get("/api/v1/incidents?from=-999999999-01-01&to=-999999999-01-05"), "must be a date between");
    assertBadRequest(cc650102.get("/api/v1/incidents?from=-999999999-01-01"), "from");
  }

  @Test
  void theServersOwnErrorsAreProblemsWithTheSecurityHeaders() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + node.httpPort();
    var longUri = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/" + "a".repeat(5000))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(longUri.statusCode()).isEqualTo(414);
    assertProblemWithHeaders(longUri);
    var headers = HttpRequest.newBuilder(URI.create(base + "/health/alive"));
    for (int i = 0; i < 80; i++) {
      headers.header("X-Filler-" + i, "y".repeat(200));
    }
    var tooManyHeaders = http.send(headers.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(tooManyHeaders.statusCode()).isIn(400, 431); // Pekko answers a header count over its limit with 400
    assertProblemWithHeaders(tooManyHeaders);
    var hugeHeader = http.send(HttpRequest.newBuilder(URI.create(base + "/health/alive"))
        .header("X-Huge", "z".repeat(20_000)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(hugeHeader.statusCode()).isIn(400, 431);
    assertProblemWithHeaders(hugeHeader);
  }

  @Test
  void aTokenFromAnotherIssuerIsRefusedWithoutNamingTheExpectedOne() {
    var foreign = new org.schoolsafety.edge.auth.TokenIssuer(
        Base64.getDecoder().decode(TestNode.SECRET), "someone-else", "school-safety-hub-api");
    String token = foreign.issue(new org.schoolsafety.edge.auth.Principal(Role.OPERATOR, "ops"), Duration.ofMinutes(5));
    var answer = anonymous.withToken(token).get("/api/v1/schools/" + SCHOOL_A);
    assertThat(answer.status()).isEqualTo(401);
    assertThat(answer.raw().body()).doesNotContain("school-safety-hub\"").doesNotContain("someone-else");
  }

  // --- a refused body is read before the connection closes (RFC 9112, section 9.6) ---------

  /**
   * A body over the limit gets its 413 while the client is still sending it. Closing a connection
   * with unread bytes in it makes TCP reset it, and the reset throws away the 413 the client had
   * not read yet: the client saw "no answer" (it failed HostileInputTest on CI once).
   */
  @Test
  void aBodyOverTheLimitIsAnswered413WhileTheClientIsStillSendingIt() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String token = TestNode.token(Role.SCHOOL_STAFF, SCHOOL_A);
    // Its own principal, so these 24 requests do not eat into the rate limit of the class's others.
    String sender = TestNode.token(Role.SCHOOL_STAFF, "sch-650102-077");
    for (int size : List.of(80 * 1024, 1 << 20, 4 << 20)) {
      for (int i = 0; i < 8; i++) {
        var answer = post(http, "/api/v1/incidents", sender, ("{\"description\":\"" + "x".repeat(size) + "\"}"));
        assertThat(answer.statusCode()).as(size + " bytes, attempt " + i).isEqualTo(413);
        assertProblemWithHeaders(answer);
      }
    }
    // The routes still decide: without a token the answer is 401, the body read and thrown away.
    var anonymousPost = post(http, "/api/v1/incidents", null, "{\"description\":\"" + "x".repeat(1 << 20) + "\"}");
    assertThat(anonymousPost.statusCode()).isEqualTo(401);
    // A body within the limit (60 KB of it whitespace), too large to arrive in one piece, is read
    // whole and handled as usual.
    String report = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(
        Fixtures.incident(SCHOOL_A, "INJURY", "IV", "large-body"));
    var fine = post(http, "/api/v1/incidents", token, "{" + " ".repeat(60_000) + report.substring(1));
    assertThat(fine.statusCode()).as(fine.body()).isEqualTo(201);
    assertThat(fine.body()).contains("large-body");
  }

  /** A body declared larger than the node would ever read is refused at once, unread. */
  @Test
  void aBodyDeclaredLargerThanTheNodeReadsIsRefusedAtOnce() throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), node.httpPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /api/v1/incidents HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
          + "Authorization: Bearer " + TestNode.token(Role.SCHOOL_STAFF, SCHOOL_A) + "\r\n"
          // no byte of the body: none is left unread when the node closes (which would reset the connection)
          + "Content-Length: 1000000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 413").contains("application/problem+json").contains("Connection: close");
    }
  }

  private HttpResponse<String> post(HttpClient http, String path, String token, String body) throws Exception {
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertProblemWithHeaders(HttpResponse<String> response) {
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(response.body()).contains("\"status\"");
  }

  private static void assertBadRequest(HubClient.Response response, String field) {
    assertThat(response.status()).as(response.raw().body()).isEqualTo(400);
    assertThat(response.contentType()).isEqualTo("application/problem+json");
    assertThat(response.raw().body()).contains(field);
  }
}
