package org.schoolsafety.edge;

import com.typesafe.config.Config;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a node becomes a cluster member ({@code hub.cluster}, see cluster.conf):
 *
 * <ul>
 *   <li>{@code hub.cluster.bootstrap = on} (production): Pekko Management starts its HTTP endpoint
 *       and Cluster Bootstrap looks the other nodes up with {@code hub.cluster.discovery-method}
 *       ({@code kubernetes-api} or {@code pekko-dns}), then joins the cluster they are in, or, when
 *       there is none yet, the node with the lowest address forms it;
 *   <li>otherwise, with {@code pekko.cluster.seed-nodes}: Pekko joins those by itself;
 *   <li>otherwise (dev node, tests): the node joins itself, a cluster of one.
 * </ul>
 *
 * <p>Bootstrap and seed nodes exclude each other (Cluster Bootstrap would quietly give up), so a
 * configuration with both is refused.
 */
public final class ClusterFormation {

  private static final Logger log = LoggerFactory.getLogger(ClusterFormation.class);

  /** The way {@link #join} makes the node a member. */
  public enum Mode {
    BOOTSTRAP, SEED_NODES, SELF_JOIN
  }

  private ClusterFormation() {}

  /** Decides from the configuration alone; throws {@link IllegalArgumentException} if it is contradictory. */
  public static Mode mode(Config config) {
    List<String> seedNodes = config.getStringList("pekko.cluster.seed-nodes");
    if (!config.getBoolean("hub.cluster.bootstrap")) {
      return seedNodes.isEmpty() ? Mode.SELF_JOIN : Mode.SEED_NODES;
    }
    if (!seedNodes.isEmpty()) {
      throw new IllegalArgumentException("hub.cluster.bootstrap = on and pekko.cluster.seed-nodes " + seedNodes
          + " exclude each other: leave seed-nodes empty to use Cluster Bootstrap");
    }
    String method = config.getString("hub.cluster.discovery-method");
    if (method.isBlank() || !config.hasPath("pekko.discovery." + method + ".class")) {
      throw new IllegalArgumentException("hub.cluster.discovery-method '" + method
          + "' is not a discovery method on the classpath: use kubernetes-api or pekko-dns");
    }
    return Mode.BOOTSTRAP;
  }

  /**
   * Starts becoming a member; does not wait for it (readiness says when the node is {@code Up}).
   * With bootstrap, waits only until the management endpoint is bound, and fails if it cannot be.
   */
  public static Mode join(ActorSystem<?> system, Config config) {
    Mode mode = mode(config);
    switch (mode) {
      case SELF_JOIN -> {
        Cluster cluster = Cluster.get(system);
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
      }
      case SEED_NODES -> log.info("Joining the seed nodes {}", config.getStringList("pekko.cluster.seed-nodes"));
      case BOOTSTRAP -> {
        try {
          var uri = PekkoManagement.get(system).start().toCompletableFuture().get(30, TimeUnit.SECONDS);
          log.info("Pekko Management on {}; Cluster Bootstrap discovers '{}' with {}", uri,
              config.getString("hub.cluster.service-name"), config.getString("hub.cluster.discovery-method"));
        } catch (Exception e) {
          Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
          throw new IllegalStateException("cannot start Pekko Management on port "
              + config.getInt("pekko.management.http.port") + " (pekko.management.http.port): " + cause, cause);
        }
        ClusterBootstrap.get(system).start();
      }
      default -> throw new IllegalStateException("unreachable");
    }
    return mode;
  }
}
