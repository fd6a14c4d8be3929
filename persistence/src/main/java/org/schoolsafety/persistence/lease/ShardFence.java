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

  private final boolean coordinatorLeased;

  ShardFence(ExtendedActorSystem system) {
    this.system = system;
    Config config = system.settings().config();
    this.enabled = !config.getString("pekko.cluster.sharding.use-lease").isBlank();
    this.coordinatorLeased = !config.getString("pekko.cluster.sharding.coordinator-singleton.use-lease").isBlank();
    this.numberOfShards = config.getInt("pekko.cluster.sharding.number-of-shards");
  }

  /** Why the events of {@code persistenceId} must not be written now; empty when they may. */
  Optional<String> refusal(String persistenceId) {
    return leaseOf(persistenceId).flatMap(name -> CassandraLeases.get(system).lease(name)
        .filter(lease -> !lease.checkLease())
        .map(lease -> "not writing events of " + persistenceId + ": this node no longer holds lease " + name
            + " (frozen or cut off past its timeout; the writer lives on elsewhere)"));
  }

  /**
   * The lease that guards the writes of {@code persistenceId}: an entity's ("Type|id") and its
   * shard's remembered entities ("/sharding/TypeShard/n") are guarded by the shard's lease; the
   * coordinator's remembered shards ("/sharding/TypeCoordinator") by the coordinator singleton's
   * lease, when it has one.
   */
  Optional<String> leaseOf(String persistenceId) {
    if (!enabled) {
      return Optional.empty();
    }
    int bar = persistenceId.indexOf('|');
    if (bar > 0) {
      return Optional.of(leaseName(persistenceId.substring(0, bar), persistenceId.substring(bar + 1)));
    }
    if (!persistenceId.startsWith(SHARDING)) {
      return Optional.empty();
    }
    String rest = persistenceId.substring(SHARDING.length());
    int shard = rest.lastIndexOf("Shard/");
    if (shard > 0) {
      return Optional.of(system.name() + "-shard-" + rest.substring(0, shard) + "-" + rest.substring(shard + "Shard/".length()));
    }
    if (coordinatorLeased && rest.endsWith("Coordinator") && rest.indexOf('/') < 0) {
      return Optional.of(coordinatorLeaseName(rest.substring(0, rest.length() - "Coordinator".length())));
    }
    return Optional.empty();
  }

  private static final String SHARDING = "/sharding/";

  /** The name sharding gives the lease of the entity's shard (Pekko's Shard: system-shard-type-shardId). */
  String leaseName(String typeName, String entityId) {
    return system.name() + "-shard-" + typeName + "-"
        + ShardRegion.HashCodeMessageExtractor$.MODULE$.shardId(entityId, numberOfShards);
  }

  /**
   * The name of the coordinator singleton's lease (Pekko's ClusterSingletonManager names it
   * system-singleton-its path; the coordinator's manager is /system/sharding/TypeCoordinator).
   */
  String coordinatorLeaseName(String typeName) {
    return system.name() + "-singleton-pekko://" + system.name() + "/system/sharding/" + typeName + "Coordinator";
  }
}
