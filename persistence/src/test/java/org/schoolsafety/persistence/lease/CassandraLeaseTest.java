package org.schoolsafety.persistence.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.coordination.lease.LeaseException;
import org.apache.pekko.coordination.lease.LeaseSettings;
import org.apache.pekko.coordination.lease.LeaseTimeoutException;
import org.apache.pekko.coordination.lease.javadsl.Lease;
import org.apache.pekko.coordination.lease.javadsl.LeaseProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * {@link CassandraLease} against the real embedded Cassandra, with short timings: session TTL
 * (heartbeat-timeout) 3 s, session renewal every 500 ms, give-up margin 1 s (the holder trusts its lease for
 * 2 s after sending a renewal). No sleeping: every wait is for a condition.
 */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CassandraLeaseTest {

  static final String KEYSPACE = "lease_test";
  static final String PATH = "hub.lease.cassandra";
  static final Duration WAIT = Duration.ofSeconds(30);

  private ActorSystem<Void> system;
  private CqlSession cql;
  private final List<Lease> toRelease = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  void start() {
    system = ActorSystem.create(Behaviors.empty(), "lease-test", config(Map.of()));
    cql = SharedCassandra.session();
    for (String ddl : LeaseSchema.statements(KEYSPACE, "{'class': 'SimpleStrategy', 'replication_factor': 1}")) {
      cql.execute(ddl);
    }
  }

  @AfterAll
  void stop() throws Exception {
    for (Lease lease : toRelease) {
      lease.release().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    cql.close();
  }

  @Test
  void leaseProviderMakesItFromConfig() {
    Lease lease = LeaseProvider.get(system).getLease("provided", PATH, "node-a");
    assertThat(lease).isInstanceOf(CassandraLease.class);
    assertThat(lease.getSettings().timeoutSettings().getHeartbeatTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(lease.getSettings().timeoutSettings().getHeartbeatInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(lease.checkLease()).isFalse();
  }

  @Test
  void acquireWritesTheRowAndRenewalsKeepItPastTheTtl() {
    var a = lease("kept", "node-a");
    var lost = new AtomicReference<Optional<Throwable>>();
    assertThat(acquire(a, lost::set)).isTrue();
    assertThat(a.checkLease()).isTrue();
    Row row = row("kept");
    assertThat(row.getString("owner")).isEqualTo("node-a");
    assertThat(row.getUuid("holder")).isEqualTo(a.holderId());
    assertThat(row.getUuid("session")).isNotNull().isEqualTo(a.sessionId());
    assertThat(row.isNull("ttl")).as("the lease row has no TTL of its own").isTrue();
    assertThat(sessionTtl(a.sessionId())).isBetween(1, 3);

    // 8 renewals of the session, 500 ms apart: held for well over the 3 s TTL of the first write
    long renewed = a.renewals();
    await().atMost(WAIT).until(() -> a.renewals() >= renewed + 8);
    assertThat(a.checkLease()).isTrue();
    assertThat(lost.get()).isNull();
    assertThat(row("kept").getUuid("holder")).isEqualTo(a.holderId());
    assertThat(sessionTtl(a.sessionId())).isBetween(1, 3);
  }

  /** What the sessions are for: a node renews one row, not one per lease it holds. */
  @Test
  void renewalsWriteTheSessionRowOnlyWhateverTheNumberOfLeases() {
    List<CassandraLease> held = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      var lease = lease("many-" + i, "node-many");
      assertThat(acquire(lease, r -> {})).isTrue();
      held.add(lease);
    }
    UUID session = held.get(0).sessionId();
    assertThat(held).allSatisfy(l -> assertThat(row(l.getSettings().leaseName()).getUuid("session")).isEqualTo(session));
    Map<String, Long> written = new HashMap<>();
    for (var lease : held) {
      written.put(lease.getSettings().leaseName(), writetime(lease.getSettings().leaseName()));
    }
    long sessionWritten = sessionWritetime(session);

    long renewed = held.get(0).renewals();
    await().atMost(WAIT).until(() -> held.get(0).renewals() >= renewed + 4);

    assertThat(sessionWritetime(session)).as("the session row, renewed").isGreaterThan(sessionWritten);
    for (var lease : held) {
      assertThat(lease.checkLease()).isTrue();
      assertThat(writetime(lease.getSettings().leaseName())).as("lease row %s, untouched by renewals",
          lease.getSettings().leaseName()).isEqualTo(written.get(lease.getSettings().leaseName()));
    }
  }

  @Test
  void aSecondOwnerIsRefusedWhileTheFirstHoldsIt() {
    var a = lease("contended", "node-a");
    var b = lease("contended", "node-b");
    assertThat(acquire(a, r -> {})).isTrue();
    assertThat(acquire(b, r -> {})).isFalse();
    assertThat(b.checkLease()).isFalse();
    // still refused after renewals of the first
    long renewed = a.renewals();
    await().atMost(WAIT).until(() -> a.renewals() >= renewed + 2);
    assertThat(acquire(b, r -> {})).isFalse();
    assertThat(row("contended").getString("owner")).isEqualTo("node-a");
    assertThat(a.checkLease()).isTrue();
  }

  @Test
  void aNewIncarnationWithTheSameOwnerNameIsAnotherHolder() throws Exception {
    // a node restarted with the same host:port (another JVM: another session) while its frozen
    // predecessor's session still lives
    var first = lease("incarnation", "127.0.0.1:25520");
    assertThat(acquire(first, r -> {})).isTrue();
    ActorSystem<Void> restarted = ActorSystem.create(Behaviors.empty(), "lease-test", config(Map.of()));
    try {
      var second = new CassandraLease(settings("incarnation", "127.0.0.1:25520", Map.of()),
          (ExtendedActorSystem) Adapter.toClassic(restarted));
      assertThat(acquire(second, r -> {})).isFalse();
      assertThat(second.sessionId()).isNotNull().isNotEqualTo(first.sessionId());
      assertThat(row("incarnation").getUuid("holder")).isEqualTo(first.holderId());
      assertThat(first.checkLease()).isTrue();
    } finally {
      restarted.terminate();
      restarted.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void anotherLeaseObjectOfTheSameOwnerInTheSameSessionIsRefused() {
    var first = lease("same-session", "node-a");
    var second = lease("same-session", "node-a");
    assertThat(acquire(first, r -> {})).isTrue();
    assertThat(acquire(second, r -> {})).isFalse();
    assertThat(row("same-session").getUuid("holder")).isEqualTo(first.holderId());
  }

  @Test
  void aHolderThatStopsRenewingLosesItFirstThenAnotherOwnerGetsIt() {
    var a = lease("expiring", "node-f");
    var b = lease("expiring", "node-g");
    var lostReason = new AtomicReference<Optional<Throwable>>();
    assertThat(acquire(a, lostReason::set)).isTrue();

    a.suspendRenewals(true); // as frozen: no more renewals from node-f

    // node-g tries until Cassandra's TTL has run out: by the time it gets in, node-f has given up
    var aValidWhenBGotIt = new AtomicReference<Boolean>();
    await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
      if (!acquire(b, r -> {})) {
        return false;
      }
      aValidWhenBGotIt.set(a.checkLease());
      return true;
    });
    assertThat(aValidWhenBGotIt.get()).as("node-f's checkLease() when node-g got the lease").isFalse();
    assertThat(b.checkLease()).isTrue();
    assertThat(row("expiring").getString("owner")).isEqualTo("node-g");

    // and node-f was told (its timer fires even though no renewal was sent)
    await().atMost(WAIT).until(() -> lostReason.get() != null);
    assertThat(lostReason.get()).get().isInstanceOf(LeaseTimeoutException.class)
        .extracting(Throwable::getMessage).asString().contains("not renewed for");

    // node-f wakes up: it neither holds the lease nor gets it back
    a.suspendRenewals(false);
    assertThat(a.checkLease()).isFalse();
    assertThat(acquire(a, r -> {})).isFalse();
  }

  @Test
  void aRenewalThatFindsTheSessionGoneLosesEveryLeaseOfItAtOnce() {
    var a = lease("gone-1", "node-s");
    var b = lease("gone-2", "node-s");
    var lostA = new AtomicReference<Optional<Throwable>>();
    var lostB = new AtomicReference<Optional<Throwable>>();
    assertThat(acquire(a, lostA::set)).isTrue();
    assertThat(acquire(b, lostB::set)).isTrue();
    UUID session = a.sessionId();
    assertThat(b.sessionId()).isEqualTo(session);
    // the session's row gone (as after an expiry a frozen holder did not notice)
    cql.execute("DELETE FROM " + KEYSPACE + ".lease_sessions WHERE id = ?", session);

    await().atMost(WAIT).until(() -> lostA.get() != null && lostB.get() != null);
    assertThat(lostA.get()).get().isInstanceOf(LeaseException.class)
        .extracting(Throwable::getMessage).asString().contains("is gone");
    assertThat(a.checkLease()).isFalse();
    assertThat(b.checkLease()).isFalse();

    // a node of another owner takes them over; the old holder, in a new session, does not get them back
    var c = lease("gone-1", "node-t");
    assertThat(acquire(c, r -> {})).isTrue();
    assertThat(row("gone-1").getString("owner")).isEqualTo("node-t");
    assertThat(acquire(a, r -> {})).isFalse();
    // its own rows of a session that is over it takes back (a new session of the same holder)
    assertThat(acquire(b, r -> {})).isTrue();
    assertThat(b.sessionId()).isNotEqualTo(session);
    assertThat(row("gone-2").getUuid("session")).isEqualTo(b.sessionId());
  }

  /**
   * A node whose session lapsed here (renewals stopped, as in a long GC pause) and which asks for
   * its lease again gets it under a new session: its own row, which nobody else took meanwhile.
   */
  @Test
  void aHolderWhoseSessionLapsedTakesItsOwnRowBackUnderANewSession() {
    var a = lease("lapsed", "node-l");
    var lost = new AtomicReference<Optional<Throwable>>();
    assertThat(acquire(a, lost::set)).isTrue();
    UUID first = a.sessionId();
    a.suspendRenewals(true);
    await().atMost(WAIT).until(() -> lost.get() != null);
    assertThat(a.checkLease()).isFalse();
    a.suspendRenewals(false);

    assertThat(acquire(a, r -> {})).isTrue();
    assertThat(a.checkLease()).isTrue();
    assertThat(a.sessionId()).isNotNull().isNotEqualTo(first);
    assertThat(row("lapsed").getUuid("holder")).isEqualTo(a.holderId());
    assertThat(row("lapsed").getUuid("session")).isEqualTo(a.sessionId());
    // and another owner is refused: the row's session is the new, live one
    assertThat(acquire(lease("lapsed", "node-m2"), r -> {})).isFalse();
  }

  /** A row written by a node of the per-lease design (no session, a TTL) is respected until it expires. */
  @Test
  void aRowWithoutSessionIsHeldUntilItsTtlRunsOut() {
    cql.execute("INSERT INTO " + KEYSPACE + ".leases (name, owner, holder) VALUES (?, 'node-old', ?) USING TTL 600",
        "old-style", UUID.randomUUID());
    var a = lease("old-style", "node-a");
    assertThat(acquire(a, r -> {})).isFalse();
    assertThat(row("old-style").getString("owner")).isEqualTo("node-old");

    cql.execute("INSERT INTO " + KEYSPACE + ".leases (name, owner, holder) VALUES (?, 'node-old', ?) USING TTL 1",
        "old-style-expiring", UUID.randomUUID());
    var b = lease("old-style-expiring", "node-a");
    await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> acquire(b, r -> {}));
    assertThat(row("old-style-expiring").getString("owner")).isEqualTo("node-a");
  }

  @Test
  void releaseLetsAnotherOwnerInAtOnce() throws Exception {
    var a = lease("released", "node-a");
    var b = lease("released", "node-b");
    assertThat(acquire(a, r -> {})).isTrue();
    assertThat(a.release().toCompletableFuture().get(30, TimeUnit.SECONDS)).isTrue();
    assertThat(a.checkLease()).isFalse();
    assertThat(acquire(b, r -> {})).isTrue();
    assertThat(row("released").getString("owner")).isEqualTo("node-b");
    // releasing what one does not hold changes nothing
    assertThat(a.release().toCompletableFuture().get(30, TimeUnit.SECONDS)).isFalse();
    assertThat(row("released").getString("owner")).isEqualTo("node-b");
    assertThat(b.checkLease()).isTrue();
  }

  /**
   * A release that Cassandra refuses leaves the row under the node's session, which lives on: it is
   * deleted later, by the clean-up that tries again until Cassandra answers. The outage is real:
   * the keyspace's replication is raised to 3 on this one-node Cassandra, so every QUORUM and SERIAL
   * operation is unavailable until it is lowered again.
   */
  @Test
  void aReleaseThatFailsIsTriedAgainUntilCassandraAnswers() throws Exception {
    String keyspace = "lease_outage_test";
    for (String ddl : LeaseSchema.statements(keyspace, "{'class': 'SimpleStrategy', 'replication_factor': 1}")) {
      cql.execute(ddl);
    }
    var settings = Map.<String, Object>of(PATH + ".keyspace", keyspace);
    var a = new CassandraLease(settings("outage", "node-a", settings), (ExtendedActorSystem) Adapter.toClassic(system));
    assertThat(acquire(a, r -> {})).isTrue();
    assertThat(rowIn(keyspace, "outage")).isNotNull();

    replication(keyspace, 3);
    try {
      assertThatThrownBy(() -> a.release().toCompletableFuture().get(30, TimeUnit.SECONDS))
          .as("Cassandra cannot reach a quorum of 3 replicas on one node")
          .hasMessageContaining("Not enough replicas available");
      assertThat(a.checkLease()).as("not held once released, whatever Cassandra answered").isFalse();
      Row left = rowIn(keyspace, "outage");
      assertThat(left).as("the failed release left the row").isNotNull();
      assertThat(left.getUuid("holder")).isEqualTo(a.holderId());
    } finally {
      replication(keyspace, 1);
    }

    // nothing else deletes a lease row (it has no TTL): once Cassandra answers, the clean-up does
    await().atMost(WAIT).until(() -> rowIn(keyspace, "outage") == null);
    var b = new CassandraLease(settings("outage", "node-b", settings), (ExtendedActorSystem) Adapter.toClassic(system));
    toRelease.add(b);
    assertThat(acquire(b, r -> {})).isTrue();
    assertThat(rowIn(keyspace, "outage").getString("owner")).isEqualTo("node-b");
  }

  private void replication(String keyspace, int factor) {
    cql.execute("ALTER KEYSPACE " + keyspace
        + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': " + factor + "}");
  }

  private Row rowIn(String keyspace, String name) {
    // ONE: readable while the keyspace asks for more replicas than there are
    return cql.execute(SimpleStatement.newInstance("SELECT owner, holder FROM " + keyspace + ".leases WHERE name = ?", name)
        .setConsistencyLevel(DefaultConsistencyLevel.ONE)).one();
  }

  @Test
  void settingsThatCannotBeSafeAreRefused() {
    assertThatThrownBy(() -> new CassandraLease(settings("bad", "x", Map.of(PATH + ".give-up-margin", "500ms")),
        (ExtendedActorSystem) Adapter.toClassic(system)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1s");
    assertThatThrownBy(() -> new CassandraLease(settings("bad", "x", Map.of(PATH + ".give-up-margin", "2s",
        PATH + ".heartbeat-interval", "1200ms")),
        (ExtendedActorSystem) Adapter.toClassic(system)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be shorter than");
  }

  /**
   * Sharding with use-lease on: a shard takes its lease before its entity starts (one row, owned
   * by the node's host:port), and gives it back when it stops (here: the region shuts down, which
   * hands its shards off), although Pekko 1.2.1's Shard itself never releases its lease.
   */
  @Test
  void aShardHoldsItsLeaseWhileItRunsAndReleasesItWhenItStops() throws Exception {
    Map<String, Object> clustered = new HashMap<>();
    clustered.put("pekko.actor.provider", "cluster");
    clustered.put("pekko.remote.artery.canonical.hostname", "127.0.0.1");
    clustered.put("pekko.remote.artery.canonical.port", 0);
    clustered.put("pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on");
    clustered.put("pekko.cluster.sharding.use-lease", PATH);
    clustered.put("pekko.cluster.sharding.lease-retry-interval", "500ms");
    clustered.put("pekko.cluster.sharding.number-of-shards", 10);
    ActorSystem<Void> node = ActorSystem.create(Behaviors.empty(), "lease-shards", config(clustered));
    try {
      Cluster.get(node).manager().tell(Join.create(Cluster.get(node).selfMember().address()));
      var key = EntityTypeKey.create(String.class, "probe");
      var started = new java.util.concurrent.ConcurrentLinkedQueue<String>();
      ClusterSharding.get(node).init(Entity.of(key, ctx -> Behaviors.receiveMessage(msg -> {
        started.add(ctx.getEntityId() + ":" + msg);
        return Behaviors.same();
      })));
      ClusterSharding.get(node).entityRefFor(key, "e-1").tell("hello");
      await().atMost(WAIT).until(() -> started.contains("e-1:hello"));

      String hostPort = Cluster.get(node).selfMember().address().hostPort();
      List<Row> rows = cql.execute("SELECT name, owner FROM " + KEYSPACE + ".leases").all().stream()
          .filter(r -> r.getString("name").startsWith("lease-shards-shard-probe-")).toList();
      assertThat(rows).hasSize(1);
      assertThat(rows.get(0).getString("owner")).isEqualTo(hostPort);
      String shardLease = rows.get(0).getString("name");

      org.apache.pekko.cluster.sharding.ClusterSharding.get(Adapter.toClassic(node)).shardRegion("probe")
          .tell(ShardRegion.gracefulShutdownInstance(), org.apache.pekko.actor.ActorRef.noSender());
      await().atMost(WAIT).until(() -> cql.execute("SELECT name FROM " + KEYSPACE + ".leases WHERE name = ?",
          shardLease).one() == null);
    } finally {
      node.terminate();
      node.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** Not asserted: what a lease costs on this machine's embedded Cassandra (printed). */
  @Test
  void measureAcquireAndRenewal() throws Exception {
    int n = 50;
    long[] acquireMicros = new long[n];
    List<CassandraLease> held = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      var lease = lease("measure-" + i, "node-m");
      long t0 = System.nanoTime();
      assertThat(acquire(lease, r -> {})).isTrue();
      acquireMicros[i] = (System.nanoTime() - t0) / 1000;
      held.add(lease);
    }
    java.util.Arrays.sort(acquireMicros);
    long t0 = System.nanoTime();
    long renewed = held.get(0).renewals();
    // the one session behind the 50 renewed 4 more times (2 s at 500 ms): 2 renewals/s, not 100
    await().atMost(WAIT).until(() -> held.get(0).renewals() >= renewed + 4);
    double seconds = (System.nanoTime() - t0) / 1e9;
    long t1 = System.nanoTime();
    for (CassandraLease lease : held) {
      lease.release().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    System.out.printf("lease measurement: %d acquires one after another p50 %.1f ms, p90 %.1f ms, max %.1f ms;"
            + " the one session keeping all %d renewed 4 times within %.1f s; %d releases in %.1f ms each%n",
        n, acquireMicros[n / 2] / 1000.0, acquireMicros[n * 9 / 10] / 1000.0, acquireMicros[n - 1] / 1000.0,
        n, seconds, n, (System.nanoTime() - t1) / 1e6 / n);
  }

  // --- plumbing ---

  private CassandraLease lease(String name, String owner) {
    var lease = new CassandraLease(settings(name, owner, Map.of()), (ExtendedActorSystem) Adapter.toClassic(system));
    toRelease.add(lease);
    return lease;
  }

  private LeaseSettings settings(String name, String owner, Map<String, Object> overrides) {
    Config c = ConfigFactory.parseMap(overrides).withFallback(system.settings().config());
    return LeaseSettings.apply(c.getConfig(PATH).withFallback(c.getConfig("pekko.coordination.lease")), name, owner);
  }

  private static boolean acquire(Lease lease, java.util.function.Consumer<Optional<Throwable>> onLost) {
    try {
      return lease.acquire(onLost).toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("acquire failed", e);
    }
  }

  private Row row(String name) {
    Row row = cql.execute("SELECT owner, holder, session, TTL(owner) AS ttl FROM " + KEYSPACE + ".leases WHERE name = ?",
        name).one();
    assertThat(row).as("row of lease %s", name).isNotNull();
    return row;
  }

  private long writetime(String name) {
    return cql.execute("SELECT WRITETIME(owner) AS w FROM " + KEYSPACE + ".leases WHERE name = ?", name).one()
        .getLong("w");
  }

  private int sessionTtl(UUID session) {
    Row row = cql.execute("SELECT TTL(owner) AS ttl FROM " + KEYSPACE + ".lease_sessions WHERE id = ?", session).one();
    assertThat(row).as("row of session %s", session).isNotNull();
    return row.getInt("ttl");
  }

  private long sessionWritetime(UUID session) {
    return cql.execute("SELECT WRITETIME(owner) AS w FROM " + KEYSPACE + ".lease_sessions WHERE id = ?", session)
        .one().getLong("w");
  }

  static Config config(Map<String, Object> extra) {
    Map<String, Object> overrides = new HashMap<>(extra);
    overrides.put("hub.cassandra.journal-keyspace", KEYSPACE);
    overrides.put("hub.cassandra.contact-points", List.of(SharedCassandra.contactPoint()));
    overrides.put(PATH + ".heartbeat-timeout", "3s");
    overrides.put(PATH + ".heartbeat-interval", "500ms");
    overrides.put(PATH + ".give-up-margin", "1s");
    return ConfigFactory.load(ConfigFactory.parseMap(overrides)
        .withFallback(ConfigFactory.parseResources("persistence.conf")));
  }

}
