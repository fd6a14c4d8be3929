package org.schoolsafety.hub.evaluation;

import java.time.Instant;

/**
 * One anonymous tip as the tips queue keeps it: when it came, its response deadline, and its
 * first triage (the tip answered) with the deadline that triage had to meet. {@code triageDue}
 * is null for tips triaged before the read side kept it; their current deadline stands in.
 */
public record TipFacts(String tipId, String schoolId, String regionCode, Instant receivedAt, Instant deadline,
    Instant triagedAt, Instant triageDue, boolean overdue) {

  /** True when first triaged by its deadline, false when triaged late or overdue, null while pending. */
  public Boolean answeredInTime(Instant now) {
    if (triagedAt != null) {
      Instant due = triageDue != null ? triageDue : deadline;
      return due == null || !triagedAt.isAfter(due);
    }
    if (overdue || (deadline != null && !now.isBefore(deadline))) {
      return false;
    }
    return null;
  }
}
