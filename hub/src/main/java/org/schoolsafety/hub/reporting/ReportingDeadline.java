package org.schoolsafety.hub.reporting;

import java.time.Instant;

/**
 * One report that was due: {@code met} is true when it came by {@code due}, false when it came
 * late or is overdue, null while it is not yet due and not yet in.
 */
public record ReportingDeadline(String name, Instant due, Instant doneAt, Boolean met) {

  public static final String INITIAL = "initial";
  public static final String QUICK = "quick";
  public static final String CONTINUATION = "continuation";
  public static final String FINAL = "final";

  /** The deadline's kind: its name without a continuation's number. */
  public String kind() {
    int dash = name.indexOf('-');
    return dash < 0 ? name : name.substring(0, dash);
  }

  static ReportingDeadline judged(String name, Instant due, Instant doneAt, Instant now) {
    Boolean met = null;
    if (doneAt != null) {
      met = !doneAt.isAfter(due);
    } else if (now.isAfter(due)) {
      met = Boolean.FALSE;
    }
    return new ReportingDeadline(name, due, doneAt, met);
  }
}
