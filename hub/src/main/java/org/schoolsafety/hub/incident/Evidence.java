package org.schoolsafety.hub.incident;

import java.time.Instant;
import org.schoolsafety.hub.CborSerializable;

/**
 * A device's alarm attached to an incident: which device, what it read (value and unit, or a
 * camera's label and confidence), where it is and when. One per device alarm, never per reading.
 * Its identity is (device, rule, time).
 */
public record Evidence(
    String deviceId, String rule, Double value, String unit, String label, String place, String building,
    Instant at)
    implements CborSerializable {

  public boolean sameAs(Evidence other) {
    return deviceId.equals(other.deviceId) && rule.equals(other.rule) && at.equals(other.at);
  }

  /** "smoke-3F-01 (SMOKE 0.31 dB/m) at Building B, 3F, lab" */
  public String describe() {
    String what = label != null ? label + " " + Math.round((value == null ? 0 : value) * 100) + " %"
        : rule + (value == null ? "" : " " + value + " " + unit);
    return deviceId + " (" + what + ") at " + place;
  }
}
