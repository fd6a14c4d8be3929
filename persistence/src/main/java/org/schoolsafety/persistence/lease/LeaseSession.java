package org.schoolsafety.persistence.lease;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.coordination.lease.LeaseException;
import org.apache.pekko.coordination.lease.LeaseTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One owner's heartbeat in Cassandra (a node's, in practice: sharding names its host:port as the
 * owner of every lease it takes): the row in {@code lease_sessions} that keeps every lease of that
 * owner held. A lease row names the session it was taken under and has no TTL of its own; it is
 * held for as long as its session lives, so a node renews one row every heartbeat-interval instead
 * of one per lease (a node holding ~330 shard and coordinator leases sent ~110 lightweight
 * transactions a second for them, docs/PERFORMANCE.md).
 *
 * <ul>
 *   <li><b>start</b>: {@code INSERT ... IF NOT EXISTS USING TTL heartbeat-timeout} with a new random id.
 *   <li><b>renew</b>, every heartbeat-interval (whether the last renewal was answered or not):
 *       {@code UPDATE ... USING TTL ... IF owner = me}. No row
 *       (it expired, or was deleted): the session is over, every lease taken under it is lost at once.
 *       A session is never written again once over, so another holder that saw it gone (a SERIAL read)
 *       may take its leases: {@link CassandraLease}.
 *   <li><b>valid</b> only while the last successful renewal was <em>sent</em> less than
 *       {@code heartbeat-timeout - give-up-margin} ago on this JVM's monotonic clock: the row's TTL
 *       started later, when Cassandra applied that write, so the owner gives up every lease before
 *       anyone else can take one (the argument of the per-lease design, unchanged). A timer ends the
 *       session at that moment even while renewals hang.
 * </ul>
 *
 * Once over, the next acquire starts a new session with a new id.
 */
final class LeaseSession {

  private static final Logger log = LoggerFactory.getLogger(LeaseSession.class);

  /** After a renewal failed with nothing else in flight. */
  static final Duration RETRY_AFTER_FAILURE = Duration.ofMillis(500);

  /** Told when the session its lease was taken under is over. */
  interface Holder {
    void sessionOver(UUID session, LeaseException reason);
  }

  private final CassandraLeases.Store store;
  private final String owner;
  private final CassandraLease.Settings settings;
  private final CassandraLeases leases;
  private final long validityNanos;

  // guarded by this
  private UUID id;
  private CompletableFuture<UUID> started;
  private long lastRenewalSent;
  /** When the last renewal (or the start) was sent, answered or not. */
  private long lastSent;
  private int inFlight;
  private boolean suspended;
  private long renewals;
  private Cancellable renewal;
  private Cancellable deadline;
  private final Set<Holder> holders = new HashSet<>();

  LeaseSession(CassandraLeases.Store store, String owner, CassandraLease.Settings settings, CassandraLeases leases) {
    this.store = store;
    this.owner = owner;
    this.settings = settings;
    this.leases = leases;
    this.validityNanos = settings.validity().toNanos();
  }

  /**
   * The id of the live session, starting one if there is none (or the last one is over). Fails when
   * Cassandra does not take the new session's row.
   */
  CompletableFuture<UUID> current() {
    UUID fresh;
    CompletableFuture<UUID> result;
    long sent;
    while (true) {
      UUID stale;
      synchronized (this) {
        if (started != null && (!started.isDone() || isValidLocked(id))) {
          return started;
        }
        if (started == null) {
          fresh = UUID.randomUUID();
          id = fresh;
          started = result = new CompletableFuture<>();
          inFlight = 0;
          sent = lastSent = System.nanoTime();
          break;
        }
        stale = id;
      }
      // over, and its timer has not fired yet: end it (its leases are told) before starting another
      onDeadline(stale);
    }
    store.startSession(fresh, owner, settings.ttlSeconds(), settings.options()).whenComplete((out, failure) -> {
      synchronized (this) {
        if (!fresh.equals(id)) {
          result.completeExceptionally(new LeaseException("lease session of " + owner + " replaced while starting"));
          return;
        }
        if (failure != null || !out.applied()) {
          id = null;
          started = null;
        } else {
          lastRenewalSent = sent;
          // one interval after the start was sent, not after it was answered: validity counts from then
          long since = System.nanoTime() - sent;
          scheduleNextRenewal(Duration.ofNanos(Math.max(0, settings.heartbeatInterval().toNanos() - since)));
          scheduleDeadline();
        }
      }
      if (failure != null) {
        result.completeExceptionally(unwrap(failure));
      } else if (!out.applied()) {
        result.completeExceptionally(new LeaseException("lease session " + fresh + " of " + owner + " exists already"));
      } else {
        log.debug("lease session {} of {} started", fresh, owner);
        result.complete(fresh);
      }
    });
    return result;
  }

  /** Whether {@code session} is this owner's live session and may still be trusted. */
  synchronized boolean isValid(UUID session) {
    return isValidLocked(session);
  }

  /** {@code holder} holds a lease under {@code session}; false if that session is over already. */
  synchronized boolean hold(UUID session, Holder holder) {
    if (!isValidLocked(session)) {
      return false;
    }
    holders.add(holder);
    return true;
  }

  synchronized void drop(Holder holder) {
    holders.remove(holder);
  }

