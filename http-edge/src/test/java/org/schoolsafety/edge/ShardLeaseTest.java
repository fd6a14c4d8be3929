package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.schoolsafety.edge.Fixtures.created;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.pattern.Patterns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * A node with the shard lease configured (cluster.conf: pekko.cluster.sharding.use-lease =
 * hub.lease.cassandra) starts and serves a report, every shard it runs holds its lease — one row in
 * the leases table per started shard, owned by the node, all under the node's one session — and a node that shuts down gives them all
 * back (its shards hand off, and each lease is released when its shard has stopped).
 */
@ExtendWith(SharedCassandra.class)
class ShardLeaseTest {

  static final String KEYSPACE = "it_lease";
  static final String SCHOOL = "sch-650102-001";

  @Test
  void aLeasedNodeServesAReportAndHoldsOneLeasePerShardItRuns() throws Exception {
    long t0 = System.nanoTime();
    HubNode node = TestNode.start(KEYSPACE, Map.of());
    long started = System.nanoTime();
    String owner;
    try (CqlSession cql = SharedCassandra.session()) {
      assertThat(node.system().settings().config().getString("pekko.cluster.sharding.use-lease"))
          .isEqualTo("hub.lease.cassandra");
      owner = Cluster.get(Adapter.toClassic(node.system())).selfAddress().hostPort();

      var anonymous = new HubClient(node.httpPort());
      long r0 = System.nanoTime();
      Fixtures.registerRegion(anonymous, "650102");
      created(Fixtures.postSchool(anonymous.as(Role.OPERATOR, "ops"), Fixtures.school(SCHOOL, "650102")));
      long r1 = System.nanoTime();
      var staff = anonymous.as(Role.SCHOOL_STAFF, SCHOOL);
      String id = created(staff.post("/api/v1/incidents", Fixtures.incident(SCHOOL, "FIRE", "III", "lease-1")))
          .body().get("incidentId").asText();
      long r2 = System.nanoTime();
      var read = anonymous.as(Role.COMMAND_CENTER, "650102").get("/api/v1/incidents/" + id);
      assertThat(read.status()).isEqualTo(200);
      assertThat(read.body().get("schoolId").asText()).isEqualTo(SCHOOL);

      // every started shard holds its lease, so does every entity type's coordinator (a singleton
      // on this only node), and nothing else is leased
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        Set<String> shards = startedShardLeases(node);
        assertThat(shards).anyMatch(name -> name.startsWith("hub-shard-Incident-"))
            .anyMatch(name -> name.startsWith("hub-shard-School-"));
        Set<String> leased = new TreeSet<>(shards);
        leased.addAll(coordinatorLeases(node));
        assertThat(leases(cql)).isEqualTo(owned(leased, owner));
        // The journal's write fence checks exactly the lease sharding took for the incident's shard.
        assertThat(leases(cql)).containsKey(org.schoolsafety.persistence.lease.FencedCassandraJournal.shardLeaseName(
            (org.apache.pekko.actor.ExtendedActorSystem) Adapter.toClassic(node.system()), "Incident|" + id));
      });
      // all of them held under one session of this node: the one row its renewals write
      Set<java.util.UUID> sessions = new TreeSet<>();
      cql.execute("SELECT session FROM " + KEYSPACE + ".leases").forEach(row -> sessions.add(row.getUuid("session")));
      assertThat(sessions).hasSize(1);
      Row session = cql.execute("SELECT owner, TTL(owner) AS ttl FROM " + KEYSPACE + ".lease_sessions WHERE id = ?",
          sessions.iterator().next()).one();
      assertThat(session).isNotNull();
      assertThat(session.getString("owner")).isEqualTo(owner);
      Map<String, String> leases = leases(cql);
      System.out.printf("shard lease figures: node started in %d ms; region + school registered in %d ms;"
              + " first report 201 in %d ms; %d shards leased: %s%n",
          (started - t0) / 1_000_000, (r1 - r0) / 1_000_000, (r2 - r1) / 1_000_000, leases.size(), leases.keySet());
    } finally {
      node.close();
    }

    // the node left: its shards handed off and their leases were released, not left to expire
    try (CqlSession cql = SharedCassandra.session()) {
      assertThat(leases(cql)).isEmpty();
    }
  }

  /** The leases of the shards the node has started (Pekko names them hub-shard-<type>-<shard>). */
  private static Set<String> startedShardLeases(HubNode node) throws Exception {
    var sharding = org.apache.pekko.cluster.sharding.ClusterSharding.get(Adapter.toClassic(node.system()));
    Set<String> names = new TreeSet<>();
    for (String type : sharding.getShardTypeNames()) {
      var state = (ShardRegion.CurrentShardRegionState) Patterns.ask(sharding.shardRegion(type),
          ShardRegion.getShardRegionStateInstance(), Duration.ofSeconds(10)).toCompletableFuture()
          .get(15, TimeUnit.SECONDS);
      for (ShardRegion.ShardState shard : state.getShards()) {
        names.add(node.system().name() + "-shard-" + type + "-" + shard.shardId());
      }
    }
    return names;
  }

  /** The leases of the sharding coordinators (Pekko's singleton manager: system-singleton-its path). */
  private static Set<String> coordinatorLeases(HubNode node) {
    var sharding = org.apache.pekko.cluster.sharding.ClusterSharding.get(Adapter.toClassic(node.system()));
    Set<String> names = new TreeSet<>();
    for (String type : sharding.getShardTypeNames()) {
      names.add("hub-singleton-pekko://hub/system/sharding/" + type + "Coordinator");
    }
    return names;
  }

  private static Map<String, String> owned(Set<String> names, String owner) {
    Map<String, String> map = new TreeMap<>();
    names.forEach(name -> map.put(name, owner));
    return map;
  }

  /** name → owner of every row of the test keyspace's leases table. */
  private static Map<String, String> leases(CqlSession cql) {
    Map<String, String> map = new TreeMap<>();
    for (Row row : cql.execute("SELECT name, owner FROM " + KEYSPACE + ".leases")) {
      map.put(row.getString("name"), row.getString("owner"));
    }
    return map;
  }

}
