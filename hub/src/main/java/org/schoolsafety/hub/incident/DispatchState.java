package org.schoolsafety.hub.incident;

/** Where one agency's dispatch stands. */
public enum DispatchState {
  /** Sent, waiting for the agency to acknowledge before its deadline. */
  NOTIFIED,
  ACKNOWLEDGED,
  /** Deadline passed: the next tier of the same kind was notified instead. */
  ESCALATED,
  /** Deadline passed and there is no tier left to escalate to. */
  UNANSWERED
}
