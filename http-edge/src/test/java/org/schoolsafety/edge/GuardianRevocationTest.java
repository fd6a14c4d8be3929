package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.schoolsafety.edge.Fixtures.created;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.Cluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * A school cuts a guardian off (issue 17): over real HTTP on a two-node cluster, a guardian
 * renews its token (also one that expired, within the renewal grace), the school's staff list and revoke it, and from then on every token of that
 * guardian — the first and the renewed one — is refused on both nodes, its open streams on both
 * nodes end, and it can no longer renew; another school's staff cannot revoke it (404); and after
 * the cluster restarts on the same keyspace the revocation still holds.
 */
@ExtendWith(SharedCassandra.class)
class GuardianRevocationTest {

  static final String KEYSPACE = "it_guardian_revocation";
  static final String A = "sch-650102-001";
  static final String B = "sch-650102-002";
  static final ObjectMapper JSON = new ObjectMapper();

  private HubNode first;
  private HubNode second;

  @AfterEach
  void stop() {
    if (second != null) {
      second.close();
    }
    if (first != null) {
      first.close();
    }
  }

  private static HubNode joining(HubNode seed) {
    String address = Cluster.get(Adapter.toClassic(seed.system())).selfAddress().toString();
    HubNode node = TestNode.start(KEYSPACE, Map.of("pekko.cluster.seed-nodes", List.of(address)));
    var client = new HubClient(node.httpPort());
    await().atMost(Duration.ofSeconds(60)).until(() -> client.get("/health/ready").status() == 200);
    return node;
  }

  private static JsonNode redeemed(HubClient anonymous, String schoolId, String classId) {
    String code = created(anonymous.as(Role.SCHOOL_STAFF, schoolId).post("/api/v1/schools/" + schoolId
        + "/guardians/invitations", Map.of("classId", classId, "count", 1))).body().get("codes").get(0).asText();
    return created(anonymous.post("/api/v1/guardians/redemptions", Map.of("code", code))).body();
  }

  private static JsonNode claims(String token) throws Exception {
    return JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
  }

  private static JsonNode listed(HubClient staff, String guardianId) {
    var list = staff.get("/api/v1/schools/" + A + "/guardians");
    assertThat(list.status()).isEqualTo(200);
    for (JsonNode g : list.body().get("guardians")) {
      if (g.get("guardianId").asText().equals(guardianId)) {
        return g;
      }
    }
    throw new AssertionError(guardianId + " is not listed: " + list.body());
  }

