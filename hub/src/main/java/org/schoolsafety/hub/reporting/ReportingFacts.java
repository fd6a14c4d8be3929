package org.schoolsafety.hub.reporting;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What an incident's events tell about its reports, and nothing else: enough to judge every
 * reporting deadline again under any rules. The read side folds it from the events (it is never
 * asked of the live incident); all times are instants.
 *
 * @param occurredAt when the incident happened, as the initial report says (null: the report's own time)
 * @param reportedAt when the hub accepted the initial report
 * @param initialLevel the level the initial report gave
 * @param timeScale drills' speed-up (null: real time)
 * @param updates continuations and the final report, in order, each with the level after it
 * @param endedAt when the incident was cancelled (null otherwise); closing follows the final report
 */
public record ReportingFacts(Instant occurredAt, Instant reportedAt, String initialLevel, Double timeScale,
    List<Update> updates, Instant endedAt) {

  public ReportingFacts {
    updates = updates == null ? List.of() : List.copyOf(updates);
  }

  /** One report after the initial one: {@code kind} CONTINUATION or FINAL. */
  public record Update(String kind, Instant at, String levelAfter) {}

  public static ReportingFacts reported(Instant occurredAt, Instant reportedAt, String level, Double timeScale) {
    return new ReportingFacts(occurredAt, reportedAt, level, timeScale, List.of(), null);
  }

  public ReportingFacts with(Update update) {
    var next = new ArrayList<>(updates);
    next.add(update);
    return new ReportingFacts(occurredAt, reportedAt, initialLevel, timeScale, next, endedAt);
  }

  public ReportingFacts cancelledAt(Instant at) {
    return new ReportingFacts(occurredAt, reportedAt, initialLevel, timeScale, updates, at);
  }

  /** The occurrence time, or the report's own when the report gave none. */
  public Instant occurred() {
    return occurredAt == null ? reportedAt : occurredAt;
  }

  public Instant resolvedAt() {
    return updates.stream().filter(u -> "FINAL".equals(u.kind())).map(Update::at).findFirst().orElse(null);
  }
}
