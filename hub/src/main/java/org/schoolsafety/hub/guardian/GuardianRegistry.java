package org.schoolsafety.hub.guardian;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
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
 * The guardians enrolled at one school (entity id = school id): who redeemed a code for which
 * class and when, until when the enrolment lets them renew their token, and who was cut off by
 * the school, when and why. Guardians are pseudonymous ids: nothing here names a person.
 *
 * <p>{@link Revoked} events are tagged {@value #REVOKED_TAG} and, once durable, handed to the
 * {@code revoked} seam (the node publishes them to every node's in-memory set of revoked
 * guardians): refusing a revoked guardian's token costs no journal read per request.
 */
public final class GuardianRegistry extends EventSourcedBehaviorWithEnforcedReplies<
    GuardianRegistry.Command, GuardianRegistry.Event, GuardianRegistry.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "GuardianRegistry");

  /** The tag of {@link Revoked}: each node reads the recent ones back when it starts. */
  public static final String REVOKED_TAG = "guardian-revoked";

  /** The answer for a guardian this school never enrolled (or one of another school). */
  public static final String UNKNOWN = "no such guardian at this school";

  /** Enrolments this long past their end (revoked or expired) drop out of the list. */
  static final Duration FORGET_AFTER = Duration.ofDays(30);

  public sealed interface Command extends CborSerializable {}

  /** Enrol a guardian who redeemed a code; the same guardian again is a no-op. */
  public record Enrol(String guardianId, String classId, Instant redeemedAt, Instant expiresAt,
      ActorRef<StatusReply<Enrolment>> replyTo) implements Command {}

  /** Cut a guardian off at once; revoking a revoked guardian again changes nothing. */
  public record Revoke(String guardianId, String reason, String by, ActorRef<StatusReply<Enrolment>> replyTo)
      implements Command {}

  /** One guardian's enrolment, or {@link Rejection.NotFound}. */
  public record Find(String guardianId, ActorRef<StatusReply<Enrolment>> replyTo) implements Command {}

  /** Always answers, with an empty list for a school without guardians. */
  public record Get(ActorRef<StatusReply<State>> replyTo) implements Command {}

  public sealed interface Event extends CborSerializable {}

  public record Enrolled(String schoolId, String guardianId, String classId, Instant redeemedAt, Instant expiresAt)
      implements Event {}

  /** {@code at} is when the school cut the guardian off; tokens issued before then are refused from then on. */
  public record Revoked(String schoolId, String guardianId, Instant at, String by, String reason) implements Event {}

  /** {@code revokedAt}, {@code revokedBy} and {@code reason} are null while the guardian is enrolled. */
  public record Enrolment(String guardianId, String classId, Instant redeemedAt, Instant expiresAt,
      Instant revokedAt, String revokedBy, String reason) implements CborSerializable {

    public boolean isRevoked() {
      return revokedAt != null;
    }

    /** ACTIVE, REVOKED, or EXPIRED (the enrolment's end has passed: no more renewals). */
    public String stateAt(Instant now) {
      return isRevoked() ? "REVOKED" : now.isBefore(expiresAt) ? "ACTIVE" : "EXPIRED";
    }

    Instant endedAt() {
      return isRevoked() && revokedAt.isBefore(expiresAt) ? revokedAt : expiresAt;
    }
  }

  /** By guardian id, in order of enrolment. */
  public record State(Map<String, Enrolment> guardians) implements CborSerializable {

    public List<Enrolment> newestFirst() {
      var list = new ArrayList<>(guardians.values());
      list.sort(Comparator.comparing(Enrolment::redeemedAt).reversed());
      return list;
    }

    State with(Enrolment enrolment) {
      var next = new LinkedHashMap<>(guardians);
      next.put(enrolment.guardianId(), enrolment);
      return new State(next);
    }

    /** Without the enrolments that ended long before {@code at} (an event's own time: replays agree). */
    State forgetEndedBefore(Instant at) {
      var next = new LinkedHashMap<String, Enrolment>();
      guardians.forEach((id, e) -> {
        if (e.endedAt().plus(FORGET_AFTER).isAfter(at)) {
          next.put(id, e);
        }
      });
      return next.size() == guardians.size() ? this : new State(next);
    }
  }

  public static void init(ActorSystem<?> system, Clock clock, Consumer<Revoked> revoked) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_TYPE_KEY, ctx -> create(ctx.getEntityId(), clock, revoked)));
  }

  public static Behavior<Command> create(String schoolId, Clock clock, Consumer<Revoked> revoked) {
    return new GuardianRegistry(schoolId, clock, revoked);
  }

  private final String schoolId;
  private final Clock clock;
  private final Consumer<Revoked> revoked;

  private GuardianRegistry(String schoolId, Clock clock, Consumer<Revoked> revoked) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), schoolId), JournalFailures.restartWithBackoff());
    this.schoolId = schoolId;
    this.clock = clock;
    this.revoked = revoked;
  }

  @Override
  public State emptyState() {
    return new State(Map.of());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return event instanceof Revoked ? Set.of(REVOKED_TAG) : Set.of();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder().forAnyState()
        .onCommand(Enrol.class, this::onEnrol)
        .onCommand(Revoke.class, this::onRevoke)
        .onCommand(Find.class, (state, cmd) -> Effect().reply(cmd.replyTo(), found(state, cmd.guardianId())))
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), StatusReply.success(state)))
        .build();
  }

  private static StatusReply<Enrolment> found(State state, String guardianId) {
    Enrolment e = state.guardians().get(guardianId);
    return e == null ? StatusReply.error(new Rejection.NotFound(UNKNOWN)) : StatusReply.success(e);
  }

  private ReplyEffect<Event, State> onEnrol(State state, Enrol cmd) {
    if (state.guardians().containsKey(cmd.guardianId())) {
      return Effect().reply(cmd.replyTo(), found(state, cmd.guardianId()));
    }
    return Effect().persist(new Enrolled(schoolId, cmd.guardianId(), cmd.classId(), cmd.redeemedAt(), cmd.expiresAt()))
        .thenReply(cmd.replyTo(), s -> found(s, cmd.guardianId()));
  }

  private ReplyEffect<Event, State> onRevoke(State state, Revoke cmd) {
    Enrolment e = state.guardians().get(cmd.guardianId());
    if (e == null) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(new Rejection.NotFound(UNKNOWN)));
    }
    if (e.isRevoked()) {
      // Told again all the same: a node that missed the first word hears it now.
      revoked.accept(new Revoked(schoolId, e.guardianId(), e.revokedAt(), e.revokedBy(), e.reason()));
      return Effect().reply(cmd.replyTo(), StatusReply.success(e));
    }
    var event = new Revoked(schoolId, cmd.guardianId(), clock.instant(), cmd.by(), cmd.reason());
    return Effect().persist(event)
        .thenRun(s -> revoked.accept(event))
        .thenReply(cmd.replyTo(), s -> found(s, cmd.guardianId()));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(Enrolled.class, (s, e) -> s.forgetEndedBefore(e.redeemedAt()).with(new Enrolment(e.guardianId(),
            e.classId(), e.redeemedAt(), e.expiresAt(), null, null, null)))
        .onEvent(Revoked.class, (s, e) -> {
          Enrolment known = s.guardians().get(e.guardianId());
          return known == null ? s : s.with(new Enrolment(known.guardianId(), known.classId(), known.redeemedAt(),
              known.expiresAt(), e.at(), e.by(), e.reason()));
        })
        .build();
  }
}
