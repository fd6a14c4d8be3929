package org.schoolsafety.hub.device;

import java.time.Duration;
import java.util.Set;
import org.schoolsafety.hub.incident.IncidentType;
import org.schoolsafety.hub.incident.Level;

/**
 * When readings of one kind (or one camera label) become an alarm, and what the alarm opens.
 *
 * <ul>
 *   <li>{@code threshold}: a reading at or above it is "above" (a camera's confidence for labels).
 *   <li>{@code sustainedFor}: the device must read above from the first above reading for at
 *       least this long before it counts, so a single spike is not enough (zero: at once).
 *   <li>{@code confirm}: the alarm also needs another device whose rule is one of
 *       {@code confirmWith} to have counted within {@code confirmWindow}, in the same building
 *       (or anywhere in the school with scope SCHOOL; a device of unknown place matches any).
 *   <li>{@code type} and {@code level}: the incident an alarm opens (or attaches to).
 * </ul>
 *
 * @param key the rule's name: the sensor kind ({@code SMOKE}) or {@code CAMERA_<label>}
 */
public record AlarmRule(
    String key,
    double threshold,
    Duration sustainedFor,
    boolean confirm,
    Duration confirmWindow,
    Set<String> confirmWith,
    Scope confirmScope,
    IncidentType type,
    Level level) {

  public enum Scope {
    BUILDING,
    SCHOOL
  }

  /** The rule key a reading is judged by; null for readings no rule judges (heartbeats). */
  public static String keyOf(Reading r) {
    if (r.kind() == SensorKind.HEARTBEAT) {
      return null;
    }
    if (r.kind() == SensorKind.CAMERA) {
      return r.label() == null ? null : "CAMERA_" + r.label().name();
    }
    return r.kind().name();
  }
}
