package org.schoolsafety.hub.incident;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
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
import org.schoolsafety.hub.HubMetrics;
import org.schoolsafety.hub.JournalFailures;
import org.schoolsafety.hub.Rejection;
import org.schoolsafety.hub.agency.AgencyKind;
import org.schoolsafety.hub.agency.AgencyProfile;
import org.schoolsafety.hub.directory.AgencyDirectory;
import org.schoolsafety.hub.incident.IncidentCommand.*;
import org.schoolsafety.hub.incident.IncidentEvent.*;

/**
 * One safety incident at one school, from report to close.
 *
 * <p>Dispatch and escalation live here: a new report asks its province's {@link AgencyDirectory}
 * for the agencies of each kind the response plan calls for, and is written together with its
 * dispatch (one journal write; the school, agencies and feed hear of it once): the most specific
 * agency of each kind is notified, the higher tiers kept on standby. If the directory does not
 * answer within {@code dispatch-with-report-within}, the report is written alone and dispatched
 * when it does. Deadlines are part of the
 * persisted state; the timer is re-armed from them after every event and after recovery, so an
 * escalation whose deadline fell while the node was down fires as soon as the incident is back.
 * Open incidents are remembered by sharding and so come back by themselves after a restart.
 */
public final class Incident
    extends EventSourcedBehaviorWithEnforcedReplies<IncidentCommand, IncidentEvent, IncidentState> {

  public static final EntityTypeKey<IncidentCommand> ENTITY_TYPE_KEY =
      EntityTypeKey.create(IncidentCommand.class, "Incident");

  /** Events are tagged by slice so that read-side projections can split the work. */
  public static final List<String> TAGS =
      List.of("incident-0", "incident-1", "incident-2", "incident-3");

  private static final String SYSTEM = "hub";
  private static final String DEADLINE = "deadline";
  private static final String RETRY_DISPATCH = "retry-dispatch";
  private static final String PASSIVATE = "passivate";

  public static void init(
      ActorSystem<?> system, Entities entities, IncidentSettings settings, Clock clock, HubMetrics metrics) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    ENTITY_TYPE_KEY,
                    ctx -> create(ctx.getEntityId(), entities, settings, clock, ctx.getShard(), metrics))
                .withSettings(ClusterShardingSettings.create(system).withRememberEntities(true)));
  }

  /** {@code shard} may be null outside sharding (tests): then the entity never passivates. */
  public static Behavior<IncidentCommand> create(
      String incidentId,
      Entities entities,
      IncidentSettings settings,
      Clock clock,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    return create(incidentId, entities, settings, clock, shard, HubMetrics.NONE);
  }

  public static Behavior<IncidentCommand> create(
      String incidentId,
      Entities entities,
      IncidentSettings settings,
      Clock clock,
      ActorRef<ClusterSharding.ShardCommand> shard,
      HubMetrics metrics) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> new Incident(incidentId, entities, settings, clock, shard, context, timers, metrics)));
  }

  private final String incidentId;
  private final Entities entities;
  private final IncidentSettings settings;
  private final Clock clock;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final ActorContext<IncidentCommand> context;
  private final TimerScheduler<IncidentCommand> timers;
  private final Courier courier;
  private final HubMetrics metrics;
  private boolean lookingUpAgencies;
  /**
   * A new report waiting for its region's agencies, so that the report and its dispatch are
   * written together (hub.incident.dispatch-with-report-within); null otherwise.
   */
  private Report waitingReport;

  private Incident(
      String incidentId,
      Entities entities,
      IncidentSettings settings,
      Clock clock,
      ActorRef<ClusterSharding.ShardCommand> shard,
      ActorContext<IncidentCommand> context,
      TimerScheduler<IncidentCommand> timers,
      HubMetrics metrics) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), incidentId), JournalFailures.restartWithBackoff());
    this.incidentId = incidentId;
    this.entities = entities;
    this.settings = settings;
    this.clock = clock;
    this.shard = shard;
    this.context = context;
    this.timers = timers;
    this.courier = new Courier(context, timers, entities, settings);
    this.metrics = metrics;
  }

  @Override
  public IncidentState emptyState() {
    return IncidentState.empty(incidentId);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(50, 2);
  }

  @Override
  public Set<String> tagsFor(IncidentEvent event) {
    return Set.of(TAGS.get(Math.floorMod(incidentId.hashCode(), TAGS.size())));
  }

  // --- commands -------------------------------------------------------------------------

  @Override
  public CommandHandlerWithReply<IncidentCommand, IncidentEvent, IncidentState> commandHandler() {
    var handler = handlers();
    // While a new report waits for its agencies the incident does not exist yet: everything else
    // (a retry of the same report too) waits until it is written, then finds it.
    return (state, cmd) -> waitingReport != null && !(cmd instanceof ChainsFound || cmd instanceof ChainsUnavailable)
        ? Effect().stash()
        : handler.apply(state, cmd);
  }

  private CommandHandlerWithReply<IncidentCommand, IncidentEvent, IncidentState> handlers() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Report.class, this::onReport)
        .onCommand(Import.class, this::onImport)
        .onCommand(AddReport.class, this::onAddReport)
        .onCommand(Acknowledge.class, this::onAcknowledge)
        .onCommand(Close.class, this::onClose)
        .onCommand(Cancel.class, this::onCancel)
        .onCommand(Get.class, this::onGet)
        .onCommand(AddEvidence.class, this::onAddEvidence)
        .onCommand(NoteFlaggedDevices.class, this::onNoteFlaggedDevices)
        .onCommand(ChainsFound.class, this::onChainsFound)
        .onCommand(ChainsUnavailable.class, this::onChainsUnavailable)
        .onCommand(RetryDispatch.class, (state, cmd) -> afterwards(state))
        .onCommand(CheckDeadlines.class, this::onCheckDeadlines)
        .onCommand(NoticeSettled.class, this::onNoticeSettled)
        .onCommand(FeedSettled.class, (state, cmd) -> { courier.feedSettled(cmd.delivered()); return Effect().noReply(); })
        .onCommand(Redeliver.class, (state, cmd) -> { courier.redeliver(); return Effect().noReply(); })
        .onCommand(ResendAll.class, (state, cmd) -> { courier.sendAll(state, now()); return Effect().noReply(); })
        .onCommand(IncidentCommand.Passivate.class, this::onPassivate)
        .build();
  }

  private ReplyEffect<IncidentEvent, IncidentState> onReport(IncidentState state, Report cmd) {
    if (state.isReported()) {
      if (state.fingerprint().equals(cmd.incident().fingerprint())) {
        return Effect().reply(cmd.replyTo(), StatusReply.success(new Accepted(state, true)));
      }
      return reject(cmd.replyTo(), new Rejection.Conflict(
          "clientRef '" + cmd.incident().clientRef() + "' was already used for a report with other content"
              + " (incident " + incidentId + "): to correct or update it, send a CONTINUATION report to"
              + " /api/v1/incidents/" + incidentId + "/reports; for a new incident use a new clientRef"));
    }
    Duration within = settings.dispatchWithReportWithin();
    IncidentState asReported = state.apply(reported(cmd));
    if (!within.isZero() && !asReported.kindsToDispatch(settings.plan()).isEmpty()) {
      waitingReport = cmd;
      lookUpAgencies(asReported, within);
      return Effect().noReply();
    }
    return persistThenReply(state, List.of(reported(cmd)), cmd.replyTo(), s -> new Accepted(s, false));
  }

  private Reported reported(Report cmd) {
    return new Reported(incidentId, cmd.incident(), cmd.incident().fingerprint(), now(), cmd.by());
  }

  /**
   * The waiting report, with its dispatch when the directory answered ({@code chains} not null),
   * in one atomic write; the reply and whatever waited behind the report follow it.
   */
  private ReplyEffect<IncidentEvent, IncidentState> writeWaitingReport(IncidentState state, AgencyDirectory.Chains chains) {
    Report report = waitingReport;
    waitingReport = null;
    Reported reported = reported(report);
    var events = new ArrayList<IncidentEvent>(List.of(reported));
    Dispatched dispatched = chains == null ? null : dispatch(state.apply(reported), chains);
    if (dispatched != null) {
      events.add(dispatched);
    }
    long started = System.nanoTime();
    return Effect()
        .persist(events)
        .thenRun(after -> changed(state, after, events, started))
        .thenReply(report.replyTo(), after -> StatusReply.success(new Accepted(after, false)))
        .thenUnstashAll();
  }

  /**
   * A closed incident from a previous system: its ordinary events at their historical times, in
   * one atomic write. Nothing follows live — the incident is already over, so no agency is looked
   * up, no deadline armed, and the courier tells only the school's prevention record (its risk
   * inputs), never agencies, the school's list or the province feed.
   */
  private ReplyEffect<IncidentEvent, IncidentState> onImport(IncidentState state, Import cmd) {
    String fingerprint = cmd.record().fingerprint();
    if (state.isReported()) {
      if (fingerprint.equals(state.fingerprint())) {
        return Effect().reply(cmd.replyTo(), StatusReply.success(new Accepted(state, true)));
      }
      return reject(cmd.replyTo(), new Rejection.Conflict("clientRef '" + cmd.record().incident().clientRef()
          + "' was already used for an imported record with other content (incident " + incidentId + ")"));
    }
    var problems = IncidentImports.check(cmd.record(), cmd.chains(), now());
    if (!problems.isEmpty()) {
      return reject(cmd.replyTo(), new Rejection.Invalid(problems.stream()
          .map(p -> p.field() + ": " + p.message()).collect(Collectors.joining("; "))));
    }
    List<IncidentEvent> events = IncidentImports.events(incidentId, cmd.record(), cmd.chains(), settings.deadlines(),
        fingerprint, now(), cmd.by());
    return persistThenReply(state, events, cmd.replyTo(), s -> new Accepted(s, false));
  }

  private ReplyEffect<IncidentEvent, IncidentState> onAddReport(IncidentState state, AddReport cmd) {
    IncidentReport report = cmd.report();
    Rejection problem = checkActive(state, "add a report to");
    if (problem == null && report.kind() == ReportKind.INITIAL) {
      problem = new Rejection.Invalid("kind must be CONTINUATION or FINAL: the initial report is the incident itself");
    }
    if (problem == null && report.kind() == ReportKind.FINAL && (blank(report.cause()) || blank(report.outcome()))) {
      problem = new Rejection.Invalid("a FINAL report needs both 'cause' and 'outcome'");
    }
    if (problem == null && lowers(state, report.level()) && !cmd.mayLowerLevel()) {
      // A lower level slows the next tier's deadline: a command decision, never a reporter's.
      problem = new Rejection.Forbidden("only the command center leading incident " + incidentId
          + " may lower its level (" + state.level() + " to " + report.level() + "); others may only raise it");
    }
    if (problem != null) {
      return reject(cmd.replyTo(), problem);
    }
    IncidentEvent event = report.kind() == ReportKind.FINAL
        ? new Resolved(incidentId, report, now(), cmd.by())
        : new ReportAdded(incidentId, report, now(), cmd.by());
    return persistThenReply(state, List.of(event), cmd.replyTo(), s -> s);
  }

  private ReplyEffect<IncidentEvent, IncidentState> onAcknowledge(IncidentState state, Acknowledge cmd) {
    if (!state.isReported()) {
      return reject(cmd.replyTo(), notFound());
    }
    var dispatch = state.dispatchOf(cmd.agencyId());
    if (dispatch.isEmpty()) {
      return reject(cmd.replyTo(), cmd.fromTheAgency() ? notFound() : new Rejection.Conflict(
          "agency '" + cmd.agencyId() + "' was not dispatched to incident " + incidentId));
    }
    if (dispatch.get().state() == DispatchState.ACKNOWLEDGED) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state));
    }
    Rejection problem = checkActive(state, "acknowledge");
    if (problem != null) {
      return reject(cmd.replyTo(), problem);
    }
    var event = new Acknowledged(incidentId, cmd.agencyId(), cmd.note(), now(), cmd.by());
    return persistThenReply(state, List.of(event), cmd.replyTo(), s -> s);
  }

  private ReplyEffect<IncidentEvent, IncidentState> onClose(IncidentState state, Close cmd) {
    if (!state.isReported()) {
      return reject(cmd.replyTo(), notFound());
    }
    if (state.status() == Status.CLOSED) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state));
    }
    if (state.status() != Status.RESOLVED) {
      return reject(cmd.replyTo(), new Rejection.Conflict(
          "incident " + incidentId + " is " + state.status()
              + ": it can be closed once its FINAL report is in (or cancelled if it was a false alarm)"));
    }
    var event = new Closed(incidentId, cmd.note(), now(), cmd.by());
    return persistThenReply(state, List.of(event), cmd.replyTo(), s -> s);
  }

  private ReplyEffect<IncidentEvent, IncidentState> onCancel(IncidentState state, Cancel cmd) {
    if (state.isReported() && state.status() == Status.CANCELLED) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state));
    }
    Rejection problem = checkActive(state, "cancel");
    if (problem != null) {
      return reject(cmd.replyTo(), problem);
    }
    var event = new Cancelled(incidentId, cmd.reason(), now(), cmd.by());
    return persistThenReply(state, List.of(event), cmd.replyTo(), s -> s);
  }

  private ReplyEffect<IncidentEvent, IncidentState> onGet(IncidentState state, Get cmd) {
    if (!state.isReported()) {
      schedulePassivation(state);
      return reject(cmd.replyTo(), notFound());
    }
    return Effect().reply(cmd.replyTo(), StatusReply.success(state));
  }

  private ReplyEffect<IncidentEvent, IncidentState> onAddEvidence(IncidentState state, AddEvidence cmd) {
    if (!state.isReported()) {
      return reject(cmd.replyTo(), notFound());
    }
    if (!state.status().isActive()) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(evidenceReply(state, false)));
    }
    List<Evidence> fresh = cmd.evidence().stream().filter(e -> !state.hasEvidence(e)).toList();
    if (fresh.isEmpty()) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(evidenceReply(state, true)));
    }
    var event = new EvidenceAdded(incidentId, fresh, now(), cmd.by());
    return persistThenReply(state, List.of(event), cmd.replyTo(), s -> evidenceReply(s, true));
  }

  private static EvidenceReply evidenceReply(IncidentState state, boolean accepted) {
    return new EvidenceReply(accepted, state.status(), state.isFalseAlarm() ? state.contributingDevices() : List.of());
  }

  private ReplyEffect<IncidentEvent, IncidentState> onNoteFlaggedDevices(IncidentState state, NoteFlaggedDevices cmd) {
    if (!state.isReported()) {
      return reject(cmd.replyTo(), notFound());
    }
    // The same note among the kept timeline entries: a repeat beyond them is noted again, harmlessly.
    boolean noted = state.timeline().stream()
        .anyMatch(t -> t.event().equals("devices-flagged") && t.detail().equals(cmd.detail()));
    if (noted) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(Done.getInstance()));
    }
    var event = new DevicesFlagged(incidentId, cmd.deviceIds(), cmd.detail(), now(), cmd.by());
    return persistThenReply(state, List.of(event), cmd.replyTo(), s -> Done.getInstance());
  }

  // --- dispatch -------------------------------------------------------------------------

  private void lookUpAgencies(IncidentState state) {
    lookUpAgencies(state, settings.askTimeout());
  }

  private void lookUpAgencies(IncidentState state, Duration timeout) {
    Set<AgencyKind> kinds = state.kindsToDispatch(settings.plan());
    if (kinds.isEmpty() || lookingUpAgencies) {
      return;
    }
    lookingUpAgencies = true;
    var region = state.incident().school().region();
    context.askWithStatus(
        AgencyDirectory.Chains.class,
        entities.directory(region.province()),
        timeout,
        replyTo -> new AgencyDirectory.FindChains(region, kinds, replyTo),
        (chains, failure) -> failure == null
            ? new ChainsFound(chains)
            : new ChainsUnavailable(String.valueOf(failure.getMessage())));
  }

  private ReplyEffect<IncidentEvent, IncidentState> onChainsFound(IncidentState state, ChainsFound cmd) {
    lookingUpAgencies = false;
    if (waitingReport != null) {
      return writeWaitingReport(state, cmd.chains());
    }
    Dispatched event = dispatch(state, cmd.chains());
    return event == null ? Effect().noReply() : persistThenNoReply(state, List.of(event));
  }

  /** The dispatch of every kind still to dispatch, to the first agency of its chain; null if none is due. */
  private Dispatched dispatch(IncidentState state, AgencyDirectory.Chains chains) {
    Set<AgencyKind> kinds = state.kindsToDispatch(settings.plan());
    if (kinds.isEmpty()) {
      return null;
    }
    Instant now = now();
    Instant deadline = notBeforeGrace(state, now.plus(ackDeadline(state)));
    var dispatches = new ArrayList<Dispatch>();
    var standby = new EnumMap<AgencyKind, List<AgencyProfile>>(AgencyKind.class);
    var uncovered = EnumSet.noneOf(AgencyKind.class);
    for (AgencyKind kind : kinds) {
      List<AgencyProfile> chain = chains.of(kind);
      if (chain.isEmpty()) {
        uncovered.add(kind);
      } else {
        dispatches.add(Dispatch.notify(chain.get(0), now, deadline));
        standby.put(kind, List.copyOf(chain.subList(1, chain.size())));
      }
    }
    if (!uncovered.isEmpty()) {
      context.getLog().warn("incident {}: no agency covers {} for region {}",
          incidentId, uncovered, state.incident().school().region());
    }
    return new Dispatched(incidentId, List.copyOf(dispatches), Map.copyOf(standby),
        Set.copyOf(uncovered), now, SYSTEM);
  }

  private ReplyEffect<IncidentEvent, IncidentState> onChainsUnavailable(IncidentState state, ChainsUnavailable cmd) {
    lookingUpAgencies = false;
    if (waitingReport != null) {
      // The report is not held up any longer: written alone, and dispatched once the directory
      // answers (settle looks the agencies up again after the write).
      context.getLog().info("incident {}: agency directory did not answer within {} ({}); report written without"
          + " its dispatch", incidentId, settings.dispatchWithReportWithin(), cmd.reason());
      return writeWaitingReport(state, null);
    }
    context.getLog().warn("incident {}: agency directory unavailable ({}); retrying in {}",
        incidentId, cmd.reason(), settings.redeliveryInterval());
    timers.startSingleTimer(RETRY_DISPATCH, RetryDispatch.INSTANCE, settings.redeliveryInterval());
    return Effect().noReply();
  }

  // --- escalation -----------------------------------------------------------------------

  private ReplyEffect<IncidentEvent, IncidentState> onCheckDeadlines(IncidentState state, CheckDeadlines cmd) {
    Instant now = now();
    var events = new ArrayList<IncidentEvent>();
    for (Dispatch overdue : state.overdue(now)) {
      var next = state.nextTierFor(overdue.agency().kind());
      if (next.isPresent()) {
        Dispatch to = Dispatch.notify(next.get(), now, notBeforeGrace(state, now.plus(ackDeadline(state))));
        events.add(new Escalated(incidentId, overdue.agencyId(), to, now, SYSTEM));
      } else {
        events.add(new WentUnanswered(incidentId, overdue.agencyId(), now, SYSTEM));
      }
    }
    if (events.isEmpty()) {
      return afterwards(state);
    }
    return persistThenNoReply(state, events);
  }

  /** The acknowledgement deadline for the incident's level, scaled for drills run fast. */
  private Duration ackDeadline(IncidentState state) {
    Duration real = settings.deadlines().forLevel(state.level());
    return Duration.ofNanos(Math.max(1, (long) (real.toNanos() / state.incident().scale())));
  }

  /**
   * A device-raised incident escalates to no higher tier within its false-alarm grace: a false
   * alarm the school cancels that fast has only ever reached the first tier.
   */
  private static Instant notBeforeGrace(IncidentState state, Instant deadline) {
    DeviceAlarm origin = state.incident().origin();
    if (origin == null || origin.escalateNotBefore() == null || !deadline.isBefore(origin.escalateNotBefore())) {
      return deadline;
    }
    return origin.escalateNotBefore();
  }

  private void rearmDeadline(IncidentState state) {
    var next = state.nextDeadline();
    if (next.isEmpty()) {
      timers.cancel(DEADLINE);
      return;
    }
    Duration delay = Duration.between(now(), next.get());
    timers.startSingleTimer(DEADLINE, CheckDeadlines.INSTANCE, delay.isNegative() ? Duration.ZERO : delay);
  }

  // --- notices and passivation ----------------------------------------------------------

  private ReplyEffect<IncidentEvent, IncidentState> onNoticeSettled(IncidentState state, NoticeSettled cmd) {
    courier.settled(cmd);
    return Effect().noReply();
  }

  /** Closed, cancelled and never-reported incidents need not stay in memory. */
  private static boolean mayPassivate(IncidentState state) {
    return !state.isReported() || state.status().isTerminal();
  }

  private void schedulePassivation(IncidentState state) {
    if (shard != null && mayPassivate(state)) {
      timers.startSingleTimer(PASSIVATE, IncidentCommand.Passivate.INSTANCE, settings.idlePassivation());
    } else {
      timers.cancel(PASSIVATE);
    }
  }

  private ReplyEffect<IncidentEvent, IncidentState> onPassivate(IncidentState state, IncidentCommand.Passivate cmd) {
    if (!mayPassivate(state)) {
      return Effect().noReply();
    }
    if (courier.isIdle()) {
      // Passivate (not a plain stop) so that remember-entities forgets the incident.
      shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    } else {
      schedulePassivation(state);
    }
    return Effect().noReply();
  }

  // --- helpers --------------------------------------------------------------------------

  /** Everything that follows from a state: deadline timer, dispatch lookups, passivation. */
  private ReplyEffect<IncidentEvent, IncidentState> afterwards(IncidentState state) {
    settle(state);
    return Effect().noReply();
  }

  private void settle(IncidentState state) {
    rearmDeadline(state);
    lookUpAgencies(state);
    schedulePassivation(state);
  }

  private <R> ReplyEffect<IncidentEvent, IncidentState> persistThenReply(
      IncidentState before,
      List<IncidentEvent> events,
      ActorRef<StatusReply<R>> replyTo,
      java.util.function.Function<IncidentState, R> reply) {
    long started = System.nanoTime();
    return Effect()
        .persist(events)
        .thenRun(after -> changed(before, after, events, started))
        .thenReply(replyTo, after -> StatusReply.success(reply.apply(after)));
  }

  private ReplyEffect<IncidentEvent, IncidentState> persistThenNoReply(
      IncidentState before, List<IncidentEvent> events) {
    long started = System.nanoTime();
    return Effect().persist(events).thenRun(after -> changed(before, after, events, started)).thenNoReply();
  }

  private void changed(IncidentState before, IncidentState after, List<IncidentEvent> events, long started) {
    metrics.persisted(ENTITY_TYPE_KEY.name(), Duration.ofNanos(System.nanoTime() - started));
    for (IncidentEvent e : events) {
      if (e instanceof Escalated) {
        metrics.escalated();
      } else if (e instanceof WentUnanswered) {
        metrics.unanswered();
      }
    }
    changed(before, after);
  }

  private void changed(IncidentState before, IncidentState after) {
    courier.sendChanges(before, after);
    settle(after);
  }

  private Rejection checkActive(IncidentState state, String action) {
    if (!state.isReported()) {
      return notFound();
    }
    if (!state.status().isActive()) {
      return new Rejection.Conflict(
          "cannot " + action + " incident " + incidentId + ": it is " + state.status());
    }
    return null;
  }

  private Rejection notFound() {
    return new Rejection.NotFound("no incident with id '" + incidentId + "'");
  }

  private <R> ReplyEffect<IncidentEvent, IncidentState> reject(
      ActorRef<StatusReply<R>> replyTo, Rejection rejection) {
    return Effect().reply(replyTo, StatusReply.error(rejection));
  }

  /** Whether {@code next} is less severe than the incident's level (I is the most severe). */
  private static boolean lowers(IncidentState state, Level next) {
    return next != null && next.ordinal() > state.level().ordinal();
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private Instant now() {
    return clock.instant();
  }

  // --- events and recovery --------------------------------------------------------------

  @Override
  public EventHandler<IncidentState, IncidentEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(IncidentState::apply);
  }

  @Override
  public SignalHandler<IncidentState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          courier.afterRecovery(state, now());
          settle(state);
        })
        .build();
  }
}
