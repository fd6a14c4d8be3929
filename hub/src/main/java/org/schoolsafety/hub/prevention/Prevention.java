package org.schoolsafety.hub.prevention;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
import org.schoolsafety.hub.Rejection;
import org.schoolsafety.hub.hazard.HazardNotice;
import org.schoolsafety.hub.hazard.HazardStatus;
import org.schoolsafety.hub.hazard.Severity;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.incident.Status;
import org.schoolsafety.hub.risk.RiskInputs;
import org.schoolsafety.hub.risk.RiskLevel;
import org.schoolsafety.hub.risk.RiskModel;
import org.schoolsafety.hub.risk.RiskScore;
import org.schoolsafety.hub.school.DrillRecord;
import org.schoolsafety.hub.school.DrillType;
import org.schoolsafety.hub.school.IncidentNotice;

/**
 * A school's prevention record, one entity per school (entity id = school id): inspections,
 * health checks with the outbreak rule, trainings, surroundings, the hazards and incidents that
 * feed its risk score, the score itself and the school's early warnings.
 *
 * <p>One writer per school decides clusters, scores and warnings in the command path and records
 * each decision in an event, so replays give the same state (no clock in the event handler).
 * The score is recomputed only when an input changes; the read side ranks schools from the
 * {@link RiskAssessed} events, never by asking the entities. Kept apart from {@code School} so
 * that a school's registry entry stays small and its prevention work has its own journal.
 */
