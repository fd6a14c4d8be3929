package org.schoolsafety.hub.directive;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.Entities;
import org.schoolsafety.hub.JournalFailures;
import org.schoolsafety.hub.Rejection;
import org.schoolsafety.hub.agency.Agency;
import org.schoolsafety.hub.agency.AgencyKind;
import org.schoolsafety.hub.agency.AgencyProfile;
import org.schoolsafety.hub.directory.AgencyDirectory;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.school.Posture;
import org.schoolsafety.hub.school.School;

/**
 * One directive to a set of schools: take a posture (hold, secure, lockdown, evacuate, shelter),
 * acknowledge, then account for every student and member of staff until lifted. A school that
 * has not acknowledged by the deadline is escalated to the education agency over its region. The
 * deadline lives in the persisted state; the timer is re-armed after every event and on recovery.
 *
 * <p>Every report of every school goes through this one entity, so the sums are exact however
 * many schools report at once. Real (ACTUAL) directives set the schools' posture; lifting returns
 * them to {@code NORMAL}. Exercise directives leave the schools' posture alone.
 */
public final class Directive
    extends EventSourcedBehaviorWithEnforcedReplies<Directive.Command, Directive.Event, Directive.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "Directive");

  /**
   * The tag of the events the list of directives reads (issued, revised, lifted): rare events,
   * so the list costs nothing per school's acknowledgement or report.
   */
  public static final String TAG = "directive";

  /** How long a failed lookup of an escalation target waits before it is tried again. */
  static final Duration RETRY_ESCALATION = Duration.ofSeconds(5);

  // --- commands -------------------------------------------------------------------------

  public sealed interface Command extends CborSerializable {}

  /** Issue the directive; issuing it again with the same spec is a no-op, a different one a conflict. */
  public record Issue(DirectiveSpec spec, String by, ActorRef<StatusReply<State>> replyTo) implements Command {}

  /** A school acknowledges; acknowledging again is a no-op. */
  public record Acknowledge(String schoolId, String by, ActorRef<StatusReply<State>> replyTo) implements Command {}

  /** A school reports who is present, missing and injured (acknowledging it if it had not). */
  public record Report(String schoolId, Accountability report, String by, ActorRef<StatusReply<State>> replyTo)
      implements Command {}

  /**
   * Replace the schools, posture and instruction (a CAP {@code Update}); {@code message} names
   * the update ("sender,identifier,sent"): the same message twice changes nothing.
   */
  public record Revise(DirectiveSpec spec, String message, String by, ActorRef<StatusReply<State>> replyTo)
      implements Command {}

  /** Lift the directive; lifting again is a no-op. */
  public record Lift(String reason, String by, ActorRef<StatusReply<State>> replyTo) implements Command {}

  public record Get(ActorRef<StatusReply<State>> replyTo) implements Command {}

  /** The deadline timer. */
  enum CheckDeadline implements Command {
    INSTANCE
  }

  /** The education agency over a silent school ({@code agencyId} null: none is registered). */
  record EscalationTarget(String schoolId, String agencyId, boolean failed) implements Command {}

  // --- events ---------------------------------------------------------------------------

  public sealed interface Event extends CborSerializable {}

  public record Issued(DirectiveSpec spec, Instant at, String by) implements Event {}

  public record Acknowledged(String schoolId, Instant at, String by) implements Event {}

  public record AccountabilityReported(String schoolId, Accountability report, Instant at, String by)
      implements Event {}

  /** {@code agencyId} null when no education agency covers the school's region. */
  public record Escalated(String schoolId, String agencyId, Instant at) implements Event {}

  public record Lifted(String reason, Instant at, String by) implements Event {}

  /** Schools, posture and instruction replaced by {@code spec}, as {@code message} asked. */
  public record Revised(DirectiveSpec spec, String message, Instant at, String by) implements Event {}

  // --- state ----------------------------------------------------------------------------

  /**
   * {@code spec} is null until issued; {@code schools} by school id; {@code revisions} the
   * messages that revised it, oldest first.
   */
  public record State(
      String directiveId,
      DirectiveSpec spec,
      Instant issuedAt,
      String issuedBy,
      Map<String, SchoolProgress> schools,
      Instant liftedAt,
      String liftedBy,
      String liftReason,
      List<String> revisions)
      implements CborSerializable {

    public State {
      schools = schools == null ? Map.of() : Map.copyOf(schools);
      revisions = revisions == null ? List.of() : List.copyOf(revisions);
    }

    static State empty(String directiveId) {
      return new State(directiveId, null, null, null, Map.of(), null, null, null, List.of());
    }

    public boolean isIssued() {
      return spec != null;
    }

    public boolean isLifted() {
      return liftedAt != null;
    }

    public Instant deadline() {
      return issuedAt == null ? null : issuedAt.plus(spec.ackWithin());
    }

    /** Schools still silent first (by id), then the acknowledged ones, least accounted for first. */
    public List<SchoolProgress> progress() {
      return schools.values().stream()
          .sorted(Comparator.comparing(SchoolProgress::acknowledged)
              .thenComparingDouble(SchoolProgress::accountedPercent)
              .thenComparing(s -> s.school().schoolId()))
          .toList();
    }

    public Totals totals() {
      int acknowledged = 0;
      int escalated = 0;
      long expected = 0;
      Headcount students = Headcount.NONE;
      Headcount staff = Headcount.NONE;
      for (SchoolProgress s : schools.values()) {
        acknowledged += s.acknowledged() ? 1 : 0;
        escalated += s.escalated() ? 1 : 0;
        expected += s.expected();
        students = s.students() == null ? students : students.plus(s.students());
        staff = s.staff() == null ? staff : staff.plus(s.staff());
      }
      long accounted = (long) students.accounted() + staff.accounted();
      return new Totals(schools.size(), acknowledged, escalated, expected, accounted,
          SchoolProgress.percent(accounted, expected), students, staff);
    }

    State apply(Event event) {
      if (event instanceof Issued e) {
        var progress = new HashMap<String, SchoolProgress>();
        e.spec().schools().forEach(s -> progress.put(s.schoolId(), SchoolProgress.waiting(s)));
        return new State(directiveId, e.spec(), e.at(), e.by(), progress, null, null, null, List.of());
      }
      if (event instanceof Revised e) {
        var progress = new HashMap<String, SchoolProgress>();
        for (TargetSchool s : e.spec().schools()) {
          SchoolProgress known = schools.get(s.schoolId());
          progress.put(s.schoolId(), known == null ? SchoolProgress.waiting(s) : known);
        }
        var messages = new java.util.ArrayList<>(revisions);
        messages.add(e.message());
        return new State(directiveId, e.spec(), issuedAt, issuedBy, progress, liftedAt, liftedBy, liftReason, messages);
      }
      if (event instanceof Acknowledged e) {
        return withSchool(schools.get(e.schoolId()).acknowledge(e.at(), e.by()));
      }
      if (event instanceof AccountabilityReported e) {
        return withSchool(schools.get(e.schoolId()).report(e.report(), e.at(), e.by()));
      }
      if (event instanceof Escalated e) {
        return withSchool(schools.get(e.schoolId()).escalate(e.agencyId(), e.at()));
      }
      Lifted e = (Lifted) event;
      return new State(directiveId, spec, issuedAt, issuedBy, schools, e.at(), e.by(), e.reason(), revisions);
    }

    private State withSchool(SchoolProgress progress) {
      var next = new HashMap<>(schools);
      next.put(progress.school().schoolId(), progress);
      return new State(directiveId, spec, issuedAt, issuedBy, next, liftedAt, liftedBy, liftReason, revisions);
    }

    /** Schools that have neither acknowledged nor been escalated. */
    Set<SchoolProgress> silentUnescalated() {
      var silent = new HashSet<SchoolProgress>();
      for (SchoolProgress s : schools.values()) {
        if (!s.acknowledged() && !s.escalated()) {
          silent.add(s);
        }
      }
      return silent;
    }
  }

  /** The sums over every school of a directive. */
  public record Totals(
      int schools, int acknowledged, int escalated, long expected, long accounted, double accountedPercent,
      Headcount students, Headcount staff)
      implements CborSerializable {}

  // --- wiring ---------------------------------------------------------------------------

  /** {@code publish} receives the totals after every durable event (cluster pub-sub in the node). */
  public static void init(ActorSystem<?> system, Entities entities, Clock clock, Consumer<DirectiveProgress> publish) {
    ClusterSharding.get(system)
        .init(Entity.of(ENTITY_TYPE_KEY, ctx -> create(ctx.getEntityId(), entities, clock, publish)));
  }

  public static Behavior<Command> create(String directiveId, Entities entities, Clock clock) {
    return create(directiveId, entities, clock, progress -> {});
  }

  public static Behavior<Command> create(String directiveId, Entities entities, Clock clock,
      Consumer<DirectiveProgress> publish) {
    return Behaviors.setup(context -> Behaviors.withTimers(
        timers -> new Directive(directiveId, entities, clock, publish, context, timers)));
  }

  private static final String DEADLINE = "deadline";

  private final String directiveId;
  private final Entities entities;
  private final Clock clock;
  private final Consumer<DirectiveProgress> publish;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  /** Silent schools whose education agency is being looked up (not persisted: redone after a restart). */
  private final Set<String> lookingUp = new HashSet<>();

  private Directive(String directiveId, Entities entities, Clock clock, Consumer<DirectiveProgress> publish,
      ActorContext<Command> context, TimerScheduler<Command> timers) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), directiveId), JournalFailures.restartWithBackoff());
    this.directiveId = directiveId;
    this.entities = entities;
    this.clock = clock;
    this.publish = publish;
    this.context = context;
    this.timers = timers;
  }

  @Override
  public State emptyState() {
    return State.empty(directiveId);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return event instanceof Issued || event instanceof Revised || event instanceof Lifted ? Set.of(TAG) : Set.of();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    var builder = newCommandHandlerWithReplyBuilder();
    builder.forState(s -> !s.isIssued())
        .onCommand(Issue.class, this::onIssue)
        .onCommand(Acknowledge.class, (s, c) -> notFound(c.replyTo()))
        .onCommand(Report.class, (s, c) -> notFound(c.replyTo()))
        .onCommand(Lift.class, (s, c) -> notFound(c.replyTo()))
        .onCommand(Revise.class, (s, c) -> notFound(c.replyTo()))
        .onCommand(Get.class, (s, c) -> notFound(c.replyTo()))
        .onCommand(CheckDeadline.class, (s, c) -> Effect().noReply())
        .onCommand(EscalationTarget.class, (s, c) -> Effect().noReply());
    builder.forState(s -> s.isIssued() && !s.isLifted())
        .onCommand(Acknowledge.class, this::onAcknowledge)
        .onCommand(Report.class, this::onReport)
        .onCommand(Lift.class, this::onLift)
        .onCommand(Revise.class, this::onRevise)
        .onCommand(CheckDeadline.class, this::onCheckDeadline)
        .onCommand(EscalationTarget.class, this::onEscalationTarget);
    builder.forState(State::isLifted)
        .onCommand(Acknowledge.class, (s, c) -> lifted(c.replyTo()))
        .onCommand(Report.class, (s, c) -> lifted(c.replyTo()))
        .onCommand(Lift.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s)))
        .onCommand(Revise.class, (s, c) -> s.revisions().contains(c.message())
            ? Effect().reply(c.replyTo(), StatusReply.success(s)) : lifted(c.replyTo()))
        .onCommand(CheckDeadline.class, (s, c) -> Effect().noReply())
        .onCommand(EscalationTarget.class, (s, c) -> Effect().noReply());
    builder.forAnyState()
        .onCommand(Issue.class, this::onIssueAgain)
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s)));
    return builder.build();
  }

  private ReplyEffect<Event, State> notFound(ActorRef<StatusReply<State>> replyTo) {
    return Effect().reply(replyTo, StatusReply.error(new Rejection.NotFound("no directive with id '" + directiveId + "'")));
  }

  private ReplyEffect<Event, State> lifted(ActorRef<StatusReply<State>> replyTo) {
    return Effect().reply(replyTo, StatusReply.error(new Rejection.Conflict(
        "directive '" + directiveId + "' has been lifted")));
  }

  private ReplyEffect<Event, State> onIssue(State state, Issue cmd) {
    DirectiveSpec spec = cmd.spec();
    if (spec.posture() == Posture.NORMAL) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(new Rejection.Invalid("a directive's posture cannot be NORMAL")));
    }
    if (spec.ackWithin().isNegative() || spec.ackWithin().isZero()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(new Rejection.Invalid("ackWithin must be positive")));
    }
    return Effect().persist(new Issued(spec, clock.instant(), cmd.by()))
        .thenRun(this::settle)
        .thenRun(s -> published(s, "issued"))
        .thenRun(this::applyPostures)
        .thenReply(cmd.replyTo(), StatusReply::success);
  }

  private ReplyEffect<Event, State> onIssueAgain(State state, Issue cmd) {
    return cmd.spec().equals(state.spec())
        ? Effect().reply(cmd.replyTo(), StatusReply.success(state))
        : Effect().reply(cmd.replyTo(), StatusReply.error(new Rejection.Conflict(
            "directive '" + directiveId + "' was already issued differently")));
  }

  private ReplyEffect<Event, State> onAcknowledge(State state, Acknowledge cmd) {
    SchoolProgress progress = state.schools().get(cmd.schoolId());
    if (progress == null) {
      return notATarget(cmd.schoolId(), cmd.replyTo());
    }
    if (progress.acknowledged()) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state));
    }
    return Effect().persist(new Acknowledged(cmd.schoolId(), clock.instant(), cmd.by()))
        .thenRun(this::settle)
        .thenRun(s -> published(s, "acknowledged"))
        .thenReply(cmd.replyTo(), StatusReply::success);
  }

  private ReplyEffect<Event, State> onReport(State state, Report cmd) {
    if (!state.schools().containsKey(cmd.schoolId())) {
      return notATarget(cmd.schoolId(), cmd.replyTo());
    }
    String invalid = invalid(cmd.report());
    if (invalid != null) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(new Rejection.Invalid(invalid)));
    }
    return Effect().persist(new AccountabilityReported(cmd.schoolId(), cmd.report(), clock.instant(), cmd.by()))
        .thenRun(this::settle)
        .thenRun(s -> published(s, "accountability"))
        .thenReply(cmd.replyTo(), StatusReply::success);
  }

  private static String invalid(Accountability report) {
    if (report.students() == null && report.staff() == null && report.classes().isEmpty()) {
      return "an accountability report needs students, staff or classes";
    }
    if (report.students() != null && !report.classes().isEmpty()) {
      return "report students either as a whole or class by class, not both";
    }
    var counts = new java.util.ArrayList<Headcount>(report.classes().values());
    if (report.students() != null) {
      counts.add(report.students());
    }
    if (report.staff() != null) {
      counts.add(report.staff());
    }
    for (Headcount h : counts) {
      if (h.present() < 0 || h.missing() < 0 || h.injured() < 0) {
        return "head counts cannot be negative";
      }
    }
    return null;
  }

  private ReplyEffect<Event, State> notATarget(String schoolId, ActorRef<StatusReply<State>> replyTo) {
    return Effect().reply(replyTo, StatusReply.error(new Rejection.Invalid(
        "school '" + schoolId + "' is not one of the schools of directive '" + directiveId + "'")));
  }

  private ReplyEffect<Event, State> onLift(State state, Lift cmd) {
    return Effect().persist(new Lifted(cmd.reason(), clock.instant(), cmd.by()))
        .thenRun(this::settle)
        .thenRun(s -> published(s, "lifted"))
        .thenRun(this::applyPostures)
        .thenReply(cmd.replyTo(), StatusReply::success);
  }

  private ReplyEffect<Event, State> onRevise(State state, Revise cmd) {
    if (state.revisions().contains(cmd.message())) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state));
    }
    if (cmd.spec().posture() == Posture.NORMAL) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(new Rejection.Invalid("a directive's posture cannot be NORMAL")));
    }
    if (cmd.spec().mode() != state.spec().mode()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(new Rejection.Conflict(
          "directive '" + directiveId + "' is " + state.spec().mode() + "; a revision cannot change that")));
    }
    var dropped = state.spec().schools().stream()
        .filter(s -> cmd.spec().schools().stream().noneMatch(t -> t.schoolId().equals(s.schoolId())))
        .toList();
    return Effect().persist(new Revised(cmd.spec(), cmd.message(), clock.instant(), cmd.by()))
        .thenRun(this::settle)
        .thenRun(s -> published(s, "revised"))
        .thenRun(s -> {
          applyPostures(s);
          release(s, dropped);
        })
        .thenReply(cmd.replyTo(), StatusReply::success);
  }

  /** Schools a revision dropped go back to NORMAL (as far as this directive is concerned). */
  private void release(State state, List<TargetSchool> dropped) {
    if (state.spec().mode() != Mode.ACTUAL) {
      return;
    }
    for (TargetSchool school : dropped) {
      entities.school(school.schoolId()).tell(
          new School.DirectPosture(directiveId, Posture.NORMAL, context.getSystem().ignoreRef()));
    }
  }

  // --- the deadline ---------------------------------------------------------------------

  private ReplyEffect<Event, State> onCheckDeadline(State state, CheckDeadline cmd) {
    Instant now = clock.instant();
    if (now.isBefore(state.deadline())) {
      settle(state);
      return Effect().noReply();
    }
    for (SchoolProgress silent : state.silentUnescalated()) {
      String schoolId = silent.school().schoolId();
      if (lookingUp.add(schoolId)) {
        var region = silent.school().region();
        context.askWithStatus(AgencyDirectory.Chains.class, entities.directory(region.province()),
            Duration.ofSeconds(5),
            r -> new AgencyDirectory.FindChains(region, Set.of(AgencyKind.EDUCATION), r),
            (chains, failure) -> failure != null
                ? new EscalationTarget(schoolId, null, true)
                : new EscalationTarget(schoolId,
                    chains.of(AgencyKind.EDUCATION).stream().findFirst().map(AgencyProfile::agencyId).orElse(null),
                    false));
      }
    }
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onEscalationTarget(State state, EscalationTarget target) {
    lookingUp.remove(target.schoolId());
    SchoolProgress progress = state.schools().get(target.schoolId());
    if (progress == null || progress.acknowledged() || progress.escalated()) {
      return Effect().noReply();
    }
    if (target.failed()) {
      timers.startSingleTimer(DEADLINE, CheckDeadline.INSTANCE, RETRY_ESCALATION);
      return Effect().noReply();
    }
    return Effect().persist(new Escalated(target.schoolId(), target.agencyId(), clock.instant()))
        .thenRun(s -> published(s, "escalated"))
        .thenRun(s -> notifyAgency(s, s.schools().get(target.schoolId())))
        .thenNoReply();
  }

  private void notifyAgency(State state, SchoolProgress progress) {
    if (progress.escalatedTo() == null) {
      return;
    }
    TargetSchool school = progress.school();
    var notice = new DirectiveNotice(directiveId, school.schoolId(), school.name(), school.region().value(),
        state.spec().posture(), state.spec().mode(), state.issuedAt(), state.deadline(), progress.escalatedAt());
    entities.agency(progress.escalatedTo()).tell(new Agency.NoteDirective(notice, context.getSystem().ignoreRef()));
  }

  private void published(State state, String event) {
    publish.accept(new DirectiveProgress(directiveId, event, clock.instant(), state.spec().scope(), state.spec().posture(),
        state.spec().mode(), state.isLifted(), state.deadline(), state.totals()));
  }

  /** Arms the deadline timer while some school is silent and not yet escalated. */
  private void settle(State state) {
    if (!state.isIssued() || state.isLifted() || state.silentUnescalated().isEmpty()) {
      timers.cancel(DEADLINE);
      return;
    }
    Duration delay = Duration.between(clock.instant(), state.deadline());
    timers.startSingleTimer(DEADLINE, CheckDeadline.INSTANCE, delay.isNegative() ? Duration.ZERO : delay);
  }

  /** Real directives set their schools' posture; lifted ones take theirs back. Idempotent. */
  private void applyPostures(State state) {
    if (!state.isIssued() || state.spec().mode() != Mode.ACTUAL) {
      return;
    }
    Posture posture = state.isLifted() ? Posture.NORMAL : state.spec().posture();
    for (TargetSchool school : state.spec().schools()) {
      entities.school(school.schoolId()).tell(
          new School.DirectPosture(directiveId, posture, context.getSystem().ignoreRef()));
    }
  }

  // --- events and recovery --------------------------------------------------------------

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(State::apply);
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          settle(state);
          if (state.isIssued()) {
            // Messages sent just before a crash may be lost: tell the schools and agencies again.
            applyPostures(state);
            if (!state.isLifted()) {
              state.schools().values().stream().filter(SchoolProgress::escalated)
                  .forEach(p -> notifyAgency(state, p));
            }
          }
        })
        .build();
  }
}
