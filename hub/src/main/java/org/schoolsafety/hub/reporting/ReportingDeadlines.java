package org.schoolsafety.hub.reporting;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.schoolsafety.hub.reporting.ReportingFacts.Update;

/**
 * Judges an incident's reports against the rules: a pure function of the facts, the rules and
 * the time of asking (which only decides whether a report not yet in is overdue or still due).
 */
public final class ReportingDeadlines {

  private static final Set<String> QUICK_LEVELS = Set.of("I", "II");
  private static final Set<String> CONTINUED_LEVELS = Set.of("I", "II", "III");

  private ReportingDeadlines() {}

  public static List<ReportingDeadline> of(ReportingFacts facts, ReportingRules rules, Instant now) {
    double scale = facts.timeScale() == null || facts.timeScale() <= 0 ? 1.0 : facts.timeScale();
    Instant occurred = facts.occurred();
    var deadlines = new ArrayList<ReportingDeadline>();
    deadlines.add(ReportingDeadline.judged(ReportingDeadline.INITIAL, occurred.plus(scaled(rules.initial(), scale)),
        facts.reportedAt(), now));
    if (QUICK_LEVELS.contains(facts.initialLevel())) {
      deadlines.add(ReportingDeadline.judged(ReportingDeadline.QUICK, occurred.plus(scaled(rules.quick(), scale)),
          facts.reportedAt(), now));
    }
    continuations(facts, scaled(rules.continuationEvery(), scale), now, deadlines);
    if (facts.endedAt() == null) {
      // A cancelled incident (a false alarm, a duplicate) owes no final report.
      deadlines.add(ReportingDeadline.judged(ReportingDeadline.FINAL, occurred.plus(scaled(rules.finalReport(), scale)),
          facts.resolvedAt(), now));
    }
    return List.copyOf(deadlines);
  }

  /**
   * While the incident is open and graded I-III, a continuation is due {@code every} after the
   * initial report and after each continuation. Any report fulfils the pending one (late if it
   * came after the due time); one falling due after the incident ended is not owed.
   */
  private static void continuations(ReportingFacts facts, Duration every, Instant now,
      List<ReportingDeadline> deadlines) {
    Instant resolved = facts.resolvedAt();
    Instant end = resolved != null ? resolved : facts.endedAt();
    Instant pending = CONTINUED_LEVELS.contains(facts.initialLevel()) ? facts.reportedAt().plus(every) : null;
    int n = 0;
    for (Update u : facts.updates()) {
      if (end != null && u.at().isAfter(end)) {
        break;
      }
      boolean isFinal = "FINAL".equals(u.kind());
      if (pending != null && (!isFinal || u.at().isAfter(pending))) {
        deadlines.add(ReportingDeadline.judged(ReportingDeadline.CONTINUATION + "-" + ++n, pending, u.at(), now));
      }
      if (isFinal) {
        return;
      }
      pending = CONTINUED_LEVELS.contains(u.levelAfter()) ? u.at().plus(every) : null;
    }
    if (pending != null && (end == null || pending.isBefore(end))) {
      deadlines.add(ReportingDeadline.judged(ReportingDeadline.CONTINUATION + "-" + ++n, pending, null, now));
    }
  }

  private static Duration scaled(Duration d, double scale) {
    return scale == 1.0 ? d : Duration.ofNanos((long) (d.toNanos() / scale));
  }
}
