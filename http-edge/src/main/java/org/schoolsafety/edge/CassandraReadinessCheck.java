package org.schoolsafety.edge;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.schoolsafety.persistence.StorageHealth;

/**
 * Pekko Management readiness check ({@code pekko.management.health-checks.readiness-checks} in
 * cluster.conf): Cassandra answers, as in {@code /health/ready} on the API port. Management loads
 * it by class name with the actor system as argument.
 */
public final class CassandraReadinessCheck implements Supplier<CompletionStage<Boolean>> {

  private final StorageHealth storage;

  public CassandraReadinessCheck(ActorSystem system) {
    this.storage = new StorageHealth(Adapter.toTyped(system), Duration.ofSeconds(2));
  }

  @Override
  public CompletionStage<Boolean> get() {
    return storage.check();
  }
}
