package org.schoolsafety.edge.stream;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.pubsub.DistributedPubSub;
import org.apache.pekko.cluster.pubsub.DistributedPubSubMediator;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Follows one entity's journal as a live stream without gaps or duplicates: it subscribes to
 * the entity's pub-sub topic first, replays the journal from a sequence number, then continues
 * with the live messages. Every element carries its journal sequence number; anything at or
 * below the last one sent is dropped, and a jump in numbers (a pub-sub message lost, or one
 * that overtook the replay) is filled from the journal before going on.
 *
 * <p>Live messages wait in a bounded buffer; a client too slow to keep up overflows it and the
 * stream fails (the client resumes from its last id).
 */
public final class LiveLog {

  /** An element at its journal position; {@code value} is empty for events the stream skips. */
  public record Sequenced<T>(long seq, Optional<T> value) {}

  private final ActorSystem<?> system;
  private final CassandraReadJournal journal;
  private final ActorRef mediator;
  private final int bufferSize;

  public LiveLog(ActorSystem<?> system, int bufferSize) {
    this.system = system;
    this.journal = PersistenceQuery.get(Adapter.toClassic(system))
        .getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier());
    this.mediator = DistributedPubSub.get(Adapter.toClassic(system)).mediator();
    this.bufferSize = bufferSize;
  }

  /** Publishes a message to a topic (called by entities once their events are durable). */
  public static void publish(ActorSystem<?> system, String topic, Object message) {
    DistributedPubSub.get(Adapter.toClassic(system)).mediator()
        .tell(new DistributedPubSubMediator.Publish(topic, message), ActorRef.noSender());
  }

  /**
   * The live messages of a topic from now on, without journal or positions: for messages that
   * each carry a whole current picture, where one lost is made good by the next.
   */
  public Source<Object, NotUsed> live(String topic) {
    Pair<ActorRef, Source<Object, NotUsed>> live =
        Source.actorRef(
                message -> Optional.empty(),
                message -> Optional.empty(),
                bufferSize,
                OverflowStrategy.fail())
            .preMaterialize(system);
    mediator.tell(new DistributedPubSubMediator.Subscribe(topic, live.first()), live.first());
    return live.second().filter(m -> !(m instanceof DistributedPubSubMediator.SubscribeAck));
  }

  /**
   * @param persistenceId the journal to follow
   * @param topic where the entity publishes what it persisted
   * @param afterSeq the last sequence number the client has (0: from the beginning)
   * @param fromJournal a journal event at its sequence number, as an element (empty to skip)
   * @param fromLive a live message as a sequenced element (empty for messages of no interest)
   */
  public <T> Source<T, NotUsed> follow(
      String persistenceId,
      String topic,
      long afterSeq,
      Function<EventEnvelope, Sequenced<T>> fromJournal,
      Function<Object, Optional<Sequenced<T>>> fromLive) {
    Pair<ActorRef, Source<Object, NotUsed>> live =
        Source.actorRef(
                message -> Optional.empty(),
                message -> Optional.empty(),
                bufferSize,
                OverflowStrategy.fail())
            .preMaterialize(system);
    mediator.tell(new DistributedPubSubMediator.Subscribe(topic, live.first()), live.first());

    AtomicLong last = new AtomicLong(afterSeq);
    Function<Long, Source<Sequenced<T>, NotUsed>> replayFrom = from ->
        journal.currentEventsByPersistenceId(persistenceId, from, Long.MAX_VALUE).map(fromJournal::apply);

    // Wait for the subscription to be in place, then replay, then go live: nothing persisted in
    // between can be missed, and what arrives twice is dropped by sequence number.
    Source<Sequenced<T>, NotUsed> replayThenLive = live.second()
        .prefixAndTail(1)
        .flatMapConcat(first -> {
          Source<Sequenced<T>, NotUsed> liveTail = first.second()
              .map(fromLive::apply).filter(Optional::isPresent).map(Optional::get);
          Source<Sequenced<T>, NotUsed> head = first.first().isEmpty()
                  || first.first().get(0) instanceof DistributedPubSubMediator.SubscribeAck
              ? Source.empty()
              : Source.from(first.first()).map(fromLive::apply).filter(Optional::isPresent).map(Optional::get);
          return replayFrom.apply(afterSeq + 1).concat(head).concat(liveTail);
        });

    return replayThenLive
        .flatMapConcat(element -> {
          long seq = element.seq();
          long previous = last.get();
          if (seq <= previous) {
            return Source.empty();
          }
          last.set(seq);
          if (seq == previous + 1) {
            return Source.single(element);
          }
          // A gap: what lies between is in the journal.
          return journal.currentEventsByPersistenceId(persistenceId, previous + 1, seq).map(fromJournal::apply);
        })
        .filter(e -> e.value().isPresent())
        .map(e -> e.value().get());
  }
}
