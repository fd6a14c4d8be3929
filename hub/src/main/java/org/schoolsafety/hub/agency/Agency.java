package org.schoolsafety.hub.agency;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
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
import org.schoolsafety.hub.directive.DirectiveNotice;
import org.schoolsafety.hub.hazard.HazardNotice;
import org.schoolsafety.hub.prevention.WarningNotice;
import org.schoolsafety.hub.tip.TipNotice;

/**
 * A police, fire, health or education agency at one tier, and its dispatch inbox. Incidents
 * keep the inbox current by sending {@link TrackDispatch} on every change; the agency keeps
 * every dispatch of an incident in progress and the most recent finished ones.
 */
public final class Agency
    extends EventSourcedBehaviorWithEnforcedReplies<Agency.Command, Agency.Event, Agency.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "Agency");

  /** The inbox's order: most recently notified first, then by incident id. */
  static final Comparator<DispatchNotice> INBOX_ORDER =
      Comparator.comparing(DispatchNotice::notifiedAt).reversed().thenComparing(DispatchNotice::incidentId);

  /** Finished dispatches kept in the inbox; the full history is in the incidents' journals. */
  public static final int FINISHED_KEPT = 200;

  // --- commands -------------------------------------------------------------------------

  public sealed interface Command extends CborSerializable {}

  /** Register the agency; repeating it with the same profile is a no-op. */
  public record Register(AgencyProfile profile, String by, ActorRef<StatusReply<State>> replyTo)
      implements Command {}

  public record Get(ActorRef<StatusReply<State>> replyTo) implements Command {}

  /**
   * The agency's state without its notices: who it is, for the requests that only check that. The
   * whole state grows with the inbox and crosses the network whenever the agency lives on another
   * node (docs/RELIABILITY.md, "Large replies across nodes").
   */
  public record GetProfile(ActorRef<StatusReply<State>> replyTo) implements Command {}

  /** The journal position of the newest inbox change: where a new live subscriber starts. */
  public record GetPosition(ActorRef<Long> replyTo) implements Command {}

  /** A page of the inbox (a reply bounded by the query's limit, unlike {@link Get}). */
  public record GetInbox(InboxQuery query, ActorRef<StatusReply<InboxPage>> replyTo) implements Command {}

  /** A page of the other inboxes: hazards, silent devices, early warnings, tips. */
  public record GetNotices(NoticeQuery query, ActorRef<StatusReply<NoticePage>> replyTo) implements Command {}

  /** The profile, how many dispatches are open, and the escalated directives: no inbox. */
  public record GetSummary(ActorRef<StatusReply<Summary>> replyTo) implements Command {}

  /** Which of {@code incidentIds} the agency was dispatched to (one school's incidents, say). */
  public record FindDispatches(java.util.Set<String> incidentIds, ActorRef<StatusReply<FoundDispatches>> replyTo)
      implements Command {}

  public record Summary(AgencyProfile profile, int openDispatches, List<DirectiveNotice> directiveEscalations)
      implements CborSerializable {}

  public record FoundDispatches(AgencyProfile profile, java.util.Set<String> incidentIds) implements CborSerializable {}

  /** Sent by an incident on every change of this agency's dispatch; idempotent. */
  public record TrackDispatch(DispatchNotice notice, ActorRef<Done> replyTo) implements Command {}

  /**
   * Dispatch notices gathered by the agency's {@link AgencyIntake} while the previous write was
   * under way, written in one journal write; answered once they are all durable. Idempotent like
   * {@link TrackDispatch}: notices the inbox already holds are not written again.
   */
  public record TrackDispatches(List<DispatchNotice> notices, ActorRef<Done> replyTo) implements Command {}

  /** Within the node only: the {@link AgencyIntake}'s write of {@code notices} answered (or timed out). */
  record IntakeWritten(List<TrackDispatch> notices, boolean durable) implements Command {}

  /** Sent by a directive when a school of this agency's region missed its deadline; idempotent. */
  public record NoteDirective(DirectiveNotice notice, ActorRef<Done> replyTo) implements Command {}

  /** Sent by a hazard this agency was told about (major, or overdue) on every change; idempotent. */
  public record TrackHazard(HazardNotice notice, ActorRef<Done> replyTo) implements Command {}

  /** Sent by a school when one of its devices goes offline or comes back; idempotent. */
  public record TrackDeviceNotice(DeviceNotice notice, ActorRef<Done> replyTo) implements Command {}

  /** Sent by a tip this agency was told about (WEAPON, SELF_HARM, untriaged, escalated) on every change; idempotent. */
  public record TrackTip(TipNotice notice, ActorRef<Done> replyTo) implements Command {}

  /**
   * An early warning about a school of this agency's jurisdiction (issue 15), delivered at least
   * once by the read side from the school's prevention record; idempotent, and a notice older
   * than the one held is ignored.
   */
  public record TrackWarning(WarningNotice notice, ActorRef<Done> replyTo) implements Command {}

  // --- events ---------------------------------------------------------------------------

  public sealed interface Event extends CborSerializable {}

  public record Registered(AgencyProfile profile, Instant at, String by) implements Event {}

  public record DispatchTracked(DispatchNotice notice) implements Event {}

  public record DirectiveNoted(DirectiveNotice notice) implements Event {}

  public record HazardTracked(HazardNotice notice) implements Event {}

  public record DeviceNoticeTracked(DeviceNotice notice) implements Event {}

  public record TipTracked(TipNotice notice) implements Event {}

  public record WarningTracked(WarningNotice notice) implements Event {}

  // --- state ----------------------------------------------------------------------------

  /** Device notices kept: every offline device, and the most recent ones that came back. */
  public static final int DEVICE_NOTICES_KEPT = 500;

  /**
   * {@code profile} is null until registered; {@code dispatches} by incident id; {@code hazards}
   * (hazards the agency was told about) by hazard id; {@code deviceNotices} by school and device;
   * {@code tips} (anonymous tips it was told about) by tip id; {@code directives}: schools that
   * missed a directive's deadline, by {@link DirectiveNotice#key()}.
   */
  public record State(AgencyProfile profile, Map<String, DispatchNotice> dispatches, Map<String, HazardNotice> hazards,
      Map<String, DeviceNotice> deviceNotices, Map<String, TipNotice> tips, Map<String, DirectiveNotice> directives,
      Map<String, WarningNotice> warnings)
      implements CborSerializable {

    public State {
      hazards = hazards == null ? Map.of() : hazards; // snapshots taken before hazards existed
      deviceNotices = deviceNotices == null ? Map.of() : deviceNotices; // ... or device notices
      tips = tips == null ? Map.of() : tips; // ... or tips
      directives = directives == null ? Map.of() : directives; // ... or directive escalations
      warnings = warnings == null ? Map.of() : warnings; // ... or early warnings
    }

    public State(AgencyProfile profile, Map<String, DispatchNotice> dispatches, Map<String, HazardNotice> hazards,
        Map<String, DeviceNotice> deviceNotices, Map<String, TipNotice> tips, Map<String, DirectiveNotice> directives) {
      this(profile, dispatches, hazards, deviceNotices, tips, directives, Map.of());
    }

    /** Early warnings, most recently raised first; only those not cleared unless {@code all}. */
    public List<WarningNotice> warningInbox(boolean all) {
      return warnings.values().stream()
          .filter(w -> all || w.warning().isActive())
          .sorted(Comparator.comparing((WarningNotice w) -> w.warning().raisedAt()).reversed()
              .thenComparing(WarningNotice::warningId))
          .toList();
    }

    /** Whether the notice adds nothing to what the inbox holds (the same, or an older version). */
    boolean knows(WarningNotice notice) {
      WarningNotice held = warnings.get(notice.warningId());
      return held != null && held.version() >= notice.version();
    }

    State trackWarning(WarningNotice notice) {
      var next = new LinkedHashMap<>(warnings);
      next.put(notice.warningId(), notice);
      var cleared = next.values().stream().filter(w -> !w.warning().isActive())
          .sorted(Comparator.comparing((WarningNotice w) -> w.warning().raisedAt())).toList();
      for (int i = 0; i < cleared.size() - FINISHED_KEPT; i++) {
        next.remove(cleared.get(i).warningId());
      }
      return new State(profile, dispatches, hazards, deviceNotices, tips, directives, Map.copyOf(next));
    }

    public State(AgencyProfile profile, Map<String, DispatchNotice> dispatches, Map<String, HazardNotice> hazards,
        Map<String, DeviceNotice> deviceNotices) {
      this(profile, dispatches, hazards, deviceNotices, Map.of(), Map.of());
    }

    /** Escalated directives, newest first. */
    public List<DirectiveNotice> directiveEscalations() {
      return directives.values().stream()
          .sorted(Comparator.comparing(DirectiveNotice::escalatedAt).reversed().thenComparing(DirectiveNotice::key))
          .toList();
    }

    State note(DirectiveNotice notice) {
      var next = new LinkedHashMap<>(directives);
      next.put(notice.key(), notice);
      if (next.size() > FINISHED_KEPT) {
        next.values().stream().min(Comparator.comparing(DirectiveNotice::escalatedAt))
            .ifPresent(oldest -> next.remove(oldest.key()));
      }
      return new State(profile, dispatches, hazards, deviceNotices, tips, Map.copyOf(next), warnings);
    }

    /** Tips, most recently notified first; only open ones unless {@code all}. */
    public List<TipNotice> tipInbox(boolean all) {
      return tips.values().stream()
          .filter(t -> all || t.isOpen())
          .sorted(Comparator.comparing(TipNotice::notifiedAt).reversed().thenComparing(TipNotice::tipId))
          .toList();
    }

    State trackTip(TipNotice notice) {
      var next = new LinkedHashMap<>(tips);
      next.put(notice.tipId(), notice);
      var closed = next.values().stream().filter(t -> !t.isOpen())
          .sorted(Comparator.comparing(TipNotice::notifiedAt)).toList();
      for (int i = 0; i < closed.size() - FINISHED_KEPT; i++) {
        next.remove(closed.get(i).tipId());
      }
      return new State(profile, dispatches, hazards, deviceNotices, Map.copyOf(next), directives, warnings);
    }

    public State(AgencyProfile profile, Map<String, DispatchNotice> dispatches) {
      this(profile, dispatches, Map.of(), Map.of());
    }

    static State empty() {
      return new State(null, Map.of());
    }

    /** The profile alone, no notices. */
    public State profileOnly() {
      return new State(profile, Map.of());
    }

    /** Newest first; only offline devices unless {@code all}. */
    public List<DeviceNotice> deviceInbox(boolean all) {
      return deviceNotices.values().stream()
          .filter(n -> all || n.isOpen())
          .sorted(Comparator.comparing(DeviceNotice::since).reversed().thenComparing(DeviceNotice::key))
          .toList();
    }

    State trackDevice(DeviceNotice notice) {
      var next = new LinkedHashMap<>(deviceNotices);
      next.put(notice.key(), notice);
      if (next.size() > DEVICE_NOTICES_KEPT) {
        next.values().stream().filter(n -> !n.isOpen())
            .sorted(Comparator.comparing(DeviceNotice::since))
            .limit(next.size() - DEVICE_NOTICES_KEPT)
            .toList()
            .forEach(n -> next.remove(n.key()));
      }
      return new State(profile, dispatches, hazards, Map.copyOf(next), tips, directives, warnings);
    }

    /** Hazards, most recently notified first; only those not yet verified unless {@code all}. */
    public List<HazardNotice> hazardInbox(boolean all) {
      return hazards.values().stream()
          .filter(h -> all || h.isOpen())
          .sorted(Comparator.comparing(HazardNotice::notifiedAt).reversed().thenComparing(HazardNotice::hazardId))
          .toList();
    }

    State trackHazard(HazardNotice notice) {
      var next = new LinkedHashMap<>(hazards);
      next.put(notice.hazardId(), notice);
      var closed = next.values().stream().filter(h -> !h.isOpen())
          .sorted(Comparator.comparing(HazardNotice::notifiedAt)).toList();
      for (int i = 0; i < closed.size() - FINISHED_KEPT; i++) {
        next.remove(closed.get(i).hazardId());
      }
      return new State(profile, dispatches, Map.copyOf(next), deviceNotices, tips, directives, warnings);
    }

    public boolean isRegistered() {
      return profile != null;
    }

    /** The page {@code query} asks for; {@code next} is set when more dispatches match after it. */
    public InboxPage page(InboxQuery query) {
      var matching = dispatches.values().stream()
          .filter(query::admits)
          .sorted(INBOX_ORDER)
          .limit(query.limit() + 1L)
          .toList();
      var page = matching.size() > query.limit() ? matching.subList(0, query.limit()) : matching;
      var next = matching.size() > query.limit() ? InboxQuery.Position.of(page.get(page.size() - 1)) : null;
      boolean others = query.otherInboxes();
      return new InboxPage(profile, List.copyOf(page), next, others ? hazardInbox(query.all()) : List.of(),
          others ? deviceInbox(query.all()) : List.of(), others ? warningInbox(query.all()) : List.of(),
          others ? tipInbox(query.all()) : List.of());
    }

    /**
     * The page of the other inboxes {@code query} asks for, read at journal position {@code asOf};
     * {@code next} is set when more follow.
     */
    public NoticePage notices(NoticeQuery query, long asOf) {
      var reading = new NoticeReading(query);
      var hazards = reading.take(NoticeQuery.Inbox.HAZARDS, hazardInbox(query.all()), HazardNotice::notifiedAt,
          HazardNotice::hazardId);
      var devices = reading.take(NoticeQuery.Inbox.DEVICES, deviceInbox(query.all()), DeviceNotice::since,
          DeviceNotice::key);
      var warnings = reading.take(NoticeQuery.Inbox.WARNINGS, warningInbox(query.all()), w -> w.warning().raisedAt(),
          WarningNotice::warningId);
      var tips = reading.take(NoticeQuery.Inbox.TIPS, tipInbox(query.all()), TipNotice::notifiedAt, TipNotice::tipId);
      return new NoticePage(hazards, devices, warnings, tips, reading.next(), asOf);
    }

    /** Every notice of the other inboxes in one page: for a caller that holds the whole state already. */
    public NoticePage allNotices(boolean all) {
      return new NoticePage(hazardInbox(all), deviceInbox(all), warningInbox(all), tipInbox(all), null, 0);
    }

    /** Which of {@code incidentIds} the agency was dispatched to. */
    public FoundDispatches findDispatches(java.util.Set<String> incidentIds) {
      return new FoundDispatches(profile, incidentIds.stream().filter(dispatches::containsKey)
          .collect(java.util.stream.Collectors.toUnmodifiableSet()));
    }

    public Summary summary() {
      int open = (int) dispatches.values().stream().filter(DispatchNotice::isOpen).count();
      return new Summary(profile, open, directiveEscalations());
    }

    /** Newest first; only incidents in progress unless {@code all}. */
    public List<DispatchNotice> inbox(boolean all) {
      return dispatches.values().stream()
          .filter(d -> all || d.isOpen())
          .sorted(INBOX_ORDER)
          .toList();
    }

    State track(DispatchNotice notice) {
      var next = new LinkedHashMap<>(dispatches);
      next.put(notice.incidentId(), notice);
      evictFinished(next);
      return new State(profile, Map.copyOf(next), hazards, deviceNotices, tips, directives, warnings);
    }

    private static void evictFinished(Map<String, DispatchNotice> dispatches) {
      var finished = new ArrayList<DispatchNotice>();
      for (DispatchNotice d : dispatches.values()) {
        if (!d.isOpen()) {
          finished.add(d);
        }
      }
      if (finished.size() > FINISHED_KEPT) {
        finished.sort(Comparator.comparing(DispatchNotice::notifiedAt));
        for (DispatchNotice d : finished.subList(0, finished.size() - FINISHED_KEPT)) {
          dispatches.remove(d.incidentId());
        }
      }
    }
  }

  // --- wiring ---------------------------------------------------------------------------

  /** The pub-sub topic an agency's live dispatch stream listens to. */
  public static String topic(String agencyId) {
    return "agency-" + agencyId;
  }

  /** {@code publish} receives every inbox change once it is durable (cluster pub-sub in the node). */
  public static void init(ActorSystem<?> system, Clock clock, Consumer<DispatchEntry> publish) {
    java.time.Duration askTimeout = system.settings().config().getDuration("hub.ask-timeout");
    ClusterSharding.get(system).init(Entity.of(ENTITY_TYPE_KEY,
        ctx -> AgencyIntake.create(create(ctx.getEntityId(), clock, publish), askTimeout)));
  }

  public static Behavior<Command> create(String agencyId, Clock clock, Consumer<DispatchEntry> publish) {
    return Behaviors.setup(ctx -> new Agency(agencyId, clock, publish, ctx));
  }

  public static Behavior<Command> create(String agencyId, Clock clock) {
    return create(agencyId, clock, entry -> {});
  }

  private final String agencyId;
  private final Clock clock;
  private final Consumer<DispatchEntry> publish;
  private final ActorContext<Command> context;

  private Agency(String agencyId, Clock clock, Consumer<DispatchEntry> publish, ActorContext<Command> context) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), agencyId), JournalFailures.restartWithBackoff());
    this.agencyId = agencyId;
    this.clock = clock;
    this.publish = publish;
    this.context = context;
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
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Register.class, this::onRegister)
        .onCommand(Get.class, (state, cmd) -> registered(state, cmd.replyTo(), () -> state))
        .onCommand(GetProfile.class, (state, cmd) -> registered(state, cmd.replyTo(), state::profileOnly))
        .onCommand(GetInbox.class, (state, cmd) -> registered(state, cmd.replyTo(), () -> state.page(cmd.query())))
        .onCommand(GetNotices.class, (state, cmd) -> registered(state, cmd.replyTo(),
            () -> state.notices(cmd.query(), lastSequenceNumber(context))))
        .onCommand(GetSummary.class, (state, cmd) -> registered(state, cmd.replyTo(), state::summary))
        .onCommand(FindDispatches.class, (state, cmd) -> registered(state, cmd.replyTo(),
            () -> state.findDispatches(cmd.incidentIds())))
        .onCommand(TrackDispatch.class, this::onTrackDispatch)
        .onCommand(TrackDispatches.class, this::onTrackDispatches)
        .onCommand(NoteDirective.class, this::onNoteDirective)
        .onCommand(TrackHazard.class, this::onTrackHazard)
        .onCommand(TrackDeviceNotice.class, this::onTrackDeviceNotice)
        .onCommand(TrackTip.class, this::onTrackTip)
        .onCommand(TrackWarning.class, this::onTrackWarning)
        .onCommand(GetPosition.class, (state, cmd) -> Effect().reply(cmd.replyTo(), lastSequenceNumber(context)))
        .build();
  }

  private ReplyEffect<Event, State> onRegister(State state, Register cmd) {
    if (!cmd.profile().agencyId().equals(agencyId)) {
      throw new IllegalArgumentException("profile of " + cmd.profile().agencyId() + " sent to " + agencyId);
    }
    // The profile alone: a busy agency's whole state is too large to send to another node (GetSummary for more).
    return Registrations.register(Effect(), state, state.profile(), cmd.profile(),
        new Registered(cmd.profile(), clock.instant(), cmd.by()), "agency '" + agencyId + "'", cmd.replyTo(),
        State::profileOnly);
  }

  /** {@code answer} for a registered agency; not found otherwise, word for word as {@link Get}. */
  private <T> ReplyEffect<Event, State> registered(State state, ActorRef<StatusReply<T>> replyTo,
      java.util.function.Supplier<T> answer) {
    return Registrations.answer(Effect(), state.isRegistered(), answer, "agency with id '" + agencyId + "'", replyTo);
  }

  /** One notice on its own: written as a gathered write of one. */
  private ReplyEffect<Event, State> onTrackDispatch(State state, TrackDispatch cmd) {
    return onTrackDispatches(state, new TrackDispatches(List.of(cmd.notice()), cmd.replyTo()));
  }

  private ReplyEffect<Event, State> onTrackDispatches(State state, TrackDispatches cmd) {
    var held = new java.util.HashMap<String, DispatchNotice>();
    var events = new ArrayList<Event>();
    for (DispatchNotice notice : cmd.notices()) {
      DispatchNotice current = held.getOrDefault(notice.incidentId(), state.dispatches().get(notice.incidentId()));
      if (!notice.equals(current)) {
        held.put(notice.incidentId(), notice);
        events.add(new DispatchTracked(notice));
      }
    }
    if (events.isEmpty()) {
      return Effect().reply(cmd.replyTo(), Done.getInstance());
    }
    return Effect()
        .persist(events)
        .thenRun(s -> publishAll(events))
        .thenReply(cmd.replyTo(), s -> Done.getInstance());
  }

  /** Publishes the dispatch changes just written, each at its own journal position. */
  private void publishAll(List<Event> written) {
    long first = lastSequenceNumber(context) - written.size() + 1;
    for (int i = 0; i < written.size(); i++) {
      publish.accept(new DispatchEntry(agencyId, first + i, ((DispatchTracked) written.get(i)).notice()));
    }
  }

  private ReplyEffect<Event, State> onTrackDeviceNotice(State state, TrackDeviceNotice cmd) {
    if (cmd.notice().equals(state.deviceNotices().get(cmd.notice().key()))) {
      return Effect().reply(cmd.replyTo(), Done.getInstance());
    }
    return Effect().persist(new DeviceNoticeTracked(cmd.notice())).thenReply(cmd.replyTo(), s -> Done.getInstance());
  }

  private ReplyEffect<Event, State> onTrackTip(State state, TrackTip cmd) {
    if (cmd.notice().equals(state.tips().get(cmd.notice().tipId()))) {
      return Effect().reply(cmd.replyTo(), Done.getInstance());
    }
    return Effect().persist(new TipTracked(cmd.notice())).thenReply(cmd.replyTo(), s -> Done.getInstance());
  }

  /** Published like a dispatch change, so that the agency's live stream shows it at once. */
  private ReplyEffect<Event, State> onTrackWarning(State state, TrackWarning cmd) {
    if (state.knows(cmd.notice())) {
      return Effect().reply(cmd.replyTo(), Done.getInstance());
    }
    return Effect()
        .persist(new WarningTracked(cmd.notice()))
        .thenRun(s -> publish.accept(DispatchEntry.ofWarning(agencyId, lastSequenceNumber(context), cmd.notice())))
        .thenReply(cmd.replyTo(), s -> Done.getInstance());
  }

  private ReplyEffect<Event, State> onTrackHazard(State state, TrackHazard cmd) {
    if (cmd.notice().equals(state.hazards().get(cmd.notice().hazardId()))) {
      return Effect().reply(cmd.replyTo(), Done.getInstance());
    }
    return Effect().persist(new HazardTracked(cmd.notice())).thenReply(cmd.replyTo(), s -> Done.getInstance());
  }

  private ReplyEffect<Event, State> onNoteDirective(State state, NoteDirective cmd) {
    if (cmd.notice().equals(state.directives().get(cmd.notice().key()))) {
      return Effect().reply(cmd.replyTo(), Done.getInstance());
    }
    return Effect().persist(new DirectiveNoted(cmd.notice())).thenReply(cmd.replyTo(), s -> Done.getInstance());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Registered.class, (state, evt) -> new State(evt.profile(), state.dispatches(), state.hazards(),
            state.deviceNotices(), state.tips(), state.directives(), state.warnings()))
        .onEvent(DirectiveNoted.class, (state, evt) -> state.note(evt.notice()))
        .onEvent(HazardTracked.class, (state, evt) -> state.trackHazard(evt.notice()))
        .onEvent(DeviceNoticeTracked.class, (state, evt) -> state.trackDevice(evt.notice()))
        .onEvent(TipTracked.class, (state, evt) -> state.trackTip(evt.notice()))
        .onEvent(WarningTracked.class, (state, evt) -> state.trackWarning(evt.notice()))
        .onEvent(DispatchTracked.class, (state, evt) -> state.track(evt.notice()))
        .build();
  }
}
