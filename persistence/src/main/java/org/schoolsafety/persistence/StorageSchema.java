package org.schoolsafety.persistence;

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.Persistence;
import org.schoolsafety.persistence.lease.CassandraLease;
import org.schoolsafety.persistence.lease.LeaseSchema;
import org.schoolsafety.persistence.lease.ShardingLayout;
import org.schoolsafety.persistence.readside.ReadSideSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the schema is there before any entity reads it.
 *
 * <p>{@code hub.cassandra.autocreate = on} (dev and tests): creates the journal's and snapshot
 * store's keyspaces and tables from the schema files (the plugins' own statements), one at a time,
 * and the leases and sharding layout tables, before any entity starts. The plugins' own autocreate
 * is off in persistence.conf; where a config turns it on, this waits for the plugins and falls back
 * to the files after {@link #FALL_BACK_AFTER}. (The read side creates its own tables when it starts.)
 *
 * <p>{@code autocreate = off} (production): creates nothing. Waits until Cassandra answers and the
 * journal, snapshot and read-side tables exist, as created by the CQL files in {@code schema/};
 * fails with a message that says which of the two is missing otherwise.
 */
public final class StorageSchema {

  private static final Logger log = LoggerFactory.getLogger(StorageSchema.class);

  /** The snapshot table is created last, so all of these present means the schema is complete. */
  private static final Set<String> JOURNAL_TABLES =
      Set.of("messages", "tag_views", "tag_write_progress", "tag_scanning", "metadata", "all_persistence_ids");
  private static final Set<String> SNAPSHOT_TABLES = Set.of("snapshots");

  private StorageSchema() {}

  /** Creates (autocreate on) or checks (off) the schema; blocks for at most {@code within}. */
  public static void initialize(ActorSystem<?> system, Duration within) {
    Config config = system.settings().config();
    boolean autocreate = config.getBoolean("hub.cassandra.autocreate");
    // Nothing may start the journal before its tables exist unless the plugin creates them itself:
    // the plugin's query side prepares its tag_views statement once, when it is made (the journal
    // makes it as it starts), and keeps a failure of that prepare for the life of the node. A node
    // started that way never reads a tagged event ("table tag_views does not exist" / "keyspace …
    // does not exist" on every projection and stream until it restarts: docs/RELIABILITY.md).
    if (autocreate && pluginsCreate(config)) {
      Persistence persistence = Persistence.get(Adapter.toClassic(system));
      persistence.journalFor("", ConfigFactory.empty());
      persistence.snapshotStoreFor("", ConfigFactory.empty());
    }
    Map<String, Set<String>> expected = expectedTables(config, !autocreate);
    Duration perCheck = within.compareTo(Duration.ofSeconds(5)) < 0 ? within : Duration.ofSeconds(5);
    var health = new StorageHealth(system, perCheck);
    Instant began = Instant.now();
    Instant deadline = began.plus(within);
    boolean answered = false;
    boolean fellBack = false;
    Map<String, Set<String>> missing = expected;
    while (true) {
      answered = answered || health.check().toCompletableFuture().join();
      missing = answered ? missingTables(health, expected) : expected;
      if (missing.isEmpty()) {
        break;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(failure(config, answered, autocreate, missing, within));
      }
      if (autocreate && answered && onlyTheListOfAllIdsIsMissing(config, missing)) {
        createListOfAllIds(config, health, deadline);
        continue;
      }
      if (autocreate && answered && !fellBack && Instant.now().isAfter(began.plus(fallBackAfter(config)))) {
        fellBack = true;
        createFromFiles(config, health, missing, deadline);
        continue;
      }
      pause();
    }
    if (autocreate) {
      createLeaseTables(config, health, deadline);
      execute(health, ShardingLayout.createTable(config.getString("pekko.persistence.cassandra.journal.keyspace")),
          deadline);
    }
    log.info("Cassandra schema ready ({} ms)", Duration.between(began, Instant.now()).toMillis());
  }

  /**
   * The plugins create their keyspaces and tables once, when their session opens, and only log a
   * failure — typically a statement that outlasted the driver's 2 s request timeout on a busy or
   * freshly started Cassandra. When the tables are still missing after this long, the same tables
   * are created from the schema files (identical, as SchemaFilesTest checks), with a longer timeout.
   */
  static final Duration FALL_BACK_AFTER = Duration.ofSeconds(15);

  /**
   * When the plugins are told not to create their tables (persistence.conf: the hub's own
   * setting), this node is their one creator, from the files, at once, with a long timeout. The
   * plugins' own creation gives up after the driver's 2 s (every node of a new cluster and both
   * plugins of each creating the same tables at once), logs it and lets the journal start anyway,
   * which is how a node came to keep a failed tag_views prepare (see {@link #initialize}).
   */
  private static Duration fallBackAfter(Config config) {
    return pluginsCreate(config) ? FALL_BACK_AFTER : Duration.ZERO;
  }

  private static boolean pluginsCreate(Config config) {
    return config.getBoolean("pekko.persistence.cassandra.journal.tables-autocreate")
        || config.getBoolean("pekko.persistence.cassandra.snapshot.tables-autocreate");
  }

  /**
   * With {@code support-all-persistence-ids = off} (persistence.conf: nothing here asks for that
   * list) the journal plugin does not create {@code all_persistence_ids}. The schema keeps it,
   * as the production files do, so that a tool that needs the list can have it rebuilt: it is
   * created from the schema file at once instead of after {@link #FALL_BACK_AFTER}.
   */
  private static boolean onlyTheListOfAllIdsIsMissing(Config config, Map<String, Set<String>> missing) {
    return !config.getBoolean("pekko.persistence.cassandra.journal.support-all-persistence-ids")
        && missing.equals(Map.of(config.getString("pekko.persistence.cassandra.journal.keyspace"),
            Set.of(ALL_PERSISTENCE_IDS)));
  }

  private static final String ALL_PERSISTENCE_IDS = "all_persistence_ids";

  private static void createListOfAllIds(Config config, StorageHealth health, Instant deadline) {
    String replication = "{'class': 'SimpleStrategy', 'replication_factor': "
        + config.getInt("pekko.persistence.cassandra.journal.replication-factor") + "}";
    for (String ddl : SchemaFiles.statements(SchemaFiles.JOURNAL, SchemaFiles.Keyspaces.fromConfig(config), replication)) {
      if (ddl.contains("." + ALL_PERSISTENCE_IDS + "(") || ddl.contains("." + ALL_PERSISTENCE_IDS + " (")) {
        execute(health, ddl, deadline);
      }
    }
  }

  private static void createFromFiles(Config config, StorageHealth health, Map<String, Set<String>> missing,
      Instant deadline) {
    if (fallBackAfter(config).isZero()) {
      log.info("creating the journal's and snapshot store's tables from the schema files: {}", missing);
    } else {
      log.warn("Cassandra tables still missing {} s after start {}: creating them from the schema files",
          FALL_BACK_AFTER.toSeconds(), missing);
    }
    var keyspaces = SchemaFiles.Keyspaces.fromConfig(config);
    Map<String, String> replicationOf = Map.of(
        SchemaFiles.JOURNAL, "pekko.persistence.cassandra.journal.replication-factor",
        SchemaFiles.SNAPSHOT, "pekko.persistence.cassandra.snapshot.replication-factor");
    for (String file : List.of(SchemaFiles.JOURNAL, SchemaFiles.SNAPSHOT)) {
      String replication = "{'class': 'SimpleStrategy', 'replication_factor': "
          + config.getInt(replicationOf.get(file)) + "}";
      for (String ddl : SchemaFiles.statements(file, keyspaces, replication)) {
        execute(health, ddl, deadline);
      }
    }
  }

  /**
   * The leases and lease_sessions tables of {@link CassandraLease} (schema/lease.cql), in the keyspace of
   * {@code hub.lease.cassandra} and of every other lease block that Pekko is told to use with it.
   * Created whether or not a lease is in use: it is small, and a node started later with the lease
   * on finds it.
   */
  private static void createLeaseTables(Config config, StorageHealth health, Instant deadline) {
    Set<String> keyspaces = new TreeSet<>(CassandraLease.keyspacesInUse(config));
    if (config.hasPath("hub.lease.cassandra.keyspace")) {
      keyspaces.add(config.getString("hub.lease.cassandra.keyspace"));
    }
    String replication = "{'class': 'SimpleStrategy', 'replication_factor': "
        + config.getInt("pekko.persistence.cassandra.journal.replication-factor") + "}";
    for (String keyspace : keyspaces) {
      for (String ddl : LeaseSchema.statements(keyspace, replication)) {
        execute(health, ddl, deadline);
      }
      // a leases table made before leases were held by sessions (2026-12-01); unknown: let it be,
      // a missing column fails the first acquire loudly
      if (schemaNames(health, "column_name", "SELECT column_name FROM system_schema.columns"
          + " WHERE keyspace_name = ? AND table_name = ?", keyspace, LeaseSchema.TABLE)
          .map(columns -> !columns.contains("session")).orElse(false)) {
        execute(health, LeaseSchema.addSessionColumn(keyspace), deadline);
      }
    }
  }

  /** One idempotent DDL statement, sent again after a failure until the deadline. */
  private static void execute(StorageHealth health, String ddl, Instant deadline) {
    while (true) {
      try {
        health.session().executeWrite(SimpleStatement.newInstance(ddl).setTimeout(Duration.ofSeconds(30)))
            .toCompletableFuture().get(40, TimeUnit.SECONDS);
        return;
      } catch (Exception e) {
        if (Instant.now().isAfter(deadline)) {
          log.warn("schema statement failed: {}", e.toString());
          return;
        }
        log.debug("schema statement failed, sending it again: {}", e.toString());
        pause();
      }
    }
  }

  /**
   * Keyspace → tables that must exist; the read side's, the leases table (when a
   * {@link CassandraLease} is in use) and the sharding layout only when nobody creates them here.
   */
  static Map<String, Set<String>> expectedTables(Config config, boolean withReadSide) {
    Map<String, Set<String>> expected = new TreeMap<>();
    expected.computeIfAbsent(config.getString("pekko.persistence.cassandra.journal.keyspace"), k -> new TreeSet<>())
        .addAll(JOURNAL_TABLES);
    if (withReadSide) {
      expected.get(config.getString("pekko.persistence.cassandra.journal.keyspace")).add(ShardingLayout.TABLE);
    }
    expected.computeIfAbsent(config.getString("pekko.persistence.cassandra.snapshot.keyspace"), k -> new TreeSet<>())
        .addAll(SNAPSHOT_TABLES);
    if (withReadSide) {
      for (String keyspace : CassandraLease.keyspacesInUse(config)) {
        expected.computeIfAbsent(keyspace, k -> new TreeSet<>())
            .addAll(List.of(LeaseSchema.TABLE, LeaseSchema.SESSIONS_TABLE));
      }
      expected.computeIfAbsent(config.getString("hub.cassandra.read-keyspace"), k -> new TreeSet<>())
          .addAll(ReadSideSchema.tableNames());
      Config offsets = config.getConfig("pekko.projection.cassandra.offset-store");
      expected.computeIfAbsent(offsets.getString("keyspace"), k -> new TreeSet<>())
          .addAll(List.of(offsets.getString("table"), offsets.getString("management-table")));
    }
    return expected;
  }

  private static Map<String, Set<String>> missingTables(StorageHealth health, Map<String, Set<String>> expected) {
    Map<String, Set<String>> missing = new TreeMap<>();
    expected.forEach((keyspace, tables) -> {
      Set<String> absent = new TreeSet<>(tables);
      absent.removeAll(tablesIn(health, keyspace));
      if (!absent.isEmpty()) {
        missing.put(keyspace, absent);
      }
    });
    return missing;
  }

  private static Set<String> tablesIn(StorageHealth health, String keyspace) {
    return schemaNames(health, "table_name", "SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?",
        keyspace).orElse(Set.of());
  }

  /** The values of {@code column} in what {@code cql} selects from system_schema; empty if Cassandra did not say. */
  private static Optional<Set<String>> schemaNames(StorageHealth health, String column, String cql, Object... values) {
    try {
      List<Row> rows = health.session().selectAll(cql, values).toCompletableFuture().get(10, TimeUnit.SECONDS);
      return Optional.of(rows.stream().map(r -> r.getString(column)).collect(Collectors.toSet()));
    } catch (Exception e) {
      log.debug("schema check failed: {}", e.toString());
      return Optional.empty();
    }
  }

  private static String failure(Config config, boolean answered, boolean autocreate,
      Map<String, Set<String>> missing, Duration within) {
    String seconds = within.toSeconds() + " s";
    if (!answered) {
      return "Cassandra did not answer within " + seconds + " (contact points "
          + config.getStringList("datastax-java-driver.basic.contact-points") + ", local datacenter '"
          + config.getString("datastax-java-driver.basic.load-balancing-policy.local-datacenter")
          + "'): is it up and reachable, and are hub.cassandra.contact-points and local-datacenter right?";
    }
    if (autocreate) {
      return "the Cassandra schema was not created within " + seconds + "; still missing: " + missing;
    }
    return "Cassandra answers, but its schema is incomplete; missing (keyspace=[tables]): " + missing
        + ". hub.cassandra.autocreate is off: create the keyspaces and tables from the CQL files in"
        + " persistence/src/main/resources/schema/ first (docs/DEPLOY.md)";
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
