package org.schoolsafety.persistence;

import com.datastax.oss.driver.api.core.CqlSession;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.connectors.cassandra.CassandraSessionSettings;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;

/**
 * Whether Cassandra answers. Uses a session of its own (config path
 * {@code pekko.connectors.cassandra}): sharing the journal's would register it without the
 * journal's schema-creating init, since the first caller of a session path decides its init.
 */
public final class StorageHealth {

  private final CassandraSession session;
  private final Duration timeout;
  private volatile CqlSession driver;

  public StorageHealth(ActorSystem<?> system, Duration timeout) {
    this.session = CassandraSessionRegistry.get(system).sessionFor(CassandraSessionSettings.create());
    this.timeout = timeout;
    session.underlying().thenAccept(cql -> driver = cql);
  }

  CassandraSession session() {
    return session;
  }

  /**
   * False when the driver holds no open connection to any Cassandra node: what it sees at once
   * when Cassandra's process dies or its port closes, without waiting for a query to time out.
   * True while that is not known (the session is still connecting).
   */
  public boolean connected() {
    CqlSession cql = driver;
    return cql == null
        || cql.getMetadata().getNodes().values().stream().anyMatch(node -> node.getOpenConnections() > 0);
  }

  /** Completes with true when Cassandra answered within the timeout, false otherwise. */
  public CompletionStage<Boolean> check() {
    return session.selectOne("SELECT release_version FROM system.local")
        .toCompletableFuture()
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle((row, failure) -> failure == null && row.isPresent());
  }
}
