package org.schoolsafety.persistence;

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

  public StorageHealth(ActorSystem<?> system, Duration timeout) {
    this.session = CassandraSessionRegistry.get(system).sessionFor(CassandraSessionSettings.create());
    this.timeout = timeout;
  }

  CassandraSession session() {
    return session;
  }

  /** Completes with true when Cassandra answered within the timeout, false otherwise. */
  public CompletionStage<Boolean> check() {
    return session.selectOne("SELECT release_version FROM system.local")
        .toCompletableFuture()
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle((row, failure) -> failure == null && row.isPresent());
  }
}
