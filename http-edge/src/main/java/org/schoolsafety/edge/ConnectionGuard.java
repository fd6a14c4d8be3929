package org.schoolsafety.edge;

import com.typesafe.config.Config;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.IncomingConnection;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.ResponseEntity;
import org.apache.pekko.http.javadsl.model.headers.Connection;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.schoolsafety.edge.api.DeviceRoutes;
import org.schoolsafety.edge.api.Problems;

/**
 * Accepts the node's HTTP connections with bounds a slow or greedy client cannot get around
 * (Pekko HTTP has no time limit on reading a request's headers, so a client sending one header
 * line every few seconds could hold a connection, and with enough of them every connection):
 * <ul>
 *   <li>at most {@code max-connections} at once (then the listen backlog holds new ones);
 *   <li>at most {@code max-connections-per-address} from one remote address — beyond that a new
 *       connection is closed at once, so one client cannot take the slots everybody else, the
 *       health probes included, needs;
 *   <li>a new connection must deliver its first request's headers within
 *       {@code first-request-within}, or it is closed;
 *   <li>a body that did not arrive in one piece is read to its end before the routes answer
 *       ({@link RequestBodies}), so a refusal reaches a client still sending.
 * </ul>
 *
 * <p>It also ends the connections when the node shuts down ({@link #drain}). Pekko HTTP's own
 * {@code ServerBinding.terminate} cannot do that here: a binding made from
 * {@code connectionSource()} hands each connection over without registering it for termination,
 * so {@code terminate} would only unbind. The guard therefore keeps every connection it serves,
 * with what is in flight on it and the means to end it.
 */
public final class ConnectionGuard {

  private final int maxConnections;
  private final int maxPerAddress;
  private final Duration firstRequestWithin;
  private final RequestBodies bodies;
  private final Map<InetAddress, AtomicInteger> open = new ConcurrentHashMap<>();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong closedWithoutRequest = new AtomicLong();

  private final Set<Served> live = ConcurrentHashMap.newKeySet();
  /** Ends every event stream (text/event-stream response) at once, cleanly, when draining starts. */
  private final SharedKillSwitch eventStreams = KillSwitches.shared("event-streams");
  private final CompletableFuture<Done> drained = new CompletableFuture<>();
  private volatile boolean draining;

  public ConnectionGuard(int maxConnections, int maxPerAddress, Duration firstRequestWithin, RequestBodies bodies) {
    this.maxConnections = maxConnections;
    this.maxPerAddress = maxPerAddress;
    this.firstRequestWithin = firstRequestWithin;
    this.bodies = bodies;
  }

  public static ConnectionGuard fromConfig(Config config) {
    Config c = config.getConfig("hub.http.connections");
    long usual = config.getBytes("pekko.http.server.parsing.max-content-length");
    var bodies = new RequestBodies(c.getBytes("read-refused-body-up-to"), request -> DeviceRoutes.bodyLimit(request, usual));
    return new ConnectionGuard(c.getInt("max-connections"), c.getInt("max-connections-per-address"),
        c.getDuration("first-request-within"), bodies);
  }

  /**
   * Binds and serves {@code handler} on every accepted connection, one request at a time per
   * connection (as {@code Route.flow} does); completes once bound.
   */
  public CompletionStage<ServerBinding> bind(ServerBuilder server,
      Function<HttpRequest, CompletionStage<HttpResponse>> handler, Materializer materializer) {
    return server.connectionSource()
        .mapAsyncUnordered(maxConnections, connection -> serve(connection, handler, materializer))
        .to(Sink.ignore())
        .run(materializer);
  }

