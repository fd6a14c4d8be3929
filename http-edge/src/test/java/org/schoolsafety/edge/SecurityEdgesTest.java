package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.schoolsafety.edge.Fixtures.created;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.persistence.testing.SharedCassandra;

/** Audit trail, masking, security headers, closed CORS, rate limiting and TLS, for real. */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityEdgesTest {

  static final String SCHOOL = "sch-650102-001";

  private HubNode node;
  private HubClient anonymous;
  private String incident;

  @BeforeAll
  void setUp() {
    node = TestNode.start("it_security_edges", Map.of());
    anonymous = new HubClient(node.httpPort());
    Fixtures.registerRegion(anonymous, "650102");
    created(Fixtures.postSchool(anonymous.as(Role.OPERATOR, "ops"), Fixtures.school(SCHOOL, "650102")));
    incident = created(anonymous.as(Role.SCHOOL_STAFF, SCHOOL)
        .post("/api/v1/incidents", Fixtures.incident(SCHOOL, "FIRE", "III", "security-1")))
        .body().get("incidentId").asText();
    await().atMost(Duration.ofSeconds(20)).until(() -> anonymous.as(Role.COMMAND_CENTER, "65")
        .get("/api/v1/incidents/" + incident).body().get("status").asText().equals("DISPATCHED"));
  }

  @AfterAll
  void tearDown() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void theAuditTrailIsTheJournalWithWhoDidWhat() {
    var ack = anonymous.as(Role.AGENCY, "fire-650102")
        .post("/api/v1/incidents/" + incident + "/acks", Map.of("agencyId", "fire-650102"));
    assertThat(ack.status()).isEqualTo(200);
    var audit = anonymous.as(Role.COMMAND_CENTER, "6501").get("/api/v1/incidents/" + incident + "/audit");
    assertThat(audit.status()).isEqualTo(200);
    var entries = audit.body().get("entries");
    assertThat(entries.findValuesAsText("event")).containsExactly("reported", "dispatched", "acknowledged");
    assertThat(entries.findValuesAsText("by")).containsExactly(
        "school-staff:" + SCHOOL, "hub", "agency:fire-650102");
    for (int i = 0; i < entries.size(); i++) {
      assertThat(entries.get(i).get("sequenceNr").asLong()).isEqualTo(i + 1);
    }
  }

  @Test
  void reporterPhoneNumbersAreShownOnlyToThoseWhoNeedThem() {
    String path = "/api/v1/incidents/" + incident;
    String full = "+86 138 0000 0000";
    assertThat(phone(anonymous.as(Role.SCHOOL_STAFF, SCHOOL).get(path))).isEqualTo(full);
    assertThat(phone(anonymous.as(Role.AGENCY, "health-650102").get(path))).isEqualTo(full);
    assertThat(phone(anonymous.as(Role.COMMAND_CENTER, "65").get(path))).isEqualTo(full);
    assertThat(phone(anonymous.as(Role.SENSOR_GATEWAY, SCHOOL).get(path))).isEqualTo("****00");
  }

  private static String phone(HubClient.Response response) {
    assertThat(response.status()).isEqualTo(200);
    return response.body().get("reports").get(0).get("reporter").get("phone").asText();
  }

  @Test
  void everyAnswerCarriesSecurityHeadersAndCorsStaysClosed() {
    for (var response : List.of(anonymous.get("/health/alive"),
        anonymous.as(Role.OPERATOR, "ops").get("/api/v1/schools/" + SCHOOL),
        anonymous.get("/api/v1/schools/" + SCHOOL))) {
      assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
      assertThat(response.header("Content-Security-Policy")).contains("frame-ancestors 'none'");
      assertThat(response.header("X-Frame-Options")).isEqualTo("DENY");
      assertThat(response.header("Access-Control-Allow-Origin")).isNull();
    }
    var withOrigin = anonymous.as(Role.OPERATOR, "ops")
        .post("/api/v1/schools", Fixtures.school("sch-cors", "650102"), Map.of("Origin", "https://evil.example"));
    assertThat(withOrigin.header("Access-Control-Allow-Origin")).isNull();
  }

  @Test
  void aPrincipalOverItsRateIsToldToWaitAndOthersAreNot() {
    try (HubNode limited = TestNode.start("it_rate_limit", Map.of(
        "hub.http.rate-limit.burst", 3, "hub.http.rate-limit.per-second", 1))) {
      HubClient client = new HubClient(limited.httpPort());
      HubClient greedy = client.as(Role.OPERATOR, "greedy");
      var statuses = new ArrayList<Integer>();
      HubClient.Response refused = null;
      for (int i = 0; i < 30 && refused == null; i++) {
        var response = greedy.get("/api/v1/schools/sch-none");
        statuses.add(response.status());
        if (response.status() == 429) {
          refused = response;
        }
      }
      assertThat(refused).as("statuses %s", statuses).isNotNull();
      assertThat(refused.contentType()).isEqualTo("application/problem+json");
      assertThat(Long.parseLong(refused.header("Retry-After"))).isPositive();
      assertThat(client.as(Role.OPERATOR, "patient").get("/api/v1/schools/sch-none").status()).isEqualTo(404);
    }
  }

  @Test
  void theApiIsServedOverHttpsWithAConfiguredKeystore() throws Exception {
    Path dir = Files.createDirectories(Path.of("target", "tls-test"));
    Path keystore = dir.resolve("hub.p12");
    Files.deleteIfExists(keystore);
    var keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "hub", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
        "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "changeit")
        .redirectErrorStream(true).start();
    assertThat(keytool.waitFor()).isZero();

    try (HubNode tls = TestNode.start("it_tls", Map.of(
        "hub.http.tls.enabled", "on",
        "hub.http.tls.keystore", keystore.toString(),
        "hub.http.tls.keystore-password", "changeit"))) {
      HttpClient https = HttpClient.newBuilder().sslContext(trusting(keystore)).build();
      var response = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + tls.httpPort() + "/health/alive"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).contains("alive");
      assertThatThrownBy(() -> HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tls.httpPort() + "/health/alive"))
              .timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString())).isInstanceOf(java.io.IOException.class);
    }
  }

  private static SSLContext trusting(Path keystore) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, "changeit".toCharArray());
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }
}
