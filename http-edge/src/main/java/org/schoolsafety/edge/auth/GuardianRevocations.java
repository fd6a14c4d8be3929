package org.schoolsafety.edge.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.schoolsafety.edge.stream.LiveLog;
import org.schoolsafety.hub.guardian.GuardianRegistry;
import org.schoolsafety.hub.guardian.GuardianRegistry.Revoked;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's set of revoked guardians, checked on every guardian request without touching
 * Cassandra. It is fed three ways, so that it is complete on every node within seconds:
 *
 * <ol>
 *   <li>the node that records a revocation adds it before answering (that node refuses at once);
 *   <li>every {@link GuardianRegistry} publishes its {@link Revoked} events on the cluster topic
 *       {@value #TOPIC} once they are durable (the other nodes, within milliseconds);
 *   <li>the events tagged {@value GuardianRegistry#REVOKED_TAG} are read back from the journal: at
 *       start from {@code remember} ago (the set is {@link #ready()} only once that read is done),
 *       and then followed live, which repairs a pub-sub message lost to a partition within the
 *       events-by-tag delay plus its polling interval.
 * </ol>
 *
 * <p>A guardian needs to be remembered only while a token issued before the revocation can still
 * be valid: {@code remember} is the guardian token's lifetime plus the clock skew the verifier
 * allows. Tokens are never renewed after a revocation, so older revocations need no entry.
 */
public final class GuardianRevocations {

  private static final Logger log = LoggerFactory.getLogger(GuardianRevocations.class);

  /** The cluster pub-sub topic of {@link Revoked} events. */
  public static final String TOPIC = "guardian-revocations";

  /** What a revoked guardian's requests are told (the family page shows its own words for it). */
  public static final String REVOKED = "access withdrawn by the school: this guardian's tokens are revoked";

  private final Clock clock;
  private final Duration remember;
  /** Guardian id → until when its tokens may exist (after that, forgotten). */
  private final Map<String, Instant> revoked = new ConcurrentHashMap<>();
  /** Guardian id → the open streams waiting to end on its revocation. */
  private final Map<String, Set<CompletableFuture<Revoked>>> watchers = new ConcurrentHashMap<>();
  private final CompletableFuture<Integer> ready = new CompletableFuture<>();

  public GuardianRevocations(Clock clock, Duration remember) {
    this.clock = clock;
    this.remember = remember;
  }

  /** Whether the start-up read of recent revocations is done: before that the set may be short. */
  public boolean ready() {
    return ready.isDone();
  }

  /** Completes, with the number of guardians refused, once the start-up read is done. */
  public CompletionStage<Integer> whenReady() {
    return ready;
  }

  /** Marks the set complete without a journal (for tests of the routes alone). */
  public GuardianRevocations markReady() {
    ready.complete(size());
    return this;
  }

  public boolean isRevoked(String guardianId) {
    return revoked.containsKey(guardianId);
  }

  /** How many revoked guardians this node remembers now. */
  public int size() {
    return revoked.size();
  }

  /** Records a revocation (idempotent) and ends the guardian's open streams. */
  public void add(Revoked event) {
    Instant until = event.at().plus(remember);
    if (!until.isAfter(clock.instant())) {
      return;
    }
    revoked.merge(event.guardianId(), until, (a, b) -> a.isAfter(b) ? a : b);
    Set<CompletableFuture<Revoked>> waiting = watchers.remove(event.guardianId());
    if (waiting != null) {
      waiting.forEach(f -> f.complete(event));
    }
  }

  /** Completes when the guardian is revoked; {@link #unwatch} it when the stream ends. */
  public CompletableFuture<Revoked> whenRevoked(String guardianId) {
    var future = new CompletableFuture<Revoked>();
    watchers.computeIfAbsent(guardianId, id -> ConcurrentHashMap.newKeySet()).add(future);
    // Revoked between the token check and now: end at once.
    if (isRevoked(guardianId)) {
      unwatch(guardianId, future);
      future.complete(new Revoked(null, guardianId, clock.instant(), null, null));
    }
    return future;
  }

  public void unwatch(String guardianId, CompletableFuture<Revoked> future) {
    watchers.computeIfPresent(guardianId, (id, set) -> {
      set.remove(future);
      return set.isEmpty() ? null : set;
    });
  }

  /** Drops the revocations whose tokens have all expired. */
  void forgetExpired() {
    Instant now = clock.instant();
    revoked.values().removeIf(until -> !until.isAfter(now));
  }

  /** The revocations in the journal from {@code from} until now; the set is ready when it ends. */
  private Source<EventEnvelope, NotUsed> readBack(CassandraReadJournal journal, Offset from) {
    return journal.currentEventsByTag(GuardianRegistry.REVOKED_TAG, from)
        .map(envelope -> {
          addFrom(envelope);
          return envelope;
        })
        .watchTermination((mat, done) -> {
          done.thenRun(() -> {
            if (ready.complete(size())) {
              log.info("guardian revocations read back: {} guardians refused on this node", size());
            }
          });
          return mat;
        });
  }

  private void addFrom(EventEnvelope envelope) {
    if (envelope.event() instanceof Revoked r) {
      add(r);
    }
  }

  /**
   * Starts feeding this set on {@code system}: the cluster topic first (so nothing published
   * during the read is missed), then the journal's recent revocations, then the journal live.
   */
  public GuardianRevocations start(ActorSystem<?> system, LiveLog liveLog, Duration journalRetry) {
    var restart = RestartSettings.create(journalRetry, journalRetry.multipliedBy(10), 0.2);
    RestartSource.withBackoff(restart, () -> liveLog.live(TOPIC))
        .runWith(Sink.foreach(message -> {
          if (message instanceof Revoked r) {
            add(r);
          }
        }), system);
    CassandraReadJournal journal = PersistenceQuery.get(Adapter.toClassic(system))
        .getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier());
    // Each (re)start reads from `remember` ago: older revocations concern no token that is still valid.
    Supplier<Offset> from = () -> journal.timeBasedUUIDFrom(clock.instant().minus(remember).toEpochMilli());
    RestartSource.onFailuresWithBackoff(restart, () -> readBack(journal, from.get()))
        .runWith(Sink.ignore(), system)
        .thenRun(() -> RestartSource.withBackoff(restart,
                () -> journal.eventsByTag(GuardianRegistry.REVOKED_TAG, from.get()))
            .runWith(Sink.foreach(this::addFrom), system));
    Duration sweep = remember.compareTo(Duration.ofMinutes(1)) < 0 ? remember : Duration.ofMinutes(1);
    system.scheduler().scheduleAtFixedRate(sweep, sweep, this::forgetExpired, system.executionContext());
    return this;
  }
}