  private CompletionStage<Done> serve(IncomingConnection connection,
      Function<HttpRequest, CompletionStage<HttpResponse>> handler, Materializer materializer) {
    InetAddress address = connection.remoteAddress().getAddress();
    AtomicInteger fromAddress = open.computeIfAbsent(address, a -> new AtomicInteger());
    if (fromAddress.incrementAndGet() > maxPerAddress) {
      fromAddress.decrementAndGet();
      refused.incrementAndGet();
      connection.handleWith(Flow.fromSinkAndSource(Sink.cancelled(), Source.empty()), materializer);
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    var served = new Served(handler, materializer);
    live.add(served);
    CompletableFuture<Done> ended = new CompletableFuture<>();
    UniqueKillSwitch requests = connection.handleWith(Flow.of(HttpRequest.class)
        .via(firstRequestInTime())
        .viaMat(KillSwitches.single(), Keep.right())
        .mapAsync(1, served::handle)
        .map(served::sent)
        .watchTermination((mat, done) -> {
          done.whenComplete((ok, failure) -> {
            fromAddress.decrementAndGet();
            live.remove(served);
            ended.complete(Done.getInstance());
            completeDrainIfEmpty();
          });
          return mat;
        }), materializer);
    served.handling(requests);
    return ended;
  }

  /**
   * Ends every connection, for the node's shutdown (after the binding is unbound): event streams
   * end at once, cleanly, so their clients reconnect elsewhere with {@code Last-Event-ID};
   * connections with nothing in flight close at once; a request in flight gets its response,
   * which says {@code Connection: close}, and a request that arrives meanwhile gets {@code 503}
   * (nothing was done; retry elsewhere). At {@code deadline} a request still without its answer
   * gets {@code 503} and a response still streaming is cut off. Completes when no connection is
   * left.
   */
  public CompletionStage<Done> drain(Duration deadline) {
    draining = true;
    eventStreams.shutdown();
    live.forEach(Served::closeIfIdle);
    CompletableFuture.delayedExecutor(deadline.toMillis(), TimeUnit.MILLISECONDS).execute(() ->
        live.forEach(s -> s.cutOff(deadline)));
    completeDrainIfEmpty();
    return drained;
  }

  private void completeDrainIfEmpty() {
    if (draining && live.isEmpty()) {
      drained.complete(Done.getInstance());
    }
  }

  /** Whether {@link #drain} has begun. */
  public boolean isDraining() {
    return draining;
  }

  /** Connections being served now. */
  public int connections() {
    return live.size();
  }

  /** Requests in flight now, all connections together; a streaming response counts until it ends. */
  public int inFlight() {
    return live.stream().mapToInt(s -> s.inFlight.get()).sum();
  }

  /** Connections open now from this address. */
  public int openFrom(InetAddress address) {
    AtomicInteger count = open.get(address);
    return count == null ? 0 : count.get();
  }

  /** Connections closed at once because their address had too many open. */
  public long refused() {
    return refused.get();
  }

  /**
   * Passes a connection's requests on, and ends it quietly when the first one has not arrived
   * within {@code first-request-within}. No request came, so there is nothing to answer: a timeout
   * that failed the stream (Pekko's {@code initialTimeout}) cancelled the server's side with an
   * error, and Pekko HTTP then sent a 500 and logged an "Internal server error" for each one.
   */
  private Flow<HttpRequest, HttpRequest, NotUsed> firstRequestInTime() {
    var requested = new AtomicBoolean();
    return Flow.of(HttpRequest.class)
        .map(Optional::of)
        .merge(Source.single(Optional.<HttpRequest>empty()).initialDelay(firstRequestWithin))
        .takeWhile(request -> {
          if (request.isPresent()) {
            requested.set(true);
          } else if (!requested.get()) {
            closedWithoutRequest.incrementAndGet();
          }
          return request.isPresent() || requested.get();
        })
        .filter(Optional::isPresent)
        .map(Optional::get);
  }

  /** Connections closed because their first request did not arrive within {@code first-request-within}. */
  public long closedWithoutRequest() {
    return closedWithoutRequest.get();
  }

  private static HttpResponse shuttingDown(String detail) {
    return Problems.unavailable(detail).addHeader(Connection.create("close"));
  }

  /** Why a response still streaming at the drain deadline was cut off. */
  static final class DrainDeadlineExceeded extends RuntimeException {
    DrainDeadlineExceeded(Duration deadline) {
      super("the node is shutting down and the response was still streaming after " + deadline);
    }
  }

  /**
   * One served connection: what is in flight on it, and how to end it.
   *
   * <p>A connection is closed by completing its requests side, and only once no response is on
   * its way: completing it while a response has not yet left the handler makes Pekko HTTP send
   * {@code 500} in its place. A request therefore counts as in flight from the moment it reaches
   * the handler until its response has left it — for a streamed response, until its last byte.
   */
  private final class Served {
    private final Function<HttpRequest, CompletionStage<HttpResponse>> handler;
    private final Materializer materializer;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Completes the requests side: the connection closes once what is in flight is answered. */
    private volatile UniqueKillSwitch requests;
    /** The answer to the request in the handler now (one at a time, as mapAsync(1) hands them over). */
    private volatile CompletableFuture<HttpResponse> answer;
    private volatile boolean cutOff;
    /** At the drain deadline: cuts off the responses still streaming. */
    private final SharedKillSwitch streaming = KillSwitches.shared("responses");

    Served(Function<HttpRequest, CompletionStage<HttpResponse>> handler, Materializer materializer) {
      this.handler = handler;
      this.materializer = materializer;
    }

    void handling(UniqueKillSwitch requests) {
      this.requests = requests;
      if (draining) {
        closeIfIdle();
      }
    }

    void closeIfIdle() {
      UniqueKillSwitch current = requests;
      if (current != null && inFlight.get() == 0) {
        current.shutdown();
      }
    }

    void cutOff(Duration deadline) {
      cutOff = true;
      answerLate(answer);
      streaming.abort(new DrainDeadlineExceeded(deadline));
    }

    private void answerLate(CompletableFuture<HttpResponse> pending) {
      if (pending != null) {
        pending.complete(shuttingDown("this node is shutting down and could not answer in time; the request"
            + " may or may not have taken effect: retry on another node (a report with the same clientRef)"));
      }
    }

    CompletionStage<HttpResponse> handle(HttpRequest request) throws Exception {
      inFlight.incrementAndGet();
      if (draining) {
        request.discardEntityBytes(materializer);
        return CompletableFuture.completedFuture(
            shuttingDown("this node is shutting down; nothing was changed: retry on another node"));
      }
      var pending = new CompletableFuture<HttpResponse>();
      answer = pending;
      if (cutOff) {
        answerLate(pending);
      }
      // A failed handler fails the connection's stream: the connection ends, and its count with it.
      bodies.read(request, materializer).thenCompose(this::answer).whenComplete((response, failure) -> {
        if (failure != null) {
          pending.completeExceptionally(failure);
        } else {
          pending.complete(response);
        }
      });
      return pending.thenApply(this::watched);
    }

    /** The handler's answer to a request whose body has been read, or the refusal of its body. */
    private CompletionStage<HttpResponse> answer(RequestBodies.Read read) {
      if (read.refusal() != null) {
        return CompletableFuture.completedFuture(read.refusal());
      }
      try {
        return handler.apply(read.request());
      } catch (Exception e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    /** The response, saying {@code Connection: close} while draining, its end watched if streamed. */
    private HttpResponse watched(HttpResponse response) {
      HttpResponse answer = draining ? response.addHeader(Connection.create("close")) : response;
      ResponseEntity entity = answer.entity();
      if (entity.isStrict()) {
        return answer; // done once it has left the handler: sent(...)
      }
      boolean eventStream = entity.getContentType().mediaType().equals(MediaTypes.TEXT_EVENT_STREAM);
      Flow<ByteString, ByteString, NotUsed> ending = eventStream
          ? Flow.of(ByteString.class).via(eventStreams.flow())
          : Flow.of(ByteString.class);
      Source<ByteString, NotUsed> data = entity.getDataBytes()
          .mapMaterializedValue(m -> NotUsed.getInstance())
          .via(ending)
          .via(streaming.flow())
          .watchTermination((mat, done) -> {
            done.whenComplete((ok, failure) -> responseDone());
            return mat;
          });
      return answer.withEntity(withData(entity, data));
    }

    /** A response leaving the handler; a strict one is done with. */
    HttpResponse sent(HttpResponse response) {
      if (response.entity().isStrict()) {
        responseDone();
      }
      return response;
    }

    private void responseDone() {
      if (inFlight.decrementAndGet() == 0 && draining) {
        closeIfIdle();
      }
    }
  }

  /** The same kind of entity with other data bytes. */
  private static ResponseEntity withData(ResponseEntity entity, Source<ByteString, NotUsed> data) {
    ContentType type = entity.getContentType();
    OptionalLong length = entity.getContentLengthOption();
    if (entity.isDefault() && length.isPresent()) {
      return HttpEntities.create(type, length.getAsLong(), data);
    }
    if (entity.isCloseDelimited()) {
      return HttpEntities.createCloseDelimited(type, data);
    }
    return HttpEntities.createChunked(type, data);
  }
}
