package org.schoolsafety.hub.guardian;

import java.time.Clock;
import java.time.Instant;
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
import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.JournalFailures;
import org.schoolsafety.hub.Rejection;

/**
 * One guardian invitation code (entity id = the code's keyed hash, {@link GuardianCodes}): which
 * school and class it admits to, until when, and whether it was redeemed. The code itself is
 * never stored. Redemption is single-writer here, so a code admits exactly one guardian. The
 * school may withdraw a code nobody has used yet (a lost or misprinted sheet of codes): it then
 * admits nobody.
 */
public final class GuardianInvitation extends EventSourcedBehaviorWithEnforcedReplies<
    GuardianInvitation.Command, GuardianInvitation.Event, GuardianInvitation.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "GuardianInvitation");

  /** The answer for a code nobody issued. */
  public static final String UNKNOWN = "no such invitation code";

  public sealed interface Command extends CborSerializable {}

  /** Issue the code; repeating the same issue is a no-op, a different one a conflict. */
  public record Issue(String schoolId, String classId, Instant expiresAt, String by,
      ActorRef<StatusReply<State>> replyTo) implements Command {}

  /** Redeem the code for {@code guardianId}: once, before it expires, unless withdrawn. */
  public record Redeem(String guardianId, ActorRef<StatusReply<State>> replyTo) implements Command {}

  /**
   * Withdraw the code for {@code schoolId}'s staff: a code of another school is unknown to them;
   * a used one cannot be withdrawn (revoke its guardian instead); withdrawing again is a no-op.
   */
  public record Withdraw(String schoolId, String reason, String by, ActorRef<StatusReply<State>> replyTo)
      implements Command {}

  public sealed interface Event extends CborSerializable {}

  public record Issued(String schoolId, String classId, Instant expiresAt, Instant at, String by) implements Event {}

  public record Redeemed(String guardianId, Instant at) implements Event {}

  public record Withdrawn(String reason, Instant at, String by) implements Event {}

  /**
   * {@code schoolId} null until issued; {@code guardianId} null until redeemed; {@code withdrawnAt}
   * null unless withdrawn.
   */
  public record State(String schoolId, String classId, Instant expiresAt, Instant issuedAt, String guardianId,
      Instant redeemedAt, Instant withdrawnAt) implements CborSerializable {

    public boolean isWithdrawn() {
      return withdrawnAt != null;
    }

    public boolean isIssued() {
      return schoolId != null;
    }

    public boolean isRedeemed() {
      return guardianId != null;
    }
  }

  public static void init(ActorSystem<?> system, Clock clock) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_TYPE_KEY, ctx -> create(ctx.getEntityId(), clock)));
  }

  public static Behavior<Command> create(String codeHash, Clock clock) {
    return new GuardianInvitation(codeHash, clock);
  }

  private final Clock clock;

  private GuardianInvitation(String codeHash, Clock clock) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), codeHash), JournalFailures.restartWithBackoff());
    this.clock = clock;
  }

  @Override
  public State emptyState() {
    return new State(null, null, null, null, null, null, null);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(Issue.class, this::onIssue)
        .onCommand(Redeem.class, this::onRedeem)
        .onCommand(Withdraw.class, this::onWithdraw)
        .build();
  }

  private ReplyEffect<Event, State> onIssue(State state, Issue cmd) {
    if (state.isIssued()) {
      boolean same = state.schoolId().equals(cmd.schoolId()) && state.classId().equals(cmd.classId())
          && state.expiresAt().equals(cmd.expiresAt());
      return same ? Effect().reply(cmd.replyTo(), StatusReply.success(state))
          : Effect().reply(cmd.replyTo(), StatusReply.error(new Rejection.Conflict("this code is already issued")));
    }
    return Effect().persist(new Issued(cmd.schoolId(), cmd.classId(), cmd.expiresAt(), clock.instant(), cmd.by()))
        .thenReply(cmd.replyTo(), StatusReply::success);
  }

  private ReplyEffect<Event, State> onRedeem(State state, Redeem cmd) {
    if (!state.isIssued()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(new Rejection.NotFound(UNKNOWN)));
    }
    if (state.isRedeemed()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(new Rejection.Conflict(
          "this invitation code has already been used; ask the school for a new one")));
    }
    if (state.isWithdrawn()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(new Rejection.Gone(
          "this invitation code was withdrawn by the school; ask the school for a new one")));
    }
    Instant now = clock.instant();
    if (!now.isBefore(state.expiresAt())) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(new Rejection.Gone(
          "this invitation code expired at " + state.expiresAt() + "; ask the school for a new one")));
    }
    return Effect().persist(new Redeemed(cmd.guardianId(), now)).thenReply(cmd.replyTo(), StatusReply::success);
  }

  private ReplyEffect<Event, State> onWithdraw(State state, Withdraw cmd) {
    if (!state.isIssued() || !state.schoolId().equals(cmd.schoolId())) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(new Rejection.NotFound(UNKNOWN)));
    }
    if (state.isRedeemed()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(new Rejection.Conflict(
          "this invitation code has already been used; revoke its guardian instead")));
    }
    if (state.isWithdrawn()) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state));
    }
    return Effect().persist(new Withdrawn(cmd.reason(), clock.instant(), cmd.by()))
        .thenReply(cmd.replyTo(), StatusReply::success);
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(Issued.class, (s, e) -> new State(e.schoolId(), e.classId(), e.expiresAt(), e.at(), null, null, null))
        .onEvent(Redeemed.class, (s, e) -> new State(s.schoolId(), s.classId(), s.expiresAt(), s.issuedAt(),
            e.guardianId(), e.at(), null))
        .onEvent(Withdrawn.class, (s, e) -> new State(s.schoolId(), s.classId(), s.expiresAt(), s.issuedAt(),
            null, null, e.at()))
        .build();
  }
}
