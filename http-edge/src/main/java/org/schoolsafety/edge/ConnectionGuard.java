package org.schoolsafety.edge;

import com.typesafe.config.Config;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.IncomingConnection;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

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
 *       {@code first-request-within}, or it is closed.
 * </ul>
 */
public final class ConnectionGuard {

  private final int maxConnections;
  private final int maxPerAddress;
  private final Duration firstRequestWithin;
  private final Map<InetAddress, AtomicInteger> open = new ConcurrentHashMap<>();
  private final AtomicLong refused = new AtomicLong();

  public ConnectionGuard(int maxConnections, int maxPerAddress, Duration firstRequestWithin) {
    this.maxConnections = maxConnections;
    this.maxPerAddress = maxPerAddress;
    this.firstRequestWithin = firstRequestWithin;
  }

  public static ConnectionGuard fromConfig(Config config) {
    Config c = config.getConfig("hub.http.connections");
    return new ConnectionGuard(c.getInt("max-connections"), c.getInt("max-connections-per-address"),
        c.getDuration("first-request-within"));
  }

  /** Binds and serves {@code handler} on every accepted connection; completes once bound. */
  public CompletionStage<ServerBinding> bind(ServerBuilder server, Flow<HttpRequest, HttpResponse, NotUsed> handler,
      Materializer materializer) {
    return server.connectionSource()
        .mapAsyncUnordered(maxConnections, connection -> serve(connection, handler, materializer))
        .to(Sink.ignore())
        .run(materializer);
  }

  private CompletionStage<Done> serve(IncomingConnection connection, Flow<HttpRequest, HttpResponse, NotUsed> handler,
      Materializer materializer) {
    InetAddress address = connection.remoteAddress().getAddress();
    AtomicInteger fromAddress = open.computeIfAbsent(address, a -> new AtomicInteger());
    if (fromAddress.incrementAndGet() > maxPerAddress) {
      fromAddress.decrementAndGet();
      refused.incrementAndGet();
      connection.handleWith(Flow.fromSinkAndSource(Sink.cancelled(), Source.empty()), materializer);
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    CompletableFuture<Done> ended = new CompletableFuture<>();
    connection.handleWith(Flow.of(HttpRequest.class)
        .initialTimeout(firstRequestWithin)
        .via(handler)
        .watchTermination((mat, done) -> {
          done.whenComplete((ok, failure) -> {
            fromAddress.decrementAndGet();
            ended.complete(Done.getInstance());
          });
          return mat;
        }), materializer);
    return ended;
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
}
