package org.schoolsafety.hub.incident;

/**
 * Where an incident stands. DISPATCHED until every dispatched kind of agency has acknowledged,
 * then ACKNOWLEDGED; the final report resolves it; the command center closes it. CANCELLED
 * marks a false alarm. Nothing is ever deleted.
 */
public enum Status {
  REPORTED,
  DISPATCHED,
  ACKNOWLEDGED,
  RESOLVED,
  CLOSED,
  CANCELLED;

  /** Still in progress: reports, acknowledgements and escalations apply. */
  public boolean isActive() {
    return this == REPORTED || this == DISPATCHED || this == ACKNOWLEDGED;
  }

  /** Finished for good: no further command changes it. */
  public boolean isTerminal() {
    return this == CLOSED || this == CANCELLED;
  }
}
