package org.schoolsafety.hub.incident;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.schoolsafety.hub.Entities;
import org.schoolsafety.hub.NoticeOutbox;
import org.schoolsafety.hub.agency.Agency;
import org.schoolsafety.hub.agency.DispatchNotice;
import org.schoolsafety.hub.feed.FeedItem;
import org.schoolsafety.hub.feed.IncidentFeed;
import org.schoolsafety.hub.prevention.Prevention;
import org.schoolsafety.hub.school.IncidentNotice;
import org.schoolsafety.hub.school.School;

/**
 * Keeps agencies' inboxes and the school's list of open incidents in step with the incident.
 * At least once: a notice is retried until its receiver confirms it, and after recovery the
 * incident sends them all again (receivers ignore what they already have). One notice per
 * receiver is in flight at a time, so a receiver never sees an older notice after a newer one.
 *
 * <p>The province's {@link IncidentFeed} gets every event, not just the latest state: its items
 * queue up in order and go out in batches, one batch in flight at a time.
 */
final class Courier {

  private static final String REDELIVER = "redeliver";
  private static final String RESEND = "resend-after-recovery";

  private final ActorContext<IncidentCommand> context;
  private final TimerScheduler<IncidentCommand> timers;
  private final Entities entities;
  private final Duration askTimeout;
  private final Duration redeliveryInterval;
  private final Duration resendAtOnceWithin;
  private final Duration resendSpread;
  private final NoticeOutbox<Object> notices = new NoticeOutbox<>(this::deliver, this::scheduleRedelivery);
  private final List<FeedItem> feedQueue = new ArrayList<>();
  private List<FeedItem> feedInFlight;
  private static final int FEED_BATCH = 100;
  /** The longest wait between offers is the redelivery interval times 2 to this power. */
  static final int MOST_BACKOFF_DOUBLINGS = 3;
  private int failuresInARow;

  Courier(
      ActorContext<IncidentCommand> context,
      TimerScheduler<IncidentCommand> timers,
      Entities entities,
      IncidentSettings settings) {
    this.context = context;
    this.timers = timers;
    this.entities = entities;
    this.askTimeout = settings.askTimeout();
    this.redeliveryInterval = settings.redeliveryInterval();
    this.resendAtOnceWithin = settings.resendAtOnceWithin();
    this.resendSpread = settings.resendSpread();
  }

  /** Every notice that describes the incident as it stands, keyed by receiver. */
  static Map<String, Object> noticesOf(IncidentState state) {
    var notices = new LinkedHashMap<String, Object>();
    if (!state.isReported()) {
      return notices;
    }
    NewIncident n = state.incident();
    if (n.imported()) {
      // An imported record was handled by the previous system: only the school's risk inputs
      // learn of it; no agency inbox, school list (nor so its guardians) hears of it live.
      notices.put("prevention:" + n.school().schoolId(), preventionNotice(state));
      return notices;
    }
    notices.put(
        "school:" + n.school().schoolId(),
        new IncidentNotice(
            state.incidentId(), n.type(), state.level(), n.mode(), state.status(),
            state.reportedAt(), n.deviceRaised() && state.isFalseAlarm() ? state.contributingDevices() : null));
    // The school's prevention record keeps what its risk score needs: what the incident was,
    // not how its response goes. This notice changes only on a regrade or a cancellation, so
    // the record writes about once per real incident rather than once per dispatch step, and
    // drills (which never count towards risk) send nothing.
    if (n.mode() == Mode.ACTUAL) {
      notices.put("prevention:" + n.school().schoolId(), preventionNotice(state));
    }
    for (Dispatch d : state.dispatches()) {
      notices.put(
          "agency:" + d.agencyId(),
          new DispatchNotice(
              state.incidentId(), n.school().schoolId(), n.school().name(),
              n.school().region().value(), n.type(), state.level(), n.mode(), state.status(),
              d.state(), d.notifiedAt(), d.deadline(), d.ackAt()));
    }
    return notices;
  }

  private static IncidentNotice preventionNotice(IncidentState state) {
    NewIncident n = state.incident();
    return new IncidentNotice(
        state.incidentId(), n.type(), state.level(), n.mode(),
        state.status() == Status.CANCELLED ? Status.CANCELLED : Status.REPORTED,
        state.reportedAt(), null, n.initial().occurredAt());
  }

  /** Whether the province feed (and so the command centers' streams and CAP) hears of this incident. */
  private static boolean onFeed(IncidentState state) {
    return state.isReported() && !state.incident().imported();
  }

  /**
   * The feed items for the timeline entries after journal sequence number {@code after}, with the
   * state's summary. Only the entries the state keeps can be sent (see {@link IncidentState}); an
   * incident whose feed fell more than that many events behind would be missing items on the feed.
   */
  static List<FeedItem> feedItems(IncidentState state, long after) {
    NewIncident n = state.incident();
    var dispatches = state.dispatches().stream()
        .map(d -> new FeedItem.DispatchSummary(d.agencyId(), d.agency().name(), d.agency().kind(),
            d.agency().tier(), d.state(), d.deadline(), d.ackAt()))
        .toList();
    var items = new ArrayList<FeedItem>();
    long first = state.firstTimelineSequenceNr();
    for (int i = (int) Math.max(0, after + 1 - first); i < state.timeline().size(); i++) {
      TimelineEntry entry = state.timeline().get(i);
      // Every event adds exactly one timeline entry.
      items.add(new FeedItem(state.incidentId(), first + i, entry.event(), entry.at(), entry.by(), entry.detail(),
          n.school().schoolId(), n.school().name(), n.school().region().value(), n.type(), state.level(),
          n.mode(), state.status(), dispatches, n.drillId()));
    }
    return items;
  }

