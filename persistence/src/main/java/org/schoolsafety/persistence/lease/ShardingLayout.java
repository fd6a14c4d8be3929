package org.schoolsafety.persistence.lease;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/**
 * The number of shards each entity type is split into ({@code pekko.cluster.sharding.number-of-shards})
 * is a property of the stored data, not of one node's configuration: open incidents are remembered
 * per shard in the journal, and with another number an entity would be started by its remembered
 * shard and addressed in its new one, two writers of one journal. So the first node on new storage
 * records the number in {@value #TABLE} (in the journal's keyspace), and every node checks its own
 * number against the record before sharding starts, and refuses to start on a mismatch.
 *
 * <p>A journal that holds events but no record was written by a build from before the record, all
 * of which placed entities in {@value #BEFORE_THE_RECORD} shards: that number is recorded for it.
 */
public final class ShardingLayout {

  public static final String TABLE = "sharding_layout";
  /** The only number of shards of the builds that did not record it (cluster.conf until 2026-12-01). */
  public static final int BEFORE_THE_RECORD = 100;
  static final String ENTITIES = "entities";

  /**
   * What the launchers of new storage (tests, a dev node on a new data directory, a local cluster)
   * choose: 5 per node of a three-node cluster. Each shard of a dead node is moved by its
   * coordinator one at a time (a journal write and a replicated write to the other survivor, which
   * is busiest just then), so a node's share of shards is what the last of its incidents waits for
   * after a crash (docs/RELIABILITY.md, "Where a kill's last seconds go" and "Fifteen shards").
   */
  public static final int FOR_NEW_STORAGE = 15;
  public static final String KEY = "pekko.cluster.sharding.number-of-shards";
  /** Next to a dev data directory's storage: the number of shards its journal was started with. */
  public static final String FILE = "number-of-shards";

  private ShardingLayout() {}

  /**
   * For storage whose files live beside {@code file}: on fresh storage, records
   * {@value #FOR_NEW_STORAGE} and returns it; on kept storage, what was recorded when it was
   * created, if anything (storage older than the record keeps the configured number, which the
   * node then checks against the journal's own record).
   */
  public static Optional<Integer> forStorage(Path file, boolean storageIsFresh) {
    try {
      if (storageIsFresh) {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, FOR_NEW_STORAGE + "\n", StandardCharsets.US_ASCII);
        return Optional.of(FOR_NEW_STORAGE);
      }
      if (!Files.exists(file)) {
        return Optional.empty();
      }
      return Optional.of(Integer.parseInt(Files.readString(file, StandardCharsets.US_ASCII).trim()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record or read " + file, e);
    } catch (NumberFormatException e) {
      return Optional.empty();  // not ours to trust: the node checks the configured number against the journal
    }
  }

  /** The CREATE TABLE statement in keyspace {@code ks}. */
  public static String createTable(String ks) {
    return "CREATE TABLE IF NOT EXISTS " + ks + "." + TABLE
        + " (name text PRIMARY KEY, number_of_shards int, recorded_at timestamp)";
  }

  /**
   * Checks {@code configured} against the record in keyspace {@code ks}, recording it (or, for
   * events from before the record, {@value #BEFORE_THE_RECORD}) first when there is none.
   *
   * @return the number of shards the storage is laid out in (then equal to {@code configured})
   * @throws IllegalStateException naming both numbers when they differ
   */
  public static int check(CassandraSession session, String ks, int configured, Duration timeout) {
    Optional<Integer> recorded = recorded(session, ks, timeout);
    if (recorded.isEmpty()) {
      int layout = holdsEvents(session, ks, timeout) ? BEFORE_THE_RECORD : configured;
      recorded = Optional.of(record(session, ks, layout, timeout));
    }
    int layout = recorded.get();
    if (layout != configured) {
      throw new IllegalStateException("the journal in keyspace " + ks + " places entities in " + layout
          + " shards per entity type, but pekko.cluster.sharding.number-of-shards is " + configured
          + ". It cannot change on existing data: an open incident would be started by its old shard and"
          + " addressed in its new one (two writers). Set pekko.cluster.sharding.number-of-shards = " + layout
          + " (docs/DEPLOY.md, section 4)");
    }
    return layout;
  }

  private static Optional<Integer> recorded(CassandraSession session, String ks, Duration timeout) {
    return wait(session.selectOne(SimpleStatement.newInstance(
            "SELECT number_of_shards FROM " + ks + "." + TABLE + " WHERE name = ?", ENTITIES)
        .setConsistencyLevel(ConsistencyLevel.SERIAL)), timeout)
        .map(row -> row.getInt("number_of_shards"));
  }

  /** Whether any entity has written events here: one row of the journal, wherever it is. */
  private static boolean holdsEvents(CassandraSession session, String ks, Duration timeout) {
    return wait(session.selectOne(SimpleStatement.newInstance("SELECT persistence_id FROM " + ks + ".messages LIMIT 1")
        .setConsistencyLevel(ConsistencyLevel.QUORUM)), timeout).isPresent();
  }

  /** Records {@code layout} unless a node recorded another first; returns what is recorded. */
  private static int record(CassandraSession session, String ks, int layout, Duration timeout) {
    Row answer = wait(session.selectOne(SimpleStatement.newInstance("INSERT INTO " + ks + "." + TABLE
            + " (name, number_of_shards, recorded_at) VALUES (?, ?, ?) IF NOT EXISTS", ENTITIES, layout, Instant.now())
        .setSerialConsistencyLevel(ConsistencyLevel.SERIAL)
        .setConsistencyLevel(ConsistencyLevel.QUORUM)), timeout)
        .orElseThrow(() -> new IllegalStateException("Cassandra gave no answer to recording the number of shards"));
    return answer.getBoolean("[applied]") ? layout : answer.getInt("number_of_shards");
  }

  private static <T> T wait(CompletionStage<T> stage, Duration timeout) {
    try {
      return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking the number of shards", e);
    } catch (Exception e) {
      throw new IllegalStateException("could not read or record in Cassandra the number of shards the journal"
          + " is laid out in: " + e, e);
    }
  }
}
