package org.schoolsafety.hub.feed;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.JournalFailures;
import org.schoolsafety.hub.prevention.WarningNotice;

/**
 * A province's incident feed: every incident event of the province, once, in one order. One
 * entity per province (entity id = the 2-digit code). Its journal is the log that live streams
 * replay from: the journal sequence number of each item is the stream's event id, so a client
 * that reconnects with the last id it saw gets exactly what it missed.
 *
 * <p>Incidents push their items at least once; the feed drops what it already has, by
 * (incident, incident sequence number). Appends that arrive while a write is in flight are
 * written together in one batch.
 */
public final class IncidentFeed
    extends EventSourcedBehaviorWithEnforcedReplies<IncidentFeed.Command, IncidentFeed.Event, IncidentFeed.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "IncidentFeed");

  /** How long after an incident ends the feed still recognises its resent items. */
  public static final Duration REMEMBER_ENDED = Duration.ofDays(7);

  // --- commands -------------------------------------------------------------------------

  public sealed interface Command extends CborSerializable {}

  /** Items in incident order; confirmed once written (or already known). */
  public record Append(List<FeedItem> items, ActorRef<Done> replyTo) implements Command {}

  /**
   * A school's early warning as it now is (issue 15), for the command centers watching the
   * province; delivered at least once by the read side, confirmed once written (or already known:
   * the same or an older version of the warning).
   */
  public record AppendWarning(WarningNotice notice, ActorRef<Done> replyTo) implements Command {}

  /** The sequence number of the newest item: where a new live subscriber starts. */
  public record GetPosition(ActorRef<Long> replyTo) implements Command {}

  enum Flush implements Command {
    INSTANCE
  }

  // --- events ---------------------------------------------------------------------------

  public sealed interface Event extends CborSerializable {}

  public record ItemAppended(FeedItem item) implements Event {}

  public record WarningAppended(WarningNotice notice) implements Event {}

  // --- state ----------------------------------------------------------------------------

  /** Per incident: the last incident sequence number in the feed, and when it ended (if it did). */
  public record Mark(long lastSeqNr, Instant endedAt) implements CborSerializable {}

  public record State(Map<String, Mark> marks) implements CborSerializable {

    /** Warnings are marked beside incidents, under a key no incident id can take. */
    private static String key(WarningNotice w) {
      return "warning:" + w.warningId();
    }

    boolean has(WarningNotice w) {
      Mark mark = marks.get(key(w));
      return mark != null && w.version() <= mark.lastSeqNr();
    }

    State with(WarningNotice w) {
      var next = new HashMap<>(marks);
      next.put(key(w), new Mark(w.version(), w.warning().isActive() ? null : w.warning().clearedAt()));
      return new State(next);
    }

    boolean has(FeedItem item) {
      Mark mark = marks.get(item.incidentId());
      return mark != null && item.incidentSeqNr() <= mark.lastSeqNr();
    }

    State with(FeedItem item) {
      var next = new HashMap<>(marks);
      Instant ended = item.status().isTerminal() ? item.at() : null;
      next.put(item.incidentId(), new Mark(item.incidentSeqNr(), ended));
      return new State(next);
    }

    State pruned(Instant now) {
      if (marks.values().stream().noneMatch(m -> isForgotten(m, now))) {
        return this;
      }
      var next = new HashMap<>(marks);
      next.values().removeIf(m -> isForgotten(m, now));
      return new State(next);
    }

    private static boolean isForgotten(Mark m, Instant now) {
      return m.endedAt() != null && m.endedAt().plus(REMEMBER_ENDED).isBefore(now);
    }
  }

  /** Appends waiting for the next write, with whom to tell when it is done. */
  private final List<FeedItem> buffer = new ArrayList<>();
  private final List<ActorRef<Done>> waiting = new ArrayList<>();
  private boolean flushScheduled;

  // --- wiring ---------------------------------------------------------------------------

  public static String topic(String province) {
    return "incident-feed-" + province;
  }

  /** {@code publish} receives every entry once it is durable (cluster pub-sub in the node). */
  public static void init(ActorSystem<?> system, Clock clock, Consumer<FeedEntry> publish) {
    ClusterSharding.get(system)
        .init(Entity.of(ENTITY_TYPE_KEY, ctx -> create(ctx.getEntityId(), clock, publish)));
  }

  public static Behavior<Command> create(String province, Clock clock, Consumer<FeedEntry> publish) {
    return Behaviors.setup(ctx -> new IncidentFeed(province, clock, publish, ctx));
  }

  private final Clock clock;
  private final Consumer<FeedEntry> publish;
  private final ActorContext<Command> context;

  private IncidentFeed(String province, Clock clock, Consumer<FeedEntry> publish, ActorContext<Command> context) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), province), JournalFailures.restartWithBackoff());
    this.clock = clock;
    this.publish = publish;
    this.context = context;
  }

  @Override
  public State emptyState() {
    return new State(Map.of());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(1000, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Append.class, this::onAppend)
        .onCommand(AppendWarning.class, this::onAppendWarning)
        .onCommand(Flush.class, this::onFlush)
        .onCommand(GetPosition.class, (state, cmd) ->
            Effect().reply(cmd.replyTo(), lastSequenceNumber(context)))
        .build();
  }

  private ReplyEffect<Event, State> onAppend(State state, Append cmd) {
    boolean added = false;
    for (FeedItem item : cmd.items()) {
      if (!state.has(item) && buffer.stream().noneMatch(b -> sameItem(b, item))) {
        buffer.add(item);
        added = true;
      }
    }
    if (!added) {
      return Effect().reply(cmd.replyTo(), Done.getInstance());
    }
    waiting.add(cmd.replyTo());
    if (!flushScheduled) {
      flushScheduled = true;
      context.getSelf().tell(Flush.INSTANCE);
    }
    return Effect().noReply();
  }

  /** Warnings are rare: each is written on its own, not batched with incident items. */
  private ReplyEffect<Event, State> onAppendWarning(State state, AppendWarning cmd) {
    if (state.has(cmd.notice())) {
      return Effect().reply(cmd.replyTo(), Done.getInstance());
    }
    return Effect().persist(new WarningAppended(cmd.notice()))
        .thenRun(after -> publish.accept(new FeedEntry(lastSequenceNumber(context), null, cmd.notice())))
        .thenReply(cmd.replyTo(), after -> Done.getInstance());
  }

  private static boolean sameItem(FeedItem a, FeedItem b) {
    return a.incidentId().equals(b.incidentId()) && a.incidentSeqNr() == b.incidentSeqNr();
  }

  private ReplyEffect<Event, State> onFlush(State state, Flush cmd) {
    flushScheduled = false;
    if (buffer.isEmpty()) {
      return Effect().noReply();
    }
    List<Event> events = buffer.stream().map(i -> (Event) new ItemAppended(i)).toList();
    List<ActorRef<Done>> confirm = List.copyOf(waiting);
    buffer.clear();
    waiting.clear();
    return Effect().persist(events).thenRun(after -> {
      long last = lastSequenceNumber(context);
      long seq = last - events.size() + 1;
      for (Event e : events) {
        publish.accept(new FeedEntry(seq++, ((ItemAppended) e).item()));
      }
      confirm.forEach(r -> r.tell(Done.getInstance()));
    }).thenNoReply();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        // Pure: pruning is relative to the event's own time, never the clock, so a replay at any
        // time rebuilds exactly the state the feed had when it wrote the event.
        .onEvent(ItemAppended.class, (state, evt) -> state.with(evt.item()).pruned(evt.item().at()))
        .onEvent(WarningAppended.class, (state, evt) -> state.with(evt.notice()))
        .build();
  }
}
