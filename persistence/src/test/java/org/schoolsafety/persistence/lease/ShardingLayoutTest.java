package org.schoolsafety.persistence.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.connectors.cassandra.CassandraSessionSettings;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * The number of shards is recorded by the first node on a journal and checked by every later one,
 * against the real embedded Cassandra: each test has a keyspace of its own.
 */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShardingLayoutTest {

  static final Duration WAIT = Duration.ofSeconds(30);

  private ActorSystem<Void> system;
  private CassandraSession session;
  private CqlSession cql;

  @BeforeAll
  void start() {
    system = ActorSystem.create(Behaviors.empty(), "layout-test", CassandraLeaseTest.config(Map.of()));
    session = CassandraSessionRegistry.get(system).sessionFor(CassandraSessionSettings.create());
    cql = SharedCassandra.session();
  }

  @AfterAll
  void stop() throws Exception {
    cql.close();
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void newJournalRecordsTheConfiguredNumberAndRefusesAnotherLater() {
    String ks = keyspace("layout_new");
    assertThat(ShardingLayout.check(session, ks, 30, WAIT)).isEqualTo(30);
    assertThat(recorded(ks)).isEqualTo(30);
    assertThat(ShardingLayout.check(session, ks, 30, WAIT)).isEqualTo(30);
    assertThatThrownBy(() -> ShardingLayout.check(session, ks, 100, WAIT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("places entities in 30 shards")
        .hasMessageContaining("number-of-shards is 100")
        .hasMessageContaining("Set pekko.cluster.sharding.number-of-shards = 30");
    assertThat(recorded(ks)).as("a refused node changes nothing").isEqualTo(30);
  }

  @Test
  void journalWithEventsButNoRecordWasLaidOutInOneHundred() {
    String ks = keyspace("layout_old");
    cql.execute("INSERT INTO " + ks + ".messages (persistence_id, partition_nr, sequence_nr, timestamp)"
        + " VALUES ('Incident|inc-1', 0, 1, now())");
    assertThatThrownBy(() -> ShardingLayout.check(session, ks, 30, WAIT))
        .hasMessageContaining("places entities in 100 shards")
        .hasMessageContaining("number-of-shards is 30");
    assertThat(recorded(ks)).as("the old layout is recorded for the next node").isEqualTo(100);
    assertThat(ShardingLayout.check(session, ks, 100, WAIT)).isEqualTo(100);
  }

  @Test
  void theFirstRecordWinsWhenTwoNodesStartAtOnce() {
    String ks = keyspace("layout_race");
    cql.execute("INSERT INTO " + ks + "." + ShardingLayout.TABLE + " (name, number_of_shards) VALUES ('entities', 50)"
        + " IF NOT EXISTS");
    assertThatThrownBy(() -> ShardingLayout.check(session, ks, 30, WAIT)).hasMessageContaining("in 50 shards");
    assertThat(ShardingLayout.check(session, ks, 50, WAIT)).isEqualTo(50);
  }

  @Test
  void devStorageKeepsWhatItWasCreatedWith(@TempDir Path dir) throws IOException {
    Path file = dir.resolve(ShardingLayout.FILE);
    assertThat(ShardingLayout.forStorage(file, false)).as("storage from before the record").isEmpty();
    assertThat(ShardingLayout.forStorage(file, true)).contains(ShardingLayout.FOR_NEW_STORAGE);
    assertThat(Files.readString(file).trim()).isEqualTo(String.valueOf(ShardingLayout.FOR_NEW_STORAGE));
    assertThat(ShardingLayout.forStorage(file, false)).contains(ShardingLayout.FOR_NEW_STORAGE);
    Files.writeString(file, "many\n");
    assertThat(ShardingLayout.forStorage(file, false)).as("not ours to trust").isEmpty();
  }

  /** A fresh keyspace holding the journal's messages table and the layout table. */
  private String keyspace(String name) {
    cql.execute("DROP KEYSPACE IF EXISTS " + name);
    cql.execute("CREATE KEYSPACE " + name + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    cql.execute("CREATE TABLE " + name + ".messages (persistence_id text, partition_nr bigint, sequence_nr bigint,"
        + " timestamp timeuuid, PRIMARY KEY ((persistence_id, partition_nr), sequence_nr, timestamp))");
    cql.execute(ShardingLayout.createTable(name));
    return name;
  }

  private int recorded(String ks) {
    return cql.execute("SELECT number_of_shards FROM " + ks + "." + ShardingLayout.TABLE + " WHERE name = 'entities'")
        .one().getInt("number_of_shards");
  }
}
