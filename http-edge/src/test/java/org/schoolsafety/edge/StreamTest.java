package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.schoolsafety.edge.Fixtures.created;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.persistence.testing.SharedCassandra;

/** Live incident and agency streams over real SSE connections. */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamTest {

  static final Duration WAIT = Duration.ofSeconds(30);

  private HubNode node;
  private HubClient anonymous;
  private int refs;

  @BeforeAll
  void setUp() {
    // A small live buffer and socket buffers so that a client that stops reading overflows fast.
    node = TestNode.start("it_streams", Map.of(
        "hub.http.streams.buffer", 8,
        "pekko.http.server.socket-options.so-send-buffer-size", 4096));
    anonymous = new HubClient(node.httpPort());
    for (String county : List.of("110105", "110228", "120101")) {
      Fixtures.registerRegion(anonymous, county);
      created(Fixtures.postSchool(anonymous.as(Role.OPERATOR, "ops"), Fixtures.school("sch-" + county, county)));
    }
  }

  @AfterAll
  void tearDown() {
    if (node != null) {
      node.close();
    }
  }

  private String report(String county) {
    return created(anonymous.as(Role.SCHOOL_STAFF, "sch-" + county)
        .post("/api/v1/incidents", Fixtures.incident("sch-" + county, "BULLYING", "III", "stream-" + (++refs))))
        .body().get("incidentId").asText();
  }

  private SseClient watch(String region, String principalRegion, Long lastEventId) {
    return new SseClient(node.httpPort(), "/api/v1/stream/incidents?region=" + region,
        TestNode.token(Role.COMMAND_CENTER, principalRegion), lastEventId);
  }

  @Test
  void aClientThatReconnectsWithLastEventIdGetsExactlyWhatItMissedInOrder() throws Exception {
    List<SseClient.Event> seen;
    try (SseClient client = watch("1101", "11", null)) {
      assertThat(client.status()).isEqualTo(200);
      String first = report("110105");
      String second = report("110105");
      // Each BULLYING report makes two events: reported, then dispatched (education).
      seen = client.take(4, WAIT);
      assertThat(seen).extracting(e -> e.data().get("incidentId").asText())
          .containsExactlyInAnyOrder(first, first, second, second);
    }
    long lastId = seen.get(seen.size() - 1).id();

    List<String> missed = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      missed.add(report("110105"));
    }
    try (SseClient resumed = watch("1101", "11", lastId)) {
      var got = resumed.take(6, WAIT);
      assertThat(got).extracting(SseClient.Event::id)
          .containsExactly(lastId + 1, lastId + 2, lastId + 3, lastId + 4, lastId + 5, lastId + 6);
      assertThat(got.stream().map(e -> e.data().get("incidentId").asText()).distinct())
          .containsExactlyInAnyOrderElementsOf(missed);
      for (String id : missed) {
        assertThat(got.stream().filter(e -> e.data().get("incidentId").asText().equals(id))
            .map(e -> e.data().get("event").asText())).containsExactly("reported", "dispatched");
      }
      // ... and then it goes on live.
      String live = report("110105");
      var next = resumed.take(2, WAIT);
      assertThat(next).extracting(SseClient.Event::id).containsExactly(lastId + 7, lastId + 8);
      assertThat(next.get(0).data().get("incidentId").asText()).isEqualTo(live);
    }
  }

  @Test
  void aClientWatchingARegionNeverSeesAnotherRegionsEvents() throws Exception {
    try (SseClient client = watch("1101", "1101", null)) {
      assertThat(client.status()).isEqualTo(200);
      String inside = report("110105");
      report("110228"); // same province, other city (1102)
      report("120101"); // other province
      String marker = report("110105");
      var events = client.until(e -> e.data().get("incidentId").asText().equals(marker)
          && e.data().get("event").asText().equals("dispatched"), WAIT);
      assertThat(events).isNotEmpty();
      assertThat(events).allSatisfy(e -> assertThat(e.data().get("regionCode").asText()).startsWith("1101"));
      assertThat(events.stream().map(e -> e.data().get("incidentId").asText()).collect(Collectors.toSet()))
          .containsExactlyInAnyOrder(inside, marker);
    }
    // A command center may not watch beyond its own region.
    try (SseClient outside = watch("12", "11", null)) {
      assertThat(outside.status()).isEqualTo(403);
    }
  }

  @Test
  void aClientThatStopsReadingIsDisconnectedWithoutHoldingUpOthers() throws Exception {
    // Drill streams of two operators of their own, so that other tests' streams do not count.
    String slowReader = "operator:slow-reader";
    try (Socket slow = new Socket();
        SseClient healthy = new SseClient(node.httpPort(), "/api/v1/stream/incidents?region=11&mode=EXERCISE",
            TestNode.token(Role.OPERATOR, "healthy-reader"), null)) {
      assertThat(healthy.status()).isEqualTo(200);
      slow.setReceiveBufferSize(1024);
      slow.connect(new InetSocketAddress("127.0.0.1", node.httpPort()));
      OutputStream out = slow.getOutputStream();
      out.write(("GET /api/v1/stream/incidents?region=11&mode=EXERCISE HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Authorization: Bearer " + TestNode.token(Role.OPERATOR, "slow-reader") + "\r\n"
          + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      await().atMost(WAIT).until(() -> node.streams().openBy(slowReader) == 1);

      // Drill events until the socket buffers and the slow client's live buffer are full and
      // the hub lets it go (bounded: a hub that never did would fail the assertion below).
      var reported = new ArrayList<String>();
      while (node.streams().openBy(slowReader) == 1 && reported.size() < 1000) {
        reported.add(exercise("110105"));
      }
      assertThat(node.streams().openBy(slowReader)).isZero();
      String last = reported.get(reported.size() - 1);
      var events = healthy.until(e -> e.data().get("incidentId").asText().equals(last)
          && e.data().get("event").asText().equals("dispatched"), Duration.ofSeconds(60));
      assertThat(events.stream().map(e -> e.data().get("incidentId").asText()).collect(Collectors.toSet()))
          .containsAll(reported);
      assertThat(node.streams().openBy("operator:healthy-reader")).isEqualTo(1);
      // The slow client's connection was closed by the hub: reading it ends (EOF or reset),
      // where a live connection would block until the read timeout.
      InputStream in = slow.getInputStream();
      slow.setSoTimeout((int) WAIT.toMillis());
      try {
        while (in.read(new byte[8192]) >= 0) {
          // drain until the hub's close arrives
        }
      } catch (java.net.SocketException reset) {
        assertThat(reset.getMessage()).containsIgnoringCase("reset");
      }
    }
  }

  private String exercise(String county) {
    var body = new java.util.LinkedHashMap<>(Fixtures.incident("sch-" + county, "BULLYING", "III", "drill-" + (++refs)));
    body.put("mode", "EXERCISE");
    return created(anonymous.as(Role.SCHOOL_STAFF, "sch-" + county).post("/api/v1/incidents", body))
        .body().get("incidentId").asText();
  }

  @Test
  void disconnectedClientsReleaseTheirStreams() throws Exception {
    String principal = "operator:leaver";
    var clients = new ArrayList<SseClient>();
    for (int i = 0; i < 3; i++) {
      SseClient c = new SseClient(node.httpPort(), "/api/v1/stream/incidents?region=11&mode=EXERCISE",
          TestNode.token(Role.OPERATOR, "leaver"), null);
      assertThat(c.status()).isEqualTo(200);
      clients.add(c);
    }
    await().atMost(WAIT).until(() -> node.streams().openBy(principal) == 3);
    clients.forEach(SseClient::close);
    // The hub notices on its next write: an event or a heartbeat.
    exercise("110105");
    await().atMost(WAIT).until(() -> node.streams().openBy(principal) == 0);
  }

  @Test
  void anAgencySeesItsDispatchesLiveAndCanResume() throws Exception {
    String token = TestNode.token(Role.AGENCY, "education-120101");
    long lastId;
    String first;
    try (SseClient agency = new SseClient(node.httpPort(), "/api/v1/agencies/education-120101/stream", token, null)) {
      assertThat(agency.status()).isEqualTo(200);
      first = report("120101");
      var got = agency.take(1, WAIT);
      assertThat(got).hasSize(1);
      assertThat(got.get(0).type()).isEqualTo("dispatch");
      assertThat(got.get(0).data().get("dispatch").get("incidentId").asText()).isEqualTo(first);
      assertThat(got.get(0).data().get("dispatch").get("state").asText()).isEqualTo("NOTIFIED");
      lastId = got.get(0).id();
    }
    var ack = anonymous.as(Role.AGENCY, "education-120101")
        .post("/api/v1/incidents/" + first + "/acks", Map.of("agencyId", "education-120101"));
    assertThat(ack.status()).isEqualTo(200);
    try (SseClient resumed = new SseClient(node.httpPort(), "/api/v1/agencies/education-120101/stream", token, lastId)) {
      var got = resumed.until(e -> e.data().get("dispatch").get("state").asText().equals("ACKNOWLEDGED"), WAIT);
      assertThat(got).isNotEmpty();
      assertThat(got).extracting(SseClient.Event::id).allSatisfy(id -> assertThat(id).isGreaterThan(lastId));
      assertThat(got.get(got.size() - 1).data().get("dispatch").get("incidentId").asText()).isEqualTo(first);
    }
    var other = new SseClient(node.httpPort(), "/api/v1/agencies/education-120101/stream",
        TestNode.token(Role.AGENCY, "police-120101"), null);
    assertThat(other.status()).isEqualTo(403);
    other.close();
  }
}
