package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How the guard drains its connections, on a bare server (no cluster, no Cassandra). */
class ConnectionGuardTest {

  static final Duration WAIT = Duration.ofSeconds(30);

  private ActorSystem<Void> system;
  private ConnectionGuard guard;
  private ServerBinding binding;

  @BeforeEach
  void setUp() throws Exception {
    system = ActorSystem.create(Behaviors.empty(), "guard", ConfigFactory.parseString(
            "pekko.actor.provider = local\npekko.coordinated-shutdown.exit-jvm = off")
        .withFallback(ConfigFactory.load()));
    Materializer materializer = Materializer.matFromSystem(system);
    guard = new ConnectionGuard(16, 16, Duration.ofSeconds(10), new RequestBodies(1 << 20, request -> 64 * 1024));
    // Echoes the request's body once all of it has arrived.
    binding = guard.bind(Http.get(system).newServerAt("127.0.0.1", 0),
            request -> echo(request, materializer), materializer)
        .toCompletableFuture().get();
  }

  private static CompletionStage<HttpResponse> echo(HttpRequest request, Materializer materializer) {
    if (request.getUri().path().equals("/events")) {
      // One event, then nothing more, ever.
      return CompletableFuture.completedFuture(HttpResponse.create().withEntity(HttpEntities.createChunked(
          MediaTypes.TEXT_EVENT_STREAM.toContentType(),
          Source.single(ByteString.fromString("data: hello\n\n")).concat(Source.maybe()))));
    }
    return request.entity().toStrict(WAIT.toMillis(), materializer)
        .thenApply(body -> HttpResponse.create().withEntity("got " + body.getData().utf8String()));
  }

  @AfterEach
  void tearDown() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }

  private Socket postWithHalfTheBody() throws IOException {
    Socket socket = new Socket("127.0.0.1", binding.localAddress().getPort());
    socket.setSoTimeout((int) WAIT.toMillis());
    socket.getOutputStream().write(("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
        + "Content-Length: 10\r\n\r\nhello").getBytes(StandardCharsets.US_ASCII));
    await().atMost(WAIT).until(() -> guard.inFlight() == 1);
    return socket;
  }

  @Test
  void aConnectionItsClientClosedIsLetGoAtOnceNotWhenTheFirstRequestWindowEnds() throws Exception {
    // A first-request window far longer than the wait: the connection must be let go because its
    // client closed it, not because the window ran out. Were the window's timer to hold every
    // connection younger than the window, a client opening many short connections (one per
    // timed-out request) would reach max-connections-per-address and be refused.
    Materializer materializer = Materializer.matFromSystem(system);
    var patient = new ConnectionGuard(16, 16, Duration.ofMinutes(10), new RequestBodies(1 << 20, request -> 64 * 1024));
    ServerBinding second = patient.bind(Http.get(system).newServerAt("127.0.0.1", 0),
        request -> echo(request, materializer), materializer).toCompletableFuture().get();
    try (Socket socket = new Socket("127.0.0.1", second.localAddress().getPort())) {
      socket.setSoTimeout((int) WAIT.toMillis());
      socket.getOutputStream().write(("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
          + "Content-Length: 2\r\n\r\nhi").getBytes(StandardCharsets.US_ASCII));
      assertThat(RawResponse.read(socket.getInputStream()).whole()).startsWith("HTTP/1.1 200").endsWith("got hi");
      assertThat(patient.connections()).isEqualTo(1);
    }
    await().atMost(WAIT).until(() -> patient.connections() == 0);
    assertThat(patient.openFrom(java.net.InetAddress.getByName("127.0.0.1"))).isZero();
    assertThat(patient.closedWithoutRequest()).isZero();
    second.unbind().toCompletableFuture().get();
  }

  @Test
  void aRequestInFlightIsAnsweredWithConnectionCloseAndThenTheDrainCompletes() throws Exception {
    Socket idle = new Socket("127.0.0.1", binding.localAddress().getPort());
    idle.setSoTimeout((int) WAIT.toMillis());
    try (Socket socket = postWithHalfTheBody()) {
      await().atMost(WAIT).until(() -> guard.connections() == 2);
      binding.unbind().toCompletableFuture().get();
      CompletableFuture<Done> drained = guard.drain(WAIT).toCompletableFuture();

      assertThat(idle.getInputStream().read()).as("an idle connection closes at once").isEqualTo(-1);
      assertThat(drained).isNotDone();
      OutputStream out = socket.getOutputStream();
      out.write("world".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String response = RawResponse.read(socket.getInputStream()).whole();
      assertThat(response).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close").endsWith("got helloworld");
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
      await().atMost(WAIT).until(drained::isDone);
      assertThat(guard.connections()).isZero();
    } finally {
      idle.close();
    }
  }

  @Test
  void anEventStreamEndsCleanlyWhenDrainingBegins() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", binding.localAddress().getPort())) {
      socket.setSoTimeout((int) WAIT.toMillis());
      socket.getOutputStream().write("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      var received = new StringBuilder();
      while (!received.toString().contains("data: hello")) {
        received.append((char) in.read());
      }
      binding.unbind().toCompletableFuture().get();
      CompletableFuture<Done> drained = guard.drain(WAIT).toCompletableFuture();
      String rest = new String(in.readAllBytes(), StandardCharsets.US_ASCII); // up to the end of the connection
      assertThat(received).contains("Transfer-Encoding: chunked");
      assertThat(rest).as("the last chunk, then the connection closes").endsWith("\r\n0\r\n\r\n");
      await().atMost(WAIT).until(drained::isDone);
    }
  }

  @Test
  void aRequestStillUnansweredAtTheDeadlineGets503AndItsConnectionCloses() throws Exception {
    try (Socket socket = postWithHalfTheBody()) {
      binding.unbind().toCompletableFuture().get();
      CompletableFuture<Done> drained = guard.drain(Duration.ofMillis(500)).toCompletableFuture();
      // The rest of the body never comes.
      String response = RawResponse.read(socket.getInputStream()).whole();
      assertThat(response).startsWith("HTTP/1.1 503").containsIgnoringCase("connection: close")
          .containsIgnoringCase("retry-after:").contains("shutting down");
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
      await().atMost(WAIT).until(drained::isDone);
      assertThat(guard.connections()).isZero();
    }
  }
}
