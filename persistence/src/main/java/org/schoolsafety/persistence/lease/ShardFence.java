package org.schoolsafety.persistence.lease;

import com.typesafe.config.Config;
import java.util.Optional;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.cluster.sharding.ShardRegion;

/**
 * The journal's last check before an entity's events are written: does this node still hold the
 * lease of the shard the entity belongs to? A node frozen past the lease's timeout (a GC pause,
 * a stalled VM, SIGSTOP) wakes with timers due and messages queued; its entities may try to write
 * before the shard hears that its lease is gone — beside the entity's new incarnation on another
 * node. {@link CassandraLease#checkLease()} is measured on the monotonic clock, so it is false the
 * moment such a node wakes, and the write is refused. Writes of entities whose shard has no
 * lease on this node (no lease in use, or not a sharded entity) pass.
 */
final class ShardFence {

  private final ExtendedActorSystem system;
  private final boolean enabled;
  private final int numberOfShards;

  ShardFence(ExtendedActorSystem system) {
    this.system = system;
    Config config = system.settings().config();
    this.enabled = !config.getString("pekko.cluster.sharding.use-lease").isBlank();
    this.numberOfShards = config.getInt("pekko.cluster.sharding.number-of-shards");
  }

  /** Why the events of {@code persistenceId} must not be written now; empty when they may. */
  Optional<String> refusal(String persistenceId) {
    int bar = persistenceId.indexOf('|');
    if (!enabled || bar < 0) {
      return Optional.empty();
    }
    String name = leaseName(persistenceId.substring(0, bar), persistenceId.substring(bar + 1));
    return CassandraLeases.get(system).lease(name)
        .filter(lease -> !lease.checkLease())
        .map(lease -> "not writing events of " + persistenceId + ": this node no longer holds lease " + name
            + " (frozen or cut off past its timeout; the entity lives on elsewhere)");
  }

  /** The name sharding gives the lease of the entity's shard (Pekko's Shard: system-shard-type-shardId). */
  String leaseName(String typeName, String entityId) {
    return system.name() + "-shard-" + typeName + "-"
        + ShardRegion.HashCodeMessageExtractor$.MODULE$.shardId(entityId, numberOfShards);
  }
}
