package org.schoolsafety.hub.incident;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.schoolsafety.hub.Entities;
import org.schoolsafety.hub.agency.Agency;
import org.schoolsafety.hub.agency.DispatchNotice;
import org.schoolsafety.hub.school.IncidentNotice;
import org.schoolsafety.hub.school.School;

/**
 * Keeps agencies' inboxes and the school's list of open incidents in step with the incident.
 * At least once: a notice is retried until its receiver confirms it, and after recovery the
 * incident sends them all again (receivers ignore what they already have). One notice per
 * receiver is in flight at a time, so a receiver never sees an older notice after a newer one.
 */
final class Courier {

  private static final String REDELIVER = "redeliver";

  private final ActorContext<IncidentCommand> context;
  private final TimerScheduler<IncidentCommand> timers;
  private final Entities entities;
  private final Duration askTimeout;
  private final Duration redeliveryInterval;
  private final Map<String, Object> waiting = new LinkedHashMap<>();
  private final Map<String, Object> inFlight = new HashMap<>();

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
  }

  /** Every notice that describes the incident as it stands, keyed by receiver. */
  static Map<String, Object> noticesOf(IncidentState state) {
    var notices = new LinkedHashMap<String, Object>();
    if (!state.isReported()) {
      return notices;
    }
    NewIncident n = state.incident();
    notices.put(
        "school:" + n.school().schoolId(),
        new IncidentNotice(
            state.incidentId(), n.type(), state.level(), n.mode(), state.status(),
            state.reportedAt()));
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

  /** Sends what changed between two states. */
  void sendChanges(IncidentState before, IncidentState after) {
    Map<String, Object> old = noticesOf(before);
    noticesOf(after).forEach(
        (target, notice) -> {
          if (!notice.equals(old.get(target))) {
            waiting.put(target, notice);
          }
        });
    flush();
  }

  void sendAll(IncidentState state) {
    waiting.putAll(noticesOf(state));
    flush();
  }

  void settled(IncidentCommand.NoticeSettled result) {
    Object sent = inFlight.remove(result.target());
    if (!result.delivered() && sent != null) {
      waiting.putIfAbsent(result.target(), sent);
      if (!timers.isTimerActive(REDELIVER)) {
        timers.startSingleTimer(REDELIVER, IncidentCommand.Redeliver.INSTANCE, redeliveryInterval);
      }
      context.getLog().warn("notice to {} not confirmed; retrying in {}", result.target(), redeliveryInterval);
      return;
    }
    flush();
  }

  void redeliver() {
    flush();
  }

  boolean isIdle() {
    return waiting.isEmpty() && inFlight.isEmpty();
  }

  private void flush() {
    for (String target : List.copyOf(waiting.keySet())) {
      if (!inFlight.containsKey(target)) {
        Object notice = waiting.remove(target);
        inFlight.put(target, notice);
        deliver(target, notice);
      }
    }
  }

  private void deliver(String target, Object notice) {
    if (notice instanceof DispatchNotice d) {
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
  }
}
