package org.schoolsafety.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.NoOffset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.connectors.cassandra.CassandraSessionSettings;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.persistence.readside.ReadSideSchema;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * The production schema files ({@code schema/*.cql}) against what {@code hub.cassandra.autocreate = on}
 * creates, on the real embedded Cassandra: both are created in fresh keyspaces (the files with their
 * keyspace names and the {@code DATACENTER_NAME} placeholder substituted) and every table's columns
 * and options in {@code system_schema} must be the same, so the files cannot drift from the plugins'
 * and the read side's own DDL. Also: a node with autocreate off accepts the files' schema, and says
 * clearly when Cassandra does not answer or the schema is incomplete.
 */
@ExtendWith(SharedCassandra.class)
class SchemaFilesTest {

  static final List<String> FILES = SchemaFiles.ALL;
  static final String AUTO = "drift_auto";
  static final String FROM_FILES = "drift_files";

  @BeforeAll
  static void createBoth() throws Exception {
    // 1. autocreate: the plugins' journal and snapshot tables (their own DDL, switched on here: the
    // hub leaves it off and creates them from the files), then the read side's and the offset store's
    Config pluginsCreate = ConfigFactory.parseMap(Map.of(
            "pekko.persistence.cassandra.journal.keyspace-autocreate", true,
            "pekko.persistence.cassandra.journal.tables-autocreate", true,
            "pekko.persistence.cassandra.snapshot.keyspace-autocreate", true,
            "pekko.persistence.cassandra.snapshot.tables-autocreate", true))
        .withFallback(config(AUTO, true, SharedCassandra.contactPoint()));
    withSystem(pluginsCreate, system -> {
      StorageSchema.initialize(system, Duration.ofSeconds(120));
      var session = CassandraSessionRegistry.get(system).sessionFor(CassandraSessionSettings.create(
          system.settings().config().getString("pekko.projection.cassandra.session-config-path")));
      ReadSideSchema.create(system, session, AUTO + "_read");
    });
    // 2. the files, as a platform team runs them (placeholders substituted, statement by statement)
    try (CqlSession cql = SharedCassandra.session()) {
      for (String file : FILES) {
        for (String statement : statements(file, FROM_FILES, "datacenter1")) {
          cql.execute(statement);
        }
      }
    }
  }

  @Test
  void filesCreateTheSameTablesAsAutocreate() {
    try (CqlSession cql = SharedCassandra.session()) {
      for (String suffix : List.of("", "_snapshot", "_read")) {
        Map<String, List<String>> auto = columns(cql, AUTO + suffix);
        Map<String, List<String>> files = columns(cql, FROM_FILES + suffix);
        assertThat(files.keySet()).as("tables of keyspace *%s", suffix).isEqualTo(auto.keySet());
        Map<String, Map<String, Object>> autoOptions = tableOptions(cql, AUTO + suffix);
        Map<String, Map<String, Object>> filesOptions = tableOptions(cql, FROM_FILES + suffix);
        for (String table : auto.keySet()) {
          assertThat(files.get(table)).as("columns of %s%s.%s", FROM_FILES, suffix, table)
              .isEqualTo(auto.get(table));
          assertThat(filesOptions.get(table)).as("options of %s%s.%s", FROM_FILES, suffix, table)
              .isEqualTo(autoOptions.get(table));
        }
      }
      assertThat(columns(cql, AUTO).keySet()).contains("messages", "tag_views", "tag_write_progress",
          "tag_scanning", "metadata", "all_persistence_ids", "leases", "lease_sessions", "sharding_layout");
      assertThat(columns(cql, AUTO + "_snapshot").keySet()).containsExactly("snapshots");
      assertThat(columns(cql, AUTO + "_read").keySet()).containsAll(ReadSideSchema.tableNames())
          .contains("offset_store", "projection_management");
    }
  }

  @Test
  void filesReplicateWithNetworkTopologyStrategyRf3() {
    try (CqlSession cql = SharedCassandra.session()) {
      for (String suffix : List.of("", "_snapshot", "_read")) {
        Row row = cql.execute("SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?",
            FROM_FILES + suffix).one();
        assertThat(row).isNotNull();
        assertThat(row.getMap("replication", String.class, String.class))
            .containsEntry("class", "org.apache.cassandra.locator.NetworkTopologyStrategy")
            .containsEntry("datacenter1", "3")
            .hasSize(2);
      }
    }
  }

  @Test
  void filesHaveNoLeftoverKeyspaceNamesOrPlaceholders() {
    for (String file : FILES) {
      for (String statement : statements(file, FROM_FILES, "datacenter1")) {
        assertThat(statement).doesNotContain("school_safety").doesNotContain("DATACENTER_NAME");
      }
      assertThat(read(file)).contains("'DATACENTER_NAME': 3").doesNotContain("SimpleStrategy");
    }
  }

  @Test
  void autocreateCreatesThePluginsTablesFromTheFiles() throws Exception {
    // the plugins' own creation is off (the hub's setting); StorageSchema creates the tables from the files
    withSystem(config("drift_fallback", true, SharedCassandra.contactPoint()),
        system -> StorageSchema.initialize(system, Duration.ofSeconds(90)));
    try (CqlSession cql = SharedCassandra.session()) {
      for (String suffix : List.of("", "_snapshot")) {
        assertThat(columns(cql, "drift_fallback" + suffix)).isEqualTo(columns(cql, AUTO + suffix));
        assertThat(tableOptions(cql, "drift_fallback" + suffix)).isEqualTo(tableOptions(cql, AUTO + suffix));
        Row row = cql.execute("SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?",
            "drift_fallback" + suffix).one();
        assertThat(row.getMap("replication", String.class, String.class))
            .containsEntry("class", "org.apache.cassandra.locator.SimpleStrategy")
            .containsEntry("replication_factor", "1");
      }
    }
  }

  /**
   * On a new keyspace the journal's tag queries work once the schema is ready. The plugin's query
   * side prepares its tag_views statement once, when it is made, and keeps a failure of that
   * prepare: a journal started before its tables existed left the node's every projection failing
   * with "keyspace … does not exist" until it restarted (CI, 2026-12-02; docs/RELIABILITY.md).
   */
  @Test
  void tagQueriesWorkOnANewKeyspaceOnceTheSchemaIsReady() throws Exception {
    withSystem(taggedConfig("drift_tags"), system -> {
      StorageSchema.initialize(system, Duration.ofSeconds(120));
      var events = PersistenceQuery.get(Adapter.toClassic(system))
          .getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier())
          .currentEventsByTag("school", NoOffset.getInstance())
          .runWith(Sink.seq(), system)
          .toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertThat(events).isEmpty();
      assertThat(new TagQueryHealth(system).brokenBecause()).isEmpty();
    });
  }

  /** A new keyspace whose tag queries look no further back than this test run. */
  private static Config taggedConfig(String keyspace) {
    return ConfigFactory.parseMap(Map.of("pekko.persistence.cassandra.events-by-tag.first-time-bucket",
            SharedCassandra.firstTimeBucket()))
        .withFallback(config(keyspace, true, SharedCassandra.contactPoint()));
  }

  /**
   * The plugin's fault that {@link StorageSchema} now avoids, made on purpose: the read journal
   * made before its keyspace exists keeps its failed tag-scanner prepare after the tables come, and
   * the node's health says so (a restart is what mends it).
   */
  @Test
  void aReadJournalMadeBeforeItsTablesIsReportedBrokenForGood() throws Exception {
    withSystem(taggedConfig("drift_early_journal"), system -> {
      var health = new TagQueryHealth(system);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60))
          .until(() -> health.brokenBecause().isPresent());
      StorageSchema.initialize(system, Duration.ofSeconds(120));
      assertThat(health.brokenBecause()).get().asString()
          .contains("events-by-tag queries fail for good on this node")
          .contains("drift_early_journal")
          .contains("until the node restarts");
    });
  }

  /** A leases table made before leases were held by sessions gets its session column at start. */
  @Test
  void autocreateAddsTheSessionColumnToAnOlderLeasesTable() throws Exception {
    try (CqlSession cql = SharedCassandra.session()) {
      cql.execute("CREATE KEYSPACE IF NOT EXISTS drift_old WITH replication ="
          + " {'class': 'SimpleStrategy', 'replication_factor': 1}");
      cql.execute("CREATE TABLE IF NOT EXISTS drift_old.leases (name text PRIMARY KEY, owner text, holder uuid)");
      cql.execute("INSERT INTO drift_old.leases (name, owner, holder) VALUES ('kept', 'node-old', uuid())");
    }
    withSystem(config("drift_old", true, SharedCassandra.contactPoint()),
        system -> StorageSchema.initialize(system, Duration.ofSeconds(120)));
    try (CqlSession cql = SharedCassandra.session()) {
      assertThat(columns(cql, "drift_old").get("leases")).isEqualTo(columns(cql, AUTO).get("leases"));
      assertThat(columns(cql, "drift_old")).containsKey("lease_sessions");
      assertThat(cql.execute("SELECT owner FROM drift_old.leases WHERE name = 'kept'").one().getString("owner"))
          .isEqualTo("node-old");
    }
  }

  @Test
  void nodeWithoutAutocreateAcceptsTheFilesSchema() throws Exception {
    withSystem(config(FROM_FILES, false, SharedCassandra.contactPoint()),
        system -> StorageSchema.initialize(system, Duration.ofSeconds(30)));
  }

  @Test
  void nodeWithoutAutocreateNamesTheMissingTables() throws Exception {
    withSystem(config("drift_absent", false, SharedCassandra.contactPoint()), system ->
        assertThatThrownBy(() -> StorageSchema.initialize(system, Duration.ofSeconds(2)))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("Cassandra answers, but its schema is incomplete")
            .hasMessageContaining("drift_absent=[all_persistence_ids, messages, metadata,")
            .hasMessageContaining("drift_absent_read=[devices_by_province, directive_provinces, directives_by_province,")
            .hasMessageContaining("drift_absent_snapshot=[snapshots]")
            .hasMessageContaining("schema/"));
  }

  @Test
  void nodeSaysWhenCassandraDoesNotAnswer() throws Exception {
    String nobody = "127.0.0.1:" + SharedCassandra.freePorts()[0];
    withSystem(config(FROM_FILES, false, nobody), system ->
        assertThatThrownBy(() -> StorageSchema.initialize(system, Duration.ofSeconds(2)))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("Cassandra did not answer within 2 s")
            .hasMessageContaining(nobody)
            .hasMessageContaining("datacenter1"));
  }

  // --- the files as a platform team runs them ---

  /** The file's statements with keyspaces {@code prefix...} and RF 3 in the datacenter given. */
  static List<String> statements(String file, String prefix, String datacenter) {
    return SchemaFiles.statements(file,
        new SchemaFiles.Keyspaces(prefix, prefix + "_snapshot", prefix + "_read"),
        "{'class': 'NetworkTopologyStrategy', '" + datacenter + "': 3}");
  }

  static String read(String resource) {
    return SchemaFiles.read(resource);
  }

  // --- system_schema ---

  /** table → its columns as "name kind position clustering_order type", sorted. */
  static Map<String, List<String>> columns(CqlSession cql, String keyspace) {
    Map<String, List<String>> tables = new TreeMap<>();
    for (Row row : cql.execute("SELECT table_name, column_name, kind, position, clustering_order, type"
        + " FROM system_schema.columns WHERE keyspace_name = ?", keyspace)) {
      tables.computeIfAbsent(row.getString("table_name"), t -> new ArrayList<>()).add(
          row.getString("column_name") + " " + row.getString("kind") + " " + row.getInt("position") + " "
              + row.getString("clustering_order") + " " + row.getString("type"));
    }
    tables.values().forEach(list -> list.sort(null));
    return tables;
  }

  /** table → every option in system_schema.tables (gc_grace_seconds, compaction, ...), without names and ids. */
  static Map<String, Map<String, Object>> tableOptions(CqlSession cql, String keyspace) {
    Map<String, Map<String, Object>> tables = new TreeMap<>();
    for (Row row : cql.execute("SELECT * FROM system_schema.tables WHERE keyspace_name = ?", keyspace)) {
      Map<String, Object> options = new TreeMap<>();
      for (int i = 0; i < row.getColumnDefinitions().size(); i++) {
        String name = row.getColumnDefinitions().get(i).getName().asInternal();
        if (!new TreeSet<>(List.of("keyspace_name", "table_name", "id")).contains(name)) {
          options.put(name, row.getObject(i));
        }
      }
      tables.put(row.getString("table_name"), options);
    }
    return tables;
  }

  // --- plumbing ---

  static Config config(String journalKeyspace, boolean autocreate, String contactPoint) {
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("hub.cassandra.journal-keyspace", journalKeyspace);
    overrides.put("hub.cassandra.snapshot-keyspace", journalKeyspace + "_snapshot");
    overrides.put("hub.cassandra.autocreate", autocreate);
    overrides.put("hub.cassandra.contact-points", List.of(contactPoint));
    // DDL on a node that has just started can take longer than the driver's default 2 s, and the
    // plugins do not retry a failed autocreate.
    overrides.put("datastax-java-driver.basic.request.timeout", "30s");
    return ConfigFactory.load(ConfigFactory.parseMap(overrides)
        .withFallback(ConfigFactory.parseResources("persistence.conf")));
  }

  interface SystemUse {
    void accept(ActorSystem<Void> system) throws Exception;
  }

  static void withSystem(Config config, SystemUse use) throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "schema-test", config);
    try {
      use.accept(system);
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

}
