package org.schoolsafety.hub.tip;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
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
import org.schoolsafety.hub.Entities;
import org.schoolsafety.hub.NoticeOutbox;
import org.schoolsafety.hub.HubMetrics;
import org.schoolsafety.hub.JournalFailures;
import org.schoolsafety.hub.Rejection;
import org.schoolsafety.hub.agency.Agency;
import org.schoolsafety.hub.agency.AgencyKind;
import org.schoolsafety.hub.directory.AgencyDirectory;
import org.schoolsafety.hub.tip.TipCommand.*;
import org.schoolsafety.hub.tip.TipEvent.*;

/**
 * One anonymous tip, from submission to resolution, with its two-way conversation.
 *
 * <p>Like a hazard: the response deadline and every told agency's acknowledgement deadline are in
 * the persisted state, and the timer is re-armed from them after every event and after recovery;
 * open tips are remembered by sharding. A WEAPON tip is told to the county police at once, a
 * SELF_HARM tip to the county health agency; a tip nobody triaged by its response deadline to the
 * county education agency. A told agency that does not acknowledge in time is escalated to the
 * same kind one tier up, like a dispatch. Agencies' inboxes and the school's tip list get the
 * tip's notice at least once.
 *
 * <p>A tipster's read or write with a wrong code is refused with the very rejection an unknown
 * tip gets ({@link #UNKNOWN}); the code's hash is compared in constant time.
 */
public final class Tip extends EventSourcedBehaviorWithEnforcedReplies<TipCommand, TipEvent, TipState> {

  public static final EntityTypeKey<TipCommand> ENTITY_TYPE_KEY = EntityTypeKey.create(TipCommand.class, "Tip");

  /** The read side's tag: the tips queue per region (metadata only; one slice, tips are few). */
  public static final String TAG = "tip";

  /** The one answer for an unknown tip and for a wrong code alike. */
  public static final String UNKNOWN = "no tip with this id and follow-up code";

  static final String TIPSTER = "tipster";
  private static final String SYSTEM = "hub";
  private static final String DEADLINE = "deadline";
  private static final String RETRY = "retry-lookup";
  private static final String REDELIVER = "redeliver";
  private static final String PASSIVATE = "passivate";
  private static final Set<AgencyKind> KINDS = EnumSet.of(AgencyKind.EDUCATION, AgencyKind.POLICE, AgencyKind.HEALTH);

  public static void init(ActorSystem<?> system, Entities entities, TipSettings settings, Clock clock,
      HubMetrics metrics) {
    ClusterSharding sharding = ClusterSharding.get(system);
    SchoolTips.init(system);
    sharding.init(Entity.of(ENTITY_TYPE_KEY, ctx -> create(ctx.getEntityId(), entities,
            schoolId -> sharding.entityRefFor(SchoolTips.ENTITY_TYPE_KEY, schoolId), settings, clock, ctx.getShard(),
            metrics))
        .withSettings(ClusterShardingSettings.create(system).withRememberEntities(true)));
  }