  @Test
  void aRevokedGuardianIsCutOffOnEveryNodeAndStaysCutOffAfterARestart() throws Exception {
    first = TestNode.start(KEYSPACE, Map.of());
    second = joining(first);
    var one = new HubClient(first.httpPort());
    var two = new HubClient(second.httpPort());
    Fixtures.registerRegion(one, "650102");
    created(Fixtures.postSchool(one.as(Role.OPERATOR, "ops"), Fixtures.school(A, "650102")));
    created(Fixtures.postSchool(one.as(Role.OPERATOR, "ops"), Fixtures.school(B, "650102")));
    HubClient staffA = one.as(Role.SCHOOL_STAFF, A);
    HubClient staffB = one.as(Role.SCHOOL_STAFF, B);

    JsonNode cutOff = redeemed(one, A, "7-2");
    JsonNode stays = redeemed(one, A, "7-3");
    String guardianId = cutOff.get("guardianId").asText();
    String firstToken = cutOff.get("token").asText();
    String otherToken = stays.get("token").asText();
    assertThat(Instant.parse(cutOff.get("enrolmentExpiresAt").asText()))
        .isAfter(Instant.now().plus(Duration.ofDays(364)));

    // Staying signed in: a fresh token for the same guardian, school and class, accepted on the other node.
    var renewal = one.withToken(firstToken).post("/api/v1/guardian/token", Map.of());
    assertThat(renewal.status()).as(renewal.body().toString()).isEqualTo(200);
    String renewedToken = renewal.body().get("token").asText();
    assertThat(renewedToken).isNotEqualTo(firstToken);
    assertThat(renewal.body().get("guardianId").asText()).isEqualTo(guardianId);
    assertThat(claims(renewedToken).get("sub").asText()).isEqualTo(claims(firstToken).get("sub").asText())
        .isEqualTo(guardianId + "@" + A + "/7-2");
    assertThat(Instant.parse(renewal.body().get("expiresAt").asText()))
        .isBeforeOrEqualTo(Instant.parse(renewal.body().get("enrolmentExpiresAt").asText()));
    assertThat(two.withToken(renewedToken).get("/api/v1/guardian/notices").status()).isEqualTo(200);
    // A token that expired an hour ago opens nothing but its renewal (hub.guardian.renewal-grace, 30 days);
    // one that expired longer ago than that not even this.
    String expired = TestNode.guardianToken(guardianId, A, "7-2", Instant.now().minus(Duration.ofHours(2)));
    assertThat(two.withToken(expired).get("/api/v1/guardian/notices").status()).isEqualTo(401);
    assertThat(two.withToken(expired).post("/api/v1/guardian/messages", Map.of("topic", "OTHER", "text", "x"))
        .status()).isEqualTo(401);
    var late = two.withToken(expired).post("/api/v1/guardian/token", Map.of());
    assertThat(late.status()).as(late.body().toString()).isEqualTo(200);
    assertThat(two.withToken(late.body().get("token").asText()).get("/api/v1/guardian/notices").status())
        .isEqualTo(200);
    String tooOld = TestNode.guardianToken(guardianId, A, "7-2", Instant.now().minus(Duration.ofDays(31)));
    assertThat(two.withToken(tooOld).post("/api/v1/guardian/token", Map.of()).status()).isEqualTo(401);

    // The school's list: pseudonymous ids, classes and states, nothing more.
    JsonNode before = listed(staffA, guardianId);
    assertThat(before.get("classId").asText()).isEqualTo("7-2");
    assertThat(before.get("state").asText()).isEqualTo("ACTIVE");
    assertThat(before.get("redeemedAt").asText()).isNotEmpty();
    assertThat(before.get("revokedAt").isNull()).isTrue();
    assertThat(staffB.get("/api/v1/schools/" + A + "/guardians").status()).isEqualTo(403);

    // Out of scope: another school's staff are told the guardian does not exist, as for an unknown id.
    var unknown = staffA.post("/api/v1/schools/" + A + "/guardians/gdn-0000000000000000/revocation",
        Map.of("reason", "test"));
    assertThat(unknown.status()).isEqualTo(404);
    var byOtherSchool = staffB.post("/api/v1/schools/" + A + "/guardians/" + guardianId + "/revocation",
        Map.of("reason", "not ours"));
    assertThat(byOtherSchool.status()).isEqualTo(404);
    assertThat(byOtherSchool.body().get("detail")).isEqualTo(unknown.body().get("detail"));
    assertThat(staffB.post("/api/v1/schools/" + B + "/guardians/" + guardianId + "/revocation",
        Map.of("reason", "not ours")).status()).isEqualTo(404);
    assertThat(one.withToken(otherToken).post("/api/v1/schools/" + A + "/guardians/" + guardianId + "/revocation",
        Map.of("reason", "a guardian")).status()).isEqualTo(404);
    // Bad input: the field named, nothing changed.
    var blank = staffA.post("/api/v1/schools/" + A + "/guardians/" + guardianId + "/revocation", Map.of("reason", " "));
    assertThat(blank.status()).isEqualTo(400);
    assertThat(blank.body().get("errors").findValuesAsText("field")).containsExactly("reason");
    assertThat(listed(staffA, guardianId).get("state").asText()).isEqualTo("ACTIVE");
    assertThat(two.withToken(firstToken).get("/api/v1/guardian/notices").status()).isEqualTo(200);

    try (var streamOne = new SseClient(first.httpPort(), "/api/v1/guardian/stream", firstToken, null);
        var streamTwo = new SseClient(second.httpPort(), "/api/v1/guardian/stream", renewedToken, null);
        var otherStream = new SseClient(second.httpPort(), "/api/v1/guardian/stream", otherToken, null)) {
      assertThat(streamOne.status()).isEqualTo(200);
      assertThat(streamTwo.status()).isEqualTo(200);
      assertThat(otherStream.status()).isEqualTo(200);

      // The principal cuts the guardian off, through the first node.
      var revoked = staffA.post("/api/v1/schools/" + A + "/guardians/" + guardianId + "/revocation",
          Map.of("reason", "custody order"));
      long revokedAt = System.nanoTime();
      assertThat(revoked.status()).as(revoked.body().toString()).isEqualTo(200);
      assertThat(revoked.body().get("state").asText()).isEqualTo("REVOKED");
      assertThat(revoked.body().get("revokedBy").asText()).isEqualTo("school-staff:" + A);
      assertThat(revoked.body().get("reason").asText()).isEqualTo("custody order");
      // the node that recorded it refuses at once
      var refused = one.withToken(firstToken).get("/api/v1/guardian/notices");
      assertThat(refused.status()).isEqualTo(401);
      assertThat(refused.header("WWW-Authenticate")).contains("invalid_token");
      assertThat(refused.body().get("detail").asText()).contains("withdrawn by the school");
      // the other node within seconds
      await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
          .until(() -> two.withToken(renewedToken).get("/api/v1/guardian/notices").status() == 401);
      System.out.printf("guardian revocation: refused on the other node %d ms after the revocation's 200%n",
          (System.nanoTime() - revokedAt) / 1_000_000);

      // Both open streams end, each after telling why; the other guardian's stream goes on.
      assertThat(streamOne.until(e -> e.type().equals("revoked"), Duration.ofSeconds(15)))
          .extracting(SseClient.Event::type).contains("revoked");
      assertThat(streamTwo.until(e -> e.type().equals("revoked"), Duration.ofSeconds(15)))
          .extracting(SseClient.Event::type).contains("revoked");
      streamOne.ended().get(15, TimeUnit.SECONDS);
      streamTwo.ended().get(15, TimeUnit.SECONDS);
      assertThat(otherStream.ended()).isNotDone();

      // Again: the same revocation, nothing new.
      var again = staffA.post("/api/v1/schools/" + A + "/guardians/" + guardianId + "/revocation",
          Map.of("reason", "again"));
      assertThat(again.status()).isEqualTo(200);
      assertThat(again.body().get("revokedAt")).isEqualTo(revoked.body().get("revokedAt"));
      assertThat(again.body().get("reason").asText()).isEqualTo("custody order");
    }

    // Every token of the guardian, on every node and every guardian endpoint: refused; an expired one
    // cannot be renewed either.
    for (HubClient node : List.of(one, two)) {
      var renewExpired = node.withToken(expired).post("/api/v1/guardian/token", Map.of());
      assertThat(renewExpired.status()).isEqualTo(401);
      assertThat(renewExpired.header("WWW-Authenticate")).contains("revoked");
      for (String token : List.of(firstToken, renewedToken)) {
        HubClient g = node.withToken(token);
        assertThat(g.get("/api/v1/guardian/notices").status()).isEqualTo(401);
        assertThat(g.post("/api/v1/guardian/messages", Map.of("topic", "OTHER", "text", "hello")).status())
            .isEqualTo(401);
        assertThat(g.post("/api/v1/guardian/token", Map.of()).status()).isEqualTo(401);
        assertThat(g.getHeadersOnly("/api/v1/guardian/stream").status()).isEqualTo(401);
      }
      // the other guardian of the same school is not touched
      assertThat(node.withToken(otherToken).get("/api/v1/guardian/notices").status()).isEqualTo(200);
    }
    JsonNode after = listed(staffA, guardianId);
    assertThat(after.get("state").asText()).isEqualTo("REVOKED");
    assertThat(after.get("reason").asText()).isEqualTo("custody order");
    assertThat(staffA.get("/api/v1/schools/" + A + "/guardian-messages").body().toString()).doesNotContain("hello");

    // The whole cluster restarts on the same keyspace: the revocation is read back from the journal.
    second.close();
    second = null;
    first.close();
    first = TestNode.start(KEYSPACE, Map.of());
    var restarted = new HubClient(first.httpPort());
    // The very first request, before the node could have read anything back: it waits for the read.
    var firstAfterRestart = restarted.withToken(renewedToken).get("/api/v1/guardian/notices");
    assertThat(firstAfterRestart.status()).as(firstAfterRestart.body().toString()).isEqualTo(401);
    // The restarted node's shards start as they get their leases and recover: until then a request
    // that needs an entity is answered 503 (try again), as a client would, never with a wrong answer.
    var otherAfterRestart = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
        .until(() -> restarted.withToken(otherToken).get("/api/v1/guardian/notices"), r -> r.status() != 503);
    assertThat(otherAfterRestart.status()).as(otherAfterRestart.body().toString()).isEqualTo(200);
    for (String token : List.of(firstToken, renewedToken)) {
      assertThat(restarted.withToken(token).get("/api/v1/guardian/notices").status()).isEqualTo(401);
      assertThat(restarted.withToken(token).post("/api/v1/guardian/token", Map.of()).status()).isEqualTo(401);
    }
    assertThat(restarted.withToken(otherToken).post("/api/v1/guardian/token", Map.of()).status()).isEqualTo(200);
  }
}