public final class Prevention
    extends EventSourcedBehaviorWithEnforcedReplies<Prevention.Command, Prevention.Event, Prevention.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "Prevention");

  /**
   * Tag of the events the read side needs: scores (ranking, history), warnings (the list, and
   * their delivery to agencies and the command-center feed) and trainings (coverage).
   */
  public static final String TAG = "prevention";

  private static final String SYSTEM = "hub";

  // --- commands -------------------------------------------------------------------------

  public sealed interface Command extends CborSerializable {}

  /** Record an inspection (its hazards are entities of their own); same id and content again is a no-op. */
  public record RecordInspection(SchoolInfo school, Inspection inspection, String by,
      ActorRef<StatusReply<State>> replyTo) implements Command {}

  public record RecordHealthCheck(SchoolInfo school, HealthCheck check, String by,
      ActorRef<StatusReply<State>> replyTo) implements Command {}

  public record RecordTraining(SchoolInfo school, Training training, String by,
      ActorRef<StatusReply<State>> replyTo) implements Command {}

  public record DeclareSurrounding(SchoolInfo school, Surrounding surrounding, String by,
      ActorRef<StatusReply<State>> replyTo) implements Command {}

  /** Acknowledge one of the school's warnings (the agency that is to act on it). */
  public record AcknowledgeWarning(String warningId, String by, ActorRef<StatusReply<Warning>> replyTo)
      implements Command {}

  /**
   * Record that a health-cluster warning was turned into this incident (both ways linked: the
   * incident's summary names the warning). Idempotent for the same incident; a warning already
   * linked to another incident is a conflict, and only HEALTH_CLUSTER warnings can be linked.
   */
  public record LinkIncident(String warningId, String incidentId, String by, ActorRef<StatusReply<Warning>> replyTo)
      implements Command {}

  /** The record as it is, and the risk score computed now (nothing is written). */
  public record Assess(SchoolInfo school, ActorRef<StatusReply<RiskScore>> replyTo) implements Command {}

  public record Get(ActorRef<StatusReply<State>> replyTo) implements Command {}

  /** Sent by a hazard of the school on every change; idempotent. */
  public record TrackHazard(HazardNotice notice, ActorRef<Done> replyTo) implements Command {}

  /** Sent by an incident at the school on every change; idempotent. */
  public record TrackIncident(IncidentNotice notice, ActorRef<Done> replyTo) implements Command {}

  /** A drill the school recorded (evacuation drills count for the execution dimension); idempotent. */
  public record NoteDrill(DrillRecord drill, ActorRef<Done> replyTo) implements Command {}

  // --- events ---------------------------------------------------------------------------

  public sealed interface Event extends CborSerializable {}

  public record SchoolNoted(SchoolInfo school) implements Event {}

  public record InspectionRecorded(Inspection inspection, Instant at, String by) implements Event {}

  public record HealthCheckRecorded(HealthCheck check, Instant at, String by) implements Event {}

  /** Decided when a check came in: the outbreak rule holds for this class and symptom. */
  public record ClusterSuspected(OutbreakCluster cluster, Instant at, String by) implements Event {}

  /** {@code school}: the school as the request knew it, for the read side's coverage (null in old events). */
  public record TrainingRecorded(Training training, Instant at, String by, SchoolInfo school) implements Event {

    public TrainingRecorded(Training training, Instant at, String by) {
      this(training, at, by, null);
    }
  }

  public record SurroundingDeclared(Surrounding surrounding, Instant at, String by) implements Event {}

  public record HazardNoted(HazardNotice notice) implements Event {}

  public record IncidentNoted(IncidentNotice notice) implements Event {}

  public record DrillNoted(DrillRecord drill) implements Event {}

  /** The score after an input changed. Carries the school's name and region for the read side. */
  public record RiskAssessed(String schoolId, String schoolName, String regionCode, RiskScore score)
      implements Event {}

  /** A warning was raised, acknowledged or cleared: the warning as it now is. */
  public record WarningChanged(Warning warning) implements Event {}

  // --- state ----------------------------------------------------------------------------

  public record State(
      SchoolInfo school,
      List<Inspection> inspections,
      Map<String, HealthCheck> healthChecks,
      List<OutbreakCluster> clusters,
      List<Training> trainings,
      Map<String, Surrounding> surroundings,
      Map<String, HazardNotice> hazards,
      Map<String, IncidentNotice> incidents,
      Set<String> evacuationMonths,
      RiskScore risk,
      Map<String, Warning> warnings,
      int warningsRaised)
      implements CborSerializable {

    static State empty() {
      return new State(null, List.of(), Map.of(), List.of(), List.of(), Map.of(), Map.of(), Map.of(), Set.of(), null,
          Map.of(), 0);
    }

    public java.util.Optional<Inspection> inspection(String id) {
      return inspections.stream().filter(i -> i.inspectionId().equals(id)).findFirst();
    }

    public java.util.Optional<OutbreakCluster> cluster(String id) {
      return clusters.stream().filter(c -> c.clusterId().equals(id)).findFirst();
    }

    public java.util.Optional<Training> training(String id) {
      return trainings.stream().filter(t -> t.trainingId().equals(id)).findFirst();
    }

    /** Health checks, newest day first. */
    public List<HealthCheck> healthCheckList() {
      return healthChecks.values().stream()
          .sorted(Comparator.comparing(HealthCheck::date).reversed().thenComparing(HealthCheck::classId)
              .thenComparing(HealthCheck::session))
          .toList();
    }

    public List<Warning> warningList() {
      return warnings.values().stream().sorted(Comparator.comparing(Warning::raisedAt).reversed()).toList();
    }

    /** What the risk model reads, as of {@code now}. */
    public RiskInputs riskInputs(Instant now) {
      LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
      LocalDate illnessFrom = today.minusDays(RiskModel.ILLNESS_WINDOW.toDays());
      int ill = 0;
      int checked = 0;
      for (HealthCheck c : healthChecks.values()) {
        if (!c.date().isBefore(illnessFrom) && c.session().equals("MORNING")) {
          ill += c.absentIll();
          checked += c.present() + c.absentIll();
        }
      }
      LocalDate trainingFrom = today.minusDays(RiskModel.TRAINING_WINDOW.toDays());
      int staffTrained = trainings.stream()
          .filter(t -> t.audience().equals("STAFF") && !t.date().isBefore(trainingFrom))
          .mapToInt(Training::participants).sum();
      return new RiskInputs(
          school == null ? 0 : school.staff(),
          surroundings.values().stream().map(s -> new RiskInputs.Nearby(s.kind(), s.distanceMetres())).toList(),
          hazards.values().stream().filter(HazardNotice::isOpen)
              .map(h -> new RiskInputs.OpenHazard(h.hazardId(), h.category().name(), h.severity().name(),
                  h.status() == HazardStatus.OVERDUE))
              .toList(),
          clusters.stream().map(OutbreakCluster::to).toList(),
          ill, checked,
          incidents.values().stream()
              .filter(i -> i.mode() == Mode.ACTUAL && i.status() != Status.CANCELLED)
              .map(i -> new RiskInputs.PastIncident(i.incidentId(), i.type().name(), i.level().name(), i.reportedAt(),
                  i.occurredAt()))
              .toList(),
          evacuationMonths,
          inspections.stream().map(Inspection::date).toList(),
          staffTrained);
    }

    State apply(Event event, int retentionDays) {
      if (event instanceof SchoolNoted e) {
        return with(e.school(), inspections, healthChecks, clusters, trainings, surroundings, hazards, incidents,
            evacuationMonths, risk, warnings, warningsRaised);
      } else if (event instanceof InspectionRecorded e) {
        return with(school, append(inspections, e.inspection()), healthChecks, clusters, trainings, surroundings,
            hazards, incidents, evacuationMonths, risk, warnings, warningsRaised);
      } else if (event instanceof HealthCheckRecorded e) {
        var checks = new LinkedHashMap<>(healthChecks);
        checks.put(e.check().key(), e.check());
        // Keep what the rule and the score read: the days up to retention before the newest check.
        LocalDate newest = checks.values().stream().map(HealthCheck::date).max(Comparator.naturalOrder()).orElseThrow();
        checks.values().removeIf(c -> c.date().isBefore(newest.minusDays(retentionDays)));
        return with(school, inspections, Map.copyOf(checks), clusters, trainings, surroundings, hazards, incidents,
            evacuationMonths, risk, warnings, warningsRaised);
      } else if (event instanceof ClusterSuspected e) {
        return with(school, inspections, healthChecks, append(clusters, e.cluster()), trainings, surroundings,
            hazards, incidents, evacuationMonths, risk, warnings, warningsRaised);
      } else if (event instanceof TrainingRecorded e) {
        return with(school, inspections, healthChecks, clusters, append(trainings, e.training()), surroundings,
            hazards, incidents, evacuationMonths, risk, warnings, warningsRaised);
      } else if (event instanceof SurroundingDeclared e) {
        return with(school, inspections, healthChecks, clusters, trainings,
            put(surroundings, e.surrounding().surroundingId(), e.surrounding()), hazards, incidents,
            evacuationMonths, risk, warnings, warningsRaised);
      } else if (event instanceof HazardNoted e) {
        return with(school, inspections, healthChecks, clusters, trainings, surroundings,
            put(hazards, e.notice().hazardId(), e.notice()), incidents, evacuationMonths, risk, warnings,
            warningsRaised);
      } else if (event instanceof IncidentNoted e) {
        return with(school, inspections, healthChecks, clusters, trainings, surroundings, hazards,
            put(incidents, e.notice().incidentId(), e.notice()), evacuationMonths, risk, warnings, warningsRaised);
      } else if (event instanceof DrillNoted e) {
        var months = new TreeSet<>(evacuationMonths);
        months.add(e.drill().date().toString().substring(0, 7));
        return with(school, inspections, healthChecks, clusters, trainings, surroundings, hazards, incidents,
            Set.copyOf(months), risk, warnings, warningsRaised);
      } else if (event instanceof RiskAssessed e) {
        return with(school, inspections, healthChecks, clusters, trainings, surroundings, hazards, incidents,
            evacuationMonths, e.score(), warnings, warningsRaised);
      } else if (event instanceof WarningChanged e) {
        boolean isNew = !warnings.containsKey(e.warning().warningId());
        return with(school, inspections, healthChecks, clusters, trainings, surroundings, hazards, incidents,
            evacuationMonths, risk, put(warnings, e.warning().warningId(), e.warning()),
            warningsRaised + (isNew ? 1 : 0));
      }
      throw new IllegalArgumentException("unknown prevention event " + event.getClass());
    }

    private static State with(SchoolInfo school, List<Inspection> inspections, Map<String, HealthCheck> healthChecks,
        List<OutbreakCluster> clusters, List<Training> trainings, Map<String, Surrounding> surroundings,
        Map<String, HazardNotice> hazards, Map<String, IncidentNotice> incidents, Set<String> evacuationMonths,
        RiskScore risk, Map<String, Warning> warnings, int warningsRaised) {
      return new State(school, inspections, healthChecks, clusters, trainings, surroundings, hazards, incidents,
          evacuationMonths, risk, warnings, warningsRaised);
    }

    private static <T> List<T> append(List<T> list, T item) {
      var next = new ArrayList<>(list);
      next.add(item);
      return List.copyOf(next);
    }

    private static <T> Map<String, T> put(Map<String, T> map, String key, T value) {
      var next = new LinkedHashMap<>(map);
      next.put(key, value);
      return Map.copyOf(next);
    }
  }

  // --- wiring ---------------------------------------------------------------------------

  /** What the entity needs from configuration. */
  public record Settings(OutbreakRule outbreakRule, RiskModel riskModel, int retentionDays) {
    public static Settings fromConfig(com.typesafe.config.Config config) {
      return new Settings(OutbreakRule.fromConfig(config),
          new RiskModel(org.schoolsafety.hub.risk.RiskWeights.fromConfig(config)),
          config.getInt("hub.prevention.health-check-retention-days"));
    }
  }

  public static void init(ActorSystem<?> system, Settings settings, Clock clock) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_TYPE_KEY, ctx -> create(ctx.getEntityId(), settings, clock)));
  }

  public static Behavior<Command> create(String schoolId, Settings settings, Clock clock) {
    return new Prevention(schoolId, settings, clock);
  }

  private final String schoolId;
  private final Settings settings;
  private final Clock clock;

  private Prevention(String schoolId, Settings settings, Clock clock) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), schoolId), JournalFailures.restartWithBackoff());
    this.schoolId = schoolId;
    this.settings = settings;
    this.clock = clock;
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
    return event instanceof RiskAssessed || event instanceof WarningChanged || event instanceof TrainingRecorded
        ? Set.of(TAG) : Set.of();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(RecordInspection.class, this::onRecordInspection)
        .onCommand(RecordHealthCheck.class, this::onRecordHealthCheck)
        .onCommand(RecordTraining.class, this::onRecordTraining)
        .onCommand(DeclareSurrounding.class, this::onDeclareSurrounding)
        .onCommand(AcknowledgeWarning.class, this::onAcknowledgeWarning)
        .onCommand(LinkIncident.class, this::onLinkIncident)
        .onCommand(Assess.class, this::onAssess)
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), StatusReply.success(state)))
        .onCommand(TrackHazard.class, this::onTrackHazard)
        .onCommand(TrackIncident.class, this::onTrackIncident)
        .onCommand(NoteDrill.class, this::onNoteDrill)
        .build();
  }

  private ReplyEffect<Event, State> onRecordInspection(State state, RecordInspection cmd) {
    var known = state.inspection(cmd.inspection().inspectionId());
    if (known.isPresent()) {
      return known.get().equals(cmd.inspection()) ? Effect().reply(cmd.replyTo(), StatusReply.success(state))
          : conflict(cmd.replyTo(), "inspection '" + cmd.inspection().inspectionId() + "' is already recorded differently");
    }
    return record(state, cmd.school(), List.of(new InspectionRecorded(cmd.inspection(), now(), cmd.by())), cmd.by(),
        cmd.replyTo());
  }

  private ReplyEffect<Event, State> onRecordHealthCheck(State state, RecordHealthCheck cmd) {
    HealthCheck check = cmd.check();
    HealthCheck known = state.healthChecks().get(check.key());
    if (known != null) {
      return known.equals(check) ? Effect().reply(cmd.replyTo(), StatusReply.success(state))
          : conflict(cmd.replyTo(), "the " + check.session() + " check of class '" + check.classId() + "' on "
              + check.date() + " is already recorded with other figures");
    }
    var events = new ArrayList<Event>();
    events.add(new HealthCheckRecorded(check, now(), cmd.by()));
    State after = state.apply(events.get(0), settings.retentionDays());
    var clusters = new ArrayList<>(after.clusters());
    for (OutbreakCluster c : settings.outbreakRule().clustersAround(after.healthChecks().values(), check.classId(), check.date())) {
      if (OutbreakRule.known(clusters, c).isEmpty()) {
        events.add(new ClusterSuspected(c, now(), SYSTEM));
        clusters.add(c);
      }
    }
    return record(state, cmd.school(), events, cmd.by(), cmd.replyTo());
  }

  private ReplyEffect<Event, State> onRecordTraining(State state, RecordTraining cmd) {
    var known = state.training(cmd.training().trainingId());
    if (known.isPresent()) {
      return known.get().equals(cmd.training()) ? Effect().reply(cmd.replyTo(), StatusReply.success(state))
          : conflict(cmd.replyTo(), "training '" + cmd.training().trainingId() + "' is already recorded differently");
    }
    return record(state, cmd.school(), List.of(new TrainingRecorded(cmd.training(), now(), cmd.by(), cmd.school())),
        cmd.by(),
        cmd.replyTo());
  }

  /** A surrounding declared again under its id replaces the earlier declaration (a site moved, a road was built). */
  private ReplyEffect<Event, State> onDeclareSurrounding(State state, DeclareSurrounding cmd) {
    if (cmd.surrounding().equals(state.surroundings().get(cmd.surrounding().surroundingId()))) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state));
    }
    return record(state, cmd.school(), List.of(new SurroundingDeclared(cmd.surrounding(), now(), cmd.by())), cmd.by(),
        cmd.replyTo());
  }

  private ReplyEffect<Event, State> onAcknowledgeWarning(State state, AcknowledgeWarning cmd) {
    Warning warning = state.warnings().get(cmd.warningId());
    if (warning == null) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(
          new Rejection.NotFound("no warning with id '" + cmd.warningId() + "'")));
    }
    if (!warning.state().equals("RAISED")) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(warning));
    }
    var changed = new WarningChanged(warning.acknowledged(now(), cmd.by()));
    return Effect().persist(changed).thenReply(cmd.replyTo(), s -> StatusReply.success(s.warnings().get(cmd.warningId())));
  }

  private ReplyEffect<Event, State> onLinkIncident(State state, LinkIncident cmd) {
    Warning warning = state.warnings().get(cmd.warningId());
    if (warning == null) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(
          new Rejection.NotFound("no warning with id '" + cmd.warningId() + "'")));
    }
    if (!warning.cause().equals("HEALTH_CLUSTER")) {
      return conflict(cmd.replyTo(), "warning '" + cmd.warningId() + "' is about " + warning.cause()
          + ": only a HEALTH_CLUSTER warning becomes an incident");
    }
    if (cmd.incidentId().equals(warning.incidentId())) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(warning));
    }
    if (warning.incidentId() != null) {
      return conflict(cmd.replyTo(), "warning '" + cmd.warningId() + "' is already incident " + warning.incidentId());
    }
    return Effect().persist(new WarningChanged(warning.linked(cmd.incidentId())))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(s.warnings().get(cmd.warningId())));
  }

  private ReplyEffect<Event, State> onAssess(State state, Assess cmd) {
    State s = cmd.school() != null && !cmd.school().equals(state.school())
        ? state.apply(new SchoolNoted(cmd.school()), settings.retentionDays()) : state;
    return Effect().reply(cmd.replyTo(), StatusReply.success(settings.riskModel().score(s.riskInputs(now()), now())));
  }

  private ReplyEffect<Event, State> onTrackHazard(State state, TrackHazard cmd) {
    if (cmd.notice().equals(state.hazards().get(cmd.notice().hazardId()))) {
      return Effect().reply(cmd.replyTo(), Done.getInstance());
    }
    return track(state, new HazardNoted(cmd.notice()), cmd.replyTo());
  }

  private ReplyEffect<Event, State> onTrackIncident(State state, TrackIncident cmd) {
    if (cmd.notice().equals(state.incidents().get(cmd.notice().incidentId()))) {
      return Effect().reply(cmd.replyTo(), Done.getInstance());
    }
    return track(state, new IncidentNoted(cmd.notice()), cmd.replyTo());
  }

  private ReplyEffect<Event, State> onNoteDrill(State state, NoteDrill cmd) {
    if (cmd.drill().type() != DrillType.EVACUATION
        || state.evacuationMonths().contains(cmd.drill().date().toString().substring(0, 7))) {
      return Effect().reply(cmd.replyTo(), Done.getInstance());
    }
    return track(state, new DrillNoted(cmd.drill()), cmd.replyTo());
  }

  // --- decisions: score and warnings follow every change of their inputs ----------------

  private ReplyEffect<Event, State> record(State state, SchoolInfo school, List<Event> primary, String by,
      ActorRef<StatusReply<State>> replyTo) {
    var events = new ArrayList<Event>();
    if (school != null && !school.equals(state.school())) {
      events.add(new SchoolNoted(school));
    }
    events.addAll(primary);
    events.addAll(consequences(fold(state, events)));
    return Effect().persist(events).thenReply(replyTo, StatusReply::success);
  }

  private ReplyEffect<Event, State> track(State state, Event event, ActorRef<Done> replyTo) {
    var events = new ArrayList<Event>(List.of(event));
    events.addAll(consequences(fold(state, events)));
    return Effect().persist(events).thenReply(replyTo, s -> Done.getInstance());
  }

  private State fold(State state, List<Event> events) {
    State s = state;
    for (Event e : events) {
      s = s.apply(e, settings.retentionDays());
    }
    return s;
  }

  /** The new score, if it changed, and the warnings raised or cleared by the new state. */
  List<Event> consequences(State s) {
    var events = new ArrayList<Event>();
    if (s.school() == null) {
      return events; // nothing to rank or warn about before the school is known
    }
    Instant now = now();
    RiskScore score = settings.riskModel().score(s.riskInputs(now), now);
    RiskLevel before = s.risk() == null ? RiskLevel.BLUE : s.risk().level();
    if (!score.sameAs(s.risk())) {
      events.add(new RiskAssessed(schoolId, s.school().name(), s.school().region().value(), score));
    }
    int seq = s.warningsRaised();
    var active = s.warnings().values().stream().filter(Warning::isActive).toList();
    // level
    boolean high = score.level().compareTo(RiskLevel.ORANGE) >= 0;
    for (Warning w : active) {
      if (w.cause().equals("RISK_LEVEL") && (!high || RiskLevel.valueOf(w.causeId()).compareTo(score.level()) < 0)) {
        events.add(new WarningChanged(w.cleared(now, high ? "level rose to " + score.level()
            : "level fell to " + score.level())));
      }
    }
    if (high && score.level().compareTo(before) > 0) {
      events.add(raise(s, ++seq, "RISK_LEVEL", score.level().name(), score.level().name(),
          "risk level rose to " + score.level() + " (overall " + score.overall() + ")", "EDUCATION", now));
    }
    // hazards
    for (HazardNotice h : s.hazards().values()) {
      boolean hasMajor = has(s, "MAJOR_HAZARD", h.hazardId());
      boolean hasOverdue = has(s, "OVERDUE_HAZARD", h.hazardId());
      if (h.severity() == Severity.MAJOR && h.isOpen() && !hasMajor) {
        events.add(raise(s, ++seq, "MAJOR_HAZARD", h.hazardId(), "ORANGE",
            "major " + h.category() + " hazard recorded", "EDUCATION", now));
      }
      if (h.status() == HazardStatus.OVERDUE && !hasOverdue) {
        events.add(raise(s, ++seq, "OVERDUE_HAZARD", h.hazardId(), "ORANGE",
            h.severity() + " " + h.category() + " hazard not rectified by " + h.deadline(), "EDUCATION", now));
      }
      for (Warning w : active) {
        if (w.causeId().equals(h.hazardId())
            && ((w.cause().equals("OVERDUE_HAZARD") && !h.status().awaitsWork()) || !h.isOpen())) {
          events.add(new WarningChanged(w.cleared(now, "hazard " + h.status())));
        }
      }
    }
    // clusters
    for (OutbreakCluster c : s.clusters()) {
      if (!has(s, "HEALTH_CLUSTER", c.clusterId())) {
        events.add(raise(s, ++seq, "HEALTH_CLUSTER", c.clusterId(), "ORANGE",
            c.cases() + " students with " + c.symptom() + " in class " + c.classId() + " (" + c.from() + " to "
                + c.to() + "): suspected outbreak, report within 24 hours", "HEALTH,EDUCATION", now));
      }
    }
    for (Warning w : active) {
      if (w.cause().equals("HEALTH_CLUSTER")) {
        s.clusters().stream().filter(c -> c.clusterId().equals(w.causeId())).findFirst()
            .filter(c -> calmSince(s, c))
            .ifPresent(c -> events.add(new WarningChanged(w.cleared(now, "no new " + c.symptom() + " cases in class "
                + c.classId() + " for three days"))));
      }
    }
    return events;
  }

  /**
   * The class's last three days of checks after the cluster show the symptom no more. Only the
   * latest days count: an outbreak that tailed off with a few cases and then went quiet is over,
   * although the days right after the cluster still had cases.
   */
  private static boolean calmSince(State s, OutbreakCluster c) {
    var later = s.healthChecks().values().stream()
        .filter(h -> h.classId().equals(c.classId()) && h.date().isAfter(c.to()))
        .toList();
    var lastDays = later.stream().map(HealthCheck::date).distinct()
        .sorted(Comparator.reverseOrder()).limit(3).toList();
    return lastDays.size() == 3 && later.stream()
        .filter(h -> lastDays.contains(h.date()))
        .allMatch(h -> h.count(c.symptom()) == 0);
  }

  private static boolean has(State s, String cause, String causeId) {
    return s.warnings().values().stream().anyMatch(w -> w.cause().equals(cause) && w.causeId().equals(causeId));
  }

  private Event raise(State s, int seq, String cause, String causeId, String level, String summary, String audience,
      Instant now) {
    return new WarningChanged(new Warning("wr-" + seq + "-" + schoolId, schoolId, s.school().name(),
        s.school().region().value(), cause, causeId, level, summary, audience, "RAISED", now, null, null, null, null,
        null));
  }

  private <R> ReplyEffect<Event, State> conflict(ActorRef<StatusReply<R>> replyTo, String message) {
    return Effect().reply(replyTo, StatusReply.error(new Rejection.Conflict(message)));
  }

  private Instant now() {
    return clock.instant();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent((state, event) -> state.apply(event, settings.retentionDays()));
  }
}