  /** Sends what changed between two states. */
  void sendChanges(IncidentState before, IncidentState after) {
    if (onFeed(after)) {
      feedQueue.addAll(feedItems(after, before.eventCount()));
      flushFeed();
    }
    notices.sendChanges(noticesOf(before), noticesOf(after));
  }

  /**
   * After recovery: everything again, since a notice may have been in flight when the entity
   * stopped. An incident that changed within {@code resendAtOnceWithin} sends at once: that is
   * where undelivered notices are likely (a node that died mid-delivery). Older incidents send
   * after a random delay within {@code resendSpread}: a node that restarts with hundreds of open
   * incidents would otherwise wake every school, agency and feed in the same second, while the
   * same node is still loading its shards (measured in docs/RELIABILITY.md). At least once either way.
   */
  void afterRecovery(IncidentState state, java.time.Instant now) {
    if (!state.isReported() || state.timeline().isEmpty()) {
      return;
    }
    java.time.Instant lastChange = state.timeline().get(state.timeline().size() - 1).at();
    if (resendSpread.isZero() || !lastChange.plus(resendAtOnceWithin).isBefore(now)) {
      sendAll(state, now);
      return;
    }
    long delayMillis = java.util.concurrent.ThreadLocalRandom.current().nextLong(resendSpread.toMillis() + 1);
    timers.startSingleTimer(RESEND, IncidentCommand.ResendAll.INSTANCE, Duration.ofMillis(delayMillis));
  }

  boolean resendPending() {
    return timers.isTimerActive(RESEND);
  }

  /**
   * Everything again. Incidents that ended longer ago than the feed remembers
   * skip the feed, which had their items long before it forgot them.
   */
  void sendAll(IncidentState state, java.time.Instant now) {
    notices.sendAll(noticesOf(state));
    boolean endedLongAgo = state.ending() != null
        && state.ending().at().plus(IncidentFeed.REMEMBER_ENDED.minusDays(1)).isBefore(now);
    if (onFeed(state) && !endedLongAgo) {
      feedQueue.clear();
      feedQueue.addAll(feedItems(state, 0));
      flushFeed();
    }
  }

  void feedSettled(boolean delivered) {
    noteOutcome(delivered);
    if (!delivered && feedInFlight != null) {
      feedQueue.addAll(0, feedInFlight);
      scheduleRedelivery();
      context.getLog().warn("feed items not confirmed; retrying in {}", backoff());
    }
    feedInFlight = null;
    flushFeed();
  }

  private void flushFeed() {
    if (feedInFlight != null || feedQueue.isEmpty()) {
      return;
    }
    feedInFlight = List.copyOf(feedQueue.subList(0, Math.min(FEED_BATCH, feedQueue.size())));
    feedQueue.subList(0, feedInFlight.size()).clear();
    String province = feedInFlight.get(0).regionCode().substring(0, 2);
    List<FeedItem> batch = feedInFlight;
    context.ask(
        Done.class,
        entities.feed(province),
        askTimeout,
        replyTo -> new IncidentFeed.Append(batch, replyTo),
        (done, failure) -> new IncidentCommand.FeedSettled(failure == null));
  }

  /**
   * The wait before the next offer: the redelivery interval after one failure, doubling with each
   * failure in a row up to 2^{@link #MOST_BACKOFF_DOUBLINGS} times it. A receiver that is behind (asks timing
   * out while the earlier offers are still queued there) gets fewer copies the longer it stays
   * behind, instead of one more every interval from each of its incidents.
   */
  private Duration backoff() {
    return redeliveryInterval.multipliedBy(1L << Math.min(Math.max(failuresInARow - 1, 0), MOST_BACKOFF_DOUBLINGS));
  }

  private void scheduleRedelivery() {
    if (!timers.isTimerActive(REDELIVER)) {
      timers.startSingleTimer(REDELIVER, IncidentCommand.Redeliver.INSTANCE, backoff());
    }
  }

  private void noteOutcome(boolean delivered) {
    failuresInARow = delivered ? 0 : failuresInARow + 1;
  }

  void settled(IncidentCommand.NoticeSettled result) {
    noteOutcome(result.delivered());
    if (notices.settled(result.target(), result.delivered())) {
      context.getLog().warn("notice to {} not confirmed; retrying in {}", result.target(), backoff());
    }
  }

  void redeliver() {
    notices.flush();
    flushFeed();
  }

  boolean isIdle() {
    return !resendPending() && notices.isIdle() && feedQueue.isEmpty() && feedInFlight == null;
  }

  private boolean deliver(String target, Object notice) {
    if (target.startsWith("prevention:")) {
      if (entities.preventions() == null) {
        return false; // a setup without prevention records (unit tests of incidents)
      }
      context.ask(
          Done.class,
          entities.prevention(target.substring("prevention:".length())),
          askTimeout,
          replyTo -> new Prevention.TrackIncident((IncidentNotice) notice, replyTo),
          (done, failure) -> new IncidentCommand.NoticeSettled(target, failure == null));
    } else if (notice instanceof DispatchNotice d) {
      context.ask(
          Done.class,
          entities.agency(target.substring("agency:".length())),
          askTimeout,
          replyTo -> new Agency.TrackDispatch(d, replyTo),
          (done, failure) -> new IncidentCommand.NoticeSettled(target, failure == null));
    } else if (notice instanceof IncidentNotice i) {
      context.ask(
          Done.class,
          entities.school(target.substring("school:".length())),
          askTimeout,
          replyTo -> new School.TrackIncident(i, replyTo),
          (done, failure) -> new IncidentCommand.NoticeSettled(target, failure == null));
    }
    return true;
  }
}
