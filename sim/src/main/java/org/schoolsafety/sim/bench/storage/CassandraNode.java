package org.schoolsafety.sim.bench.storage;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.Row;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The hub's Cassandra node as the benchmark sees it, over the CQL driver: its per-table write
 * counters, the size of the events the hub journals, and the storage baseline. The only place in
 * sim that speaks CQL (see BlackBoxTest): it reads the node's own counters and writes to its own
 * keyspace, and never uses anything of the hub's code.
 */
public final class CassandraNode implements AutoCloseable {

  /**
   * The journal's consistency level: pekko-persistence-cassandra's profile
   * {@code pekko-persistence-cassandra-profile} (QUORUM; persistence.conf keeps it). With the
   * dev node's replication factor 1 it is one replica, as for the journal.
   */
  public static final String JOURNAL_CONSISTENCY = "QUORUM";
  /** The hub's journal keyspace in dev ({@code hub.cassandra.journal-keyspace}). */
  static final String JOURNAL_KEYSPACE = "school_safety";

  private final CqlSession session;
  private final int port;

  private CassandraNode(CqlSession session, int port) {
    this.session = session;
    this.port = port;
  }

  /** Connects to 127.0.0.1:port (local datacenter {@code datacenter1}, as the dev node's). */
  public static CassandraNode connect(int port) {
    DriverConfigLoader config = DriverConfigLoader.programmaticBuilder()
        .withString(DefaultDriverOption.REQUEST_CONSISTENCY, JOURNAL_CONSISTENCY)
        .withBoolean(DefaultDriverOption.REQUEST_DEFAULT_IDEMPOTENCE, true)
        // the journal's writes wait for the same Cassandra; a busy 2-core machine needs more than 2 s at times
        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(10))
        .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(10))
        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, Duration.ofSeconds(10))
        .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(20))
        // a hub's Cassandra closes connections silent for 3 s (native_transport_idle_timeout)
        .withDuration(DefaultDriverOption.HEARTBEAT_INTERVAL, Duration.ofSeconds(1))
        .build();
    try {
      CqlSession session = CqlSession.builder()
          .addContactPoint(new InetSocketAddress("127.0.0.1", port))
          .withLocalDatacenter("datacenter1")
          .withConfigLoader(config)
          .build();
      return new CassandraNode(session, port);
    } catch (RuntimeException e) {
      throw new StorageUnavailable("cannot reach the hub's Cassandra on 127.0.0.1:" + port + " (" + e.getMessage()
          + "). Give the dev node's --cassandra-port.", e);
    }
  }

  public int port() {
    return port;
  }

  /** Writes applied per table since the node started: {@code keyspace.table -> count}. */
  public Map<String, Long> writeCounts() {
    return counts("local_write_latency");
  }

  /**
   * Reads served per table since the node started: single-partition reads
   * ({@code system_views.local_read_latency}) and range scans ({@code local_scan_latency}) together,
   * {@code keyspace.table -> count}.
   */
  public Map<String, Long> readCounts() {
    return counts("local_read_latency", "local_scan_latency");
  }

  /** The per-table operation counts of these latency views, summed: {@code keyspace.table -> count}. */
  private Map<String, Long> counts(String... views) {
    var counts = new TreeMap<String, Long>();
    for (String view : views) {
      for (Row row : session.execute("SELECT keyspace_name, table_name, count FROM system_views." + view)) {
        counts.merge(row.getString("keyspace_name") + "." + row.getString("table_name"), row.getLong("count"), Long::sum);
      }
    }
    return counts;
  }

  /** The mean size of the first journal event (the report) of these incidents, as the hub stored it. */
  public OptionalDouble reportEventBytes(Collection<String> incidentIds) {
    return firstEventBytes(incidentIds.stream().map(id -> "Incident|" + id).toList());
  }

  /** The same for up to {@code sample} incidents found in the journal, whichever they are. */
  public OptionalDouble reportEventBytes(int sample) {
    var ids = new java.util.ArrayList<String>();
    for (Row row : session.execute("SELECT DISTINCT persistence_id, partition_nr FROM " + JOURNAL_KEYSPACE + ".messages")) {
      String id = row.getString("persistence_id");
      if (row.getLong("partition_nr") == 0 && id != null && id.startsWith("Incident|")) {
        ids.add(id);
        if (ids.size() >= sample) {
          break;
        }
      }
    }
    return firstEventBytes(ids);
  }

  private OptionalDouble firstEventBytes(java.util.List<String> persistenceIds) {
    if (session.getMetadata().getKeyspace(JOURNAL_KEYSPACE).flatMap(k -> k.getTable("messages")).isEmpty()) {
      return OptionalDouble.empty(); // the hub never ran against this node
    }
    var select = session.prepare("SELECT event FROM " + JOURNAL_KEYSPACE + ".messages"
        + " WHERE persistence_id = ? AND partition_nr = 0 AND sequence_nr = 1");
    long total = 0;
    int n = 0;
    for (String id : persistenceIds) {
      Row row = session.execute(select.bind(id)).one();
      ByteBuffer event = row == null ? null : row.getByteBuffer("event");
      if (event != null) {
        total += event.remaining();
        n++;
      }
    }
    return n == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) total / n);
  }

  /** Creates the baseline's keyspace and table (SimpleStrategy, RF 1, as the dev journal's). */
  StorageBaseline.Table baselineTable() {
    session.execute("CREATE KEYSPACE IF NOT EXISTS " + org.schoolsafety.sim.bench.WritesPerReport.BASELINE_KEYSPACE
        + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    session.execute("CREATE TABLE IF NOT EXISTS " + org.schoolsafety.sim.bench.WritesPerReport.BASELINE_KEYSPACE
        + ".rows (id text PRIMARY KEY, payload blob)");
    session.checkSchemaAgreement();
    var insert = session.prepare("INSERT INTO " + org.schoolsafety.sim.bench.WritesPerReport.BASELINE_KEYSPACE
        + ".rows (id, payload) VALUES (?, ?)");
    return (id, payload) -> session.executeAsync(insert.bind(id, payload.duplicate()));
  }

  @Override
  public void close() {
    CompletionStage<Void> closing = session.closeAsync();
    try {
      closing.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      session.forceCloseAsync();
    }
  }

  /** The node did not answer. */
  public static final class StorageUnavailable extends RuntimeException {
    StorageUnavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
