package org.schoolsafety.hub.agency;

import java.time.Instant;
import org.schoolsafety.hub.CborSerializable;

/**
 * An education agency's notice about a device of a school in its jurisdiction: it went OFFLINE
 * (silent for longer than its kind allows) at {@code since}, or is ACTIVE again. One per device,
 * the latest state; {@code lastSeen} is its last reading before it went silent.
 */
public record DeviceNotice(
    String schoolId,
    String schoolName,
    String regionCode,
    String deviceId,
    String kind,
    String place,
    String state,
    Instant since,
    Instant lastSeen)
    implements CborSerializable {

  public String key() {
    return schoolId + "/" + deviceId;
  }

  /** In the open list while the device is offline. */
  public boolean isOpen() {
    return "OFFLINE".equals(state);
  }
}
