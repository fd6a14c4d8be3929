package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.schoolsafety.edge.Fixtures.created;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.edge.webhook.Signatures;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * Pushed notices end to end: a real node on the shared Cassandra POSTs an agency's inbox
 * changes to a local receiver (com.sun.net.httpserver) that is first not there at all
 * (connection refused), then slow (answers after the hub's request timeout), then answers 500,
 * then recovers. Meanwhile the node is stopped with notices pending and started again on the
 * same keyspace. Every notice arrives, in order per incident, signed; nothing is lost.
 */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookDeliveryTest {

  static final String KEYSPACE = "it_webhooks";
  static final String SCHOOL = "sch-650102-001";
  static final String FIRE = "fire-650102";
  static final String SECRET = "s3cr3t-of-the-fire-brigade-650102";
  static final ObjectMapper JSON = new ObjectMapper();
  static final Map<String, Object> CONFIG = Map.of(
      // The receiver is on this machine, over plain http: both must be allowed explicitly.
      "hub.webhooks.allow-http", "on",
      "hub.webhooks.allowed-networks", List.of("127.0.0.0/8"),
      "hub.webhooks.poll-interval", "200ms",
      "hub.webhooks.request-timeout", "1s",
      "hub.webhooks.retry.min-backoff", "200ms",
      "hub.webhooks.retry.max-backoff", "1s");

  /** A notice as the receiver took it (answered 204). */
  record Received(String noticeId, String subject, long sequence, String state, JsonNode body) {}

  private HubNode node;
  private HttpServer receiver;
  private ExecutorService receiverThreads;
  private final AtomicInteger requests = new AtomicInteger();
  private final CountDownLatch releaseSlow = new CountDownLatch(1);
  private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> badSignatures = new ConcurrentLinkedQueue<>();
  private int receiverPort;

  @BeforeAll
  void start() throws IOException {
    node = TestNode.start(KEYSPACE, CONFIG);
    var anonymous = new HubClient(node.httpPort());
    Fixtures.registerRegion(anonymous, "650102");
    created(Fixtures.postSchool(anonymous.as(Role.OPERATOR, "ops"), Fixtures.school(SCHOOL, "650102")));
    try (var free = new ServerSocket(0)) {
      receiverPort = free.getLocalPort(); // nothing listens here until the receiver starts
    }
  }

  @AfterAll
  void stop() {
    releaseSlow.countDown();
    if (receiver != null) {
      receiver.stop(0);
      receiverThreads.shutdownNow();
    }
    if (node != null) {
      node.close();
    }
  }

  private HubClient as(Role role, String subject) {
    return new HubClient(node.httpPort()).as(role, subject);
  }

  @Test
  void everyNoticeArrivesInOrderPerIncidentSignedAcrossFailuresAndARestart() throws Exception {
    HubClient fire = as(Role.AGENCY, FIRE);
    var registered = created(fire.post("/api/v1/agencies/" + FIRE + "/webhooks",
        Map.of("url", "http://127.0.0.1:" + receiverPort + "/hooks/fire", "secret", SECRET)));
    String webhookId = registered.body().get("webhookId").asText();
    assertThat(registered.body().has("secret")).isFalse();
    assertThat(registered.header("Location")).isEqualTo("/api/v1/agencies/" + FIRE + "/webhooks/" + webhookId);

    // Three fires: the brigade is dispatched to each and acknowledges two of them.
    HubClient staff = as(Role.SCHOOL_STAFF, SCHOOL);
    List<String> incidents = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      incidents.add(created(staff.post("/api/v1/incidents", Fixtures.incident(SCHOOL, "FIRE", "III", "webhook-" + i)))
          .body().get("incidentId").asText());
    }
    for (String id : incidents.subList(0, 2)) {
      await().atMost(Duration.ofSeconds(20)).until(() -> fire.get("/api/v1/agencies/" + FIRE + "/dispatches")
          .body().get("dispatches").findValuesAsText("incidentId").contains(id));
      assertThat(fire.post("/api/v1/incidents/" + id + "/acks", Map.of("agencyId", FIRE)).status()).isEqualTo(200);
    }

    // Nothing listens: the notices wait in the outbox. Stop the node while they do.
    await().atMost(Duration.ofSeconds(30)).until(() -> pending(fire, webhookId) >= 5);
    int pendingBeforeRestart = pending(fire, webhookId);
    assertThat(received).isEmpty();
    node.close();
    node = TestNode.start(KEYSPACE, CONFIG);
    HubClient fireAgain = as(Role.AGENCY, FIRE);
    // Another change while the receiver is still away: a continuation report raising the level.
    assertThat(as(Role.SCHOOL_STAFF, SCHOOL).post("/api/v1/incidents/" + incidents.get(2) + "/reports",
        Map.of("kind", "CONTINUATION", "summary", "spreading", "level", "II")).status()).isEqualTo(201);

    // The receiver comes: two slow answers (after the hub's 1 s timeout), three 500s, then 204s.
    startReceiver();
    await().atMost(Duration.ofSeconds(90)).until(() -> {
      JsonNode hook = webhook(fireAgain, webhookId);
      return hook != null && hook.get("pending").asInt() == 0 && received.size() >= pendingBeforeRestart;
    });

    assertThat(badSignatures).as("every signature verifies").isEmpty();
    assertThat(requests.get()).as("the slow and failing answers were retried").isGreaterThan(received.size());
    JsonNode hook = webhook(fireAgain, webhookId);
    assertThat(hook.get("deadLetters").asInt()).isZero();

    // Every notice arrived: the agency journal's positions from the first to the last, no gap.
    TreeSet<Long> sequences = new TreeSet<>();
    received.forEach(r -> sequences.add(r.sequence()));
    assertThat(sequences.last() - sequences.first() + 1).as("no notice lost: " + sequences).isEqualTo(sequences.size());
    // ... for every incident, its dispatch, both acknowledgements, and the level raised after the restart
    Map<String, List<Received>> bySubject = new HashMap<>();
    received.forEach(r -> bySubject.computeIfAbsent(r.subject(), k -> new ArrayList<>()).add(r));
    assertThat(bySubject.keySet()).containsAll(incidents);
    for (String id : incidents.subList(0, 2)) {
      assertThat(bySubject.get(id)).extracting(Received::state).contains("NOTIFIED", "ACKNOWLEDGED");
    }
    assertThat(bySubject.get(incidents.get(2))).extracting(r -> r.body().get("dispatch").get("level").asText())
        .contains("III", "II");
    // In order per incident: the positions of what was taken never go back (a repeat is at least once).
    bySubject.forEach((subject, list) -> {
      for (int i = 1; i < list.size(); i++) {
        assertThat(list.get(i).sequence()).as(subject + " in order: " + list).isGreaterThanOrEqualTo(list.get(i - 1).sequence());
      }
    });
    // The idempotency id is the agency's journal position: one per notice, repeated on a redelivery.
    Set<String> ids = new HashSet<>();
    received.forEach(r -> ids.add(r.noticeId()));
    assertThat(ids).hasSize(sequences.size());
    received.forEach(r -> assertThat(r.noticeId()).isEqualTo("ntc-" + FIRE + "-" + r.sequence()));
  }

  /**
   * Refused URLs (SSRF) and bad bodies: a 400 naming the field, and no webhook is added. This
   * node allows loopback and plain http (for its receiver), but never the rest.
   */
  @Test
  void internalAndMetadataUrlsAndBadBodiesAreRefusedAndChangeNothing() {
    HubClient police = as(Role.AGENCY, "police-650102");
    String path = "/api/v1/agencies/police-650102/webhooks";
    for (String url : List.of("http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/",
        "http://100.100.100.200/", "http://10.0.0.7/hook", "http://192.168.1.20/hook", "http://[::1]/hook",
        "http://[fe80::1]/hook", "http://0.0.0.0/hook", "ftp://127.0.0.1/hook", "file:///etc/passwd",
        "http://user:pw@127.0.0.1/hook", "http://no-such-host.invalid/hook", "/hook")) {
      var refused = police.post(path, Map.of("url", url, "secret", SECRET));
      assertThat(refused.status()).as(url + ": " + refused.body()).isEqualTo(400);
      assertThat(refused.contentType()).isEqualTo("application/problem+json");
      assertThat(refused.body().get("errors").findValuesAsText("field")).as(url).containsExactly("url");
    }
    var both = police.post(path, Map.of("url", "gopher://x", "secret", "short"));
    assertThat(both.status()).isEqualTo(400);
    assertThat(both.body().get("errors").findValuesAsText("field")).containsExactlyInAnyOrder("url", "secret");
    assertThat(police.post(path, Map.of("url", "http://127.0.0.1:9/hook", "secret", SECRET + " with spaces"))
        .body().get("errors").findValuesAsText("field")).containsExactly("secret");
    assertThat(police.get(path).body().get("webhooks")).isEmpty();
  }

  /**
   * The outbox's own journal: how many Cassandra writes one delivered notice cost (printed), and
   * that the figure stays at one queueing write per batch plus one write per delivery.
   */
  @Test
  void writesPerDeliveredNotice() {
    String agency = "education-650102";
    HubClient edu = as(Role.AGENCY, agency);
    var counting = new ConcurrentLinkedQueue<String>();
    HttpServer quick;
    try {
      quick = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    quick.createContext("/edu", exchange -> {
      counting.add(JSON.readTree(exchange.getRequestBody().readAllBytes()).get("noticeId").asText());
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    quick.start();
    try {
      String webhookId = created(edu.post("/api/v1/agencies/" + agency + "/webhooks", Map.of("url",
          "http://127.0.0.1:" + quick.getAddress().getPort() + "/edu", "secret", SECRET))).body().get("webhookId").asText();
      HubClient staff = as(Role.SCHOOL_STAFF, SCHOOL);
      for (int i = 1; i <= 10; i++) {
        created(staff.post("/api/v1/incidents", Fixtures.incident(SCHOOL, "FIRE", "III", "webhook-writes-" + i)));
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> counting.size() >= 10 && webhookPending(edu, agency, webhookId) == 0);
      long events = journalEvents("AgencyWebhooks|" + agency);
      int delivered = new HashSet<>(counting).size();
      double perNotice = (events - 1) / (double) delivered; // the registration is written once
      System.out.printf("WebhookDeliveryTest: %d notices delivered, %d outbox journal writes after the registration:"
          + " %.2f writes per delivered notice%n", delivered, events - 1, perNotice);
      assertThat(perNotice).isGreaterThanOrEqualTo(1.0).isLessThanOrEqualTo(2.0);
    } finally {
      quick.stop(0);
    }
  }

  private long journalEvents(String persistenceId) {
    var journal = PersistenceQuery.get(Adapter.toClassic(node.system()))
        .getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier());
    try {
      return journal.currentEventsByPersistenceId(persistenceId, 0, Long.MAX_VALUE)
          .runWith(Sink.seq(), node.system()).toCompletableFuture()
          .get(20, TimeUnit.SECONDS).size();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static int webhookPending(HubClient client, String agency, String webhookId) {
    for (JsonNode w : client.get("/api/v1/agencies/" + agency + "/webhooks").body().get("webhooks")) {
      if (w.get("webhookId").asText().equals(webhookId)) {
        return w.get("pending").asInt();
      }
    }
    return -1;
  }

  private static int pending(HubClient client, String webhookId) {
    JsonNode hook = webhook(client, webhookId);
    return hook == null ? -1 : hook.get("pending").asInt();
  }

  private static JsonNode webhook(HubClient client, String webhookId) {
    var list = client.get("/api/v1/agencies/" + FIRE + "/webhooks");
    if (list.status() != 200) {
      return null;
    }
    for (JsonNode w : list.body().get("webhooks")) {
      if (w.get("webhookId").asText().equals(webhookId)) {
        return w;
      }
    }
    return null;
  }

  private void startReceiver() throws IOException {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", receiverPort), 50);
    receiverThreads = Executors.newCachedThreadPool();
    receiver.setExecutor(receiverThreads);
    receiver.createContext("/hooks/fire", this::receive);
    receiver.start();
  }

  /** What an integrator's receiver does: verify the signature and the timestamp, then take the notice. */
  private void receive(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    int n = requests.incrementAndGet();
    try {
      if (n <= 2) {
        // slow: answers only after the hub has given up on this attempt (or when the test ends)
        releaseSlow.await(5, TimeUnit.SECONDS);
        exchange.sendResponseHeaders(204, -1);
        return;
      }
      if (n <= 5) {
        exchange.sendResponseHeaders(500, -1);
        return;
      }
      String timestamp = exchange.getRequestHeaders().getFirst(Signatures.TIMESTAMP);
      String signature = exchange.getRequestHeaders().getFirst(Signatures.SIGNATURE);
      String expected = Signatures.sign(SECRET, Long.parseLong(timestamp), body);
      long age = Math.abs(Instant.now().getEpochSecond() - Long.parseLong(timestamp));
      if (!expected.equals(signature) || age > 300) {
        badSignatures.add(signature + " at " + timestamp);
        exchange.sendResponseHeaders(401, -1);
        return;
      }
      JsonNode notice = JSON.readTree(body);
      assertThat(exchange.getRequestHeaders().getFirst(Signatures.NOTICE_ID)).isEqualTo(notice.get("noticeId").asText());
      received.add(new Received(notice.get("noticeId").asText(), notice.get("subject").asText(),
          notice.get("sequence").asLong(), notice.path("dispatch").path("state").asText(), notice));
      exchange.sendResponseHeaders(204, -1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      exchange.close();
    }
  }
}
