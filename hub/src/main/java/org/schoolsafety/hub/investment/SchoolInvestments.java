package org.schoolsafety.hub.investment;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * A school's safety spending (issue 18), entity id = school id: every investment recorded for
 * it, idempotent on the investment id. Kept apart from the incident entities so that recording
 * spending never touches the report path. Events are tagged for the read side's roll-ups by
 * region, category and year.
 */
public final class SchoolInvestments extends EventSourcedBehaviorWithEnforcedReplies<SchoolInvestments.Command,
    SchoolInvestments.Event, SchoolInvestments.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "SchoolInvestments");
  public static final String TAG = "investment";

  public sealed interface Command extends CborSerializable {}

  /** Records the investment; the same one again answers what is recorded, with {@code replayed}. */
  public record Record(Investment investment, ActorRef<StatusReply<Recorded>> replyTo) implements Command {}

  /** Always answers, with an empty list for a school without recorded spending. */
  public record Get(ActorRef<StatusReply<State>> replyTo) implements Command {}

  /** The answer to {@link Record}. */
  public record Recorded(Investment investment, boolean replayed) implements CborSerializable {}

  public sealed interface Event extends CborSerializable {}

  public record InvestmentRecorded(Investment investment) implements Event {}

  public record State(Map<String, Investment> investments) implements CborSerializable {

    static State empty() {
      return new State(Map.of());
    }

    /** Newest first, by date then id. */
    public List<Investment> list() {
      return investments.values().stream()
          .sorted(Comparator.comparing(Investment::date).reversed().thenComparing(Investment::investmentId))
          .toList();
    }

    State with(Investment investment) {
      var next = new LinkedHashMap<>(investments);
      next.put(investment.investmentId(), investment);
      return new State(Map.copyOf(next));
    }
  }

  public static void init(ActorSystem<?> system) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_TYPE_KEY, ctx -> create(ctx.getEntityId())));
  }

  public static Behavior<Command> create(String schoolId) {
    return new SchoolInvestments(schoolId);
  }

  private final String schoolId;

  private SchoolInvestments(String schoolId) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), schoolId), JournalFailures.restartWithBackoff());
    this.schoolId = schoolId;
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
  public Set<String> tagsFor(Event event) {
    return Set.of(TAG);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Record.class, this::onRecord)
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), StatusReply.success(state)))
        .build();
  }

  private ReplyEffect<Event, State> onRecord(State state, Record cmd) {
    Investment investment = cmd.investment();
    if (!schoolId.equals(investment.schoolId())) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(new Rejection.Invalid(
          "investment " + investment.investmentId() + " is for school " + investment.schoolId() + ", not " + schoolId)));
    }
    Investment known = state.investments().get(investment.investmentId());
    if (known != null) {
      return known.sameAs(investment)
          ? Effect().reply(cmd.replyTo(), StatusReply.success(new Recorded(known, true)))
          : Effect().reply(cmd.replyTo(), StatusReply.error(new Rejection.Conflict("investment "
              + investment.investmentId() + " is already recorded with other figures; record a correction under "
              + "a new investmentId")));
    }
    return Effect().persist(new InvestmentRecorded(investment))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(new Recorded(investment, false)));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(InvestmentRecorded.class, (state, evt) -> state.with(evt.investment()))
        .build();
  }
}
