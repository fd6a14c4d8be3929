package org.schoolsafety.hub.device;

/**
 * ACTIVE: reporting. OFFLINE: silent for longer than its kind's interval (back to ACTIVE by
 * itself on its next reading). FAULT: it reports a kind of reading it was not registered for
 * (miswired or misconfigured; its readings still count, so no alarm is lost), until it reports
 * its own kind again.
 */
public enum DeviceState {
  ACTIVE,
  OFFLINE,
  FAULT
}
