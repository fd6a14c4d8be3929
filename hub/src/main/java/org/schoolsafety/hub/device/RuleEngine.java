package org.schoolsafety.hub.device;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns readings into alarms: a pure function of what it remembers about each device channel
 * and the readings of one batch (no clock, no I/O), so that every rule can be tested on its own
 * and the School entity stays the single writer that decides.
 *
 * <p>A channel is one device and one rule (a camera has a channel per label). Per channel it
 * remembers the current episode — from the first reading at or above the threshold until the
 * first newer reading below it — and whether the episode has counted (stayed above for the
 * rule's sustained-for), and whether it already raised its alarm: an episode raises at most one.
 * Readings are judged in time order within a batch, and episodes do not depend on the order in
 * which batches arrive (see {@link #observe}); a press that arrives after its release still counts.
 */
public final class RuleEngine {

  private RuleEngine() {}

  /**
   * What the engine remembers of one channel; kept in memory by the School, never journaled.
   * {@code aboveSince}..{@code lastAboveAt}: the current episode (null: none); {@code lastBelowAt}:
   * the newest reading below the threshold; {@code lastQualified}: the newest reading with which
   * the channel counted (kept after its episode ends, to confirm others within their window).
   */
  public record Watch(
      String deviceId,
      String key,
      Instant aboveSince,
      Instant lastAboveAt,
      Instant lastBelowAt,
      boolean qualified,
      boolean alarmed,
      Reading lastQualified) {

    static Watch fresh(String deviceId, String key) {
      return new Watch(deviceId, key, null, null, null, false, false, null);
    }

    boolean inEpisode() {
      return aboveSince != null;
    }

    Watch withAlarm() {
      return new Watch(deviceId, key, aboveSince, lastAboveAt, lastBelowAt, qualified, true, lastQualified);
    }
  }

  /**
   * One alarm: {@code deviceId}'s episode counted and was confirmed (when its rule asks for it)
   * by {@code confirmedBy}; {@code reading} is the reading that made it count.
   */
  public record Alarm(String deviceId, AlarmRule rule, Reading reading, Place place, List<String> confirmedBy) {}

  public record Outcome(Map<String, Watch> watches, List<Alarm> alarms) {}

  public static String channel(String deviceId, String key) {
    return deviceId + "|" + key;
  }

  /**
   * The alarms a batch raises and what the engine remembers afterwards. {@code before} is not
   * changed. {@code places} gives a device's place ({@link Place#UNKNOWN} for unregistered ones).
   */
  public static Outcome evaluate(
      Map<String, Watch> before, List<Reading> readings, Function<String, Place> places, Map<String, AlarmRule> rules) {
    var watches = new HashMap<>(before);
    var alarms = new ArrayList<Alarm>();
    List<Reading> ordered = readings.stream().sorted(Comparator.comparing(Reading::at)).toList();
    for (Reading r : ordered) {
      String key = AlarmRule.keyOf(r);
      AlarmRule rule = key == null ? null : rules.get(key);
      if (rule == null) {
        continue;
      }
      String ch = channel(r.sensorId(), key);
      Watch w = watches.getOrDefault(ch, Watch.fresh(r.sensorId(), key));
      Watch next = observe(w, r, rule);
      watches.put(ch, next);
      if (next.qualified() && !next.alarmed()) {
        confirmAndRaise(watches, ch, next, rule, places, rules, alarms);
      }
    }
    return new Outcome(Map.copyOf(watches), List.copyOf(alarms));
  }

  /**
   * The channel after one reading, whatever order readings arrive in: an episode runs from the
   * earliest reading above after the newest reading below before it, to the newest reading
   * above; a reading below that is newer than every reading above ends it, an older one inside it
   * shortens it (the episode began after it).
   */
  static Watch observe(Watch w, Reading r, AlarmRule rule) {
    boolean above = r.measure() >= rule.threshold();
    Instant since = w.aboveSince();
    Instant lastAbove = w.lastAboveAt();
    Instant lastBelow = w.lastBelowAt();
    boolean alarmed = w.alarmed();
    if (!above) {
      lastBelow = lastBelow == null || r.at().isAfter(lastBelow) ? r.at() : lastBelow;
      if (since != null) {
        if (!r.at().isBefore(lastAbove)) {
          since = null;
          lastAbove = null;
          alarmed = false;
        } else if (r.at().isAfter(since)) {
          since = lastAbove;
        }
      }
    } else {
      boolean afterLastBelow = lastBelow == null || r.at().isAfter(lastBelow);
      if (since == null) {
        if (!afterLastBelow) {
          // An old reading above, followed by a newer one below. For a rule that needs no
          // sustained time (a panic press) it still happened: it counts, without an episode.
          boolean counts = rule.sustainedFor().isZero();
          return new Watch(w.deviceId(), w.key(), null, null, lastBelow, counts, false, counts ? r : w.lastQualified());
        }
        since = r.at();
        lastAbove = r.at();
        alarmed = false;
      } else {
        lastAbove = r.at().isAfter(lastAbove) ? r.at() : lastAbove;
        since = r.at().isBefore(since) && afterLastBelow ? r.at() : since;
      }
    }
    boolean qualified = since != null && !Duration.between(since, lastAbove).minus(rule.sustainedFor()).isNegative();
    Reading lastQualified = w.lastQualified();
    if (qualified && above && (lastQualified == null || !r.at().isBefore(lastQualified.at()))) {
      lastQualified = r;
    } else if (qualified && lastQualified == null) {
      lastQualified = r;
    }
    return new Watch(w.deviceId(), w.key(), since, lastAbove, lastBelow, qualified, alarmed, lastQualified);
  }

  private static void confirmAndRaise(Map<String, Watch> watches, String ch, Watch w, AlarmRule rule,
      Function<String, Place> places, Map<String, AlarmRule> rules, List<Alarm> alarms) {
    Place place = places.apply(w.deviceId());
    Reading reading = w.lastQualified();
    if (!rule.confirm()) {
      watches.put(ch, w.withAlarm());
      alarms.add(new Alarm(w.deviceId(), rule, reading, place, List.of()));
      return;
    }
    var partners = new ArrayList<Watch>();
    for (Watch p : watches.values()) {
      if (p.deviceId().equals(w.deviceId()) || !rule.confirmWith().contains(p.key()) || p.lastQualified() == null) {
        continue;
      }
      Duration apart = Duration.between(p.lastQualified().at(), reading.at()).abs();
      if (apart.compareTo(rule.confirmWindow()) <= 0 && sameScope(rule, place, places.apply(p.deviceId()))) {
        partners.add(p);
      }
    }
    if (partners.isEmpty()) {
      return; // counted, waiting for confirmation
    }
    partners.sort(Comparator.comparing(Watch::deviceId).thenComparing(Watch::key));
    watches.put(ch, w.withAlarm());
    alarms.add(new Alarm(w.deviceId(), rule, reading, place, partners.stream().map(Watch::deviceId).distinct().toList()));
    // A partner still in an episode that was itself waiting for confirmation is confirmed now.
    for (Watch p : partners) {
      AlarmRule theirs = rules.get(p.key());
      if (p.qualified() && !p.alarmed() && theirs != null
          && theirs.confirmWith().contains(w.key())) {
        watches.put(channel(p.deviceId(), p.key()), p.withAlarm());
        alarms.add(new Alarm(p.deviceId(), theirs, p.lastQualified(), places.apply(p.deviceId()), List.of(w.deviceId())));
      }
    }
  }

  private static boolean sameScope(AlarmRule rule, Place a, Place b) {
    if (rule.confirmScope() == AlarmRule.Scope.SCHOOL || !a.known() || !b.known()) {
      return true;
    }
    return a.building().equals(b.building());
  }

  /** Channels of a device, e.g. to end its episodes when it goes offline. */
  public static Map<String, Watch> without(Map<String, Watch> watches, String deviceId) {
    var next = new HashMap<>(watches);
    next.values().removeIf(w -> w.deviceId().equals(deviceId));
    return next;
  }
}
