package org.schoolsafety.persistence.lease;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.servererrors.WriteTimeoutException;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.coordination.lease.LeaseException;
import org.apache.pekko.coordination.lease.LeaseSettings;
import org.apache.pekko.coordination.lease.LeaseTimeoutException;
import org.apache.pekko.coordination.lease.javadsl.Lease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Pekko coordination {@link Lease} held in a Cassandra row and kept with lightweight transactions
 * (Paxos), so that at most one holder has it at a time even when the Pekko cluster itself
 * disagrees — a node frozen by a GC pause or SIGSTOP that wakes believing it still owns its shards.
 *
 * <p>Pekko's {@code LeaseProvider} creates it from a config block ({@code hub.lease.cassandra} in
 * persistence.conf) with {@code lease-class} naming this class; sharding asks for one per shard
 * ({@code pekko.cluster.sharding.use-lease}).
 *
 * <ul>
 *   <li><b>acquire</b>: {@code INSERT ... IF NOT EXISTS USING TTL heartbeat-timeout}. An expired row
 *       does not exist for Cassandra, so a holder that stopped renewing lets the next one in after
 *       the TTL.
 *   <li><b>renew</b>, every {@code heartbeat-interval}: {@code UPDATE ... USING TTL ... IF owner = me AND holder = me}.
 *       Found another holder, or no row (it expired): the lease is lost at once.
 *   <li><b>checkLease()</b> is true only while the last successful renewal was <em>sent</em> less than
 *       {@code heartbeat-timeout - give-up-margin} ago on this JVM's monotonic clock. The row's TTL
 *       started when Cassandra applied that write, later than it was sent, so the holder gives up
 *       before Cassandra can let anyone else in: by the margin, which covers the TTL's whole seconds
 *       (a row may expire up to 1 s early), the clocks' rates and the time a shard needs to stop.
 *       A node that was frozen longer than that knows on waking, before any renewal, that its lease
 *       may be gone; a timer fires the lost callback at that moment even while renewals hang.
 *   <li><b>lost callback</b> (given to {@code acquire}): called once when a renewal finds the lease
 *       gone or taken, or when renewals have failed for so long that checkLease() turned false. A
 *       renewal that fails (timeout, Cassandra unavailable) is retried until then.
 *   <li><b>release</b>: {@code DELETE ... IF owner = me AND holder = me}; the next holder gets in at once.
 * </ul>
 *
 * <p>The holder is one instance of this class (a random UUID), not the owner name: a node restarted
 * with the same host and port is another holder, and a frozen incarnation can never renew the
 * lease of its successor. The lease's operations run one after another (an acquire never overtakes
 * a release of the same lease). Shard leases are released when their shard stops
 * ({@link CassandraLeases#watchShard}).
 */
public final class CassandraLease extends Lease {

  private static final Logger log = LoggerFactory.getLogger(CassandraLease.class);

  /** The config of one lease block, read once. */
  record Settings(String keyspace, String sessionConfigPath, CassandraLeases.Options options,
      Duration heartbeatInterval, Duration heartbeatTimeout, Duration giveUpMargin, int ttlSeconds,
      boolean releaseWhenShardStops) {

    static Settings of(LeaseSettings lease) {
      Config c = lease.leaseConfig();
      Duration interval = lease.timeoutSettings().getHeartbeatInterval();
      Duration timeout = lease.timeoutSettings().getHeartbeatTimeout();
      Duration margin = c.getDuration("give-up-margin");
      // Cassandra's TTLs are whole seconds
      int ttl = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
      if (margin.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("give-up-margin must be at least 1s (Cassandra's TTLs are whole"
            + " seconds: a row may expire up to 1 s early), not " + margin);
      }
      if (interval.compareTo(timeout.minus(margin)) >= 0) {
        throw new IllegalArgumentException("heartbeat-interval (" + interval + ") must be shorter than"
            + " heartbeat-timeout - give-up-margin (" + timeout.minus(margin) + ")");
      }
      var options = new CassandraLeases.Options(
          DefaultConsistencyLevel.valueOf(c.getString("consistency")),
          DefaultConsistencyLevel.valueOf(c.getString("serial-consistency")),
          lease.timeoutSettings().getOperationTimeout());
      return new Settings(c.getString("keyspace"), c.getString("session-config-path"), options, interval,
          timeout, margin, ttl, c.getBoolean("release-when-shard-stops"));
    }

    /** How long after sending its last successful renewal the holder may trust the lease. */
    Duration validity() {
      return heartbeatTimeout.minus(giveUpMargin);
    }
  }

  /** Where Pekko may be told to use a lease: sharding's shards, its coordinator, singletons, the resolver. */
  static final java.util.List<String> LEASE_USERS = java.util.List.of(
      "pekko.cluster.sharding.use-lease",
      "pekko.cluster.sharding.coordinator-singleton.use-lease",
      "pekko.cluster.singleton.use-lease",
      "pekko.cluster.split-brain-resolver.lease-majority.lease-implementation");

  /**
   * The keyspaces whose leases table the node needs: those of the lease config blocks that Pekko is
   * told to use (keys {@link #LEASE_USERS}) and whose {@code lease-class} is this class.
   */
  public static java.util.Set<String> keyspacesInUse(Config config) {
    var keyspaces = new java.util.TreeSet<String>();
    for (String user : LEASE_USERS) {
      if (!config.hasPath(user)) {
        continue;
      }
      String path = config.getString(user);
      if (!path.isEmpty() && config.hasPath(path + ".lease-class")
          && CassandraLease.class.getName().equals(config.getString(path + ".lease-class"))) {
        keyspaces.add(config.getString(path + ".keyspace"));
      }
    }
    return keyspaces;
  }

  private final LeaseSettings leaseSettings;
  private final Settings settings;
  private final ExtendedActorSystem system;
  private final CassandraLeases leases;
  private final CassandraLeases.Store store;
  private final UUID holder = UUID.randomUUID();
  private final long validityNanos;

  // guarded by this
  /** Bumped by every acquire and release: answers that arrive for an older one are ignored. */
  private long generation;
  private Held held;
  private boolean renewalsSuspended;
  private long renewals;
  private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);

  /** The held lease: one per successful acquire. */
  private static final class Held {
    final long generation;
    Consumer<Optional<Throwable>> onLost;
    long lastRenewalSent;
    boolean renewing;
    Cancellable renewal;
    Cancellable deadline;

    Held(long generation, Consumer<Optional<Throwable>> onLost, long sent) {
      this.generation = generation;
      this.onLost = onLost;
      this.lastRenewalSent = sent;
    }
  }

  /** The constructor Pekko's LeaseProvider calls. */
  public CassandraLease(LeaseSettings leaseSettings, ExtendedActorSystem system) {
    this.leaseSettings = leaseSettings;
    this.settings = Settings.of(leaseSettings);
    this.system = system;
    this.leases = CassandraLeases.get(system);
    leases.register(this);
    this.store = leases.store(settings.sessionConfigPath(), settings.keyspace(), settings.giveUpMargin());
    this.validityNanos = settings.validity().toNanos();
  }

  @Override
  public LeaseSettings getSettings() {
    return leaseSettings;
  }

  private String name() {
    return leaseSettings.leaseName();
  }

  private String owner() {
    return leaseSettings.ownerName();
  }

  @Override
  public CompletionStage<Boolean> acquire() {
    return acquire(reason -> {});
  }

  @Override
  public CompletionStage<Boolean> acquire(Consumer<Optional<Throwable>> leaseLostCallback) {
    long gen;
    synchronized (this) {
      if (held != null && validNow(held)) {
        held.onLost = leaseLostCallback;
        return CompletableFuture.completedFuture(true);
      }
      gen = ++generation;
    }
    if (settings.releaseWhenShardStops()) {
      leases.watchShard(name(), () -> shardStopped(gen));
    }
    return serially(() -> {
      synchronized (this) {
        if (gen != generation) {
          return CompletableFuture.completedFuture((Long) null);
        }
      }
      long sent = System.nanoTime();
      return store.acquire(name(), owner(), holder, settings.ttlSeconds(), settings.options()).thenCompose(out -> {
        if (out.applied()) {
          return CompletableFuture.completedFuture(sent);
        }
        if (holder.equals(out.holder())) {
          // ours: an earlier acquire whose answer was lost (timed out) did go through
          long again = System.nanoTime();
          return store.renew(name(), owner(), holder, settings.ttlSeconds(), settings.options())
              .thenApply(renewed -> renewed.applied() ? again : null);
        }
        log.debug("lease {} not acquired by {}: held by {}", name(), owner(), out.owner());
        return CompletableFuture.completedFuture((Long) null);
      });
    }).handle((sent, failure) -> {
      if (failure != null) {
        throw new CompletionException(asLeaseFailure("acquire", failure));
      }
      return becomeHeld(gen, leaseLostCallback, sent);
    });
  }

  private boolean becomeHeld(long gen, Consumer<Optional<Throwable>> onLost, Long sent) {
    synchronized (this) {
      // released (or its shard stopped) meanwhile: the release queued behind this acquire deletes the row
      if (sent == null || gen != generation || System.nanoTime() - sent >= validityNanos) {
        return false;
      }
      held = new Held(gen, onLost, sent);
      scheduleRenewal(held);
      scheduleDeadline(held);
    }
    log.debug("lease {} acquired by {}", name(), owner());
    return true;
  }

  @Override
  public CompletionStage<Boolean> release() {
    synchronized (this) {
      generation++;
      dropLocked();
    }
    return serially(() -> store.release(name(), owner(), holder, settings.options()))
        .handle((out, failure) -> {
          if (failure != null) {
            throw new CompletionException(asLeaseFailure("release", failure));
          }
          log.debug("lease {} released by {} ({})", name(), owner(), out.applied() ? "deleted" : "not held");
          return out.applied();
        });
  }

  @Override
  public boolean checkLease() {
    synchronized (this) {
      return held != null && validNow(held);
    }
  }

  /**
   * For tests and drills: stop (true) or resume (false) sending renewals, as a node frozen by a GC
   * pause would. Everything else goes on: checkLease() turns false and the lost callback fires when
   * the lease's validity runs out, and Cassandra lets another holder in after the TTL.
   */
  public void suspendRenewals(boolean suspend) {
    synchronized (this) {
      renewalsSuspended = suspend;
    }
  }

  /** Successful renewals since this instance was made (for tests and diagnosis). */
  public synchronized long renewals() {
    return renewals;
  }

  /** The holder id this instance writes (for tests and diagnosis). */
  public UUID holderId() {
    return holder;
  }

  // ---------------------------------------------------------------------------------------------

  private boolean validNow(Held h) {
    return System.nanoTime() - h.lastRenewalSent < validityNanos;
  }

  /** The shard that acquired the lease of generation {@code gen} has stopped, with all its entities. */
  private void shardStopped(long gen) {
    synchronized (this) {
      if (gen != generation) {
        return;
      }
    }
    log.debug("shard of lease {} stopped: releasing it", name());
    release().exceptionally(e -> {
      log.info("releasing lease {} after its shard stopped failed ({}); it expires by its TTL", name(), e.toString());
      return false;
    });
  }

  private void renew(long gen) {
    synchronized (this) {
      Held h = held;
      if (h == null || h.generation != gen || h.renewing) {
        return;
      }
      if (renewalsSuspended) {
        h.renewal = schedule(settings.heartbeatInterval(), () -> renew(gen));
        return;
      }
      h.renewing = true;
    }
    serially(() -> {
      long sent = System.nanoTime();
      return store.renew(name(), owner(), holder, settings.ttlSeconds(), settings.options())
          .handle((out, failure) -> {
            afterRenewal(gen, sent, out, failure);
            return null;
          });
    });
  }

  private void afterRenewal(long gen, long sent, CassandraLeases.Outcome out, Throwable failure) {
    Consumer<Optional<Throwable>> lost = null;
    LeaseException reason = null;
    synchronized (this) {
      Held h = held;
      if (h == null || h.generation != gen) {
        return;
      }
      h.renewing = false;
      if (failure != null) {
        log.warn("renewing lease {} failed ({}); trying again, it stays valid for {} ms more", name(),
            unwrap(failure).toString(), Math.max(0, (validityNanos - (System.nanoTime() - h.lastRenewalSent)) / 1_000_000));
        scheduleRenewal(h);
      } else if (out.applied()) {
        h.lastRenewalSent = Math.max(h.lastRenewalSent, sent);
        renewals++;
        scheduleRenewal(h);
        scheduleDeadline(h);
      } else {
        reason = new LeaseException("lease " + name() + " of " + owner() + " is gone: "
            + (out.holder() == null ? "it expired before it was renewed" : "now held by " + out.owner()));
        lost = loseLocked(h);
      }
    }
    if (lost != null) {
      notifyLost(lost, reason);
    }
  }

  private void deadline(long gen) {
    Consumer<Optional<Throwable>> lost;
    LeaseTimeoutException reason;
    synchronized (this) {
      Held h = held;
      if (h == null || h.generation != gen) {
        return;
      }
      if (validNow(h)) {
        scheduleDeadline(h);
        return;
      }
      reason = new LeaseTimeoutException("lease " + name() + " of " + owner() + " not renewed for "
          + (System.nanoTime() - h.lastRenewalSent) / 1_000_000 + " ms (valid for "
          + settings.validity().toMillis() + " ms after a renewal): it may be someone else's by now");
      lost = loseLocked(h);
    }
    notifyLost(lost, reason);
  }

  private void notifyLost(Consumer<Optional<Throwable>> lost, LeaseException reason) {
    log.warn("{}", reason.getMessage());
    try {
      lost.accept(Optional.of(reason));
    } catch (RuntimeException e) {
      log.warn("lease-lost callback of {} failed", name(), e);
    }
  }

  /** Not held any more; returns the callback to call (outside the lock). */
  private Consumer<Optional<Throwable>> loseLocked(Held h) {
    Consumer<Optional<Throwable>> callback = h.onLost;
    dropLocked();
    return callback;
  }

  private void dropLocked() {
    Held h = held;
    held = null;
    if (h != null) {
      cancel(h.renewal);
      cancel(h.deadline);
    }
  }

  /** Next renewal one interval after the last one was sent (at once if that is past). */
  private void scheduleRenewal(Held h) {
    cancel(h.renewal);
    long since = System.nanoTime() - h.lastRenewalSent;
    long delay = Math.max(settings.heartbeatInterval().toNanos() - since, TimeUnit.MILLISECONDS.toNanos(100));
    h.renewal = schedule(Duration.ofNanos(delay), () -> renew(h.generation));
  }

  private void scheduleDeadline(Held h) {
    cancel(h.deadline);
    long remaining = validityNanos - (System.nanoTime() - h.lastRenewalSent);
    h.deadline = schedule(Duration.ofNanos(Math.max(remaining, 0)), () -> deadline(h.generation));
  }

  private Cancellable schedule(Duration delay, Runnable task) {
    try {
      return system.scheduler().scheduleOnce(delay, task, system.dispatcher());
    } catch (IllegalStateException terminated) {
      return null; // the actor system is shutting down
    }
  }

  private static void cancel(Cancellable c) {
    if (c != null) {
      c.cancel();
    }
  }

  /** Runs {@code op} after every operation of this lease started before it has completed. */
  private <T> CompletableFuture<T> serially(Supplier<CompletionStage<T>> op) {
    // the operation itself starts outside the lock, when the one before it has completed
    CompletableFuture<Void> turn = new CompletableFuture<>();
    CompletableFuture<?> previous;
    CompletableFuture<T> result;
    synchronized (this) {
      previous = tail;
      result = turn.thenCompose(x -> op.get());
      tail = result;
    }
    leases.track(result);
    previous.whenComplete((x, e) -> turn.complete(null));
    return result;
  }

  private Throwable asLeaseFailure(String what, Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof DriverTimeoutException || cause instanceof WriteTimeoutException) {
      var timeout = new LeaseTimeoutException(what + " of lease " + name() + " timed out: " + cause.getMessage());
      timeout.initCause(cause);
      return timeout;
    }
    return cause;
  }

  private static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  @Override
  public String toString() {
    return "CassandraLease(" + name() + ", owner " + owner() + ", holder " + holder + ")";
  }
}
