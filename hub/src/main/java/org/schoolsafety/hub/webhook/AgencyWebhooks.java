package org.schoolsafety.hub.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
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
import org.schoolsafety.hub.JournalFailures;
import org.schoolsafety.hub.Rejection;

/**
 * The outbox of one agency's webhooks. It exists only for agencies that registered a webhook:
 * it follows the agency's own journal (through {@link AgencyLog}, never by asking the agency),
 * records each batch of new inbox changes once ({@link NoticesQueued}) and every delivery's end
 * ({@link NoticeDelivered} or {@link NoticeDeadLettered}). What is queued and not yet delivered is
 * in its persisted state, and it is a remembered entity while it has webhooks, so a restart loses
 * nothing: it comes back, and sends again what was in flight (at least once).
 *
 * <p>Order: a notice waits while an earlier notice of the same subject (incident, tip, ...) is
 * still due to the same webhook; notices of different subjects go out side by side, at most
 * {@code max-in-flight} at a time per webhook. A failed attempt is retried with exponential
 * backoff; a notice still not taken {@code retry-for} after its first attempt is dead-lettered,
 * and the next notice of its subject goes on. Attempts and their backoff live in memory: after a
 * restart the window starts again, so it lasts at least {@code retry-for}.
 */
public final class AgencyWebhooks
    extends EventSourcedBehaviorWithEnforcedReplies<AgencyWebhooks.Command, AgencyWebhooks.Event, AgencyWebhooks.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "AgencyWebhooks");

  private static final String TICK = "tick";
  private static final String PASSIVATE = "passivate";

  // --- commands -------------------------------------------------------------------------

  public sealed interface Command extends CborSerializable {}

  /** Adds a webhook; the same URL twice is a conflict. */
  public record Register(Webhook webhook, ActorRef<StatusReply<Webhook>> replyTo) implements Command {}

  public record Remove(String webhookId, String by, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  public record Get(ActorRef<StatusReply<State>> replyTo) implements Command {}

  /** Puts dead letters of a webhook back in its queue: one ({@code noticeSeq}) or all (null). */
  public record Redeliver(String webhookId, Long noticeSeq, String by, ActorRef<StatusReply<Integer>> replyTo)
      implements Command {}

  // Self-messages: package-private protocol of the outbox itself.
  record Tick() implements Command {}

  record Polled(List<AgencyLog.Entry> entries, String failure) implements Command {}

  record PositionFound(Register register, long position, String failure) implements Command {}

  record AttemptDone(String webhookId, long seq, WebhookCourier.Outcome outcome) implements Command {}

  record Passivate() implements Command {}

  // --- events ---------------------------------------------------------------------------

  public sealed interface Event extends CborSerializable {}

  /** {@code startAfter}: the agency journal position the first webhook starts after (ignored for later ones). */
  public record WebhookRegistered(Webhook webhook, long startAfter) implements Event {}

  public record WebhookRemoved(String webhookId, Instant at, String by) implements Event {}

  /** The agency's inbox changes up to journal position {@code upTo}, due to every webhook registered now. */
  public record NoticesQueued(long upTo, List<PushedNotice> notices) implements Event {}

  public record NoticeDelivered(String webhookId, long seq) implements Event {}

  public record NoticeDeadLettered(String webhookId, long seq, Instant at, int attempts, String lastError)
      implements Event {}

  public record DeadLettersRedelivered(String webhookId, List<Long> seqs, Instant at, String by) implements Event {}

  // --- state ----------------------------------------------------------------------------

  /**
   * {@code readUpTo}: the agency journal position folded in; {@code outbox}: notices some webhook
   * still owes, by position; {@code due}: per webhook, the positions it still has to deliver, in
   * order; {@code deadLetters}: per webhook, oldest first.
   */
  public record State(Map<String, Webhook> webhooks, long readUpTo, Map<Long, PushedNotice> outbox,
      Map<String, List<Long>> due, Map<String, List<DeadLetter>> deadLetters) implements CborSerializable {

    static State empty() {
      return new State(Map.of(), 0, Map.of(), Map.of(), Map.of());
    }

    public List<DeadLetter> deadLetters(String webhookId) {
      return deadLetters.getOrDefault(webhookId, List.of());
    }

    public int pending(String webhookId) {
      return due.getOrDefault(webhookId, List.of()).size();
    }

    State apply(Event event, int deadLettersKept) {
      if (event instanceof WebhookRegistered e) {
        var hooks = new LinkedHashMap<>(webhooks);
        hooks.put(e.webhook().webhookId(), e.webhook());
        var nextDue = new HashMap<>(due);
        nextDue.put(e.webhook().webhookId(), List.of());
        return new State(Map.copyOf(hooks), webhooks.isEmpty() ? e.startAfter() : readUpTo, outbox,
            Map.copyOf(nextDue), deadLetters);
      }
      if (event instanceof WebhookRemoved e) {
        var hooks = new LinkedHashMap<>(webhooks);
        hooks.remove(e.webhookId());
        var nextDue = new HashMap<>(due);
        nextDue.remove(e.webhookId());
        var dead = new HashMap<>(deadLetters);
        dead.remove(e.webhookId());
        return new State(Map.copyOf(hooks), readUpTo, outbox, Map.copyOf(nextDue), Map.copyOf(dead)).pruned();
      }
      if (event instanceof NoticesQueued e) {
        var box = new HashMap<>(outbox);
        var nextDue = new HashMap<String, List<Long>>();
        e.notices().forEach(n -> box.put(n.seq(), n));
        for (String id : webhooks.keySet()) {
          var list = new ArrayList<>(due.getOrDefault(id, List.of()));
          e.notices().forEach(n -> list.add(n.seq()));
          nextDue.put(id, List.copyOf(list));
        }
        return new State(webhooks, Math.max(readUpTo, e.upTo()), Map.copyOf(box), Map.copyOf(nextDue), deadLetters);
      }
      if (event instanceof NoticeDelivered e) {
        return withoutDue(e.webhookId(), e.seq()).pruned();
      }
      if (event instanceof NoticeDeadLettered e) {
        PushedNotice notice = outbox.get(e.seq());
        State next = withoutDue(e.webhookId(), e.seq());
        if (notice == null || !webhooks.containsKey(e.webhookId())) {
          return next.pruned();
        }
        var list = new ArrayList<>(deadLetters(e.webhookId()));
        list.add(new DeadLetter(notice, e.at(), e.attempts(), e.lastError()));
        while (list.size() > deadLettersKept) {
          list.remove(0);
        }
        var dead = new HashMap<>(deadLetters);
        dead.put(e.webhookId(), List.copyOf(list));
        return new State(webhooks, readUpTo, next.outbox(), next.due(), Map.copyOf(dead)).pruned();
      }
      if (event instanceof DeadLettersRedelivered e) {
        var seqs = new HashSet<>(e.seqs());
        var box = new HashMap<>(outbox);
        var kept = new ArrayList<DeadLetter>();
        for (DeadLetter d : deadLetters(e.webhookId())) {
          if (seqs.contains(d.notice().seq())) {
            box.put(d.notice().seq(), d.notice());
          } else {
            kept.add(d);
          }
        }
        var queue = new TreeSet<>(due.getOrDefault(e.webhookId(), List.of()));
        queue.addAll(seqs);
        var nextDue = new HashMap<>(due);
        nextDue.put(e.webhookId(), List.copyOf(queue));
        var dead = new HashMap<>(deadLetters);
        dead.put(e.webhookId(), List.copyOf(kept));
        return new State(webhooks, readUpTo, Map.copyOf(box), Map.copyOf(nextDue), Map.copyOf(dead));
      }
      throw new IllegalStateException("unknown event " + event);
    }

    private State withoutDue(String webhookId, long seq) {
      var list = new ArrayList<>(due.getOrDefault(webhookId, List.of()));
      list.remove(Long.valueOf(seq));
      var nextDue = new HashMap<>(due);
      if (webhooks.containsKey(webhookId)) {
        nextDue.put(webhookId, List.copyOf(list));
      }
      return new State(webhooks, readUpTo, outbox, Map.copyOf(nextDue), deadLetters);
    }

    /** Drops notices no webhook owes any more (dead letters keep their own copy). */
    private State pruned() {
      Set<Long> owed = new HashSet<>();
      due.values().forEach(owed::addAll);
      if (owed.containsAll(outbox.keySet())) {
        return this;
      }
      var box = new HashMap<>(outbox);
      box.keySet().retainAll(owed);
      return new State(webhooks, readUpTo, Map.copyOf(box), due, deadLetters);
    }
  }

  // --- wiring ---------------------------------------------------------------------------

  public static void init(ActorSystem<?> system, AgencyLog log, WebhookCourier courier, WebhookSettings settings,
      Clock clock) {
    ClusterSharding.get(system).init(
        Entity.of(ENTITY_TYPE_KEY, ctx -> create(ctx.getEntityId(), log, courier, settings, clock, ctx.getShard()))
            .withSettings(ClusterShardingSettings.create(system).withRememberEntities(true)));
  }

  /** {@code shard} may be null outside sharding (tests): then the entity never passivates. */
  public static Behavior<Command> create(String agencyId, AgencyLog log, WebhookCourier courier,
      WebhookSettings settings, Clock clock, ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new AgencyWebhooks(agencyId, log, courier, settings, clock, shard, context, timers)));
  }

  /** An attempt in progress or waiting for its backoff; memory only. */
  private static final class Attempts {
    int failures;
    Instant first;
    Instant next = Instant.MIN;
    boolean inFlight;
  }

  private final String agencyId;
  private final AgencyLog log;
  private final WebhookCourier courier;
  private final WebhookSettings settings;
  private final Clock clock;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final Map<String, Attempts> attempts = new HashMap<>();
  private boolean polling;
  /** Read past events that queue nothing (the agency's registration) without writing for them. */
  private long scannedUpTo;

  private AgencyWebhooks(String agencyId, AgencyLog log, WebhookCourier courier, WebhookSettings settings,
      Clock clock, ActorRef<ClusterSharding.ShardCommand> shard, ActorContext<Command> context,
      TimerScheduler<Command> timers) {
    super(PersistenceId.of(ENTITY_TYPE_KEY.name(), agencyId), JournalFailures.restartWithBackoff());
    this.agencyId = agencyId;
    this.log = log;
    this.courier = courier;
    this.settings = settings;
    this.clock = clock;
    this.shard = shard;
    this.context = context;
    this.timers = timers;
  }

  @Override
  public State emptyState() {
    return State.empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(200, 2);
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          timers.startTimerWithFixedDelay(TICK, new Tick(), settings.pollInterval());
          idleCheck(state);
        })
        .build();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Register.class, this::onRegister)
        .onCommand(PositionFound.class, this::onPositionFound)
        .onCommand(Remove.class, this::onRemove)
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), StatusReply.success(state)))
        .onCommand(Redeliver.class, this::onRedeliver)
        .onCommand(Tick.class, this::onTick)
        .onCommand(Polled.class, this::onPolled)
        .onCommand(AttemptDone.class, this::onAttemptDone)
        .onCommand(Passivate.class, this::onPassivate)
        .build();
  }

  private ReplyEffect<Event, State> onRegister(State state, Register cmd) {
    if (refused(state, cmd) != null) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(refused(state, cmd)));
    }
    if (!state.webhooks().isEmpty()) {
      return register(state, cmd, state.readUpTo());
    }
    context.pipeToSelf(log.position(agencyId), (position, failure) -> new PositionFound(cmd,
        position == null ? 0 : position, failure == null ? null : String.valueOf(failure.getMessage())));
    return Effect().noReply();
  }

  private Rejection refused(State state, Register cmd) {
    if (state.webhooks().values().stream().anyMatch(w -> w.url().equals(cmd.webhook().url()))) {
      return new Rejection.Conflict("agency '" + agencyId + "' already has a webhook for this url");
    }
    if (state.webhooks().size() >= settings.maxPerAgency()) {
      return new Rejection.Conflict("agency '" + agencyId + "' already has " + settings.maxPerAgency()
          + " webhooks; remove one first");
    }
    return null;
  }

  private ReplyEffect<Event, State> onPositionFound(State state, PositionFound found) {
    Register cmd = found.register();
    if (found.failure() != null) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(new IllegalStateException(
          "could not read the agency's position: " + found.failure())));
    }
    if (refused(state, cmd) != null) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(refused(state, cmd)));
    }
    return register(state, cmd, found.position());
  }

  private ReplyEffect<Event, State> register(State state, Register cmd, long startAfter) {
    timers.cancel(PASSIVATE);
    return Effect().persist(new WebhookRegistered(cmd.webhook(), startAfter))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(cmd.webhook()));
  }

  private ReplyEffect<Event, State> onRemove(State state, Remove cmd) {
    if (!state.webhooks().containsKey(cmd.webhookId())) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(noSuchWebhook(cmd.webhookId())));
    }
    attempts.keySet().removeIf(key -> key.startsWith(cmd.webhookId() + "/"));
    return Effect().persist(new WebhookRemoved(cmd.webhookId(), clock.instant(), cmd.by()))
        .thenRun(this::idleCheck)
        .thenReply(cmd.replyTo(), s -> StatusReply.success(Done.getInstance()));
  }

  private Rejection noSuchWebhook(String webhookId) {
    return new Rejection.NotFound("agency '" + agencyId + "' has no webhook '" + webhookId + "'");
  }

  private ReplyEffect<Event, State> onRedeliver(State state, Redeliver cmd) {
    if (!state.webhooks().containsKey(cmd.webhookId())) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(noSuchWebhook(cmd.webhookId())));
    }
    List<Long> seqs = state.deadLetters(cmd.webhookId()).stream()
        .map(d -> d.notice().seq())
        .filter(seq -> cmd.noticeSeq() == null || seq.equals(cmd.noticeSeq()))
        .toList();
    if (cmd.noticeSeq() != null && seqs.isEmpty()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(new Rejection.NotFound(
          "webhook '" + cmd.webhookId() + "' has no dead letter " + cmd.noticeSeq())));
    }
    if (seqs.isEmpty()) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(0));
    }
    seqs.forEach(seq -> attempts.remove(cmd.webhookId() + "/" + seq));
    return Effect().persist(new DeadLettersRedelivered(cmd.webhookId(), seqs, clock.instant(), cmd.by()))
        .thenRun(this::send)
        .thenReply(cmd.replyTo(), s -> StatusReply.success(seqs.size()));
  }

  private ReplyEffect<Event, State> onTick(State state, Tick tick) {
    if (state.webhooks().isEmpty()) {
      return Effect().noReply();
    }
    poll(state);
    send(state);
    return Effect().noReply();
  }

  private void poll(State state) {
    if (polling) {
      return;
    }
    polling = true;
    long after = Math.max(state.readUpTo(), scannedUpTo);
    context.pipeToSelf(log.after(agencyId, after, settings.batchSize()), (entries, failure) ->
        new Polled(entries == null ? List.of() : entries, failure == null ? null : String.valueOf(failure)));
  }

  private ReplyEffect<Event, State> onPolled(State state, Polled polled) {
    polling = false;
    if (polled.failure() != null) {
      context.getLog().warn("reading the journal of agency {} failed: {}", agencyId, polled.failure());
      return Effect().noReply();
    }
    long after = Math.max(state.readUpTo(), scannedUpTo);
    var notices = new ArrayList<PushedNotice>();
    long upTo = after;
    for (AgencyLog.Entry entry : polled.entries()) {
      if (entry.seq() <= after) {
        continue;
      }
      upTo = Math.max(upTo, entry.seq());
      PushedNotice.of(entry.seq(), entry.at(), entry.event()).ifPresent(notices::add);
    }
    scannedUpTo = upTo;
    if (polled.entries().size() >= settings.batchSize()) {
      poll(state); // more are waiting: read on from scannedUpTo at once
    }
    if (notices.isEmpty() || state.webhooks().isEmpty()) {
      return Effect().noReply();
    }
    return Effect().persist(new NoticesQueued(upTo, List.copyOf(notices))).thenRun(this::send).thenNoReply();
  }

  /** Starts every attempt that may start now: the head of each subject's lane, within the limit. */
  private void send(State state) {
    Instant now = clock.instant();
    for (Webhook webhook : state.webhooks().values()) {
      String id = webhook.webhookId();
      long inFlight = attempts.entrySet().stream()
          .filter(e -> e.getKey().startsWith(id + "/") && e.getValue().inFlight).count();
      Set<String> lanesSeen = new HashSet<>();
      for (long seq : state.due().getOrDefault(id, List.of())) {
        PushedNotice notice = state.outbox().get(seq);
        if (notice == null || !lanesSeen.add(notice.kind() + "/" + notice.subject())) {
          continue; // an earlier notice of the same subject is still due
        }
        Attempts a = attempts.computeIfAbsent(id + "/" + seq, k -> new Attempts());
        if (a.inFlight || a.next.isAfter(now)) {
          continue;
        }
        if (inFlight >= settings.maxInFlight()) {
          break;
        }
        inFlight++;
        a.inFlight = true;
        if (a.first == null) {
          a.first = now;
        }
        context.pipeToSelf(courier.deliver(agencyId, webhook, notice, a.failures + 1), (outcome, failure) ->
            new AttemptDone(id, seq, outcome != null ? outcome
                : WebhookCourier.Outcome.failed("delivery failed: " + failure)));
      }
    }
  }

  private ReplyEffect<Event, State> onAttemptDone(State state, AttemptDone done) {
    String key = done.webhookId() + "/" + done.seq();
    Attempts a = attempts.get(key);
    if (a == null || !state.due().getOrDefault(done.webhookId(), List.of()).contains(done.seq())) {
      attempts.remove(key);
      return Effect().noReply();
    }
    a.inFlight = false;
    if (done.outcome().delivered()) {
      attempts.remove(key);
      return Effect().persist(new NoticeDelivered(done.webhookId(), done.seq())).thenRun(this::send).thenNoReply();
    }
    a.failures++;
    Instant now = clock.instant();
    if (!now.isBefore(a.first.plus(settings.retryFor()))) {
      attempts.remove(key);
      context.getLog().warn("webhook {} of agency {}: notice {} dead-lettered after {} attempts: {}",
          done.webhookId(), agencyId, done.seq(), a.failures, done.outcome().detail());
      return Effect().persist(new NoticeDeadLettered(done.webhookId(), done.seq(), now, a.failures,
          done.outcome().detail())).thenRun(this::send).thenNoReply();
    }
    Duration wait = settings.backoff(a.failures, ThreadLocalRandom.current().nextDouble());
    a.next = now.plus(wait);
    context.getLog().debug("webhook {} of agency {}: notice {} attempt {} failed ({}), next in {}",
        done.webhookId(), agencyId, done.seq(), a.failures, done.outcome().detail(), wait);
    return Effect().noReply();
  }

  /** Without webhooks the outbox has nothing to do: it leaves memory (and remember-entities). */
  private void idleCheck(State state) {
    if (state.webhooks().isEmpty() && shard != null) {
      timers.startSingleTimer(PASSIVATE, new Passivate(), settings.idlePassivation());
    }
  }

  private ReplyEffect<Event, State> onPassivate(State state, Passivate cmd) {
    if (state.webhooks().isEmpty() && shard != null) {
      shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    }
    return Effect().noReply();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onAnyEvent((state, event) -> state.apply(event, settings.deadLettersKept()));
  }
}
