package org.schoolsafety.hub.tip;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.JournalFailures;

/**
 * A school's tip list (entity id = school id): the notice of every open tip and of the most
 * recent closed ones, kept current by the tips themselves (at least once; idempotent). It is what
 * the school's staff and its education agency triage from; a tip's text stays in the tip.
 */
public final class SchoolTips
    extends EventSourcedBehaviorWithEnforcedReplies<SchoolTips.Command, SchoolTips.Event, SchoolTips.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "SchoolTips");

  /** Closed tips kept in the list; their full record is in each tip's journal. */
  public static final int CLOSED_KEPT = 500;

  public sealed interface Command extends CborSerializable {}

  public record Track(TipNotice notice, ActorRef<Done> replyTo) implements Command {}

  /** Always answers, with an empty list for a school without tips. */
  public record Get(ActorRef<StatusReply<State>> replyTo) implements Command {}

  public sealed interface Event extends CborSerializable {}

  public record Tracked(TipNotice notice) implements Event {}

  public record State(Map<String, TipNotice> tips) implements CborSerializable {

    static State empty() {
      return new State(Map.of());
    }

    /** Open tips first by deadline, then closed ones newest first; only open ones unless {@code all}. */
    public List<TipNotice> list(boolean all) {
      return tips.values().stream()
          .filter(t -> all || t.isOpen())
          .sorted(Comparator.comparing((TipNotice t) -> !t.isOpen())
              .thenComparing(t -> t.isOpen() ? t.deadline() : t.receivedAt(),
                  (a, b) -> a.equals(b) ? 0 : a.isBefore(b) ? -1 : 1)
              .thenComparing(TipNotice::tipId))
          .toList();
    }

    State track(TipNotice notice) {
      var next = new LinkedHashMap<>(tips);
      next.put(notice.tipId(), notice);
      var closed = next.values().stream().filter(t -> !t.isOpen())
          .sorted(Comparator.comparing(TipNotice::receivedAt)).toList();
      for (int i = 0; i < closed.size() - CLOSED_KEPT; i++) {
        next.remove(closed.get(i).tipId());
      }
      return new State(Map.copyOf(next));
    }
  }

  public static void init(ActorSystem<?> system) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_TYPE_KEY, ctx -> create(ctx.getEntityId())));
  }

  public static Behavior<Command> create(String schoolId) {
    return new SchoolTips(schoolId);
  }

  private SchoolTips(String schoolId) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), schoolId), JournalFailures.restartWithBackoff());
  }

  @Override
  public State emptyState() {
    return State.empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Track.class, this::onTrack)
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), StatusReply.success(state)))
        .build();
  }

  private ReplyEffect<Event, State> onTrack(State state, Track cmd) {
    if (cmd.notice().equals(state.tips().get(cmd.notice().tipId()))) {
      return Effect().reply(cmd.replyTo(), Done.getInstance());
    }
    return Effect().persist(new Tracked(cmd.notice())).thenReply(cmd.replyTo(), s -> Done.getInstance());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(Tracked.class, (state, evt) -> state.track(evt.notice()))
        .build();
  }
}
