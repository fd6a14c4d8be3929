package org.schoolsafety.persistence.lease;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.junit.jupiter.api.Test;

/** Which lease guards which journal writes (the names are Pekko's; ShardLeaseTest checks them on a node). */
class ShardFenceTest {

  @Test
  void entitiesAndTheirShardsRememberedEntitiesAreGuardedByTheShardLeaseAndCoordinatorsByTheirOwn() {
    withSystem("hub.lease.cassandra", "hub.lease.cassandra", fence -> {
      String shard = ShardRegion.HashCodeMessageExtractor$.MODULE$.shardId("inc-1", 100);
      assertThat(fence.leaseOf("Incident|inc-1")).contains("hub-shard-Incident-" + shard);
      assertThat(fence.leaseOf("/sharding/IncidentShard/" + shard)).contains("hub-shard-Incident-" + shard);
      assertThat(fence.leaseOf("/sharding/AgencyWebhooksShard/7")).contains("hub-shard-AgencyWebhooks-7");
      assertThat(fence.leaseOf("/sharding/IncidentCoordinator"))
          .contains("hub-singleton-pekko://hub/system/sharding/IncidentCoordinator");
      // not sharding's: writes pass
      assertThat(fence.leaseOf("projection-offsets")).isEmpty();
      assertThat(fence.leaseOf("/sharding/")).isEmpty();
    });
  }

  @Test
  void withoutTheCoordinatorsLeaseItsWritesPassAndWithoutShardLeasesAllDo() {
    withSystem("hub.lease.cassandra", "", fence -> {
      assertThat(fence.leaseOf("/sharding/IncidentCoordinator")).isEmpty();
      assertThat(fence.leaseOf("Incident|inc-1")).isPresent();
    });
    withSystem("", "", fence -> {
      assertThat(fence.leaseOf("Incident|inc-1")).isEmpty();
      assertThat(fence.leaseOf("/sharding/IncidentShard/3")).isEmpty();
      assertThat(fence.refusal("Incident|inc-1")).isEqualTo(Optional.empty());
    });
  }

  private static void withSystem(String shardLease, String coordinatorLease, java.util.function.Consumer<ShardFence> check) {
    var config = ConfigFactory.parseMap(Map.of(
            "pekko.cluster.sharding.use-lease", shardLease,
            "pekko.cluster.sharding.coordinator-singleton.use-lease", coordinatorLease,
            "pekko.cluster.sharding.number-of-shards", 100))
        .withFallback(ConfigFactory.load());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "hub", config);
    try {
      check.accept(new ShardFence((ExtendedActorSystem) Adapter.toClassic(system)));
    } finally {
      system.terminate();
    }
  }
}
