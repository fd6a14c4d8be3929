package org.schoolsafety.hub.hazard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
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
import org.schoolsafety.hub.agency.AgencyProfile;
import org.schoolsafety.hub.directory.AgencyDirectory;
import org.schoolsafety.hub.hazard.HazardCommand.*;
import org.schoolsafety.hub.hazard.HazardEvent.*;
import org.schoolsafety.hub.prevention.Prevention;

/**
 * One hazard found by an inspection, from record to verified rectification.
 *
 * <p>Like an incident's dispatches: the rectification deadline is part of the persisted state and
 * the timer is re-armed from it after every event and after recovery, so a deadline that fell
 * while the node was down fires as soon as the hazard is back. Open hazards are remembered by
 * sharding and so come back by themselves after a restart. A MAJOR hazard is told to the county
 * education agency at once; an overdue one is escalated to it, and, every
 * {@code hub.hazard.escalation-interval} it stays unrectified, to the next tier (city, province).
 * Agencies' inboxes and the school's prevention record get the hazard's notice at least once.
 */
public final class Hazard
    extends EventSourcedBehaviorWithEnforcedReplies<HazardCommand, HazardEvent, HazardState> {

  public static final EntityTypeKey<HazardCommand> ENTITY_TYPE_KEY =
      EntityTypeKey.create(HazardCommand.class, "Hazard");

  /** The read side's tag (hazards are few next to incidents: one slice). */
  public static final String TAG = "hazard";

  private static final String SYSTEM = "hub";
  private static final String DEADLINE = "deadline";
  static final Duration MAX_TIMER = Duration.ofDays(30);
  private static final String RETRY = "retry-lookup";
  private static final String REDELIVER = "redeliver";
  private static final String PASSIVATE = "passivate";

  public static void init(ActorSystem<?> system, Entities entities, HazardSettings settings, Clock clock,
      HubMetrics metrics) {
    ClusterSharding.get(system).init(
        Entity.of(ENTITY_TYPE_KEY, ctx -> create(ctx.getEntityId(), entities, settings, clock, ctx.getShard(), metrics))
            .withSettings(ClusterShardingSettings.create(system).withRememberEntities(true)));
  }

  /** {@code shard} may be null outside sharding (tests): then the entity never passivates. */
  public static Behavior<HazardCommand> create(String hazardId, Entities entities, HazardSettings settings,
      Clock clock, ActorRef<ClusterSharding.ShardCommand> shard, HubMetrics metrics) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new Hazard(hazardId, entities, settings, clock, shard, context, timers, metrics)));
  }

  private final String hazardId;
  private final Entities entities;
  private final HazardSettings settings;
  private final Clock clock;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final ActorContext<HazardCommand> context;
  private final TimerScheduler<HazardCommand> timers;
  private final HubMetrics metrics;
  private final NoticeOutbox<HazardNotice> notices = new NoticeOutbox<>(this::deliver, this::retryLater);
  private boolean lookingUp;

  private Hazard(String hazardId, Entities entities, HazardSettings settings, Clock clock,
      ActorRef<ClusterSharding.ShardCommand> shard, ActorContext<HazardCommand> context,
      TimerScheduler<HazardCommand> timers, HubMetrics metrics) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), hazardId), JournalFailures.restartWithBackoff());
    this.hazardId = hazardId;
    this.entities = entities;
    this.settings = settings;
    this.clock = clock;
    this.shard = shard;
    this.context = context;
    this.timers = timers;
    this.metrics = metrics;
  }

  @Override
  public HazardState emptyState() {
    return HazardState.empty(hazardId);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(50, 2);
  }

  @Override
  public Set<String> tagsFor(HazardEvent event) {
    // The chain lookup changes nothing the read side shows.
    return event instanceof ChainResolved ? Set.of() : Set.of(TAG);
  }

  // --- commands, by lifecycle stage -----------------------------------------------------

  @Override
  public CommandHandlerWithReply<HazardCommand, HazardEvent, HazardState> commandHandler() {
    var builder = newCommandHandlerWithReplyBuilder();
    builder.forState(state -> !state.isOpened())
        .onCommand(Open.class, this::onOpen)
        .onCommand(Rectify.class, (state, cmd) -> reject(cmd.replyTo(), notFound()))
        .onCommand(Verify.class, (state, cmd) -> reject(cmd.replyTo(), notFound()))
        .onCommand(Get.class, (state, cmd) -> {
          schedulePassivation(state);
          return reject(cmd.replyTo(), notFound());
        });
    builder.forAnyState()
        .onCommand(Open.class, this::onOpenAgain)
        .onCommand(Rectify.class, this::onRectify)
        .onCommand(Verify.class, this::onVerify)
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), StatusReply.success(state)))
        .onCommand(ChainFound.class, this::onChainFound)
        .onCommand(ChainUnavailable.class, this::onChainUnavailable)
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

  private ReplyEffect<HazardEvent, HazardState> onOpen(HazardState state, Open cmd) {
    NewHazard h = cmd.hazard();
    if (!h.hazardId().equals(hazardId)) {
      throw new IllegalArgumentException("hazard " + h.hazardId() + " sent to " + hazardId);
    }
    return persist(state, List.of(new Opened(hazardId, h.schoolId(), h.region().value(), h, now(), cmd.by())),
        cmd.replyTo());
  }

  private ReplyEffect<HazardEvent, HazardState> onOpenAgain(HazardState state, Open cmd) {
    if (state.hazard().equals(cmd.hazard())) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state));
    }
    return reject(cmd.replyTo(), new Rejection.Conflict("inspection '" + state.hazard().inspectionId()
        + "' was already recorded with other content for hazard " + hazardId
        + "; record a new inspection with a new inspectionId"));
  }

  private ReplyEffect<HazardEvent, HazardState> onRectify(HazardState state, Rectify cmd) {
    if (state.status() == HazardStatus.RECTIFIED && java.util.Objects.equals(state.rectificationNote(), cmd.note())) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state));
    }
    if (!state.status().awaitsWork()) {
      return reject(cmd.replyTo(), new Rejection.Conflict("hazard " + hazardId + " is " + state.status()
          + ": only an OPEN or OVERDUE hazard can be reported rectified"));
    }
    var h = state.hazard();
    return persist(state, List.of(new Rectified(hazardId, h.schoolId(), h.region().value(), cmd.note(), now(), cmd.by())),
        cmd.replyTo());
  }

  private ReplyEffect<HazardEvent, HazardState> onVerify(HazardState state, Verify cmd) {
    if (state.status() == HazardStatus.VERIFIED && cmd.accepted()) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state));
    }
    if (state.status() != HazardStatus.RECTIFIED) {
      return reject(cmd.replyTo(), new Rejection.Conflict("hazard " + hazardId + " is " + state.status()
          + ": only a RECTIFIED hazard can be verified or rejected"));
    }
    if (!cmd.accepted() && (cmd.note() == null || cmd.note().isBlank())) {
      return reject(cmd.replyTo(), new Rejection.Invalid("a rejected rectification needs a reason"));
    }
    var h = state.hazard();
    HazardEvent event = cmd.accepted()
        ? new Verified(hazardId, h.schoolId(), h.region().value(), cmd.note(), now(), cmd.by())
        : new RectificationRejected(hazardId, h.schoolId(), h.region().value(), cmd.note(), now(), cmd.by());
    return persist(state, List.of(event), cmd.replyTo());
  }

  // --- agencies, deadline and escalation -------------------------------------------------

  private void lookUpChain(HazardState state) {
    if (!state.needsChain() || lookingUp) {
      return;
    }
    lookingUp = true;
    var region = state.hazard().region();
    context.askWithStatus(
        AgencyDirectory.Chains.class,
        entities.directory(region.province()),
        settings.askTimeout(),
        replyTo -> new AgencyDirectory.FindChains(region, EnumSet.of(AgencyKind.EDUCATION), replyTo),
        (chains, failure) -> failure == null
            ? new ChainFound(chains.of(AgencyKind.EDUCATION))
            : new ChainUnavailable(String.valueOf(failure.getMessage())));
  }

  private ReplyEffect<HazardEvent, HazardState> onChainFound(HazardState state, ChainFound cmd) {
    lookingUp = false;
    if (state.chain() != null) {
      return Effect().noReply();
    }
    var h = state.hazard();
    var resolved = new ChainResolved(hazardId, h.schoolId(), h.region().value(), List.copyOf(cmd.chain()), now(), SYSTEM);
    var events = new ArrayList<HazardEvent>(List.of(resolved));
    events.addAll(followUps(state.apply(resolved), now()));
    return persist(state, events, null);
  }

  private ReplyEffect<HazardEvent, HazardState> onChainUnavailable(HazardState state, ChainUnavailable cmd) {
    lookingUp = false;
    context.getLog().warn("hazard {}: agency directory unavailable ({}); retrying in {}",
        hazardId, cmd.reason(), settings.redeliveryInterval());
    timers.startSingleTimer(RETRY, Redeliver.INSTANCE, settings.redeliveryInterval());
    return Effect().noReply();
  }

  private ReplyEffect<HazardEvent, HazardState> onCheckDeadline(HazardState state, CheckDeadline cmd) {
    if (!state.isOpened()) {
      return Effect().noReply();
    }
    Instant now = now();
    var events = new ArrayList<HazardEvent>();
    HazardState s = state;
    var h = state.hazard();
    if (s.status() == HazardStatus.OPEN && !now.isBefore(s.deadline())) {
      var overdue = new WentOverdue(hazardId, h.schoolId(), h.region().value(), now, SYSTEM);
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
   * What the state calls for now that the chain is known: a major hazard told to the county at
   * once; an overdue hazard told to the county, then each tier above once its time is up.
   */
  List<HazardEvent> followUps(HazardState state, Instant now) {
    var events = new ArrayList<HazardEvent>();
    if (state.chain() == null || state.chain().isEmpty() || state.status().isClosed()) {
      return events;
    }
    var h = state.hazard();
    AgencyProfile county = state.chain().get(0);
    if (h.severity() == Severity.MAJOR && state.notified().isEmpty()) {
      events.add(new AgencyNotified(hazardId, h.schoolId(), h.region().value(), county, "MAJOR", null, now, SYSTEM));
    }
    if (state.status() == HazardStatus.OVERDUE) {
      Instant next = now.plus(settings.escalationInterval());
      if (state.escalatedTo() < 0) {
        events.add(new AgencyNotified(hazardId, h.schoolId(), h.region().value(), county, "OVERDUE", next, now, SYSTEM));
      } else if (state.escalatedTo() + 1 < state.chain().size() && state.nextEscalationAt() != null
          && !now.isBefore(state.nextEscalationAt())) {
        events.add(new AgencyNotified(hazardId, h.schoolId(), h.region().value(),
            state.chain().get(state.escalatedTo() + 1), "OVERDUE", next, now, SYSTEM));
      }
    }
    return events;
  }

  private void rearmDeadline(HazardState state) {
    var next = state.nextDeadline();
    if (next.isEmpty()) {
      timers.cancel(DEADLINE);
      return;
    }
    // A rectification deadline may lie years ahead, beyond what the scheduler takes (about 248
    // days): wake at most this long before it; an early check changes nothing and re-arms.
    Duration delay = Duration.between(now(), next.get());
    timers.startSingleTimer(DEADLINE, CheckDeadline.INSTANCE,
        delay.isNegative() ? Duration.ZERO : delay.compareTo(MAX_TIMER) > 0 ? MAX_TIMER : delay);
  }

  // --- notices (at least once, one in flight per receiver) -------------------------------

  static Map<String, HazardNotice> noticesOf(HazardState state) {
    var notices = new LinkedHashMap<String, HazardNotice>();
    if (!state.isOpened()) {
      return notices;
    }
    notices.put("school:" + state.hazard().schoolId(), state.notice(null));
    state.notified().forEach((agencyId, notified) -> notices.put("agency:" + agencyId, state.notice(notified)));
    return notices;
  }

  private void sendChanges(HazardState before, HazardState after) {
    notices.sendChanges(noticesOf(before), noticesOf(after));
  }

  private boolean deliver(String target, HazardNotice notice) {
    if (target.startsWith("agency:")) {
      context.ask(Done.class, entities.agency(target.substring("agency:".length())), settings.askTimeout(),
          replyTo -> new Agency.TrackHazard(notice, replyTo),
          (done, failure) -> new NoticeSettled(target, failure == null));
    } else if (entities.preventions() != null) {
      context.ask(Done.class, entities.prevention(notice.schoolId()), settings.askTimeout(),
          replyTo -> new Prevention.TrackHazard(notice, replyTo),
          (done, failure) -> new NoticeSettled(target, failure == null));
    } else {
      return false; // a setup without that receiver (unit tests)
    }
    return true;
  }

  private ReplyEffect<HazardEvent, HazardState> onNoticeSettled(HazardState state, NoticeSettled cmd) {
    notices.settled(cmd.target(), cmd.delivered());
    return Effect().noReply();
  }

  private void retryLater() {
    if (!timers.isTimerActive(REDELIVER)) {
      timers.startSingleTimer(REDELIVER, Redeliver.INSTANCE, settings.redeliveryInterval());
    }
  }

  // --- passivation ----------------------------------------------------------------------

  private void schedulePassivation(HazardState state) {
    boolean done = !state.isOpened() || state.status().isClosed();
    if (shard != null && done) {
      timers.startSingleTimer(PASSIVATE, Passivate.INSTANCE, settings.idlePassivation());
    } else {
      timers.cancel(PASSIVATE);
    }
  }

  private ReplyEffect<HazardEvent, HazardState> onPassivate(HazardState state, Passivate cmd) {
    if (notices.isIdle()) {
      // Passivate (not a plain stop) so that remember-entities forgets the hazard.
      shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    } else {
      schedulePassivation(state);
    }
    return Effect().noReply();
  }

  // --- helpers --------------------------------------------------------------------------

  private void settle(HazardState state) {
    rearmDeadline(state);
    lookUpChain(state);
    schedulePassivation(state);
  }

  /** Persists, then sends what changed and re-arms; replies with the new state when asked. */
  private ReplyEffect<HazardEvent, HazardState> persist(HazardState before, List<HazardEvent> events,
      ActorRef<StatusReply<HazardState>> replyTo) {
    long started = System.nanoTime();
    var effect = Effect().persist(events).thenRun(after -> {
      metrics.persisted(ENTITY_TYPE_KEY.name(), Duration.ofNanos(System.nanoTime() - started));
      for (HazardEvent e : events) {
        if (e instanceof AgencyNotified n && n.reason().equals("OVERDUE")) {
          metrics.escalated();
        }
      }
      sendChanges(before, after);
      settle(after);
    });
    return replyTo == null ? effect.thenNoReply() : effect.thenReply(replyTo, StatusReply::success);
  }

  private Rejection notFound() {
    return new Rejection.NotFound("no hazard with id '" + hazardId + "'");
  }

  private <R> ReplyEffect<HazardEvent, HazardState> reject(ActorRef<StatusReply<R>> replyTo, Rejection rejection) {
    return Effect().reply(replyTo, StatusReply.error(rejection));
  }

  private Instant now() {
    return clock.instant();
  }

  // --- events and recovery --------------------------------------------------------------

  @Override
  public EventHandler<HazardState, HazardEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(HazardState::apply);
  }

  @Override
  public SignalHandler<HazardState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          // A notice may have been in flight when the hazard stopped: everything again.
          notices.sendAll(noticesOf(state));
          settle(state);
        })
        .build();
  }
}
