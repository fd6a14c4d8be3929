package org.schoolsafety.persistence.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.OptionsMap;
import com.datastax.oss.driver.api.core.config.TypedDriverOption;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.internal.core.context.InternalDriverContext;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.persistence.cassandra.EmbeddedCassandra;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * A write that a node had handed to its driver when it froze (GC pause, SIGSTOP) must not reach
 * Cassandra when the node wakes after its leases could have expired: Cassandra closes the silent
 * node's connections first ({@code native_transport_idle_timeout}), and a write cannot travel on a
 * closed connection. The freeze is the driver's only I/O thread blocked: the write waits behind it,
 * and so do the connection's heartbeats, as in a frozen JVM.
 */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FrozenWriterTest {

  static final String KEYSPACE = "frozen_writer";
  private CqlSession observer;

  @BeforeAll
  void schema() {
    observer = SharedCassandra.session();
    observer.execute("CREATE KEYSPACE IF NOT EXISTS " + KEYSPACE
        + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    observer.execute("CREATE TABLE IF NOT EXISTS " + KEYSPACE + ".events (id text PRIMARY KEY, writer text)");
  }

  @AfterAll
  void close() {
    observer.close();
  }

  @Test
  void aWriteHeldUpByAFreezeLongerThanTheIdleTimeoutNeverLands() throws Exception {
    String id = "late-" + UUID.randomUUID();
    // Cassandra closes the silent node's connections.
    Optional<Throwable> failure = writeWhileFrozen(id, name ->
        await().atMost(Duration.ofSeconds(60)).until(() -> connectionsOf(name) == 0));
    System.out.printf("frozen writer: woke after its connections were closed; the write %s%n",
        failure.map(f -> "failed: " + f).orElse("succeeded"));
    assertThat(failure).as("the woken node's write").isPresent();
    assertThat(row(id)).as("the row the frozen node wrote").isNull();
  }

  @Test
  void aWriteHeldUpByAShortFreezeLands() throws Exception {
    String id = "on-time-" + UUID.randomUUID();
    Optional<Throwable> failure = writeWhileFrozen(id, name ->
        assertThat(connectionsOf(name)).as("connections during the short freeze").isPositive());
    assertThat(failure).as("the write's failure").isEmpty();
    assertThat(row(id)).isNotNull();
  }

  /**
   * Freezes a node's session, hands it a write of row {@code id}, runs {@code whileFrozen} with the
   * session's application name, wakes the node: how the write ended.
   */
  private Optional<Throwable> writeWhileFrozen(String id, java.util.function.Consumer<String> whileFrozen)
      throws Exception {
    String name = "node-" + UUID.randomUUID();
    try (CqlSession node = writer(name)) {
      CountDownLatch wake = freeze(node);
      CompletableFuture<AsyncResultSet> write = insert(node, id);
      try {
        whileFrozen.accept(name);
      } finally {
        wake.countDown();
      }
      return outcome(write);
    }
  }

  @Test
  void theIdleCloseCheckReadsTheNodesTimeoutAndJudgesItAgainstTheMargin() throws Exception {
    Map<String, Optional<Duration>> timeouts = IdleCloseCheck.idleTimeouts(observer).toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    assertThat(timeouts.values()).containsExactly(Optional.of(EmbeddedCassandra.IDLE_CLOSE));
    assertThat(IdleCloseCheck.problems(timeouts, Duration.ofSeconds(5))).isEmpty();
    assertThat(IdleCloseCheck.problems(timeouts, Duration.ofSeconds(4))).singleElement().asString()
        .contains("not before the lease's give-up margin minus 1 s");
    assertThat(IdleCloseCheck.problems(Map.of("n", Optional.empty()), Duration.ofSeconds(5))).singleElement()
        .asString().contains("never closes");
    assertThat(IdleCloseCheck.parse("3000ms")).contains(Duration.ofSeconds(3));
    assertThat(IdleCloseCheck.parse("0ms")).isEmpty();
    assertThat(IdleCloseCheck.run(observer, Duration.ofSeconds(5)).toCompletableFuture().get(30, TimeUnit.SECONDS))
        .isEmpty();
  }

  /** A node's session: one I/O thread, idempotent writes (as the journal's), heartbeats as the hub's. */
  private static CqlSession writer(String name) {
    OptionsMap options = OptionsMap.driverDefaults();
    options.put(TypedDriverOption.CONTACT_POINTS, List.of(SharedCassandra.contactPoint()));
    options.put(TypedDriverOption.LOAD_BALANCING_LOCAL_DATACENTER, "datacenter1");
    options.put(TypedDriverOption.APPLICATION_NAME, name);
    options.put(TypedDriverOption.NETTY_IO_SIZE, 1);
    options.put(TypedDriverOption.HEARTBEAT_INTERVAL, EmbeddedCassandra.CLIENT_HEARTBEAT);
    options.put(TypedDriverOption.REQUEST_DEFAULT_IDEMPOTENCE, true);
    // the write must still be pending when the node wakes, as in a frozen JVM whose timers froze too
    options.put(TypedDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(120));
    options.put(TypedDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0);
    options.put(TypedDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0);
    return CqlSession.builder().withConfigLoader(DriverConfigLoader.fromMap(options)).build();
  }

  /** Blocks every I/O thread of the session until the returned latch opens. */
  private static CountDownLatch freeze(CqlSession session) throws InterruptedException {
    CountDownLatch wake = new CountDownLatch(1);
    List<EventExecutor> loops = new java.util.ArrayList<>();
    ((InternalDriverContext) session.getContext()).getNettyOptions().ioEventLoopGroup().forEach(loops::add);
    CountDownLatch frozen = new CountDownLatch(loops.size());
    for (EventExecutor loop : loops) {
      loop.execute(() -> {
        frozen.countDown();
        try {
          wake.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
    }
    assertThat(frozen.await(30, TimeUnit.SECONDS)).as("I/O threads frozen").isTrue();
    return wake;
  }

  private static CompletableFuture<AsyncResultSet> insert(CqlSession session, String id) {
    return session.executeAsync("INSERT INTO " + KEYSPACE + ".events (id, writer) VALUES ('" + id + "', 'frozen')")
        .toCompletableFuture();
  }

  private static Optional<Throwable> outcome(CompletableFuture<AsyncResultSet> write) throws Exception {
    try {
      write.get(120, TimeUnit.SECONDS);
      return Optional.empty();
    } catch (java.util.concurrent.ExecutionException e) {
      return Optional.of(e.getCause());
    }
  }

  private Row row(String id) {
    return observer.execute("SELECT id FROM " + KEYSPACE + ".events WHERE id = '" + id + "'").one();
  }

  /** Client connections Cassandra has open for the session with this application name. */
  private long connectionsOf(String applicationName) {
    return observer.execute("SELECT client_options FROM system_views.clients").all().stream()
        .map(r -> r.getMap("client_options", String.class, String.class))
        .filter(o -> o != null && applicationName.equals(o.get("APPLICATION_NAME")))
        .count();
  }
}
