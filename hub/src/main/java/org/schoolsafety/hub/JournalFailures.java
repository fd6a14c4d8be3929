package org.schoolsafety.hub;

import java.time.Duration;
import org.apache.pekko.actor.typed.BackoffSupervisorStrategy;
import org.apache.pekko.actor.typed.SupervisorStrategy;

/**
 * What every entity does when the journal fails it — a write not confirmed, or a replay that
 * could not be read (Cassandra away or overloaded): the entity stops, is started again after a
 * backoff (200 ms, doubling up to 5 s, ±20 % so that a node's entities do not all come back at
 * once), recovers its state from the journal and carries on. Commands that arrive meanwhile wait
 * for it (Pekko stashes them during the backoff); the command whose write failed gets no answer,
 * so its sender's ask times out (the HTTP edge answers 503, retrying is safe).
 *
 * <p>Without it an entity would stop for good on its first journal failure, and under sharding
 * stay gone until another message happened to wake it.
 */
public final class JournalFailures {

  public static final Duration MIN_BACKOFF = Duration.ofMillis(200);
  public static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  public static final double RANDOM_FACTOR = 0.2;

  private JournalFailures() {}

  /** For an entity's {@code EventSourcedBehavior} constructor ({@code onPersistFailure}). */
  public static BackoffSupervisorStrategy restartWithBackoff() {
    return SupervisorStrategy.restartWithBackoff(MIN_BACKOFF, MAX_BACKOFF, RANDOM_FACTOR);
  }
}
