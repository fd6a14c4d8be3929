package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.schoolsafety.edge.Fixtures.created;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * The HTTP server lives and dies with the node's actor system: coordinated shutdown unbinds the
 * port, ends live streams cleanly, answers what is in flight and only then lets the node go; a
 * node that cannot bind its port stops its actor system.
 */
@ExtendWith(SharedCassandra.class)
class CoordinatedShutdownTest {

  static final String SCHOOL = "sch-650102-001";
  static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void shutdownRefusesNewConnectionsEndsStreamsAnswersRequestsInFlightAndTerminates() throws Exception {
    HubNode node = TestNode.start("it_shutdown", Map.of(
        // Room for the test to hold a request in flight while it watches the shutdown begin.
        "hub.http.shutdown.drain-deadline", "30s",
        "pekko.coordinated-shutdown.phases.service-requests-done.timeout", "40s",
        "pekko.http.server.request-timeout", "60s"));
    try {
      int port = node.httpPort();
      var anonymous = new HubClient(port);
      created(Fixtures.postSchool(anonymous.as(Role.OPERATOR, "ops"), Fixtures.school(SCHOOL, "650102")));

      // A command center's live stream.
      var stream = new SseClient(port, "/api/v1/stream/incidents?region=650102",
          TestNode.token(Role.COMMAND_CENTER, "650102"), null);
      assertThat(stream.status()).isEqualTo(200);

      // A keep-alive connection that has been answered and sits idle.
      Socket idle = new Socket("127.0.0.1", port);
      idle.setSoTimeout((int) WAIT.toMillis()); // a read that would hang fails instead
      idle.getOutputStream().write(("GET /health/alive HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      assertThat(RawResponse.read(idle.getInputStream()).status()).isEqualTo(200);

      // A report whose body is still on its way: in flight when the shutdown begins.
      var report = new LinkedHashMap<>(Fixtures.incident(SCHOOL, "FIRE", "III", "in-flight-at-shutdown"));
      byte[] body = HubClient.write(report).getBytes(StandardCharsets.UTF_8);
      Socket slow = new Socket("127.0.0.1", port);
      slow.setSoTimeout((int) WAIT.toMillis());
      OutputStream slowOut = slow.getOutputStream();
      slowOut.write(("POST /api/v1/incidents HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Authorization: Bearer " + TestNode.token(Role.SCHOOL_STAFF, SCHOOL) + "\r\n"
          + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      slowOut.write(Arrays.copyOfRange(body, 0, body.length / 2));
      slowOut.flush();
      await().atMost(WAIT).until(() -> node.connections().inFlight() == 2); // the stream and the report

      CompletableFuture<?> shutdown = CoordinatedShutdown.get(node.system())
          .run(CoordinatedShutdown.unknownReason(), Optional.empty()).toCompletableFuture();

      // service-unbind: nobody can connect any more.
      await().atMost(WAIT).until(() -> refusesConnections(port));
      // service-requests-done: the stream ends cleanly (its client may resume elsewhere with
      // Last-Event-ID), the idle connection is closed, the node waits for the report.
      await().atMost(WAIT).until(() -> node.connections().isDraining());
      await().atMost(WAIT).until(() -> stream.ended().isDone());
      assertThat(stream.ended()).isCompleted(); // normally: the last chunk came, no broken connection
      assertThat(idle.getInputStream().read()).as("the idle connection is closed").isEqualTo(-1);
      assertThat(node.whenTerminated()).isNotDone();
      assertThat(node.connections().inFlight()).isEqualTo(1);

      // The rest of the report arrives: it is accepted (durably, as ever), and the answer closes
      // the connection.
      slowOut.write(Arrays.copyOfRange(body, body.length / 2, body.length));
      slowOut.flush();
      var answer = RawResponse.read(slow.getInputStream());
      assertThat(answer.status()).as(answer.text()).isEqualTo(201);
      assertThat(answer.headers().toLowerCase()).contains("connection: close");
      assertThat(slow.getInputStream().read()).isEqualTo(-1);

      // Then sharding hands off, the node leaves the cluster and the system terminates.
      await().atMost(WAIT).until(shutdown::isDone);
      await().atMost(WAIT).until(() -> node.whenTerminated().isDone());
      assertThat(node.connections().connections()).isZero();
      idle.close();
      slow.close();
    } finally {
      node.close();
    }
  }

  @Test
  void aNodeThatCannotBindItsPortStopsItsActorSystem() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      Config config = TestNode.config("it_shutdown", Map.of("hub.http.port", taken.getLocalPort()));
      ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "hub", config);
      assertThatThrownBy(() -> HubNode.startOn(system, config, StartupGate.opened()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cannot serve HTTP on 127.0.0.1:" + taken.getLocalPort());
      // Thrown only once the system is gone (and without exiting the JVM).
      assertThat(system.getWhenTerminated().toCompletableFuture()).isDone();
    }
  }

  @Test
  void aNodeThatCannotStartLeavesTheJvmToItsStarterWhileSigtermStillExitsIt() {
    Config shipped = ConfigFactory.load();
    assertThat(shipped.getBoolean("pekko.coordinated-shutdown.exit-jvm")).isTrue();
    String override = ConfigUtil.joinPath("pekko", "coordinated-shutdown", "reason-overrides",
        HubNode.StartFailed.INSTANCE.getClass().getName(), "exit-jvm");
    assertThat(shipped.getBoolean(override)).isFalse();
    // Draining must fit in its phase, or shutdown moves on while requests are still answered.
    assertThat(shipped.getDuration("pekko.coordinated-shutdown.phases.service-requests-done.timeout"))
        .isGreaterThan(shipped.getDuration("hub.http.shutdown.drain-deadline"));
  }

  private static boolean refusesConnections(int port) {
    try (Socket ignored = new Socket("127.0.0.1", port)) {
      return false;
    } catch (ConnectException refused) {
      return true;
    } catch (IOException other) {
      return false;
    }
  }
}