  /** For tests and drills: stop (true) or resume (false) renewing, as a node frozen by a GC pause would. */
  synchronized void suspendRenewals(boolean suspend) {
    suspended = suspend;
  }

  /** Successful renewals of this owner's sessions so far. */
  synchronized long renewals() {
    return renewals;
  }

  /** The live session's id, if any (for tests and diagnosis). */
  synchronized UUID id() {
    return isStartedLocked() ? id : null;
  }

  // ---------------------------------------------------------------------------------------------

  private boolean isValidLocked(UUID session) {
    return session != null && session.equals(id) && isStartedLocked()
        && System.nanoTime() - lastRenewalSent < validityNanos;
  }

  private boolean isStartedLocked() {
    return started != null && started.isDone() && !started.isCompletedExceptionally();
  }

  /**
   * Sends a renewal and schedules the next one interval later, whether or not this one has been
   * answered: a renewal that hangs until its timeout (5 s) must not keep the next one from being
   * sent, or one slow answer would end the session (valid 7 s after a renewal) and every lease of
   * the node with it. Renewals are conditional on the row, so two in flight are harmless.
   */
  private void renew(UUID session) {
    long sent;
    synchronized (this) {
      if (!session.equals(id)) {
        return;
      }
      if (suspended) {
        scheduleNextRenewal(settings.heartbeatInterval());
        return;
      }
      inFlight++;
      sent = System.nanoTime();
      lastSent = sent;
      scheduleNextRenewal(settings.heartbeatInterval());
    }
    store.renewSession(session, owner, settings.ttlSeconds(), settings.options())
        .whenComplete((out, failure) -> afterRenewal(session, sent, out, failure));
  }

  private void afterRenewal(UUID session, long sent, CassandraLeases.Outcome out, Throwable failure) {
    synchronized (this) {
      if (!session.equals(id)) {
        return;
      }
      inFlight--;
      if (failure != null) {
        log.warn("renewing lease session {} of {} failed ({}); trying again, its leases stay valid for {} ms more",
            session, owner, unwrap(failure).toString(),
            Math.max(0, (validityNanos - (System.nanoTime() - lastRenewalSent)) / 1_000_000));
        if (inFlight == 0) {
          // an answer that came back fast (no Cassandra node reachable): again soon, not in a loop,
          // and never later than the next renewal was due anyway
          long due = lastSent + settings.heartbeatInterval().toNanos() - System.nanoTime();
          scheduleNextRenewal(Duration.ofNanos(Math.max(0, Math.min(RETRY_AFTER_FAILURE.toNanos(), due))));
        }
        return;
      }
      if (out.applied() && System.nanoTime() - lastRenewalSent < validityNanos) {
        lastRenewalSent = Math.max(lastRenewalSent, sent);
        renewals++;
        scheduleDeadline();
        return;
      }
    }
    if (out.applied()) {
      // answered after the session had lapsed here: its leases were (or are about to be) called
      // lost, so it is not brought back; the next acquire starts another
      onDeadline(session);
      return;
    }
    // Not applied: the row was gone when this renewal reached it, so others may have taken its leases
    // since, whatever a later renewal may answer (an expired session is never written again).
    end(session, new LeaseException("lease session " + session + " of " + owner
        + " is gone (it expired before it was renewed): every lease taken under it is lost"));
  }

  private void onDeadline(UUID session) {
    long since;
    synchronized (this) {
      if (!session.equals(id)) {
        return;
      }
      since = System.nanoTime() - lastRenewalSent;
      if (since < validityNanos) {
        scheduleDeadline();
        return;
      }
    }
    since /= 1_000_000;
    end(session, new LeaseTimeoutException("lease session " + session + " of " + owner + " not renewed for "
        + since + " ms (its leases are valid for " + settings.validity().toMillis()
        + " ms after a renewal): they may be someone else's by now"));
  }

  /** The session is over: forget it, and tell every lease held under it (outside the lock). */
  private void end(UUID session, LeaseException reason) {
    List<Holder> told;
    synchronized (this) {
      if (!session.equals(id)) {
        return;
      }
      id = null;
      started = null;
      inFlight = 0;
      cancel(renewal);
      cancel(deadline);
      told = new ArrayList<>(holders);
      holders.clear();
    }
    log.warn("{}", reason.getMessage());
    for (Holder holder : told) {
      try {
        holder.sessionOver(session, reason);
      } catch (RuntimeException e) {
        log.warn("lease {} failed to take note of its session's end", holder, e);
      }
    }
  }

  /** The next renewal {@code delay} from now (replacing the one scheduled). Called with the lock held. */
  private void scheduleNextRenewal(Duration delay) {
    cancel(renewal);
    UUID session = id;
    renewal = leases.schedule(delay, () -> renew(session));
  }

  private void scheduleDeadline() {
    cancel(deadline);
    UUID session = id;
    long remaining = validityNanos - (System.nanoTime() - lastRenewalSent);
    deadline = leases.schedule(Duration.ofNanos(Math.max(remaining, 0)), () -> onDeadline(session));
  }

  private static void cancel(Cancellable c) {
    if (c != null) {
      c.cancel();
    }
  }

  static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  @Override
  public String toString() {
    return "LeaseSession(" + owner + ", " + id + ")";
  }
}
