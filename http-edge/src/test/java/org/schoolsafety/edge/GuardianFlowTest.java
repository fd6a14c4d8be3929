package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.schoolsafety.edge.Fixtures.created;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.edge.auth.ServerKeys;
import org.schoolsafety.persistence.testing.SharedCassandra;
import org.slf4j.LoggerFactory;

/**
 * Guardians end to end over HTTP (issue 17): invitation codes, redemption (once, before expiry),
 * the GUARDIAN token's scope, messages only the school's staff read (read-logged), and notices —
 * now and as a stream — of the guardian's own school only.
 */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuardianFlowTest {

  static final String A = "sch-650102-001";
  static final String B = "sch-650102-002";
  static final ObjectMapper JSON = new ObjectMapper();

  private HubNode node;
  private HubClient anonymous;
  private HubClient staffA;

  @BeforeAll
  void setUp() {
    node = TestNode.start("it_guardians", Map.of());
    anonymous = new HubClient(node.httpPort());
    Fixtures.registerRegion(anonymous, "650102");
    HubClient operator = anonymous.as(Role.OPERATOR, "ops");
    created(Fixtures.postSchool(operator, Fixtures.school(A, "650102")));
    created(Fixtures.postSchool(operator, Fixtures.school(B, "650102")));
    staffA = anonymous.as(Role.SCHOOL_STAFF, A);
  }

  @AfterAll
  void tearDown() {
    if (node != null) {
      node.close();
    }
  }

  private List<String> invite(HubClient staff, String schoolId, String classId, int count, String expiresIn) {
    var body = new java.util.LinkedHashMap<String, Object>(Map.of("classId", classId, "count", count));
    if (expiresIn != null) {
      body.put("expiresIn", expiresIn);
    }
    JsonNode answer = created(staff.post("/api/v1/schools/" + schoolId + "/guardians/invitations", body)).body();
    assertThat(answer.get("schoolId").asText()).isEqualTo(schoolId);
    assertThat(answer.get("codes")).hasSize(count);
    var codes = new java.util.ArrayList<String>();
    answer.get("codes").forEach(c -> codes.add(c.asText()));
    return codes;
  }

  private HubClient.Response redeem(String code) {
    return anonymous.post("/api/v1/guardians/redemptions", Map.of("code", code));
  }

  private HubClient guardian(String schoolId, String classId) {
    HubClient staff = anonymous.as(Role.SCHOOL_STAFF, schoolId);
    String token = created(redeem(invite(staff, schoolId, classId, 1, null).get(0))).body().get("token").asText();
    return anonymous.withToken(token);
  }

  private static JsonNode claims(String token) throws Exception {
    return JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
  }

  @Test
  void aCodeIsRedeemedOnceForATokenScopedToItsSchoolAndClass() throws Exception {
    List<String> codes = invite(staffA, A, "7-2", 3, null);
    assertThat(codes).doesNotHaveDuplicates().allMatch(c -> c.matches("([0-9A-Z]{4}-){4}[0-9A-Z]{4}"));

    // typed back by hand: lower case, without dashes
    var first = created(redeem(codes.get(0).toLowerCase().replace("-", "")));
    assertThat(first.body().get("schoolId").asText()).isEqualTo(A);
    assertThat(first.body().get("classId").asText()).isEqualTo("7-2");
    JsonNode claims = claims(first.body().get("token").asText());
    assertThat(claims.get("role").asText()).isEqualTo("GUARDIAN");
    assertThat(claims.get("school").asText()).isEqualTo(A);
    assertThat(claims.get("class").asText()).isEqualTo("7-2");
    assertThat(claims.get("sub").asText()).isEqualTo(first.body().get("guardianId").asText() + "@" + A + "/7-2");
    assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(Duration.ofHours(24).toSeconds());

    // reuse is refused, and so is an unknown code; a malformed one is a 400 naming it
    var again = redeem(codes.get(0));
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.contentType()).isEqualTo("application/problem+json");
    assertThat(redeem("0000-0000-0000-0000-0000").status()).isEqualTo(404);
    var bad = redeem("not a code");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body().get("errors").get(0).get("field").asText()).isEqualTo("code");
    // the other codes still work, each once
    assertThat(redeem(codes.get(1)).status()).isEqualTo(201);
  }

  @Test
  void anExpiredCodeIsRefused() {
    var answer = created(staffA.post("/api/v1/schools/" + A + "/guardians/invitations",
        Map.of("classId", "7-3", "count", 1, "expiresIn", "PT1S"))).body();
    Instant expiresAt = Instant.parse(answer.get("expiresAt").asText());
    await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(expiresAt.plusMillis(100)));
    var expired = redeem(answer.get("codes").get(0).asText());
    assertThat(expired.status()).isEqualTo(410);
    assertThat(expired.body().get("detail").asText()).contains("expired");
  }

  /** A lost sheet of codes: the school withdraws those nobody has used; a used one names its remedy. */
  @Test
  void theSchoolWithdrawsCodesNobodyHasUsed() {
    List<String> codes = invite(staffA, A, "8-1", 3, null);
    assertThat(redeem(codes.get(0)).status()).isEqualTo(201);
    String otherSchools = invite(anonymous.as(Role.SCHOOL_STAFF, B), B, "8-1", 1, null).get(0);

    String url = "/api/v1/schools/" + A + "/guardians/invitations/withdrawal";
    var answer = staffA.post(url, Map.of("codes", List.of(codes.get(0), codes.get(1), codes.get(2).toLowerCase(),
        otherSchools, "0000-0000-0000-0000-0000"), "reason", "The class list was left on the bus"));
    assertThat(answer.status()).as(String.valueOf(answer.body())).isEqualTo(200);
    assertThat(answer.body().get("withdrawn").asInt()).isEqualTo(2);
    assertThat(answer.body().get("codes").findValuesAsText("outcome"))
        .containsExactly("USED", "WITHDRAWN", "WITHDRAWN", "UNKNOWN", "UNKNOWN");
    // withdrawn codes admit nobody; the other school's code is untouched
    var refused = redeem(codes.get(1));
    assertThat(refused.status()).isEqualTo(410);
    assertThat(refused.body().get("detail").asText()).contains("withdrawn");
    assertThat(redeem(codes.get(2)).status()).isEqualTo(410);
    assertThat(redeem(otherSchools).status()).isEqualTo(201);
    // again: the same outcome, nothing new
    assertThat(staffA.post(url, Map.of("codes", List.of(codes.get(1)), "reason", "again")).body()
        .get("codes").findValuesAsText("outcome")).containsExactly("WITHDRAWN");

    // only the school's own staff; bad bodies name their fields and change nothing
    assertThat(anonymous.as(Role.SCHOOL_STAFF, B).post(url, Map.of("codes", List.of(codes.get(1)), "reason", "x"))
        .status()).isEqualTo(403);
    var invalid = staffA.post(url, Map.of("codes", List.of("not a code"), "reason", ""));
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(invalid.contentType()).isEqualTo("application/problem+json");
    assertThat(invalid.body().get("errors").findValuesAsText("field")).containsExactlyInAnyOrder("codes[0]", "reason");
    assertThat(staffA.post(url, Map.of("codes", List.of(), "reason", "x")).body().get("errors")
        .findValuesAsText("field")).containsExactly("codes");
  }

  @Test
  void onlyTheSchoolsOwnStaffInvite() {
    var body = Map.of("classId", "7-2", "count", 1);
    assertThat(anonymous.as(Role.SCHOOL_STAFF, B).post("/api/v1/schools/" + A + "/guardians/invitations", body).status())
        .isEqualTo(403);
    assertThat(anonymous.as(Role.SENSOR_GATEWAY, A).post("/api/v1/schools/" + A + "/guardians/invitations", body).status())
        .isEqualTo(403);
    var invalid = staffA.post("/api/v1/schools/" + A + "/guardians/invitations",
        Map.of("classId", "bad class!", "count", 0, "expiresIn", "P99D"));
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(invalid.body().get("errors").findValuesAsText("field")).containsExactlyInAnyOrder("classId", "count", "expiresIn");
  }

  @Test
  void messagesReachOnlyTheSchoolsStaffAndTheirReadsAreLogged() {
    HubClient guardianA = guardian(A, "8-1");
    String text = "Asthma since spring; the inhaler is in the front pocket of the school bag.";
    var sent = guardianA.post("/api/v1/guardian/messages", Map.of("topic", "HEALTH", "child", "小明", "text", text));
    assertThat(sent.status()).isEqualTo(201);

    Logger auditLogger = (Logger) LoggerFactory.getLogger("org.schoolsafety.audit");
    var appender = new ListAppender<ILoggingEvent>();
    appender.start();
    auditLogger.addAppender(appender);
    try {
      var read = staffA.get("/api/v1/schools/" + A + "/guardian-messages");
      assertThat(read.status()).isEqualTo(200);
      JsonNode message = read.body().get("messages").get(0);
      assertThat(message.get("text").asText()).isEqualTo(text);
      assertThat(message.get("child").asText()).isEqualTo("小明");
      assertThat(message.get("classId").asText()).isEqualTo("8-1");
      assertThat(message.get("topic").asText()).isEqualTo("HEALTH");
      assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage)
          .contains("personal-data-read principal=school-staff:" + A + " school=" + A + " data=guardian-messages");
    } finally {
      auditLogger.detachAppender(appender);
    }
    // nobody else: not another school's staff, the gateway, the county's command center, nor the guardian
    for (HubClient other : List.of(anonymous.as(Role.SCHOOL_STAFF, B), anonymous.as(Role.SENSOR_GATEWAY, A),
        anonymous.as(Role.COMMAND_CENTER, "650102"), anonymous.as(Role.AGENCY, "education-650102"), guardianA)) {
      assertThat(other.get("/api/v1/schools/" + A + "/guardian-messages").status()).isEqualTo(403);
    }
    assertThat(anonymous.as(Role.SCHOOL_STAFF, B).get("/api/v1/schools/" + B + "/guardian-messages").body().toString())
        .doesNotContain("inhaler");
    // bad input: each field named, nothing stored
    var bad = guardianA.post("/api/v1/guardian/messages", Map.of("topic", "GOSSIP", "text", "x".repeat(2001)));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body().get("errors").findValuesAsText("field")).containsExactlyInAnyOrder("topic", "text");
    assertThat(staffA.get("/api/v1/schools/" + A + "/guardian-messages").body().get("messages")).hasSize(1);
  }

  @Test
  void aGuardiansTokenOpensNothingElse() {
    HubClient guardianA = guardian(A, "8-2");
    String incident = created(staffA.post("/api/v1/incidents", Fixtures.incident(A, "FIRE", "IV", "guardian-scope")))
        .body().get("incidentId").asText();
    assertThat(guardianA.get("/api/v1/incidents/" + incident).status()).isIn(403, 404);
    assertThat(guardianA.get("/api/v1/schools/" + A).status()).isEqualTo(403);
    assertThat(guardianA.get("/api/v1/schools/" + A + "/tips").status()).isEqualTo(403);
    assertThat(guardianA.post("/api/v1/incidents", Fixtures.incident(A, "FIRE", "IV", "by-guardian")).status())
        .isEqualTo(403);
    assertThat(guardianA.post("/api/v1/schools/" + A + "/guardians/invitations", Map.of("classId", "8-2", "count", 1))
        .status()).isEqualTo(403);
    // and the guardian endpoints are for guardians only
    assertThat(staffA.get("/api/v1/guardian/notices").status()).isEqualTo(403);
    assertThat(anonymous.get("/api/v1/guardian/notices").status()).isEqualTo(401);
  }

  @Test
  void theGuardianKeyMintsNoOtherRole() throws Exception {
    byte[] key = ServerKeys.fromConfig(ConfigFactory.parseMap(Map.of("hub.auth.hs256-secret", TestNode.SECRET))
        .withFallback(ConfigFactory.load())).forPurpose("guardian-token").mac("hs256");
    Instant now = Instant.now();
    var claims = new JWTClaimsSet.Builder().issuer("school-safety-hub").audience("school-safety-hub-api")
        .subject(A).claim("role", "SCHOOL_STAFF").issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(600))).build();
    var jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("guardian").build(), claims);
    jwt.sign(new MACSigner(key));
    assertThat(anonymous.withToken(jwt.serialize()).get("/api/v1/schools/" + A).status()).isEqualTo(401);
    // a guardian token whose claims name another school than its subject
    var forged = new JWTClaimsSet.Builder().issuer("school-safety-hub").audience("school-safety-hub-api")
        .subject("gdn-0123456789abcdef@" + A + "/7-2").claim("role", "GUARDIAN").claim("school", B)
        .claim("class", "7-2").issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600))).build();
    var jwt2 = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("guardian").build(), forged);
    jwt2.sign(new MACSigner(key));
    assertThat(anonymous.withToken(jwt2.serialize()).get("/api/v1/guardian/notices").status()).isEqualTo(401);
  }

  @Test
  void noticesReachOnlyTheGuardiansOfTheSchoolTheyConcern() throws Exception {
    HubClient guardianA = guardian(A, "9-1");
    HubClient guardianB = guardian(B, "9-1");
    String tokenA = guardianA.token();
    String tokenB = guardianB.token();
    try (var streamA = new SseClient(node.httpPort(), "/api/v1/guardian/stream", tokenA, null);
        var streamB = new SseClient(node.httpPort(), "/api/v1/guardian/stream", tokenB, null)) {
      assertThat(streamA.status()).isEqualTo(200);
      assertThat(streamB.status()).isEqualTo(200);
      // school A: a fire is reported, then the city's command center locks the school down
      String fire = created(staffA.post("/api/v1/incidents", Fixtures.incident(A, "FIRE", "III", "guardian-fire")))
          .body().get("incidentId").asText();
      created(anonymous.as(Role.COMMAND_CENTER, "6501").post("/api/v1/directives",
          AuthorizationTableTest.directive(A, "ACTUAL")));
      var seenA = streamA.until(e -> e.data().path("kind").asText().equals("POSTURE")
          && e.data().path("posture").asText().equals("LOCKDOWN"), Duration.ofSeconds(30));
      assertThat(seenA).extracting(e -> e.data().path("kind").asText()).contains("INCIDENT", "POSTURE");
      JsonNode incident = seenA.stream().filter(e -> e.data().path("kind").asText().equals("INCIDENT"))
          .findFirst().orElseThrow().data();
      assertThat(incident.get("incidentId").asText()).isEqualTo(fire);
      assertThat(incident.get("type").asText()).isEqualTo("FIRE");
      assertThat(incident.get("level").asText()).isEqualTo("III");
      assertThat(incident.get("advice").asText()).isEqualTo("INCIDENT_ACTIVE");
      assertThat(seenA).allSatisfy(e -> assertThat(e.type()).isEqualTo("notice"));
      // never the reporter, the phone number, casualties or the summary (the whole number: the
      // events' own bookkeeping, such as their arrival time in nanoseconds, may hold any digits,
      // "138" among them)
      assertThat(seenA.stream().map(e -> e.data().toString()).toList().toString())
          .doesNotContain("Wang", "138 0000 0000", "injured", "chemistry");

      // school B: its own incident is the marker; nothing of A's came before it
      String marker = created(anonymous.as(Role.SCHOOL_STAFF, B).post("/api/v1/incidents",
          Fixtures.incident(B, "NATURAL_DISASTER", "IV", "guardian-marker"))).body().get("incidentId").asText();
      var seenB = streamB.until(e -> e.data().path("incidentId").asText().equals(marker), Duration.ofSeconds(30));
      assertThat(seenB).isNotEmpty();
      assertThat(seenB.get(seenB.size() - 1).data().get("incidentId").asText()).isEqualTo(marker);
      assertThat(seenB.toString()).doesNotContain(fire).doesNotContain("LOCKDOWN");

      // resuming with Last-Event-ID replays what came after it, from the school's journal
      long firstId = seenA.get(0).id();
      try (var resumed = new SseClient(node.httpPort(), "/api/v1/guardian/stream", tokenA, firstId - 1)) {
        var replayed = resumed.until(e -> e.data().path("posture").asText().equals("LOCKDOWN"), Duration.ofSeconds(30));
        assertThat(replayed).extracting(SseClient.Event::id).containsSubsequence(
            seenA.stream().map(SseClient.Event::id).toList());
      }
    }

    // the current picture: A locked down with its fire open; B not
    JsonNode nowA = guardianA.get("/api/v1/guardian/notices").body();
    assertThat(nowA.get("schoolId").asText()).isEqualTo(A);
    assertThat(nowA.get("notices").get(0).get("posture").asText()).isEqualTo("LOCKDOWN");
    assertThat(nowA.get("notices").findValuesAsText("type")).contains("FIRE");
    assertThat(nowA.toString()).doesNotContain("Wang", "+86");
    JsonNode nowB = guardianB.get("/api/v1/guardian/notices").body();
    assertThat(nowB.get("schoolId").asText()).isEqualTo(B);
    assertThat(nowB.get("notices").get(0).get("posture").asText()).isEqualTo("NORMAL");
    assertThat(nowB.get("notices").findValuesAsText("type")).filteredOn(t -> !t.equals("null"))
        .containsOnly("NATURAL_DISASTER");
  }
}
