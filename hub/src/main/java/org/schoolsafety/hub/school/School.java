package org.schoolsafety.hub.school;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
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
import org.schoolsafety.hub.Registrations;
import org.schoolsafety.hub.Rejection;

/** A school: its profile, its response posture and the incidents it has open. */
public final class School
    extends EventSourcedBehaviorWithEnforcedReplies<School.Command, School.Event, School.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "School");

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

  // --- state ----------------------------------------------------------------------------

  /**
   * {@code profile} is null until the school is registered; {@code drills} oldest first;
   * {@code directed} the postures of the directives in force, oldest first (the last one rules).
   */
  public record State(
      SchoolProfile profile, Posture posture, Map<String, IncidentNotice> openIncidents,
      List<DrillRecord> drills, List<DirectedPosture> directed)
      implements CborSerializable {

    public State {
      drills = drills == null ? List.of() : drills;
      directed = directed == null ? List.of() : directed;
    }

    static State empty() {
      return new State(null, Posture.NORMAL, Map.of(), List.of(), List.of());
    }

    /** The posture a directive holds the school in, if it does. */
    public java.util.Optional<Posture> directedBy(String directiveId) {
      return directed.stream().filter(d -> d.directiveId().equals(directiveId)).map(DirectedPosture::posture).findFirst();
    }

    State direct(String directiveId, Posture next) {
      var list = new java.util.ArrayList<>(directed);
      list.removeIf(d -> d.directiveId().equals(directiveId));
      if (next != Posture.NORMAL) {
        list.add(new DirectedPosture(directiveId, next));
      }
      Posture now = list.isEmpty() ? Posture.NORMAL : list.get(list.size() - 1).posture();
      return new State(profile, now, openIncidents, drills, List.copyOf(list));
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
      return new State(profile, posture, openIncidents, List.copyOf(next), directed);
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
      return new State(profile, posture, Map.copyOf(next), drills, directed);
    }
  }

  // --- wiring ---------------------------------------------------------------------------

  /**
   * Registers the School with sharding. A school stays in memory once woken unless
   * {@code hub.school.idle-passivation} is a duration (docs/PERFORMANCE.md: heap per school).
   */
  public static void init(ActorSystem<?> system, Clock clock) {
    ClusterSharding.get(system)
        .init(Entity.of(ENTITY_TYPE_KEY, ctx -> create(ctx.getEntityId(), clock))
            .withSettings(shardingSettings(system)));
  }

  static ClusterShardingSettings shardingSettings(ActorSystem<?> system) {
    var settings = ClusterShardingSettings.create(system);
    var config = system.settings().config();
    String key = "hub.school.idle-passivation";
    if (config.getString(key).equals("off")) {
      return settings.withNoPassivationStrategy();
    }
    return settings.withPassivationStrategy(
        settings.passivationStrategySettings().withIdleEntityPassivation(config.getDuration(key)));
  }

  public static Behavior<Command> create(String schoolId, Clock clock) {
    return new School(schoolId, clock);
  }

  private final String schoolId;
  private final Clock clock;

  private School(String schoolId, Clock clock) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), schoolId), JournalFailures.restartWithBackoff());
    this.schoolId = schoolId;
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

  /** For the read side: the registry of schools by region (a projection). */
  public static final String TAG = "school";

  @Override
  public java.util.Set<String> tagsFor(Event event) {
    // Only what the school registry projection reads: a school's open incidents reach the read
    // side from the incidents' own events, so the notices need no tag (each tag costs writes).
    return event instanceof IncidentTracked ? java.util.Set.of() : java.util.Set.of(TAG);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Register.class, this::onRegister)
        .onCommand(Get.class, this::onGet)
        .onCommand(TrackIncident.class, this::onTrackIncident)
        .onCommand(RecordDrill.class, this::onRecordDrill)
        .onCommand(DirectPosture.class, this::onDirectPosture)
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
    return Effect()
        .persist(new DrillRecorded(cmd.drill(), clock.instant(), cmd.by()))
        .thenReply(cmd.replyTo(), StatusReply::success);
  }

  private ReplyEffect<Event, State> onTrackIncident(State state, TrackIncident cmd) {
    IncidentNotice known = state.openIncidents().get(cmd.notice().incidentId());
    boolean unchanged =
        cmd.notice().equals(known) || (known == null && cmd.notice().status().isTerminal());
    if (unchanged) {
      return Effect().reply(cmd.replyTo(), Done.getInstance());
    }
    return Effect()
        .persist(new IncidentTracked(cmd.notice()))
        .thenReply(cmd.replyTo(), s -> Done.getInstance());
  }

  private ReplyEffect<Event, State> onDirectPosture(State state, DirectPosture cmd) {
    Posture current = state.directedBy(cmd.directiveId()).orElse(Posture.NORMAL);
    if (current == cmd.posture()) {
      return Effect().reply(cmd.replyTo(), Done.getInstance());
    }
    return Effect()
        .persist(new PostureDirected(cmd.directiveId(), cmd.posture(),
            state.direct(cmd.directiveId(), cmd.posture()).posture(), clock.instant()))
        .thenReply(cmd.replyTo(), s -> Done.getInstance());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(
            Registered.class,
            (state, evt) -> new State(evt.profile(), state.posture(), state.openIncidents(), state.drills(),
                state.directed()))
        .onEvent(IncidentTracked.class, (state, evt) -> state.track(evt.notice()))
        .onEvent(DrillRecorded.class, (state, evt) -> state.withDrill(evt.drill()))
        .onEvent(PostureDirected.class, (state, evt) -> state.direct(evt.directiveId(), evt.posture()))
        .build();
  }
}
