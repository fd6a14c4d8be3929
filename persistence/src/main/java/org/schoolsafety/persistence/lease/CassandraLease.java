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
import java.util.function.Consumer;
import java.util.function.Supplier;
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
 * <p>A lease row has no TTL of its own: it names the {@link LeaseSession} it was taken under (its
 * owner's heartbeat row, one per node) and is held for as long as that session lives. The node
 * renews one row every heartbeat-interval, whatever the number of leases it holds.
 *
 * <ul>
 *   <li><b>acquire</b>: {@code INSERT (name, owner, holder, session) ... IF NOT EXISTS}. Found the row
 *       of another holder: if its session is still alive (a SERIAL read of {@code lease_sessions}),
 *       refused; if that session is over (its row expired: its owner stopped renewing it, and gave up
 *       all its leases before the TTL ran out), taken over with {@code UPDATE ... IF holder = theirs
 *       AND session = theirs}, which fails if a third holder got in first.
 *   <li><b>checkLease()</b> is true only while the session it was taken under is valid: its last
 *       successful renewal <em>sent</em> less than {@code heartbeat-timeout - give-up-margin} ago on
 *       this JVM's monotonic clock. The session row's TTL started when Cassandra applied that renewal,
 *       later than it was sent, so the holder gives up before Cassandra can let anyone else in: by the
 *       margin, which covers the TTL's whole seconds (a row may expire up to 1 s early), the clocks'
 *       rates and the time a shard needs to stop. A node that was frozen longer than that knows on
 *       waking, before any renewal, that its leases may be gone.
 *   <li><b>lost callback</b> (given to {@code acquire}): called once when the session is over: a
 *       renewal found its row gone, or renewals failed for so long that checkLease() turned false (a
 *       timer fires it at that moment even while renewals hang). A renewal that fails (timeout,
 *       Cassandra unavailable) is retried until then.
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
  private final CassandraLeases leases;
  private final CassandraLeases.Store store;
  private final LeaseSession session;
  private final UUID holder = UUID.randomUUID();
  private final LeaseSession.Holder onSessionOver = this::sessionOver;

  // guarded by this
  /** Bumped by every acquire and release: answers that arrive for an older one are ignored. */
  private long generation;
  private Held held;
  private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);

  /** The held lease: one per successful acquire, valid while the session it was taken under is. */
  private record Held(long generation, Consumer<Optional<Throwable>> onLost, UUID session) {}

  /** The constructor Pekko's LeaseProvider calls. */
  public CassandraLease(LeaseSettings leaseSettings, ExtendedActorSystem system) {
    this.leaseSettings = leaseSettings;
    this.settings = Settings.of(leaseSettings);
    this.leases = CassandraLeases.get(system);
    leases.register(this);
    this.store = leases.store(settings.sessionConfigPath(), settings.keyspace(), settings.giveUpMargin());
    this.session = leases.session(store, leaseSettings.ownerName(), settings);
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
      if (held != null && session.isValid(held.session())) {
        // still held: a new generation all the same, so that the stop of the shard that took it
        // before (a new incarnation of the shard may ask again) does not release it under this one
        gen = ++generation;
        held = new Held(gen, leaseLostCallback, held.session());
      } else {
        gen = NOT_HELD;
      }
    }
    if (gen != NOT_HELD) {
      if (settings.releaseWhenShardStops()) {
        leases.watchShard(name(), () -> shardStopped(gen));
      }
      return CompletableFuture.completedFuture(true);
    }
    return acquireAnew(leaseLostCallback);
  }

  private static final long NOT_HELD = -1; // generations count up from 0

  private CompletionStage<Boolean> acquireAnew(Consumer<Optional<Throwable>> leaseLostCallback) {
    long gen;
    CompletableFuture<UUID> taken;
    synchronized (this) {
      // whatever was held is not any more (its session is over): forget it before writing again
      if (held != null) {
        held = null;
        session.drop(onSessionOver);
      }
      // the generation and the place in the queue together: a release called meanwhile is queued behind
      gen = ++generation;
      long mine = gen;
      taken = serially(() -> {
        synchronized (this) {
          if (mine != generation) {
            return CompletableFuture.completedFuture((UUID) null);
          }
        }
        return session.current().thenCompose(this::take);
      });
    }
    if (settings.releaseWhenShardStops()) {
      leases.watchShard(name(), () -> shardStopped(gen));
    }
    return taken.handle((sid, failure) -> {
      if (failure != null) {
        // the write may have been applied all the same (its answer lost): take the row back out
        // unless this lease is acquired again meanwhile, or Cassandra keeps it under a live session
        cleanUp(gen);
        throw new CompletionException(asLeaseFailure("acquire", failure));
      }
      return becomeHeld(gen, leaseLostCallback, sid);
    });
  }

  /** Writes this holder into the lease's row under {@code sid}; the session on success, else null. */
  private CompletionStage<UUID> take(UUID sid) {
    return store.acquire(name(), owner(), holder, sid, settings.options()).thenCompose(found -> {
      if (found.applied() || (holder.equals(found.holder()) && sid.equals(found.session()))) {
        // taken (or taken by an earlier acquire whose answer was lost)
        return CompletableFuture.completedFuture(sid);
      }
      if (holder.equals(found.holder()) && found.session() != null) {
        // this lease object's own row under its owner's previous session: nobody else took it since
        // (the row would name them), so it moves to the new session without waiting for the old to expire
        return store.takeOver(name(), owner(), holder, sid, found, settings.options())
            .thenApply(out -> out.applied() ? sid : null);
      }
      if (found.session() == null || sid.equals(found.session())) {
        // a row of the per-lease design (it expires by its TTL), or another holder of this owner's live session
        log.debug("lease {} not acquired by {}: held by {}", name(), owner(), found.owner());
        return CompletableFuture.completedFuture((UUID) null);
      }
      return store.sessionAlive(found.session(), settings.options()).thenCompose(alive -> {
        if (alive) {
          log.debug("lease {} not acquired by {}: held by {}", name(), owner(), found.owner());
          return CompletableFuture.completedFuture((UUID) null);
        }
        log.debug("lease {}: the session of {} is over; {} takes it", name(), found.owner(), owner());
        return store.takeOver(name(), owner(), holder, sid, found, settings.options())
            .thenApply(out -> out.applied() ? sid : null);
      });
    });
  }

  private boolean becomeHeld(long gen, Consumer<Optional<Throwable>> onLost, UUID sid) {
    synchronized (this) {
      // released (or its shard stopped) meanwhile: the release queued behind this acquire deletes the row
      if (sid == null || gen != generation || !session.hold(sid, onSessionOver)) {
        return false;
      }
      held = new Held(gen, onLost, sid);
    }
    log.debug("lease {} acquired by {}", name(), owner());
    return true;
  }

  /** The session this lease was taken under is over: the lease is lost. */
  private void sessionOver(UUID sid, LeaseException reason) {
    Consumer<Optional<Throwable>> lost;
    synchronized (this) {
      Held h = held;
      if (h == null || !h.session().equals(sid)) {
        return;
      }
      held = null;
      lost = h.onLost();
    }
    LeaseException told = reason instanceof LeaseTimeoutException
        ? new LeaseTimeoutException("lease " + name() + " of " + owner() + " lost: " + reason.getMessage())
        : new LeaseException("lease " + name() + " of " + owner() + " lost: " + reason.getMessage());
    try {
      lost.accept(Optional.of(told));
    } catch (RuntimeException e) {
      log.warn("lease-lost callback of {} failed", name(), e);
    }
  }

  @Override
  public CompletionStage<Boolean> release() {
    long gen;
    CompletableFuture<CassandraLeases.Outcome> deleted;
    synchronized (this) {
      // not held from now on, and the delete queued before any later acquire
      gen = ++generation;
      held = null;
      session.drop(onSessionOver);
      deleted = serially(() -> store.release(name(), owner(), holder, settings.options()));
    }
    return deleted.handle((out, failure) -> {
      if (failure != null) {
        // the row would stay under this node's live session: try again until Cassandra answers
        cleanUp(gen);
        throw new CompletionException(asLeaseFailure("release", failure));
      }
      log.debug("lease {} released by {} ({})", name(), owner(), out.applied() ? "deleted" : "not held");
      return out.applied();
    });
  }

  /**
   * Deletes this holder's row (if it is still this holder's) unless the lease was acquired or
   * released again since generation {@code gen}; tried again until Cassandra answers, after
   * {@link #CLEAN_UP_RETRY}, then twice as long each time up to {@link #CLEAN_UP_RETRY_MAX} (while
   * Cassandra is down, every shard of the node may be cleaning up). Without it, a row whose release
   * failed, or whose acquire was applied but answered with a timeout, would stay taken for as long
   * as this node's session lives.
   */
  private void cleanUp(long gen) {
    cleanUp(gen, CLEAN_UP_RETRY);
  }

  private void cleanUp(long gen, Duration after) {
    leases.schedule(after, () -> {
      CompletableFuture<CassandraLeases.Outcome> deleted;
      synchronized (this) {
        if (gen != generation) {
          return;
        }
        deleted = serially(() -> store.release(name(), owner(), holder, settings.options()));
      }
      deleted.whenComplete((out, failure) -> {
        if (failure != null) {
          Duration next = after.multipliedBy(2).compareTo(CLEAN_UP_RETRY_MAX) > 0 ? CLEAN_UP_RETRY_MAX
              : after.multipliedBy(2);
          if (after.equals(CLEAN_UP_RETRY)) {
            log.info("cleaning up lease {} failed ({}); trying again until Cassandra answers", name(),
                LeaseSession.unwrap(failure).toString());
          }
          cleanUp(gen, next);
        }
      });
    });
  }

  static final Duration CLEAN_UP_RETRY = Duration.ofSeconds(1);
  static final Duration CLEAN_UP_RETRY_MAX = Duration.ofSeconds(30);

  @Override
  public boolean checkLease() {
    synchronized (this) {
      return held != null && session.isValid(held.session());
    }
  }

  /**
   * For tests and drills: stop (true) or resume (false) renewing the session of this lease's owner
   * (so every lease of that owner in this JVM), as a node frozen by a GC pause would. Everything else
   * goes on: checkLease() turns false and the lost callbacks fire when the session's validity runs
   * out, and Cassandra lets another holder in after the TTL.
   */
  public void suspendRenewals(boolean suspend) {
    session.suspendRenewals(suspend);
  }

  /** Successful renewals of the owner's session since this JVM started (for tests and diagnosis). */
  public long renewals() {
    return session.renewals();
  }

  /** The holder id this instance writes (for tests and diagnosis). */
  public UUID holderId() {
    return holder;
  }

  /** The id of the owner's live session, null when there is none (for tests and diagnosis). */
  public UUID sessionId() {
    return session.id();
  }

  // ---------------------------------------------------------------------------------------------

  /** The shard that acquired the lease of generation {@code gen} has stopped, with all its entities. */
  private void shardStopped(long gen) {
    CompletionStage<Boolean> released;
    synchronized (this) {
      // checked and released in one step: an acquire between the two would otherwise lose its row
      if (gen != generation) {
        return;
      }
      log.debug("shard of lease {} stopped: releasing it", name());
      released = release();
    }
    released.exceptionally(e -> {
      log.info("releasing lease {} after its shard stopped failed ({}); trying again", name(), e.toString());
      return false;
    });
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
    Throwable cause = LeaseSession.unwrap(failure);
    if (cause instanceof DriverTimeoutException || cause instanceof WriteTimeoutException) {
      var timeout = new LeaseTimeoutException(what + " of lease " + name() + " timed out: " + cause.getMessage());
      timeout.initCause(cause);
      return timeout;
    }
    return cause;
  }

  @Override
  public String toString() {
    return "CassandraLease(" + name() + ", owner " + owner() + ", holder " + holder + ")";
  }
}
