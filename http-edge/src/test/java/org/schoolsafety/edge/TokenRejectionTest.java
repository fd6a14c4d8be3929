package org.schoolsafety.edge;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;
import static org.schoolsafety.edge.Fixtures.created;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.edge.auth.Principal;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.edge.auth.TokenIssuer;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * Bearer tokens the hub must refuse, through real HTTP: each one is a 401 problem with a
 * {@code WWW-Authenticate: Bearer} challenge and never reaches an entity (the report it carries
 * creates no incident). And RS256 tokens of a node configured with a JWKS file: the identity
 * provider's key is accepted, any other key is not.
 */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenRejectionTest {

  static final String KEYSPACE = "it_token_rejection";
  static final String JWKS_KEYSPACE = "it_token_rejection_jwks";
  static final String COUNTY = "650102";
  static final String SCHOOL = "sch-650102-001";
  static final String ISSUER = "school-safety-hub";
  static final String AUDIENCE = "school-safety-hub-api";
  static final byte[] SECRET = Base64.getDecoder().decode(TestNode.SECRET);
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  static final List<String> LEAKS = List.of("Exception", "at org.", "java.", "com.nimbusds", "nimbus",
      "org.apache", "pekko", "org.schoolsafety", "Caused by");

  private HubNode node;
  private String base;
  private HubClient commandCenter;
  private HubClient operator;

  @BeforeAll
  void startNode() {
    node = TestNode.start(KEYSPACE, Map.of());
    base = "http://127.0.0.1:" + node.httpPort();
    var anonymous = new HubClient(node.httpPort());
    operator = anonymous.as(Role.OPERATOR, "test-operator");
    commandCenter = anonymous.as(Role.COMMAND_CENTER, "65");
    created(Fixtures.postSchool(operator, Fixtures.school(SCHOOL, COUNTY)));
  }

  @AfterAll
  void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  // --- tokens -----------------------------------------------------------------------------

  /** Claims as the hub's own issuer writes them: valid for an hour from now. */
  static JWTClaimsSet.Builder claims(String role, String subject) {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .subject(subject)
        .claim("role", role)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(Duration.ofHours(1))))
        .jwtID(UUID.randomUUID().toString());
  }

  static String sign(JWSHeader header, JWTClaimsSet claims, JWSSigner signer) {
    var jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  static String hs256(JWTClaimsSet claims) {
    return hs(JWSAlgorithm.HS256, claims, SECRET);
  }

  static String hs(JWSAlgorithm alg, JWTClaimsSet claims, byte[] secret) {
    try {
      return sign(new JWSHeader(alg), claims, new MACSigner(secret));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  static String staffToken() {
    return TestNode.token(Role.SCHOOL_STAFF, SCHOOL);
  }

  /** The token with its payload rewritten and its original signature kept. */
  static String tampered(String token, UnaryOperator<ObjectNode> change) {
    String[] parts = token.split("\\.");
    try {
      ObjectNode payload = (ObjectNode) JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
      String rewritten = Base64.getUrlEncoder().withoutPadding()
          .encodeToString(JSON.writeValueAsBytes(change.apply(payload)));
      return parts[0] + "." + rewritten + "." + parts[2];
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An unsecured JWT: {@code alg: none} header, the given claims, and the given signature part. */
  static String unsecured(String alg, JWTClaimsSet claims, String signature) {
    var encoder = Base64.getUrlEncoder().withoutPadding();
    String header = encoder.encodeToString(("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}").getBytes(UTF_8));
    String payload = encoder.encodeToString(claims.toString().getBytes(UTF_8));
    return header + "." + payload + "." + signature;
  }

  /** Every Authorization header (null: none at all) that must get a 401. */
  static Map<String, String> refusedHeaders() throws JOSEException {
    Map<String, String> cases = new LinkedHashMap<>();
    String valid = staffToken();
    Instant now = Instant.now();
    var staff = new Principal(Role.SCHOOL_STAFF, SCHOOL);
    var operatorPrincipal = new Principal(Role.OPERATOR, "test-operator");

    cases.put("no Authorization header", null);
    cases.put("Basic scheme", "Basic " + Base64.getEncoder().encodeToString("operator:secret".getBytes(UTF_8)));
    cases.put("Token scheme with a valid token", "Token " + valid);
    cases.put("token without a scheme", valid);
    cases.put("scheme repeated", "Bearer Bearer " + valid);
    cases.put("Bearer without a token", "Bearer");
    cases.put("Bearer with a blank token", "Bearer     ");
    cases.put("garbage", "Bearer garbage");
    cases.put("three empty parts", "Bearer ..");
    cases.put("three garbage parts", "Bearer a.b.c");
    cases.put("base64 of JSON but no JWS", "Bearer " + Base64.getUrlEncoder().encodeToString("{\"role\":\"OPERATOR\"}".getBytes(UTF_8)));
    cases.put("token of 8000 characters", "Bearer " + "a".repeat(8000));
    cases.put("signature cut off", "Bearer " + valid.substring(0, valid.lastIndexOf('.') + 1));
    cases.put("signature altered", "Bearer " + valid.substring(0, valid.length() - 4) + (valid.endsWith("AAAA") ? "BBBB" : "AAAA"));

    cases.put("expired an hour ago", "Bearer " + TestNode.ISSUER.issue(staff, now.minus(Duration.ofHours(2)), Duration.ofHours(1)));
    cases.put("signed with another secret", "Bearer "
        + new TokenIssuer("another-secret-of-at-least-32-bytes".getBytes(UTF_8), ISSUER, AUDIENCE).issue(staff, Duration.ofHours(1)));
    cases.put("payload tampered: role OPERATOR", "Bearer " + tampered(valid, p -> p.put("role", "OPERATOR")));
    cases.put("payload tampered: another school", "Bearer " + tampered(valid, p -> p.put("sub", "sch-650102-002")));
    cases.put("payload tampered: expiry pushed out", "Bearer " + tampered(valid, p -> p.put("exp", p.get("exp").asLong() + 3600)));
    JWTClaimsSet operatorClaims = claims("OPERATOR", "test-operator").build();
    cases.put("alg none, no signature", "Bearer " + unsecured("none", operatorClaims, ""));
    cases.put("alg None, no signature", "Bearer " + unsecured("None", operatorClaims, ""));
    cases.put("alg NONE, no signature", "Bearer " + unsecured("NONE", operatorClaims, ""));
    cases.put("alg none, old signature kept", "Bearer " + unsecured("none", operatorClaims, valid.substring(valid.lastIndexOf('.') + 1)));
    cases.put("HS512 (algorithm not accepted)", "Bearer " + hs(JWSAlgorithm.HS512, claims("SCHOOL_STAFF", SCHOOL).build(),
        (TestNode.SECRET + TestNode.SECRET).getBytes(UTF_8)));
    cases.put("HS384 (algorithm not accepted)", "Bearer " + hs(JWSAlgorithm.HS384, claims("SCHOOL_STAFF", SCHOOL).build(),
        (TestNode.SECRET + TestNode.SECRET).getBytes(UTF_8)));
    RSAKey rsa = new RSAKeyGenerator(2048).keyID("not-configured").generate();
    cases.put("RS256 on a node without JWKS", "Bearer " + sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rsa.getKeyID()).build(),
        claims("SCHOOL_STAFF", SCHOOL).build(), new RSASSASigner(rsa)));

    cases.put("wrong issuer", "Bearer " + hs256(claims("SCHOOL_STAFF", SCHOOL).issuer("someone-else").build()));
    cases.put("no issuer", "Bearer " + hs256(claims("SCHOOL_STAFF", SCHOOL).issuer(null).build()));
    cases.put("wrong audience", "Bearer " + hs256(claims("SCHOOL_STAFF", SCHOOL).audience("another-api").build()));
    cases.put("no audience", "Bearer " + hs256(claims("SCHOOL_STAFF", SCHOOL).audience((String) null).build()));
    cases.put("lifetime beyond max-ttl (25 h)", "Bearer " + TestNode.ISSUER.issue(staff, now, Duration.ofHours(25)));
    cases.put("operator token living 30 days", "Bearer " + TestNode.ISSUER.issue(operatorPrincipal, now, Duration.ofDays(30)));
    cases.put("issued a year in the future, lifetime 1 h", "Bearer " + TestNode.ISSUER.issue(staff, now.plus(Duration.ofDays(365)), Duration.ofHours(1)));
    cases.put("issued 2 h in the future, lifetime 23 h", "Bearer " + TestNode.ISSUER.issue(staff, now.plus(Duration.ofHours(2)), Duration.ofHours(23)));
    cases.put("not valid before tomorrow", "Bearer " + hs256(claims("SCHOOL_STAFF", SCHOOL)
        .notBeforeTime(Date.from(now.plus(Duration.ofDays(1)))).build()));
    cases.put("no expiry", "Bearer " + hs256(claims("SCHOOL_STAFF", SCHOOL).expirationTime(null).build()));
    cases.put("no issued-at", "Bearer " + hs256(claims("SCHOOL_STAFF", SCHOOL).issueTime(null).build()));
    cases.put("no subject", "Bearer " + hs256(claims("SCHOOL_STAFF", SCHOOL).subject(null).build()));
    cases.put("no role", "Bearer " + hs256(claims("SCHOOL_STAFF", SCHOOL).claim("role", null).build()));
    cases.put("unknown role ADMIN", "Bearer " + hs256(claims("ADMIN", SCHOOL).build()));
    cases.put("role in lower case", "Bearer " + hs256(claims("operator", "test-operator").build()));
    cases.put("role with a trailing space", "Bearer " + hs256(claims("OPERATOR ", "test-operator").build()));
    cases.put("role as a list", "Bearer " + hs256(claims("x", SCHOOL).claim("role", List.of("OPERATOR")).build()));
    cases.put("role as a number", "Bearer " + hs256(claims("x", SCHOOL).claim("role", 4).build()));
    for (String subject : List.of("abc", "6", "650", "65010", "6501020", "65x1", "", "*", "65 01", "６５")) {
      cases.put("COMMAND_CENTER subject '" + subject + "'", "Bearer " + hs256(claims("COMMAND_CENTER", subject).build()));
    }
    for (String subject : List.of("../../etc/passwd", "sch'; DROP TABLE messages; --", "a".repeat(65), "\u202esch-650102-001")) {
      cases.put("SCHOOL_STAFF subject '" + HostileInputTest.printable(subject) + "'",
          "Bearer " + hs256(claims("SCHOOL_STAFF", subject).build()));
    }
    return cases;
  }

  // --- refusals ---------------------------------------------------------------------------

  @TestFactory
  Stream<DynamicTest> everyBadTokenIsA401AndReachesNoEntity() throws JOSEException {
    Map<String, String> cases = refusedHeaders();
    System.out.println("TokenRejectionTest: " + cases.size() + " refused tokens");
    List<DynamicTest> tests = new ArrayList<>();
    int[] n = {0};
    cases.forEach((name, authorization) -> {
      String clientRef = "token-case-" + (++n[0]);
      tests.add(dynamicTest(name, () -> {
        var report = Fixtures.incident(SCHOOL, "FIRE", "III", clientRef);
        assertUnauthorized(name, send("POST", "/api/v1/incidents", authorization, HubClient.write(report)));
        assertUnauthorized(name, send("GET", "/api/v1/schools/" + SCHOOL, authorization, null));
        assertUnauthorized(name, send("POST", "/api/v1/schools", authorization,
            HubClient.write(Fixtures.school("sch-650102-9" + String.format("%02d", n[0] % 100), COUNTY))));
        // Nothing reached an entity: the report would have created this incident.
        assertThat(commandCenter.get("/api/v1/incidents/" + TestNode.staffIncidentId(SCHOOL, clientRef)).status())
            .as("incident of " + name).isEqualTo(404);
      }));
    });
    tests.add(dynamicTest("nothing was created by any of them", () -> {
      assertThat(operator.get("/api/v1/schools/" + SCHOOL).body().get("openIncidents")).isEmpty();
      for (int i = 1; i <= n[0]; i++) {
        assertThat(operator.get("/api/v1/schools/sch-650102-9" + String.format("%02d", i % 100)).status()).isEqualTo(404);
      }
      // The control: the same request with a valid token is accepted.
      var ok = send("POST", "/api/v1/incidents", "Bearer " + staffToken(),
          HubClient.write(Fixtures.incident(SCHOOL, "FIRE", "III", "token-control")));
      assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
    }));
    return tests.stream();
  }

  @Test
  void aBearerSchemeInAnyCaseIsAccepted() {
    var lower = send("GET", "/api/v1/schools/" + SCHOOL, "bearer " + TestNode.token(Role.OPERATOR, "test-operator"), null);
    assertThat(lower.statusCode()).isEqualTo(200);
  }

  // --- RS256 via a JWKS file --------------------------------------------------------------

  @Test
  void rs256TokensAreAcceptedOnlyWhenSignedByAKeyOfTheConfiguredJwks() throws Exception {
    RSAKey idp = new RSAKeyGenerator(2048).keyID("idp-2026").keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).generate();
    RSAKey sameKid = new RSAKeyGenerator(2048).keyID("idp-2026").generate();
    RSAKey attacker = new RSAKeyGenerator(2048).keyID("attacker").generate();
    Path dir = Path.of("target", "token-rejection-test");
    Files.createDirectories(dir);
    Path jwks = dir.resolve("jwks.json").toAbsolutePath();
    Files.writeString(jwks, new JWKSet(idp.toPublicJWK()).toString());
    assertThat(Files.readString(jwks)).doesNotContain("\"d\"");

    try (HubNode second = TestNode.start(JWKS_KEYSPACE, Map.of("hub.auth.jwks-file", jwks.toString()))) {
      String secondBase = "http://127.0.0.1:" + second.httpPort();
      var registered = new HubClient(second.httpPort()).as(Role.OPERATOR, "test-operator")
          .post("/api/v1/schools", Fixtures.school(SCHOOL, COUNTY));
      assertThat(registered.status()).isEqualTo(201);
      String school = "/api/v1/schools/" + SCHOOL;
      JWTClaimsSet operatorClaims = claims("OPERATOR", "test-operator").build();
      JWSHeader rs256 = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("idp-2026").build();

      var accepted = send(secondBase, "GET", school, "Bearer " + sign(rs256, operatorClaims, new RSASSASigner(idp)), null);
      assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
      assertThat(JSON.readTree(accepted.body()).get("schoolId").asText()).isEqualTo(SCHOOL);

      Map<String, String> refused = new LinkedHashMap<>();
      refused.put("another RSA key under the configured kid", sign(rs256, operatorClaims, new RSASSASigner(sameKid)));
      refused.put("another RSA key under its own kid", sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("attacker").build(),
          operatorClaims, new RSASSASigner(attacker)));
      refused.put("another RSA key, without kid", sign(new JWSHeader(JWSAlgorithm.RS256), operatorClaims, new RSASSASigner(attacker)));
      refused.put("another RSA key embedded in the header (jwk)", sign(new JWSHeader.Builder(JWSAlgorithm.RS256)
          .keyID("attacker").jwk(attacker.toPublicJWK()).build(), operatorClaims, new RSASSASigner(attacker)));
      refused.put("HS256 keyed with the configured public key (algorithm confusion)",
          hs(JWSAlgorithm.HS256, operatorClaims, idp.toRSAPublicKey().getEncoded()));
      refused.put("configured key, but expired", sign(rs256, claims("OPERATOR", "test-operator")
          .issueTime(Date.from(Instant.now().minus(Duration.ofHours(3))))
          .expirationTime(Date.from(Instant.now().minus(Duration.ofHours(2)))).build(), new RSASSASigner(idp)));
      refused.put("configured key, but wrong audience", sign(rs256, claims("OPERATOR", "test-operator")
          .audience("another-api").build(), new RSASSASigner(idp)));
      refused.put("configured key, payload tampered", tampered(sign(rs256, claims("AGENCY", "fire-650102").build(),
          new RSASSASigner(idp)), p -> p.put("role", "OPERATOR").put("sub", "test-operator")));
      refused.forEach((name, token) -> {
        var response = send(secondBase, "GET", school, "Bearer " + token, null);
        assertUnauthorized(name, response);
        var report = send(secondBase, "POST", "/api/v1/schools", "Bearer " + token,
            HubClient.write(Fixtures.school("sch-650102-002", COUNTY)));
        assertUnauthorized(name, report);
      });
      var check = send(secondBase, "GET", "/api/v1/schools/sch-650102-002",
          "Bearer " + sign(rs256, operatorClaims, new RSASSASigner(idp)), null);
      assertThat(check.statusCode()).as("nothing was registered with a refused token").isEqualTo(404);
    }
  }

  // --- helpers ----------------------------------------------------------------------------

  private static void assertUnauthorized(String name, HttpResponse<String> response) {
    String what = name + " -> " + response.statusCode() + " " + response.body();
    assertThat(response.statusCode()).as(what).isEqualTo(401);
    assertThat(response.headers().firstValue("Content-Type")).as(what).hasValue("application/problem+json");
    assertThat(response.headers().firstValue("WWW-Authenticate")).as(what + ": challenge")
        .hasValueSatisfying(challenge -> assertThat(challenge).startsWith("Bearer "));
    JsonNode problem;
    try {
      problem = JSON.readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError(what + ": body is not JSON", e);
    }
    assertThat(problem.path("status").asInt()).as(what).isEqualTo(401);
    assertThat(problem.path("detail").asText()).as(what).isNotBlank();
    for (String leak : LEAKS) {
      assertThat(response.body()).as(what + ": leaks internals").doesNotContain(leak);
    }
  }

  private HttpResponse<String> send(String method, String path, String authorization, String body) {
    return send(base, method, path, authorization, body);
  }

  private static HttpResponse<String> send(String base, String method, String path, String authorization, String body) {
    var builder = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      builder.header("Content-Type", "application/json");
    }
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    try {
      return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError(method + " " + path + ": no HTTP answer", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
