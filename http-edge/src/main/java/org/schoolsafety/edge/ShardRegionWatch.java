package org.schoolsafety.edge;

import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the node's shard regions, one per entity type. A region that stops while the node is
 * not shutting down never comes back, and every request for its entities then fails on this node
 * until it restarts. Pekko does that on its own: a sharding coordinator whose singleton lease is
 * lost (Cassandra unreachable for longer than the lease's validity) is told to terminate, and on
 * terminating it shuts the local region down as if the node were leaving
 * ({@code ShardCoordinator.terminate}, Pekko 1.2). Such a node is broken in a way only a restart
 * mends, so {@code /health/alive} says so (docs/RELIABILITY.md, "A region lost with a coordinator's lease").
 */
final class ShardRegionWatch {

  private static final Logger log = LoggerFactory.getLogger(ShardRegionWatch.class);

  private final AtomicReference<String> broken = new AtomicReference<>();

  private record Stopped(String typeName) {}

  /** Watches every shard region started so far on {@code system}: call it once all are started. */
  static ShardRegionWatch start(ActorSystem<?> system) {
    var watch = new ShardRegionWatch();
    var classic = Adapter.toClassic(system);
    var sharding = org.apache.pekko.cluster.sharding.ClusterSharding.get(classic);
    var names = new TreeSet<>(sharding.getShardTypeNames());
    Behavior<Stopped> watcher = Behaviors.setup(ctx -> {
      for (String name : names) {
        ctx.watchWith(Adapter.toTyped(sharding.shardRegion(name)), new Stopped(name));
      }
      return Behaviors.receiveMessage(stopped -> {
        watch.regionStopped(stopped.typeName(), leaving(system));
        return Behaviors.same();
      });
    });
    system.systemActorOf(watcher, "shard-region-watch", org.apache.pekko.actor.typed.Props.empty());
    return watch;
  }

  /**
   * Whether the node is on its way out: shutting down, or downed, leaving or removed from the
   * cluster (a downed node's regions stop a moment before its coordinated shutdown starts).
   */
  private static boolean leaving(ActorSystem<?> system) {
    var status = Cluster.get(system).selfMember().status();
    return CoordinatedShutdown.get(Adapter.toClassic(system)).getShutdownReason().isPresent()
        || status == MemberStatus.down() || status == MemberStatus.leaving() || status == MemberStatus.exiting()
        || status == MemberStatus.removed();
  }

  /** Why the node is broken, if one of its regions stopped while it was not shutting down. */
  Optional<String> brokenBecause() {
    return Optional.ofNullable(broken.get());
  }

  void regionStopped(String typeName, boolean shuttingDown) {
    if (shuttingDown) {
      return;
    }
    String why = "the shard region of " + typeName + " stopped while the node runs (a sharding coordinator lost"
        + " its lease, e.g. Cassandra was unreachable for longer than the lease's validity): its entities cannot"
        + " be reached from this node until it restarts";
    if (broken.compareAndSet(null, why)) {
      log.error("{}; /health/alive answers 503 so that an orchestrator restarts the node (without one, e.g. bin/hub dev:"
          + " stop it and start it again on the same data)", why);
    }
  }
}
