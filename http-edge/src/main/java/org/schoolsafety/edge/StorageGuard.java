package org.schoolsafety.edge;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorSystem;
import org.schoolsafety.edge.api.StorageStatus;
import org.schoolsafety.persistence.StorageHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches Cassandra so that writes can be refused at once while it is gone, instead of each
 * request waiting for its entity's timeout: a 503 in milliseconds, no requests piling up.
 *
 * <p>Two ways to notice: every {@code check-interval} a query (two failed in a row mark storage
 * down: a slow answer is not yet an outage), and every {@code connection-check-interval} the
 * driver's own view, without a query: no open connection to any Cassandra node (its process died,
 * its port closed) marks storage down at once. One good query marks it up again. Requests already
 * waiting for a write when storage goes down are answered {@code 503} at that moment too
 * ({@link #watch()}), not after their ask timeout.
 */
public final class StorageGuard implements StorageStatus {

  private static final Logger log = LoggerFactory.getLogger(StorageGuard.class);

  private final StorageHealth health;
  private final AtomicInteger failures = new AtomicInteger();
  private final AtomicReference<String> downBecause = new AtomicReference<>();
  /** Requests waiting for a write, to be answered at once when storage goes down. */
  private final Set<CompletableFuture<String>> watching = ConcurrentHashMap.newKeySet();

  public StorageGuard(ActorSystem<?> system, StorageHealth health, Duration interval, Duration connectionInterval) {
    this.health = health;
    system.scheduler().scheduleWithFixedDelay(interval, interval, this::check, system.executionContext());
    system.scheduler().scheduleWithFixedDelay(connectionInterval, connectionInterval, this::checkConnections,
        system.executionContext());
  }

  private void check() {
    health.check().thenAccept(ok -> {
      if (ok) {
        failures.set(0);
        markUp();
      } else if (failures.incrementAndGet() >= 2) {
        markDown("Cassandra does not answer");
      }
    });
  }

  private void checkConnections() {
    if (!health.connected()) {
      markDown("no open connection to Cassandra");
    }
  }

  private void markDown(String why) {
    if (downBecause.compareAndSet(null, why)) {
      log.warn("{}: refusing writes with 503 until it is back ({} in flight answered now)", why, watching.size());
    }
    for (CompletableFuture<String> watch : watching) {
      watch.complete(why);
    }
  }

  private void markUp() {
    if (downBecause.getAndSet(null) != null) {
      log.info("Cassandra answers again: accepting writes");
    }
  }

  /** Why storage is taken to be down, or empty while it is up. */
  public java.util.Optional<String> downBecause() {
    return java.util.Optional.ofNullable(downBecause.get());
  }

  @Override
  public boolean isDown() {
    return downBecause.get() != null;
  }

  @Override
  public CompletableFuture<String> watch() {
    var watch = new CompletableFuture<String>();
    watching.add(watch);
    String why = downBecause.get();
    if (why != null) {
      watch.complete(why);
    }
    return watch;
  }

  @Override
  public void unwatch(CompletableFuture<String> watch) {
    watching.remove(watch);
  }
}