  /** {@code shard} may be null outside sharding (tests): then the entity never passivates. */
  public static Behavior<TipCommand> create(String tipId, Entities entities,
      Function<String, RecipientRef<SchoolTips.Command>> schoolTips, TipSettings settings, Clock clock,
      ActorRef<ClusterSharding.ShardCommand> shard, HubMetrics metrics) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new Tip(tipId, entities, schoolTips, settings, clock, shard, context, timers, metrics)));
  }

  private final String tipId;
  private final Entities entities;
  private final Function<String, RecipientRef<SchoolTips.Command>> schoolTips;
  private final TipSettings settings;
  private final Clock clock;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final ActorContext<TipCommand> context;
  private final TimerScheduler<TipCommand> timers;
  private final HubMetrics metrics;
  private final NoticeOutbox<TipNotice> notices = new NoticeOutbox<>(this::deliver, this::retryLater);
  private boolean lookingUp;

  private Tip(String tipId, Entities entities, Function<String, RecipientRef<SchoolTips.Command>> schoolTips,
      TipSettings settings, Clock clock, ActorRef<ClusterSharding.ShardCommand> shard, ActorContext<TipCommand> context,
      TimerScheduler<TipCommand> timers, HubMetrics metrics) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), tipId), JournalFailures.restartWithBackoff());
    this.tipId = tipId;
    this.entities = entities;
    this.schoolTips = schoolTips;
    this.settings = settings;
    this.clock = clock;
    this.shard = shard;
    this.context = context;
    this.timers = timers;
    this.metrics = metrics;
  }

  @Override
  public TipState emptyState() {
    return TipState.empty(tipId);
  }

  /** Only what the tips queue shows: arrival, triage (priority, status, deadline) and going overdue. */
  @Override
  public Set<String> tagsFor(TipEvent event) {
    return event instanceof Submitted || event instanceof Triaged || event instanceof WentOverdue
        ? Set.of(TAG) : Set.of();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(50, 2);
  }

  // --- commands, by lifecycle stage -----------------------------------------------------

  @Override
  public CommandHandlerWithReply<TipCommand, TipEvent, TipState> commandHandler() {
    var builder = newCommandHandlerWithReplyBuilder();
    builder.forState(state -> !state.isSubmitted())
        .onCommand(Submit.class, this::onSubmit)
        .onCommand(Get.class, (state, cmd) -> unknown(state, cmd.replyTo()))
        .onCommand(ReadAsTipster.class, (state, cmd) -> unknown(state, cmd.replyTo()))
        .onCommand(WriteAsTipster.class, (state, cmd) -> unknown(state, cmd.replyTo()))
        .onCommand(Triage.class, (state, cmd) -> unknown(state, cmd.replyTo()))
        .onCommand(Acknowledge.class, (state, cmd) -> unknown(state, cmd.replyTo()))
        .onCommand(LinkIncident.class, (state, cmd) -> unknown(state, cmd.replyTo()))
        .onCommand(LinkHazard.class, (state, cmd) -> unknown(state, cmd.replyTo()));
    builder.forAnyState()
        .onCommand(Submit.class, (state, cmd) -> reject(cmd.replyTo(),
            new Rejection.Conflict("tip " + tipId + " already exists")))
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), StatusReply.success(state)))
        .onCommand(ReadAsTipster.class, (state, cmd) -> TipCodes.matches(state.codeHash(), cmd.codeHash())
            ? Effect().reply(cmd.replyTo(), StatusReply.success(state))
            : reject(cmd.replyTo(), new Rejection.NotFound(UNKNOWN)))
        .onCommand(WriteAsTipster.class, this::onWrite)
        .onCommand(Triage.class, this::onTriage)
        .onCommand(Acknowledge.class, this::onAcknowledge)
        .onCommand(LinkIncident.class, this::onLinkIncident)
        .onCommand(LinkHazard.class, this::onLinkHazard)
        .onCommand(ChainsFound.class, this::onChainsFound)
        .onCommand(ChainsUnavailable.class, this::onChainsUnavailable)
        .onCommand(CheckDeadline.class, this::onCheckDeadline)
        .onCommand(NoticeSettled.class, this::onNoticeSettled)
        .onCommand(Redeliver.class, (state, cmd) -> {
          notices.flush();
          settle(state);
          return Effect().noReply();
        })
        .onCommand(Passivate.class, this::onPassivate);
    return builder.build();
  }

  private ReplyEffect<TipEvent, TipState> unknown(TipState state, ActorRef<StatusReply<TipState>> replyTo) {
    schedulePassivation(state);
    return reject(replyTo, new Rejection.NotFound(UNKNOWN));
  }

  private ReplyEffect<TipEvent, TipState> onSubmit(TipState state, Submit cmd) {
    NewTip t = cmd.tip();
    if (!t.tipId().equals(tipId)) {
      throw new IllegalArgumentException("tip " + t.tipId() + " sent to " + tipId);
    }
    TipPriority priority = t.category().initialPriority();
    Instant now = now();
    return persist(state, List.of(new Submitted(tipId, t.schoolId(), t, cmd.codeHash(), priority,
        now.plus(settings.deadlineFor(priority)), now, TIPSTER)), cmd.replyTo());
  }

  private ReplyEffect<TipEvent, TipState> onWrite(TipState state, WriteAsTipster cmd) {
    if (!TipCodes.matches(state.codeHash(), cmd.codeHash())) {
      return reject(cmd.replyTo(), new Rejection.NotFound(UNKNOWN));
    }
    if (state.messages().size() >= settings.maxMessages()) {
      return reject(cmd.replyTo(), new Rejection.Conflict("this tip holds its maximum of " + settings.maxMessages()
          + " messages; please submit a new tip"));
    }
    return persist(state, List.of(new TipsterWrote(tipId, state.tip().schoolId(), cmd.text(), now(), TIPSTER)),
        cmd.replyTo());
  }

  private ReplyEffect<TipEvent, TipState> onTriage(TipState state, Triage cmd) {
    boolean same = cmd.priority() == state.priority() && cmd.status() == state.status() && cmd.note() == null;
    if (same) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state));
    }
    if (cmd.note() != null && state.messages().size() >= settings.maxMessages()) {
      return reject(cmd.replyTo(), new Rejection.Conflict("this tip holds its maximum of " + settings.maxMessages()
          + " messages"));
    }
    // While nobody has taken the tip on, its deadline follows its priority (from its arrival).
    Instant deadline = state.status() == TipStatus.NEW && state.overdueAt() == null
        ? state.receivedAt().plus(settings.deadlineFor(cmd.priority()))
        : state.deadline();
    return persist(state, List.of(new Triaged(tipId, state.tip().schoolId(), cmd.priority(), cmd.status(),
        cmd.note(), cmd.toTipster(), deadline, now(), cmd.by())), cmd.replyTo());
  }

  private ReplyEffect<TipEvent, TipState> onAcknowledge(TipState state, Acknowledge cmd) {
    var told = state.notified().get(cmd.agencyId());
    if (told == null) {
      return reject(cmd.replyTo(), new Rejection.Conflict("agency " + cmd.agencyId() + " was not told about tip "
          + tipId + "; nothing to acknowledge"));
    }
    if (told.ackAt() != null) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state));
    }
    return persist(state, List.of(new AgencyAcknowledged(tipId, state.tip().schoolId(), cmd.agencyId(), now(),
        cmd.by())), cmd.replyTo());
  }

  private ReplyEffect<TipEvent, TipState> onLinkIncident(TipState state, LinkIncident cmd) {
    if (cmd.incidentId().equals(state.incidentId())) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state));
    }
    if (state.incidentId() != null) {
      return reject(cmd.replyTo(), new Rejection.Conflict("tip " + tipId + " is already linked to incident "
          + state.incidentId()));
    }
    return persist(state, List.of(new IncidentLinked(tipId, state.tip().schoolId(), cmd.incidentId(), now(),
        cmd.by())), cmd.replyTo());
  }

  private ReplyEffect<TipEvent, TipState> onLinkHazard(TipState state, LinkHazard cmd) {
    if (cmd.hazardId().equals(state.hazardId())) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state));
    }
    if (state.hazardId() != null) {
      return reject(cmd.replyTo(), new Rejection.Conflict("tip " + tipId + " is already linked to hazard "
          + state.hazardId()));
    }
    return persist(state, List.of(new HazardLinked(tipId, state.tip().schoolId(), cmd.hazardId(), now(),
        cmd.by())), cmd.replyTo());
  }

  // --- agencies, deadlines and escalation ------------------------------------------------

  private void lookUpChains(TipState state) {
    if (!state.needsChains() || lookingUp) {
      return;
    }
    lookingUp = true;
    var region = state.tip().region();
    context.askWithStatus(
        AgencyDirectory.Chains.class,
        entities.directory(region.province()),
        settings.askTimeout(),
        replyTo -> new AgencyDirectory.FindChains(region, KINDS, replyTo),
        (chains, failure) -> failure == null
            ? new ChainsFound(chains.byKind())
            : new ChainsUnavailable(String.valueOf(failure.getMessage())));
  }

  private ReplyEffect<TipEvent, TipState> onChainsFound(TipState state, ChainsFound cmd) {
    lookingUp = false;
    if (state.chains() != null || !state.isSubmitted()) {
      return Effect().noReply();
    }
    var resolved = new ChainsResolved(tipId, state.tip().schoolId(), Map.copyOf(cmd.chains()), now(), SYSTEM);
    var events = new ArrayList<TipEvent>(List.of(resolved));
    events.addAll(followUps(state.apply(resolved), now()));
    return persist(state, events, null);
  }

  private ReplyEffect<TipEvent, TipState> onChainsUnavailable(TipState state, ChainsUnavailable cmd) {
    lookingUp = false;
    context.getLog().warn("tip {}: agency directory unavailable ({}); retrying in {}",
        tipId, cmd.reason(), settings.redeliveryInterval());
    timers.startSingleTimer(RETRY, Redeliver.INSTANCE, settings.redeliveryInterval());
    return Effect().noReply();
  }

  private ReplyEffect<TipEvent, TipState> onCheckDeadline(TipState state, CheckDeadline cmd) {
    if (!state.isSubmitted()) {
      return Effect().noReply();
    }
    Instant now = now();
    var events = new ArrayList<TipEvent>();
    TipState s = state;
    if (s.status() == TipStatus.NEW && s.overdueAt() == null && !now.isBefore(s.deadline())) {
      var overdue = new WentOverdue(tipId, s.tip().schoolId(), now, SYSTEM);
      events.add(overdue);
      s = s.apply(overdue);
    }
    events.addAll(followUps(s, now));
    if (events.isEmpty()) {
      settle(state);
      return Effect().noReply();
    }
    return persist(state, events, null);
  }

  /**
   * What the state calls for once the chains are known: the urgent kind told at once, the
   * education agency told of an overdue tip, and each told agency that missed its acknowledgement
   * deadline escalated to the tier above.
   */
  List<TipEvent> followUps(TipState state, Instant now) {
    var events = new ArrayList<TipEvent>();
    if (state.chains() == null || state.status().isClosed()) {
      return events;
    }
    String schoolId = state.tip().schoolId();
    Instant ackBy = now.plus(settings.ackDeadline());
    AgencyKind urgent = state.tip().category().urgentKind();
    if (urgent != null && !state.chain(urgent).isEmpty() && told(state, urgent)) {
      events.add(new AgencyNotified(tipId, schoolId, state.chain(urgent).get(0), state.tip().category().name(), ackBy,
          now, SYSTEM));
    }
    if (state.overdueAt() != null && state.status() == TipStatus.NEW && !state.chain(AgencyKind.EDUCATION).isEmpty()
        && told(state, AgencyKind.EDUCATION)) {
      events.add(new AgencyNotified(tipId, schoolId, state.chain(AgencyKind.EDUCATION).get(0), "UNTRIAGED", ackBy,
          now, SYSTEM));
    }
    for (AgencyKind kind : KINDS) {
      state.awaitingAck(kind)
          .filter(n -> state.escalates(kind) && state.canEscalate(n) && !now.isBefore(n.ackDeadline()))
          .ifPresent(n -> {
            var chain = state.chain(kind);
            events.add(new AgencyNotified(tipId, schoolId, chain.get(chain.indexOf(n.agency()) + 1), "ESCALATED",
                ackBy, now, SYSTEM));
          });
    }
    return events;
  }

  /** No agency of {@code kind} was told yet. */
  private static boolean told(TipState state, AgencyKind kind) {
    return state.notified().values().stream().noneMatch(n -> n.agency().kind() == kind);
  }

  private void rearmDeadline(TipState state) {
    var next = state.nextDeadline();
    if (next.isEmpty()) {
      timers.cancel(DEADLINE);
      return;
    }
    Duration delay = Duration.between(now(), next.get());
    timers.startSingleTimer(DEADLINE, CheckDeadline.INSTANCE, delay.isNegative() ? Duration.ZERO : delay);
  }

  // --- notices (at least once, one in flight per receiver) -------------------------------

  static Map<String, TipNotice> noticesOf(TipState state) {
    var notices = new LinkedHashMap<String, TipNotice>();
    if (!state.isSubmitted()) {
      return notices;
    }
    notices.put("school:" + state.tip().schoolId(), state.notice(null));
    state.notified().forEach((agencyId, notified) -> notices.put("agency:" + agencyId, state.notice(notified)));
    return notices;
  }

  private void sendChanges(TipState before, TipState after) {
    notices.sendChanges(noticesOf(before), noticesOf(after));
  }

  private boolean deliver(String target, TipNotice notice) {
    if (target.startsWith("agency:")) {
      context.ask(Done.class, entities.agency(target.substring("agency:".length())), settings.askTimeout(),
          replyTo -> new Agency.TrackTip(notice, replyTo),
          (done, failure) -> new NoticeSettled(target, failure == null));
    } else if (schoolTips != null) {
      context.ask(Done.class, schoolTips.apply(notice.schoolId()), settings.askTimeout(),
          replyTo -> new SchoolTips.Track(notice, replyTo),
          (done, failure) -> new NoticeSettled(target, failure == null));
    } else {
      return false; // a setup without that receiver (unit tests)
    }
    return true;
  }

  private ReplyEffect<TipEvent, TipState> onNoticeSettled(TipState state, NoticeSettled cmd) {
    notices.settled(cmd.target(), cmd.delivered());
    return Effect().noReply();
  }

  private void retryLater() {
    if (!timers.isTimerActive(REDELIVER)) {
      timers.startSingleTimer(REDELIVER, Redeliver.INSTANCE, settings.redeliveryInterval());
    }
  }

  // --- passivation ----------------------------------------------------------------------

  private void schedulePassivation(TipState state) {
    boolean done = !state.isSubmitted() || state.status().isClosed();
    if (shard != null && done) {
      timers.startSingleTimer(PASSIVATE, Passivate.INSTANCE, settings.idlePassivation());
    } else {
      timers.cancel(PASSIVATE);
    }
  }

  private ReplyEffect<TipEvent, TipState> onPassivate(TipState state, Passivate cmd) {
    if (notices.isIdle()) {
      shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    } else {
      schedulePassivation(state);
    }
    return Effect().noReply();
  }

  // --- helpers --------------------------------------------------------------------------

  private void settle(TipState state) {
    rearmDeadline(state);
    lookUpChains(state);
    schedulePassivation(state);
  }

  private ReplyEffect<TipEvent, TipState> persist(TipState before, List<TipEvent> events,
      ActorRef<StatusReply<TipState>> replyTo) {
    long started = System.nanoTime();
    var effect = Effect().persist(events).thenRun(after -> {
      metrics.persisted(ENTITY_TYPE_KEY.name(), Duration.ofNanos(System.nanoTime() - started));
      for (TipEvent e : events) {
        if (e instanceof AgencyNotified n && Objects.equals(n.reason(), "ESCALATED")) {
          metrics.escalated();
        }
      }
      sendChanges(before, after);
      settle(after);
    });
    return replyTo == null ? effect.thenNoReply() : effect.thenReply(replyTo, StatusReply::success);
  }

  private <R> ReplyEffect<TipEvent, TipState> reject(ActorRef<StatusReply<R>> replyTo, Rejection rejection) {
    return Effect().reply(replyTo, StatusReply.error(rejection));
  }

  private Instant now() {
    return clock.instant();
  }

  // --- events and recovery --------------------------------------------------------------

  @Override
  public EventHandler<TipState, TipEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(TipState::apply);
  }

  @Override
  public SignalHandler<TipState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          notices.sendAll(noticesOf(state));
          settle(state);
        })
        .build();
  }
}
