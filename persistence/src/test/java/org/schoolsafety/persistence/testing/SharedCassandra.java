package org.schoolsafety.persistence.testing;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.OptionsMap;
import com.datastax.oss.driver.api.core.config.TypedDriverOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.schoolsafety.persistence.FirstTimeBucket;
import org.schoolsafety.persistence.cassandra.EmbeddedCassandra;

/**
 * JUnit 5 extension: ONE real Cassandra node per test JVM, shared by every test class that uses
 * {@code @ExtendWith(SharedCassandra.class)}.
 *
 * <p>The node starts lazily, before the first such class, on free ports in
 * {@code target/cassandra-test-<random>}, and lives in the root {@link ExtensionContext} store, which
 * closes it (an {@link AutoCloseable}) when the whole test run ends. Tests reach it through
 * {@link #port()}, {@link #contactPoint()} and {@link #node()}, or get the {@link EmbeddedCassandra} as a
 * test/constructor parameter.
 *
 * <p>Other modules use it through the {@code persistence} test-jar. The Cassandra classpath file is found
 * as {@link EmbeddedCassandra.Settings#defaultClasspathFile()} describes (system property
 * {@code hub.cassandra.classpath-file}, else upward from the working directory).
 */
public final class SharedCassandra implements BeforeAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedCassandra.class);
  private static volatile EmbeddedCassandra node;
  private static final String FIRST_TIME_BUCKET = FirstTimeBucket.before(Instant.now());

  @Override
  public void beforeAll(ExtensionContext context) {
    start(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return parameterContext.getParameter().getType() == EmbeddedCassandra.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return start(extensionContext);
  }

  /** Starts the shared node unless it already runs; returns it. */
  public static EmbeddedCassandra start(ExtensionContext context) {
    Node started = context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent(Node.class.getName(), key -> Node.start(), Node.class);
    node = started.cassandra;
    return started.cassandra;
  }

  /** The shared node; fails if no test class started it via {@code @ExtendWith(SharedCassandra.class)}. */
  public static EmbeddedCassandra node() {
    EmbeddedCassandra n = node;
    if (n == null) {
      throw new IllegalStateException(
          "The shared Cassandra is not started: annotate the test class with @ExtendWith(SharedCassandra.class)");
    }
    return n;
  }

  /**
   * The hour before this test JVM began: every keyspace on the shared node is created after it,
   * so projections need not query the empty hours before (the node's
   * {@value org.schoolsafety.persistence.FirstTimeBucket#KEY}).
   */
  public static String firstTimeBucket() {
    return FIRST_TIME_BUCKET;
  }

  /** CQL port of the shared node. */
  public static int port() {
    return node().port();
  }

  /** {@code "127.0.0.1:port"} of the shared node. */
  public static String contactPoint() {
    return node().contactPoint();
  }

  /** A CQL session to the shared node (30 s request timeout: DDL on a busy node is slow). Close it. */
  public static CqlSession session() {
    OptionsMap options = OptionsMap.driverDefaults();
    options.put(TypedDriverOption.CONTACT_POINTS, List.of(contactPoint()));
    options.put(TypedDriverOption.LOAD_BALANCING_LOCAL_DATACENTER, "datacenter1");
    options.put(TypedDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30));
    // as in persistence.conf: a schema change then completes in ~0.1 s instead of ~1 s
    options.put(TypedDriverOption.METADATA_SCHEMA_WINDOW, Duration.ofMillis(50));
    // the node closes connections silent for EmbeddedCassandra.IDLE_CLOSE
    options.put(TypedDriverOption.HEARTBEAT_INTERVAL, EmbeddedCassandra.CLIENT_HEARTBEAT);
    return CqlSession.builder().withConfigLoader(DriverConfigLoader.fromMap(options)).build();
  }

  /** Two distinct free ports on 127.0.0.1 (free now; a race with another program is unlikely). */
  public static int[] freePorts() {
    try (ServerSocket a = new ServerSocket(); ServerSocket b = new ServerSocket()) {
      InetAddress loopback = InetAddress.getByName("127.0.0.1");
      a.bind(new InetSocketAddress(loopback, 0));
      b.bind(new InetSocketAddress(loopback, 0));
      return new int[] {a.getLocalPort(), b.getLocalPort()};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Store value: closed by JUnit at the end of the run (values that are AutoCloseable are closed). */
  private static final class Node implements AutoCloseable {
    final EmbeddedCassandra cassandra;

    private Node(EmbeddedCassandra cassandra) {
      this.cassandra = cassandra;
    }

    static Node start() {
      int[] ports = freePorts();
      Path dataDir = Path.of("target", "cassandra-test-" + UUID.randomUUID().toString().substring(0, 8));
      EmbeddedCassandra.Settings settings = EmbeddedCassandra.Settings.defaults()
          .withDataDir(dataDir)
          .withPort(ports[0])
          .withStoragePort(ports[1])
          // Every test class has keyspaces of its own (~40 tables each): at 512m the shared node ran
          // out of heap two thirds into the suite and stalled in back-to-back full GCs.
          .withHeap("1536m")
          // every test class creates keyspaces of its own: schema changes without fsync of the
          // system tables (test data is thrown away anyway)
          .withUnsafeSystem(true)
          .withStartupTimeout(Duration.ofSeconds(180));
      return new Node(EmbeddedCassandra.start(settings));
    }

    @Override
    public void close() {
      cassandra.stop();
      node = null;
      // drop the bulky parts; keep conf/ and cassandra.log for a look after the run
      for (String sub : List.of("data", "commitlog", "saved_caches", "hints", "cdc")) {
        deleteRecursively(cassandra.dataDir().resolve(sub));
      }
    }

    private static void deleteRecursively(Path dir) {
      if (!Files.exists(dir)) {
        return;
      }
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // best effort: target/ is cleaned by mvn clean anyway
      }
    }
  }
}
