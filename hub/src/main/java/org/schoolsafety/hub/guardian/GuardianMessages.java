package org.schoolsafety.hub.guardian;

import java.util.ArrayList;
import java.util.List;
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
import org.schoolsafety.hub.Rejection;

/**
 * What guardians told one school (entity id = school id): the newest {@code kept} messages,
 * newest last. Older ones stay in the journal. The school's staff read them; nobody else.
 */
public final class GuardianMessages extends EventSourcedBehaviorWithEnforcedReplies<
    GuardianMessages.Command, GuardianMessages.Event, GuardianMessages.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "GuardianMessages");

  public sealed interface Command extends CborSerializable {}

  /** Record a message; the same message id again is a no-op. */
  public record Post(GuardianMessage message, ActorRef<StatusReply<GuardianMessage>> replyTo) implements Command {}

  /** Always answers, with an empty list for a school no guardian wrote to. */
  public record Get(ActorRef<StatusReply<State>> replyTo) implements Command {}

  public sealed interface Event extends CborSerializable {}

  public record Posted(GuardianMessage message) implements Event {}

  public record State(List<GuardianMessage> messages) implements CborSerializable {

    State with(GuardianMessage message, int kept) {
      var next = new ArrayList<>(messages);
      next.add(message);
      while (next.size() > kept) {
        next.remove(0);
      }
      return new State(List.copyOf(next));
    }

    /** Newest first. */
    public List<GuardianMessage> newestFirst() {
      var list = new ArrayList<>(messages);
      java.util.Collections.reverse(list);
      return list;
    }
  }

  public static void init(ActorSystem<?> system, int kept) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_TYPE_KEY, ctx -> create(ctx.getEntityId(), kept)));
  }

  public static Behavior<Command> create(String schoolId, int kept) {
    return new GuardianMessages(schoolId, kept);
  }

  private final String schoolId;
  private final int kept;

  private GuardianMessages(String schoolId, int kept) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), schoolId), JournalFailures.restartWithBackoff());
    this.schoolId = schoolId;
    this.kept = kept;
  }

  @Override
  public State emptyState() {
    return new State(List.of());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(Post.class, this::onPost)
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), StatusReply.success(state)))
        .build();
  }

  private ReplyEffect<Event, State> onPost(State state, Post cmd) {
    GuardianMessage m = cmd.message();
    if (!m.schoolId().equals(schoolId)) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(new Rejection.Invalid(
          "message for school " + m.schoolId() + " sent to " + schoolId)));
    }
    var known = state.messages().stream().filter(k -> k.messageId().equals(m.messageId())).findFirst();
    if (known.isPresent()) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(known.get()));
    }
    return Effect().persist(new Posted(m)).thenReply(cmd.replyTo(), s -> StatusReply.success(m));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(Posted.class, (s, e) -> s.with(e.message(), kept))
        .build();
  }
}
