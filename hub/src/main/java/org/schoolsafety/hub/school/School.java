package org.schoolsafety.hub.school;

import com.typesafe.config.ConfigFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
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
import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.Entities;
import org.schoolsafety.hub.JournalFailures;
import org.schoolsafety.hub.Registrations;
import org.schoolsafety.hub.Rejection;
import org.schoolsafety.hub.agency.DeviceNotice;
import org.schoolsafety.hub.device.Batch;
import org.schoolsafety.hub.device.Device;
import org.schoolsafety.hub.device.DeviceIncident;
import org.schoolsafety.hub.device.DeviceRecord;
import org.schoolsafety.hub.device.DeviceState;
import org.schoolsafety.hub.device.Fleet;
import org.schoolsafety.hub.device.Ingested;
import org.schoolsafety.hub.device.Reading;
import org.schoolsafety.hub.device.RuleEngine;
import org.schoolsafety.hub.device.SensorKind;
import org.schoolsafety.hub.device.SensorSettings;
import org.schoolsafety.hub.device.Sighting;
import org.schoolsafety.hub.incident.Casualties;
import org.schoolsafety.hub.incident.DeviceAlarm;
import org.schoolsafety.hub.incident.Evidence;
import org.schoolsafety.hub.incident.IncidentReport;
import org.schoolsafety.hub.incident.IncidentType;
import org.schoolsafety.hub.incident.Level;
import org.schoolsafety.hub.incident.NewIncident;
import org.schoolsafety.hub.incident.ReportKind;
import org.schoolsafety.hub.incident.Reporter;
import org.schoolsafety.hub.incident.SchoolRef;
import org.schoolsafety.hub.incident.Status;

/**
 * A school: its profile, its response posture, the incidents it has open, and its devices.
 *
 * <p>Devices belong to their school, so the school is the single writer that decides whether an
 * alarm opens an incident or attaches to the one already open for its danger (docs/SENSORS.md).
 * Readings below every threshold are not journaled: the rule engine's memory of each device
 * and the exact last-reading times live in this actor, and only state changes are persisted
 * (a device registered, seen unregistered, gone offline or back, an alarm's incident opened or
 * evidence attached, a device-raised incident ended, and last-reading times at most once per
 * {@code seen-persist-interval}). The offline check is a timer armed for the earliest moment a
 * device of this school could be overdue. Schools are remembered by sharding, so those timers
 * run again after a restart; a school without devices passivates when idle.
 */
