package org.schoolsafety.hub.hazard;

/**
 * Where a hazard stands: {@code OPEN} until the school reports the work done ({@code RECTIFIED}),
 * then {@code VERIFIED} when the county education agency accepts it, or {@code OPEN} again when it
 * rejects it. {@code OVERDUE}: the rectification deadline passed while the hazard was open.
 */
public enum HazardStatus {
  OPEN,
  OVERDUE,
  RECTIFIED,
  VERIFIED;

  /** Still waiting for rectification work: the deadline and escalation apply. */
  public boolean awaitsWork() {
    return this == OPEN || this == OVERDUE;
  }

  public boolean isClosed() {
    return this == VERIFIED;
  }
}
