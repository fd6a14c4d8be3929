package org.schoolsafety.persistence;

import com.datastax.oss.driver.api.core.cql.Row;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.Persistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the journal's and snapshot store's keyspaces and tables exist before any entity
 * reads them (dev and tests: {@code hub.cassandra.autocreate = on}). The plugins create them
 * lazily when their session opens; the first recoveries would otherwise race that and fail with
 * "keyspace does not exist". Production creates the schema from CQL files and skips this.
 */
public final class StorageSchema {

  private static final Logger log = LoggerFactory.getLogger(StorageSchema.class);

  /** The snapshot table is created last, so all of these present means the schema is complete. */
  private static final Set<String> JOURNAL_TABLES =
      Set.of("messages", "tag_views", "tag_write_progress", "tag_scanning", "metadata", "all_persistence_ids");
  private static final Set<String> SNAPSHOT_TABLES = Set.of("snapshots");

  private StorageSchema() {}

  /** Starts both plugins and blocks until their tables exist, for at most {@code within}. */
  public static void initialize(ActorSystem<?> system, Duration within) {
    Persistence persistence = Persistence.get(Adapter.toClassic(system));
    persistence.journalFor("", ConfigFactory.empty());
    persistence.snapshotStoreFor("", ConfigFactory.empty());
    Config config = system.settings().config();
    String journalKeyspace = config.getString("pekko.persistence.cassandra.journal.keyspace");
    String snapshotKeyspace = config.getString("pekko.persistence.cassandra.snapshot.keyspace");
    var health = new StorageHealth(system, Duration.ofSeconds(5));
    Instant began = Instant.now();
    Instant deadline = began.plus(within);
    while (!(hasTables(health, journalKeyspace, JOURNAL_TABLES)
        && hasTables(health, snapshotKeyspace, SNAPSHOT_TABLES))) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("the Cassandra schema (keyspaces " + journalKeyspace + ", "
            + snapshotKeyspace + ") was not created within " + within.toSeconds() + " s; is Cassandra reachable?");
      }
      pause();
    }
    log.info("Cassandra schema ready ({} ms)", Duration.between(began, Instant.now()).toMillis());
  }

  private static boolean hasTables(StorageHealth health, String keyspace, Set<String> expected) {
    try {
      List<Row> rows = health.session()
          .selectAll("SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?", keyspace)
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      Set<String> present = rows.stream().map(r -> r.getString("table_name")).collect(Collectors.toSet());
      return present.containsAll(expected);
    } catch (Exception e) {
      log.debug("schema check failed: {}", e.toString());
      return false;
    }
  }

  private static void pause() {
    try {
      Thread.sleep(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the Cassandra schema", e);
    }
  }
}
