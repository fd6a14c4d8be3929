package org.schoolsafety.persistence.readside;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.persistence.query.TimeBasedUUID;
import org.schoolsafety.hub.incident.DispatchState;
import org.schoolsafety.hub.incident.Level;

/**
 * True totals of open incidents, kept by the incident projection from the events it folds: per
 * region prefix (province, city, county) and mode, how many open incidents there are of each level
 * and how their dispatches stand. Each projection slice (a tag) owns its own rows, so every row has
 * a single writer that knows its absolute values; a reader adds up the slices' rows of a prefix.
 *
 * <p>At least once, idempotent: a row remembers the offset of the last event it counted, and an event
 * at or below it changes nothing. The handler writes the count rows of a group before the incidents'
 * rows, so when a replay finds an incident row already past an event (the change is not seen again)
 * the count rows are past it too.
 */
final class OpenCounts {

  static final List<String> LEVELS = Arrays.stream(Level.values()).map(Enum::name).toList();
  static final List<String> DISPATCH_STATES = List.of(DispatchState.NOTIFIED.name(), DispatchState.ACKNOWLEDGED.name(),
      DispatchState.ESCALATED.name(), DispatchState.UNANSWERED.name());
  /** Values of a row: the levels' counts, then the dispatch states' counts. */
  static final int WIDTH = LEVELS.size() + DISPATCH_STATES.size();

  private OpenCounts() {}

  /** One row: a region prefix and a mode (of this slice). */
  record Key(String prefix, String mode) {}

  /** A row's values and the offset of the last event counted in it (null: none yet). */
  record Row(int[] values, Offset last) {
    static Row empty() {
      return new Row(new int[WIDTH], null);
    }

    Map<String, Integer> levels() {
      var m = new HashMap<String, Integer>();
      for (int i = 0; i < LEVELS.size(); i++) {
        m.put(LEVELS.get(i), values[i]);
      }
      return m;
    }

    Map<String, Integer> dispatches() {
      var m = new HashMap<String, Integer>();
      for (int i = 0; i < DISPATCH_STATES.size(); i++) {
        m.put(DISPATCH_STATES.get(i), values[LEVELS.size() + i]);
      }
      return m;
    }

    static Row of(Map<String, Integer> levels, Map<String, Integer> dispatches, Offset last) {
      int[] values = new int[WIDTH];
      for (int i = 0; i < LEVELS.size(); i++) {
        values[i] = levels == null ? 0 : levels.getOrDefault(LEVELS.get(i), 0);
      }
      for (int i = 0; i < DISPATCH_STATES.size(); i++) {
        values[LEVELS.size() + i] = dispatches == null ? 0 : dispatches.getOrDefault(DISPATCH_STATES.get(i), 0);
      }
      return new Row(values, last);
    }
  }

  /** What one event changed in the counts of its incident's region prefixes and mode. */
  record Delta(Offset offset, String regionCode, String mode, int[] change) {
    List<Key> keys() {
      return prefixes(regionCode).stream().map(p -> new Key(p, mode)).toList();
    }
  }

  static List<String> prefixes(String regionCode) {
    return List.of(regionCode.substring(0, 2), regionCode.substring(0, 4), regionCode);
  }

  /** What an incident adds to the counts: one of its level and its dispatches by state while it is open. */
  static int[] contribution(IncidentRow row) {
    int[] values = new int[WIDTH];
    if (row == null || !row.status().isActive()) {
      return values;
    }
    values[LEVELS.indexOf(row.level())]++;
    for (IncidentRow.DispatchRow d : row.dispatches()) {
      int state = DISPATCH_STATES.indexOf(d.state());
      if (state >= 0) {
        values[LEVELS.size() + state]++;
      }
    }
    return values;
  }

  /** The change from {@code before} to {@code after} (one event), or null when the counts stay as they are. */
  static Delta delta(IncidentRow before, IncidentRow after, Offset offset) {
    if (after == null) {
      return null;
    }
    int[] was = contribution(before);
    int[] is = contribution(after);
    if (Arrays.equals(was, is)) {
      return null;
    }
    int[] change = new int[WIDTH];
    for (int i = 0; i < WIDTH; i++) {
      change[i] = is[i] - was[i];
    }
    return new Delta(offset, after.regionCode(), after.mode(), change);
  }

  /**
   * The rows {@code deltas} change, counted from {@code known} (every key of the deltas must be in it),
   * each marked as counted up to {@code upTo} (the group's last offset). A delta at or below a row's
   * last offset was counted before (a replay) and is left out.
   */
  static Map<Key, Row> apply(Map<Key, Row> known, List<Delta> deltas, Offset upTo) {
    var changed = new HashMap<Key, Row>();
    for (Delta delta : deltas) {
      for (Key key : delta.keys()) {
        Row row = known.get(key);
        if (row == null) {
          throw new IllegalStateException("count row " + key + " was not loaded");
        }
        if (!isAfter(delta.offset(), row.last())) {
          continue;
        }
        Row next = changed.computeIfAbsent(key, k -> new Row(row.values().clone(), upTo));
        for (int i = 0; i < WIDTH; i++) {
          next.values()[i] += delta.change()[i];
        }
      }
    }
    return changed;
  }

  /** Whether {@code offset} comes after {@code last} (null: nothing counted yet). */
  static boolean isAfter(Offset offset, Offset last) {
    if (last == null) {
      return true;
    }
    if (offset instanceof Sequence s && last instanceof Sequence l) {
      return s.value() > l.value();
    }
    if (offset instanceof TimeBasedUUID t && last instanceof TimeBasedUUID l) {
      return t.compare(l) > 0;
    }
    throw new IllegalArgumentException("offsets of different kinds: " + offset + " and " + last);
  }

  static String encode(Offset offset) {
    if (offset instanceof Sequence s) {
      return "seq:" + s.value();
    }
    if (offset instanceof TimeBasedUUID t) {
      return "uuid:" + t.value();
    }
    throw new IllegalArgumentException("the incident projection's offsets are sequences or time-based UUIDs, not " + offset);
  }

  static Offset decode(String text) {
    if (text == null) {
      return null;
    }
    if (text.startsWith("seq:")) {
      return Offset.sequence(Long.parseLong(text.substring(4)));
    }
    if (text.startsWith("uuid:")) {
      return Offset.timeBasedUUID(UUID.fromString(text.substring(5)));
    }
    throw new IllegalArgumentException("not an offset of the open counts: " + text);
  }
}