public final class School
    extends EventSourcedBehaviorWithEnforcedReplies<School.Command, School.Event, School.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "School");

  private static final String CHECK_DEVICES = "check-devices";
  private static final String PASSIVATE = "passivate";

  // --- commands -------------------------------------------------------------------------

  public sealed interface Command extends CborSerializable {}

  /** Register the school; repeating it with the same profile is a no-op. */
  public record Register(SchoolProfile profile, String by, ActorRef<StatusReply<State>> replyTo)
      implements Command {}

  public record Get(ActorRef<StatusReply<State>> replyTo) implements Command {}

  /** Record a drill the school held; repeating the same drill id with the same record is a no-op. */
  public record RecordDrill(DrillRecord drill, String by, ActorRef<StatusReply<State>> replyTo)
      implements Command {}

  /** Sent by an incident whenever its summary changes; idempotent. */
  public record TrackIncident(IncidentNotice notice, ActorRef<Done> replyTo) implements Command {}

  /**
   * Sent by a directive: take its posture, or ({@code NORMAL}) drop it once the directive is
   * lifted; idempotent. The school's posture is that of its most recent directive in force.
   */
  public record DirectPosture(String directiveId, Posture posture, ActorRef<Done> replyTo) implements Command {}

  /** Register a device; the same device again is a no-op, a different one under its id a conflict. */
  public record RegisterDevice(Device device, String by, ActorRef<StatusReply<DeviceRecord>> replyTo)
      implements Command {}

  /** The school's devices, registered ones first, with their exact last-reading times. */
  public record GetDevices(ActorRef<StatusReply<Devices>> replyTo) implements Command {}

  public record Devices(SchoolProfile profile, List<DeviceRecord> devices) implements CborSerializable {}

  /** Readings of one gateway; answered once whatever they changed is durable. */
  public record Ingest(Batch batch, String by, ActorRef<StatusReply<Ingested>> replyTo) implements Command {}

  /** The offline timer fired (and last-reading times may be due for writing). */
  enum CheckDevices implements Command {
    INSTANCE
  }

  /** The answer to something the {@link DeviceDesk} sent. */
  record DeskSettled(String key, Object value, boolean ok) implements Command {}

  /** The school's journal position (the last sequence number), where a guardian's stream starts. */
  public record GetPosition(ActorRef<Long> replyTo) implements Command {}

  enum RedeliverDevices implements Command {
    INSTANCE
  }

  enum Passivate implements Command {
    INSTANCE
  }

  // --- events ---------------------------------------------------------------------------

  public sealed interface Event extends CborSerializable {}

  public record Registered(SchoolProfile profile, Instant at, String by) implements Event {}

  public record IncidentTracked(IncidentNotice notice) implements Event {}

  public record DrillRecorded(DrillRecord drill, java.time.Instant at, String by) implements Event {}

  /**
   * A directive set ({@code posture}) or, with {@code NORMAL}, released its posture;
   * {@code schoolPosture} is the school's posture after it (for the read side).
   */
  public record PostureDirected(String directiveId, Posture posture, Posture schoolPosture, Instant at)
      implements Event {}

  /** What changes the school's devices; only registrations and state changes reach the read side (DEVICE_TAG). */
  public sealed interface DeviceEvent extends Event {}

  /**
   * {@code regionCode}: the school's, so that the read side files the device by province from the
   * event alone; null in events written before it was recorded.
   */
  public record DeviceRegistered(Device device, Instant at, String by, String regionCode) implements DeviceEvent {}

  /** Devices that are not registered sent their first readings. */
  public record DevicesSighted(List<Sighting> sightings) implements DeviceEvent {}

  /** Devices went OFFLINE, came back ACTIVE or turned FAULT; {@code regionCode} as in {@link DeviceRegistered}. */
  public record DeviceStatesChanged(Map<String, DeviceState> states, Instant at, String regionCode)
      implements DeviceEvent {}

  /** Last-reading times, written at most once per seen-persist-interval. */
  public record DevicesSeen(Map<String, Instant> lastSeen, Instant at) implements DeviceEvent {}

  /** Alarms opened a device-raised incident. {@code moved}: their evidence was refused by an incident that had ended. */
  public record DeviceIncidentOpened(DeviceIncident incident, boolean moved) implements DeviceEvent {}

  /** Alarms attached to the open incident of their danger. */
  public record EvidenceAttached(String incidentId, List<Evidence> evidence, boolean moved) implements DeviceEvent {}

  /**
   * A device-raised incident is no longer open (resolved, closed or cancelled): the next alarm
   * of its danger opens a new one. {@code falseAlarmDevices} each count a false alarm;
   * {@code flagged} passed the false-alarm bound with it.
   */
  public record DeviceIncidentEnded(
      String incidentId, Status status, List<String> falseAlarmDevices, List<String> flagged, Instant at)
      implements DeviceEvent {}

  /**
   * Published (cluster pub-sub, no journal write) once an event guardians are told about is
   * durable — an incident notice, a posture, a drill — at its journal position: the live edge of
   * guardians' streams, whose catch-up reads the same events from the journal.
   */
  public record Published(String schoolId, long seq, IncidentTracked tracked, PostureDirected directed,
      DrillRecorded drill) implements CborSerializable {

    // One field per kind rather than an Event field: the event interface carries no Jackson type
    // information (its events are journaled by class), so a field of that type could not cross nodes.
    static Published of(String schoolId, long seq, Event event) {
      return new Published(schoolId, seq, event instanceof IncidentTracked t ? t : null,
          event instanceof PostureDirected d ? d : null, event instanceof DrillRecorded r ? r : null);
    }

    /** The event published. */
    public Event event() {
      return tracked != null ? tracked : directed != null ? directed : drill;
    }
  }

  /** The pub-sub topic of a school's {@link Published} events. */
  public static String topic(String schoolId) {
    return "school-guardians:" + schoolId;
  }

  /** Whether guardians are told about this event. */
  public static boolean concernsGuardians(Event event) {
    return event instanceof IncidentTracked || event instanceof PostureDirected || event instanceof DrillRecorded;
  }

  // --- state ----------------------------------------------------------------------------

  /**
   * {@code profile} is null until the school is registered; {@code drills} oldest first;
   * {@code directed} the postures of the directives in force, oldest first (the last one rules).
   */
  public record State(
      SchoolProfile profile, Posture posture, Map<String, IncidentNotice> openIncidents,
      List<DrillRecord> drills, Fleet fleet, List<DirectedPosture> directed)
      implements CborSerializable {

    public State {
      drills = drills == null ? List.of() : drills;
      fleet = fleet == null ? Fleet.EMPTY : fleet;
      directed = directed == null ? List.of() : directed;
    }

    public State(SchoolProfile profile, Posture posture, Map<String, IncidentNotice> openIncidents,
        List<DrillRecord> drills) {
      this(profile, posture, openIncidents, drills, Fleet.EMPTY, List.of());
    }

    static State empty() {
      return new State(null, Posture.NORMAL, Map.of(), List.of(), Fleet.EMPTY, List.of());
    }

    /** The posture a directive holds the school in, if it does. */
    public Optional<Posture> directedBy(String directiveId) {
      return directed.stream().filter(d -> d.directiveId().equals(directiveId)).map(DirectedPosture::posture).findFirst();
    }

    State direct(String directiveId, Posture next) {
      var list = new ArrayList<>(directed);
      list.removeIf(d -> d.directiveId().equals(directiveId));
      if (next != Posture.NORMAL) {
        list.add(new DirectedPosture(directiveId, next));
      }
      Posture now = list.isEmpty() ? Posture.NORMAL : list.get(list.size() - 1).posture();
      return new State(profile, now, openIncidents, drills, fleet, List.copyOf(list));
    }

    public java.util.Optional<DrillRecord> drill(String drillId) {
      return drills.stream().filter(d -> d.drillId().equals(drillId)).findFirst();
    }

    /** Months ("2026-11") in which the school held an evacuation drill. */
    public java.util.Set<String> evacuationMonths() {
      return drills.stream().filter(d -> d.type() == DrillType.EVACUATION)
          .map(d -> d.date().toString().substring(0, 7))
          .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    }

    State withDrill(DrillRecord drill) {
      var next = new java.util.ArrayList<>(drills);
      next.add(drill);
      return new State(profile, posture, openIncidents, List.copyOf(next), fleet, directed);
    }

    State withFleet(Fleet next) {
      return new State(profile, posture, openIncidents, drills, next, directed);
    }

    public boolean isRegistered() {
      return profile != null;
    }

    /** Open incidents, oldest first. */
    public List<IncidentNotice> openIncidentList() {
      return openIncidents.values().stream()
          .sorted(
              java.util.Comparator.comparing(IncidentNotice::reportedAt)
                  .thenComparing(IncidentNotice::incidentId))
          .toList();
    }

    State track(IncidentNotice notice) {
      var next = new LinkedHashMap<>(openIncidents);
      if (notice.status().isTerminal()) {
        next.remove(notice.incidentId());
      } else {
        next.put(notice.incidentId(), notice);
      }
      return new State(profile, posture, Map.copyOf(next), drills, fleet, directed);
    }
  }

  // --- wiring ---------------------------------------------------------------------------

  /**
   * Schools are remembered (like open incidents): a school's device timers must run after a
   * restart even if none of its devices ever reports again.
   */
  public static void init(ActorSystem<?> system, Clock clock, Entities entities, SensorSettings settings) {
    init(system, clock, entities, settings, published -> {});
  }

  /** With {@code publish}: told of every {@link Published} event once it is durable (guardians' streams). */
  public static void init(ActorSystem<?> system, Clock clock, Entities entities, SensorSettings settings,
      java.util.function.Consumer<Published> publish) {
    ClusterSharding.get(system)
        .init(Entity.of(ENTITY_TYPE_KEY, ctx -> create(ctx.getEntityId(), clock, entities, settings, ctx.getShard(),
                publish))
            .withSettings(ClusterShardingSettings.create(system).withRememberEntities(true)));
  }

  /** A school that reaches no other entity (tests of the registry and drills). */
  public static Behavior<Command> create(String schoolId, Clock clock) {
    return create(schoolId, clock, null, SensorSettings.fromConfig(ConfigFactory.load()), null);
  }

  /** {@code shard} may be null outside sharding (tests): then the school never passivates. */
  public static Behavior<Command> create(
      String schoolId, Clock clock, Entities entities, SensorSettings settings,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    return create(schoolId, clock, entities, settings, shard, published -> {});
  }

  public static Behavior<Command> create(
      String schoolId, Clock clock, Entities entities, SensorSettings settings,
      ActorRef<ClusterSharding.ShardCommand> shard, java.util.function.Consumer<Published> publish) {
    return Behaviors.setup(context -> Behaviors.withTimers(
        timers -> new School(schoolId, clock, entities, settings, shard, context, timers, publish)));
  }

  private final String schoolId;
  private final Clock clock;
  private final SensorSettings settings;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final DeviceDesk desk;
  private final java.util.function.Consumer<Published> publish;

  // In memory only (see the class comment): what the rule engine remembers per device channel,
  // the exact last-reading time per device, and which of those are newer than the journal's.
  private Map<String, RuleEngine.Watch> watches = Map.of();
  private final Map<String, Instant> lastSeen = new HashMap<>();
  private final Map<String, Instant> unwritten = new HashMap<>();
  /** After a restart: the latest a device may have been seen in the lost memory (for the offline check only). */
  private final Map<String, Instant> assumedSeen = new HashMap<>();
  private Instant armedFor;

  private School(String schoolId, Clock clock, Entities entities, SensorSettings settings,
      ActorRef<ClusterSharding.ShardCommand> shard, ActorContext<Command> context, TimerScheduler<Command> timers,
      java.util.function.Consumer<Published> publish) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), schoolId), JournalFailures.restartWithBackoff());
    this.publish = publish;
    this.schoolId = schoolId;
    this.clock = clock;
    this.settings = settings;
    this.shard = shard;
    this.context = context;
    this.timers = timers;
    this.desk = new DeviceDesk(schoolId, context, timers, entities, settings);
  }

  @Override
  public State emptyState() {
    return State.empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  /** For the read side: the registry of schools by region (a projection). */
  public static final String TAG = "school";
  /** Device registrations and state changes, for the read side's device states (DeviceStateWriter). */
  public static final String DEVICE_TAG = "device-state";

  @Override
  public java.util.Set<String> tagsFor(Event event) {
    // Only what the school registry projection reads: a school's open incidents reach the read
    // side from the incidents' own events, so the notices need no tag (each tag costs writes).
    // Of the device events only registrations and state changes (rare: a device going OFFLINE,
    // coming back, turning FAULT) are tagged, for the device states the priorities read (issue
    // 18); readings, sightings and last-seen times are not.
    if (event instanceof DeviceRegistered || event instanceof DeviceStatesChanged) {
      return java.util.Set.of(DEVICE_TAG);
    }
    return event instanceof IncidentTracked || event instanceof DeviceEvent ? java.util.Set.of() : java.util.Set.of(TAG);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Register.class, this::onRegister)
        .onCommand(Get.class, this::onGet)
        .onCommand(GetPosition.class, (state, cmd) -> Effect().reply(cmd.replyTo(), lastSequenceNumber(context)))
        .onCommand(TrackIncident.class, this::onTrackIncident)
        .onCommand(RecordDrill.class, this::onRecordDrill)
        .onCommand(DirectPosture.class, this::onDirectPosture)
        .onCommand(RegisterDevice.class, this::onRegisterDevice)
        .onCommand(Ingest.class, this::onIngest)
        .onCommand(GetDevices.class, this::onGetDevices)
        .onCommand(CheckDevices.class, this::onCheckDevices)
        .onCommand(DeskSettled.class, this::onDeskSettled)
        .onCommand(RedeliverDevices.class, (state, cmd) -> {
          desk.flush();
          return Effect().noReply();
        })
        .onCommand(Passivate.class, this::onPassivate)
        .build();
  }

  private ReplyEffect<Event, State> onRegister(State state, Register cmd) {
    if (!cmd.profile().schoolId().equals(schoolId)) {
      throw new IllegalArgumentException("profile of " + cmd.profile().schoolId() + " sent to " + schoolId);
    }
    return Registrations.register(Effect(), state, state.profile(), cmd.profile(),
        new Registered(cmd.profile(), clock.instant(), cmd.by()), "school '" + schoolId + "'", cmd.replyTo());
  }

  private ReplyEffect<Event, State> onGet(State state, Get cmd) {
    schedulePassivation(state);
    return Registrations.get(Effect(), state, state.isRegistered(), "school with id '" + schoolId + "'", cmd.replyTo());
  }

  private ReplyEffect<Event, State> onRecordDrill(State state, RecordDrill cmd) {
    if (!state.isRegistered()) {
      return Effect().reply(cmd.replyTo(),
          StatusReply.error(new Rejection.NotFound("no school with id '" + schoolId + "'")));
    }
    var known = state.drill(cmd.drill().drillId());
    if (known.isPresent()) {
      return known.get().equals(cmd.drill())
          ? Effect().reply(cmd.replyTo(), StatusReply.success(state))
          : Effect().reply(cmd.replyTo(), StatusReply.error(new Rejection.Conflict(
              "drill '" + cmd.drill().drillId() + "' is already recorded for school '" + schoolId + "' differently")));
    }
    var recorded = new DrillRecorded(cmd.drill(), clock.instant(), cmd.by());
    return Effect()
        .persist(recorded)
        .thenRun(after -> published(List.of(recorded)))
        .thenReply(cmd.replyTo(), StatusReply::success);
  }

  private ReplyEffect<Event, State> onTrackIncident(State state, TrackIncident cmd) {
    IncidentNotice notice = cmd.notice();
    IncidentNotice known = state.openIncidents().get(notice.incidentId());
    boolean unchanged = notice.equals(known) || (known == null && notice.status().isTerminal());
    var events = new ArrayList<Event>();
    if (!unchanged) {
      events.add(new IncidentTracked(notice));
    }
    Optional<DeviceIncident> device = state.fleet().openById(notice.incidentId());
    if (device.isPresent() && !notice.status().isActive()) {
      events.add(ended(state, notice.incidentId(), notice.status(), notice.falseAlarmDevices()));
    }
    lockdown(state, notice).ifPresent(events::add);
    if (events.isEmpty()) {
      return Effect().reply(cmd.replyTo(), Done.getInstance());
    }
    return Effect()
        .persist(events)
        .thenRun(after -> {
          published(events);
          afterDeviceEvents(state, after, events);
        })
        .thenReply(cmd.replyTo(), s -> Done.getInstance());
  }

  /** Publishes the guardian-relevant ones of {@code events}, just persisted, at their journal positions. */
  private void published(List<? extends Event> events) {
    long first = lastSequenceNumber(context) - events.size() + 1;
    for (int i = 0; i < events.size(); i++) {
      if (concernsGuardians(events.get(i))) {
        publish.accept(Published.of(schoolId, first + i, events.get(i)));
      }
    }
  }

  // --- devices: registry ------------------------------------------------------------------

  private ReplyEffect<Event, State> onRegisterDevice(State state, RegisterDevice cmd) {
    if (!state.isRegistered()) {
      return Effect().reply(cmd.replyTo(),
          StatusReply.error(new Rejection.NotFound("no school with id '" + schoolId + "'")));
    }
    Device device = cmd.device();
    Optional<DeviceRecord> known = state.fleet().device(device.deviceId());
    if (known.isPresent() && known.get().registered()) {
      return known.get().device().equals(device)
          ? Effect().reply(cmd.replyTo(), StatusReply.success(known.get()))
          : Effect().reply(cmd.replyTo(), StatusReply.error(new Rejection.Conflict(
              "device '" + device.deviceId() + "' is already registered at school '" + schoolId + "' differently")));
    }
    if (known.isEmpty() && state.fleet().devices().size() >= settings.maxDevices()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(new Rejection.Conflict(
          "school '" + schoolId + "' has " + settings.maxDevices() + " devices, the most one school may have")));
    }
    var event = new DeviceRegistered(device, clock.instant(), cmd.by(), state.profile().region().value());
    return Effect()
        .persist(event)
        .thenRun(after -> afterDeviceEvents(state, after, List.of(event)))
        .thenReply(cmd.replyTo(), after -> StatusReply.success(after.fleet().devices().get(device.deviceId())));
  }

  private ReplyEffect<Event, State> onGetDevices(State state, GetDevices cmd) {
    if (!state.isRegistered()) {
      return Effect().reply(cmd.replyTo(),
          StatusReply.error(new Rejection.NotFound("no school with id '" + schoolId + "'")));
    }
    List<DeviceRecord> devices = state.fleet().list().stream()
        .map(d -> lastSeen.containsKey(d.deviceId()) ? d.seen(lastSeen.get(d.deviceId())) : d)
        .toList();
    return Effect().reply(cmd.replyTo(), StatusReply.success(new Devices(state.profile(), devices)));
  }

  // --- devices: readings ------------------------------------------------------------------

  private ReplyEffect<Event, State> onIngest(State state, Ingest cmd) {
    if (!state.isRegistered()) {
      return Effect().reply(cmd.replyTo(),
          StatusReply.error(new Rejection.NotFound("no school with id '" + schoolId + "'")));
    }
    Instant now = clock.instant();
    Batch batch = cmd.batch();
    Fleet fleet = state.fleet();
    List<Reading> readings = batch.readings().stream().sorted(java.util.Comparator.comparing(Reading::at)).toList();
    var events = new ArrayList<Event>();

    // Devices the registry does not know: remembered once, listed as unregistered.
    var sightings = new LinkedHashMap<String, Sighting>();
    var unregistered = new LinkedHashSet<String>();
    for (Reading r : readings) {
      DeviceRecord d = fleet.devices().get(r.sensorId());
      if (d == null || !d.registered()) {
        unregistered.add(r.sensorId());
      }
      if (d == null && !sightings.containsKey(r.sensorId())
          && fleet.devices().size() + sightings.size() < settings.maxDevices()) {
        sightings.put(r.sensorId(), new Sighting(r.sensorId(), r.kind(), batch.gatewayId(), r.at()));
      }
    }
    if (!sightings.isEmpty()) {
      events.add(new DevicesSighted(List.copyOf(sightings.values())));
    }

    // Device states: back from OFFLINE, FAULT when a device reports a kind it is not, ACTIVE again
    // when it reports its own kind.
    var states = new LinkedHashMap<String, DeviceState>();
    for (Reading r : readings) {
      DeviceRecord d = fleet.devices().get(r.sensorId());
      if (d == null || !d.registered()) {
        continue;
      }
      DeviceState current = states.getOrDefault(d.deviceId(), d.state());
      DeviceState next = current;
      if (r.kind() != SensorKind.HEARTBEAT && r.kind() != d.kind()) {
        next = DeviceState.FAULT;
      } else if (current == DeviceState.OFFLINE || (current == DeviceState.FAULT && r.kind() == d.kind())) {
        next = DeviceState.ACTIVE;
      }
      states.put(d.deviceId(), next);
    }
    states.entrySet().removeIf(e -> fleet.devices().get(e.getKey()).state() == e.getValue());
    if (!states.isEmpty()) {
      events.add(new DeviceStatesChanged(Map.copyOf(states), now, state.profile().region().value()));
    }

    // The rules, on what this school remembers of its devices.
    RuleEngine.Outcome outcome = RuleEngine.evaluate(watches, readings, fleet::placeOf, settings.rules());
    var touched = new ArrayList<Ingested.Touched>();
    events.addAll(incidentEvents(fleet, batch, cmd.by(), outcome.alarms(), now, touched));

    // Last-reading times: in memory, written at most once per interval.
    for (Reading r : readings) {
      if (fleet.devices().containsKey(r.sensorId()) || sightings.containsKey(r.sensorId())) {
        lastSeen.merge(r.sensorId(), r.at(), (a, b) -> a.isAfter(b) ? a : b);
        unwritten.merge(r.sensorId(), r.at(), (a, b) -> a.isAfter(b) ? a : b);
      }
    }
    seenEvent(fleet, now).ifPresent(events::add);
    watches = outcome.watches();

    var result = new Ingested(readings.size(), outcome.alarms().size(), List.copyOf(touched), List.copyOf(unregistered));
    if (events.isEmpty()) {
      rearm(state);
      return Effect().reply(cmd.replyTo(), StatusReply.success(result));
    }
    return Effect()
        .persist(events)
        .thenRun(after -> afterDeviceEvents(state, after, events))
        .thenReply(cmd.replyTo(), after -> StatusReply.success(result));
  }

  /**
   * Per incident type of this batch's alarms: attach them to the school's open incident of that
   * type, or open one. Decided here, in the command path: the new incident's id and grace.
   */
  private List<Event> incidentEvents(Fleet fleet, Batch batch, String by, List<RuleEngine.Alarm> alarms, Instant now,
      List<Ingested.Touched> touched) {
    var byType = new LinkedHashMap<IncidentType, List<RuleEngine.Alarm>>();
    for (RuleEngine.Alarm a : alarms) {
      byType.computeIfAbsent(a.rule().type(), t -> new ArrayList<>()).add(a);
    }
    var events = new ArrayList<Event>();
    byType.forEach((type, group) -> {
      List<Evidence> evidence = group.stream().map(School::evidenceOf).toList();
      Optional<DeviceIncident> open = fleet.openFor(type, batch.mode());
      if (open.isPresent()) {
        List<Evidence> fresh = evidence.stream()
            .filter(e -> open.get().evidence().stream().noneMatch(e::sameAs)).toList();
        if (!fresh.isEmpty()) {
          events.add(new EvidenceAttached(open.get().incidentId(), fresh, false));
        }
        touched.add(new Ingested.Touched(open.get().incidentId(), type, false, fresh.size()));
      } else {
        DeviceIncident opened = new DeviceIncident("inc-" + UUID.randomUUID(), type, batch.mode(), levelOf(group),
            batch.gatewayId(), batch.drillId(), by, now, now.plus(settings.falseAlarmGrace()), evidence);
        events.add(new DeviceIncidentOpened(opened, false));
        touched.add(new Ingested.Touched(opened.incidentId(), type, true, evidence.size()));
      }
    });
    return events;
  }

  /** The most severe graded level of the alarms' rules; UNGRADED if none is graded. */
  private static Level levelOf(List<RuleEngine.Alarm> alarms) {
    return alarms.stream().map(a -> a.rule().level()).filter(l -> l != Level.UNGRADED)
        .min(java.util.Comparator.naturalOrder()).orElse(Level.UNGRADED);
  }

  static Evidence evidenceOf(RuleEngine.Alarm a) {
    Reading r = a.reading();
    boolean camera = r.kind() == SensorKind.CAMERA;
    return new Evidence(a.deviceId(), a.rule().key(), camera ? r.confidence() : r.value(), r.kind().unit(),
        camera && r.label() != null ? r.label().name() : null, a.place().describe(), a.place().building(), r.at());
  }

  /** Last-reading times newer than the journal's, if the interval since the last write has passed. */
  private Optional<Event> seenEvent(Fleet fleet, Instant now) {
    if (unwritten.isEmpty()
        || (fleet.seenWrittenAt() != null && now.isBefore(fleet.seenWrittenAt().plus(settings.seenPersistInterval())))) {
      return Optional.empty();
    }
    return Optional.of(new DevicesSeen(Map.copyOf(unwritten), now));
  }

  // --- devices: offline -------------------------------------------------------------------

  private ReplyEffect<Event, State> onCheckDevices(State state, CheckDevices cmd) {
    armedFor = null;
    Instant now = clock.instant();
    var offline = new LinkedHashMap<String, DeviceState>();
    for (DeviceRecord d : state.fleet().devices().values()) {
      if (d.registered() && d.state() != DeviceState.OFFLINE && !dueAt(d).isAfter(now)) {
        offline.put(d.deviceId(), DeviceState.OFFLINE);
      }
    }
    var events = new ArrayList<Event>();
    if (!offline.isEmpty()) {
      events.add(new DeviceStatesChanged(Map.copyOf(offline), now, state.profile().region().value()));
    }
    seenEvent(state.fleet(), now).ifPresent(events::add);
    if (events.isEmpty()) {
      rearm(state);
      return Effect().noReply();
    }
    return Effect().persist(events).thenRun(after -> afterDeviceEvents(state, after, events)).thenNoReply();
  }

  /** When a device becomes overdue: its kind's interval after its last reading (or registration). */
  private Instant dueAt(DeviceRecord d) {
    return lastSeenOf(d).plus(settings.offlineAfter(d.kind()));
  }

  private Instant lastSeenOf(DeviceRecord d) {
    Instant known = lastSeen.get(d.deviceId());
    Instant last = d.lastSeen();
    for (Instant t : new Instant[] {known, assumedSeen.get(d.deviceId()), d.registeredAt(), d.stateSince()}) {
      if (t != null && (last == null || t.isAfter(last))) {
        last = t;
      }
    }
    return last == null ? clock.instant() : last;
  }

  /** Arms the offline timer for the earliest due time of a device that can still go offline. */
  private void rearm(State state) {
    Instant next = null;
    for (DeviceRecord d : state.fleet().devices().values()) {
      if (d.registered() && d.state() != DeviceState.OFFLINE) {
        Instant due = dueAt(d);
        next = next == null || due.isBefore(next) ? due : next;
      }
    }
    if (!unwritten.isEmpty()) {
      Instant seenDue = state.fleet().seenWrittenAt() == null ? clock.instant()
          : state.fleet().seenWrittenAt().plus(settings.seenPersistInterval());
      next = next == null || seenDue.isBefore(next) ? seenDue : next;
    }
    if (next == null) {
      timers.cancel(CHECK_DEVICES);
      armedFor = null;
    } else if (!next.equals(armedFor)) {
      Duration delay = Duration.between(clock.instant(), next);
      timers.startSingleTimer(CHECK_DEVICES, CheckDevices.INSTANCE, delay.isNegative() ? Duration.ZERO : delay);
      armedFor = next;
    }
    schedulePassivation(state);
  }

  // --- devices: what follows a change -------------------------------------------------------

  /** Sends what the events call for (incident reports, evidence, flags, notices) and re-arms the timer. */
  private void afterDeviceEvents(State before, State after, List<Event> events) {
    for (Event e : events) {
      if (e instanceof DeviceIncidentOpened o) {
        desk.report(o.incident(), newIncident(after, o.incident()));
        if (o.incident().evidence().size() > 1) {
          desk.evidence(o.incident(), o.incident().evidence());
        }
      } else if (e instanceof EvidenceAttached a) {
        after.fleet().openById(a.incidentId()).ifPresent(i -> desk.evidence(i, a.evidence()));
      } else if (e instanceof DeviceIncidentEnded x) {
        desk.forget(x.incidentId());
        if (!x.flagged().isEmpty()) {
          desk.flag(x.incidentId(), x.flagged(), flagDetail(after.fleet(), x.flagged()));
        }
      } else if (e instanceof DeviceStatesChanged c) {
        c.states().forEach((id, st) -> {
          DeviceRecord was = before.fleet().devices().get(id);
          DeviceRecord now = after.fleet().devices().get(id);
          if (st == DeviceState.OFFLINE) {
            watches = RuleEngine.without(watches, id);
            desk.notice(after.profile().region(), noticeOf(after, now, c.at()));
          } else if (was != null && was.state() == DeviceState.OFFLINE) {
            desk.notice(after.profile().region(), noticeOf(after, now, c.at()));
          }
        });
      } else if (e instanceof DevicesSeen s) {
        s.lastSeen().forEach((id, at) -> unwritten.remove(id, at));
      }
    }
    rearm(after);
  }

  private DeviceNotice noticeOf(State state, DeviceRecord d, Instant at) {
    SchoolProfile p = state.profile();
    return new DeviceNotice(schoolId, p.name(), p.region().value(), d.deviceId(), d.kind().name(),
        d.place().describe(), d.state().name(), d.stateSince() == null ? at : d.stateSince(), lastSeenOf(d));
  }

  private static String flagDetail(Fleet fleet, List<String> flagged) {
    var parts = new ArrayList<String>();
    for (String id : flagged) {
      DeviceRecord d = fleet.devices().get(id);
      parts.add(id + " (" + d.place().describe() + "): " + d.falseAlarms() + " false alarms of " + d.alarms()
          + " (" + Math.round(d.falseAlarmRate() * 100) + " %)");
    }
    return "flagged for false alarms: " + String.join("; ", parts);
  }

  /** The report a device-raised incident opens with; the same every time it is built from the event. */
  private NewIncident newIncident(State state, DeviceIncident di) {
    Evidence first = di.evidence().get(0);
    SchoolProfile p = state.profile();
    String summary = first.rule() + " alarm: " + first.describe()
        + (di.evidence().size() > 1 ? " (+" + (di.evidence().size() - 1) + " more)" : "");
    var initial = new IncidentReport(ReportKind.INITIAL, null, null, first.at(),
        summary.length() > 2000 ? summary.substring(0, 2000) : summary, Casualties.NONE, null, di.level(),
        new Reporter(di.gatewayId(), "sensor gateway", null), null, null);
    return new NewIncident(new SchoolRef(schoolId, p.name(), p.region()), di.type(), di.level(), di.mode(), initial,
        null, di.drillId(), null, new DeviceAlarm(di.gatewayId(), first, di.escalateNotBefore()));
  }

  /** The event that ends a device-raised incident, with the false alarms it counts and the flags it raises. */
  private DeviceIncidentEnded ended(State state, String incidentId, Status status, List<String> falseAlarmDevices) {
    List<String> counted = status == Status.CANCELLED && falseAlarmDevices != null
        ? falseAlarmDevices.stream().filter(state.fleet().devices()::containsKey).distinct().toList()
        : List.of();
    var flagged = new ArrayList<String>();
    for (String id : counted) {
      DeviceRecord d = state.fleet().devices().get(id);
      if (!d.flagged() && settings.flags(d.alarms(), d.falseAlarms() + 1)) {
        flagged.add(id);
      }
    }
    return new DeviceIncidentEnded(incidentId, status, counted, List.copyOf(flagged), clock.instant());
  }

  private ReplyEffect<Event, State> onDeskSettled(State state, DeskSettled cmd) {
    Optional<DeviceDesk.Refusal> refusal = desk.settled(cmd.key(), cmd.value(), cmd.ok());
    if (refusal.isEmpty()) {
      schedulePassivation(state);
      return Effect().noReply();
    }
    // The incident ended before the school heard of it: end it here, and give the evidence its
    // own incident (or the one open for its danger now): an alarm is never dropped.
    DeviceDesk.Refusal r = refusal.get();
    var events = new ArrayList<Event>();
    Fleet fleet = state.fleet();
    if (fleet.openById(r.incident().incidentId()).isPresent()) {
      DeviceIncidentEnded end = ended(state, r.incident().incidentId(), r.reply().status(), r.reply().falseAlarmDevices());
      events.add(end);
      fleet = fleet.ended(end.incidentId(), end.falseAlarmDevices(), end.flagged());
    }
    Optional<DeviceIncident> open = fleet.openFor(r.incident().type(), r.incident().mode());
    if (open.isPresent()) {
      events.add(new EvidenceAttached(open.get().incidentId(), r.evidence(), true));
    } else {
      Instant now = clock.instant();
      DeviceIncident template = r.incident();
      events.add(new DeviceIncidentOpened(new DeviceIncident("inc-" + UUID.randomUUID(), template.type(),
          template.mode(), template.level(), template.gatewayId(), template.drillId(), template.by(), now,
          now.plus(settings.falseAlarmGrace()), r.evidence()), true));
    }
    return Effect().persist(events).thenRun(after -> afterDeviceEvents(state, after, events)).thenNoReply();
  }

  // --- passivation and recovery -------------------------------------------------------------

  private void schedulePassivation(State state) {
    boolean idle = !state.fleet().hasRegistered() && state.fleet().open().isEmpty() && desk.isIdle()
        && unwritten.isEmpty();
    if (shard != null && idle && settings.idlePassivation() != null) {
      timers.startSingleTimer(PASSIVATE, Passivate.INSTANCE, settings.idlePassivation());
    } else {
      timers.cancel(PASSIVATE);
    }
  }

  private ReplyEffect<Event, State> onPassivate(State state, Passivate cmd) {
    if (shard != null && !state.fleet().hasRegistered() && state.fleet().open().isEmpty() && desk.isIdle()
        && unwritten.isEmpty()) {
      // Passivate (not a plain stop) so that remember-entities forgets the school until it is needed.
      shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    }
    return Effect().noReply();
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          recovered(state);
          rearm(state);
        })
        .build();
  }

  /**
   * After a restart: the last-reading times written may be up to one interval old, so a device
   * counts as seen no earlier than the last write plus that interval (capped at now) — no device is
   * declared offline for readings that were only in the lost memory. Every open device-raised
   * incident is reported again with its evidence, and every device notice sent again; their
   * receivers drop what they already have.
   */
  private void recovered(State state) {
    Instant now = clock.instant();
    Instant written = state.fleet().seenWrittenAt();
    if (written != null) {
      Instant bound = written.plus(settings.seenPersistInterval());
      Instant assumed = bound.isAfter(now) ? now : bound;
      for (DeviceRecord d : state.fleet().devices().values()) {
        if (d.registered() && d.state() != DeviceState.OFFLINE) {
          assumedSeen.put(d.deviceId(), assumed);
        }
      }
    }
    if (!state.isRegistered()) {
      return;
    }
    for (DeviceIncident di : state.fleet().open().values()) {
      desk.report(di, newIncident(state, di));
      desk.evidence(di, di.evidence());
    }
    for (DeviceRecord d : state.fleet().devices().values()) {
      if (d.noticed()) {
        desk.notice(state.profile().region(), noticeOf(state, d, d.stateSince()));
      }
    }
  }

  /**
   * A real INTRUSION incident (reported by people, or raised by an intrusion detector or a panic
   * button) puts its school in LOCKDOWN while it is in progress, as a directive of its own
   * ({@code incident:<id>}); once it is resolved, closed or cancelled the school takes that back.
   */
  private Optional<Event> lockdown(State state, IncidentNotice notice) {
    if (notice.type() != IncidentType.INTRUSION || notice.mode() != org.schoolsafety.hub.incident.Mode.ACTUAL) {
      return Optional.empty();
    }
    String key = "incident:" + notice.incidentId();
    Posture wanted = notice.status().isActive() ? Posture.LOCKDOWN : Posture.NORMAL;
    if (state.directedBy(key).orElse(Posture.NORMAL) == wanted) {
      return Optional.empty();
    }
    return Optional.of(new PostureDirected(key, wanted, state.direct(key, wanted).posture(), clock.instant()));
  }

  private ReplyEffect<Event, State> onDirectPosture(State state, DirectPosture cmd) {
    Posture current = state.directedBy(cmd.directiveId()).orElse(Posture.NORMAL);
    if (current == cmd.posture()) {
      return Effect().reply(cmd.replyTo(), Done.getInstance());
    }
    var directed = new PostureDirected(cmd.directiveId(), cmd.posture(),
        state.direct(cmd.directiveId(), cmd.posture()).posture(), clock.instant());
    return Effect()
        .persist(directed)
        .thenRun(after -> published(List.of(directed)))
        .thenReply(cmd.replyTo(), s -> Done.getInstance());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(
            Registered.class,
            (state, evt) -> new State(evt.profile(), state.posture(), state.openIncidents(), state.drills(), state.fleet(),
                state.directed()))
        .onEvent(IncidentTracked.class, (state, evt) -> state.track(evt.notice()))
        .onEvent(DrillRecorded.class, (state, evt) -> state.withDrill(evt.drill()))
        .onEvent(PostureDirected.class, (state, evt) -> state.direct(evt.directiveId(), evt.posture()))
        .onEvent(DeviceRegistered.class, (state, evt) -> state.withFleet(state.fleet().registered(evt.device(), evt.at())))
        .onEvent(DevicesSighted.class, (state, evt) -> state.withFleet(state.fleet().sighted(evt.sightings())))
        .onEvent(DeviceStatesChanged.class,
            (state, evt) -> state.withFleet(state.fleet().statesChanged(evt.states(), evt.at())))
        .onEvent(DevicesSeen.class, (state, evt) -> state.withFleet(state.fleet().seen(evt.lastSeen(), evt.at())))
        .onEvent(DeviceIncidentOpened.class,
            (state, evt) -> state.withFleet(state.fleet().opened(evt.incident(), !evt.moved())))
        .onEvent(EvidenceAttached.class,
            (state, evt) -> state.withFleet(state.fleet().attached(evt.incidentId(), evt.evidence(), !evt.moved())))
        .onEvent(DeviceIncidentEnded.class,
            (state, evt) -> state.withFleet(state.fleet().ended(evt.incidentId(), evt.falseAlarmDevices(), evt.flagged())))
        .build();
  }
}
