package org.schoolsafety.edge;

import org.junit.jupiter.api.parallel.Isolated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.schoolsafety.edge.Fixtures.created;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.persistence.FirstTimeBucket;
import org.schoolsafety.persistence.cassandra.EmbeddedCassandra;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * Cassandra going away under a node, on a Cassandra of this class's own: frozen (the node must
 * notice by its queries failing) and then stopped (the driver loses its connections and the node
 * knows at once). Writes are refused with a 503 that names the cause, including a write that was
 * already waiting when the storage went; everything resumes when Cassandra answers again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Isolated // starts and stops a Cassandra of its own: nothing beside it (junit-platform.properties)
class StorageOutageTest {

  private static final String COUNTY = "650106";
  private static final String SCHOOL = "sch-outage-1";
  /** hub.lease.cassandra: heartbeat-timeout 12 s minus give-up-margin 5 s. */
  private static final Duration LEASE_VALIDITY = Duration.ofSeconds(7);

  private EmbeddedCassandra cassandra;
  private HubNode node;
  private HubClient staff;

  @BeforeAll
  void start() {
    int[] ports = SharedCassandra.freePorts();
    cassandra = EmbeddedCassandra.start(EmbeddedCassandra.Settings.defaults()
        .withDataDir(Path.of("target", "cassandra-outage-" + UUID.randomUUID().toString().substring(0, 8)))
        .withPort(ports[0]).withStoragePort(ports[1]).withHeap("512m")
        .withStartupTimeout(Duration.ofSeconds(180)));
    node = HubNode.start(HubNode.config(Map.of(
        "hub.http.port", 0,
        "pekko.remote.artery.canonical.port", 0,
        "pekko.coordinated-shutdown.exit-jvm", "off",
        "pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on",
        "datastax-java-driver.basic.contact-points", List.of(cassandra.contactPoint()),
        FirstTimeBucket.KEY, SharedCassandra.firstTimeBucket(),  // its own Cassandra is newer still
        "hub.auth.hs256-secret", TestNode.SECRET)));
    var anonymous = new HubClient(node.httpPort());
    Fixtures.registerRegion(anonymous, COUNTY);
    created(Fixtures.postSchool(anonymous.as(Role.OPERATOR, "test-operator"), Fixtures.school(SCHOOL, COUNTY)));
    staff = anonymous.as(Role.SCHOOL_STAFF, SCHOOL);
  }

  @AfterAll
  void stop() throws Exception {
    if (node != null) {
      node.system().terminate();
      node.system().getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
    if (cassandra != null && cassandra.isRunning()) {
      signal("CONT");
      cassandra.stop();
    }
  }

  @Test
  void writesAreRefusedWhileCassandraIsGoneAndAcceptedWhenItIsBack() throws Exception {
    created(staff.post("/api/v1/incidents", Fixtures.incident(SCHOOL, "FIRE", "IV", "before")));

    long frozenAt = System.nanoTime();
    signal("STOP");
    var report = Fixtures.incident(SCHOOL, "FIRE", "IV", "during-freeze");
    // Already waiting for its write when the queries start failing: answered then, not at its ask timeout.
    var waiting = CompletableFuture.supplyAsync(
        () -> staff.post("/api/v1/incidents", report));
    var inFlight = waiting.get(60, TimeUnit.SECONDS);
    assertThat(inFlight.status()).isEqualTo(503);
    assertThat(inFlight.body().get("detail").asText())
        .contains("became unavailable (Cassandra does not answer) while this request was handled");
    var refused = staff.post("/api/v1/incidents", Fixtures.incident(SCHOOL, "FIRE", "IV", "frozen"));
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.header("Retry-After")).isNotNull();
    assertThat(refused.body().get("detail").asText()).contains("storage (Cassandra) is unavailable; nothing was changed");

    signal("CONT");
    Duration frozen = Duration.ofNanos(System.nanoTime() - frozenAt);
    // Whether or not that write got through, the same report again is accepted once (201 or 200).
    // Frozen for longer than the lease session's validity (on a starved machine the storage guard
    // alone may take that long to trip), the node's leases are lost; if a sharding coordinator was
    // alive then, Pekko shuts its region down for good and the node must say it needs a restart
    // (ShardRegionWatch; docs/RELIABILITY.md, "A region lost with a coordinator's lease").
    boolean leasesMayBeLost = frozen.compareTo(LEASE_VALIDITY) >= 0;
    System.out.println("Cassandra frozen for " + frozen.toMillis() + " ms; leases may be lost: " + leasesMayBeLost);
    Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      int status = staff.post("/api/v1/incidents", report).status();
      if (leasesMayBeLost && status == 503) {
        var alive = staff.get("/health/alive");
        assertThat(alive.status()).as("refused after the freeze, so the node must say it is broken").isEqualTo(503);
        assertThat(alive.body().get("detail").asText()).contains("shard region of");
      } else {
        assertThat(status).isIn(200, 201);
      }
    });

    cassandra.stop();
    // The driver loses its connections: refused at once, and the problem says why.
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
        assertThat(node.storageStatus().isDown()).isTrue());
    var afterStop = staff.post("/api/v1/incidents", Fixtures.incident(SCHOOL, "FIRE", "IV", "stopped"));
    assertThat(afterStop.status()).isEqualTo(503);
    assertThat(node.storageStatus().downBecause()).contains("no open connection to Cassandra");
  }

  private void signal(String name) throws Exception {
    long pid = cassandra.pid().orElseThrow();
    new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start().waitFor();
  }
}
