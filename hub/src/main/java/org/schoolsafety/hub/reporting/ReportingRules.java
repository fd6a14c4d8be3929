package org.schoolsafety.hub.reporting;

import com.typesafe.config.Config;
import java.time.Duration;
import java.time.ZoneId;

/**
 * When the reports on an incident are due ({@code hub.reporting}), and the hub's zone
 * ({@code hub.zone}) in which evaluation months begin and end. See docs/EVALUATION.md.
 *
 * @param initial the initial report after occurrence
 * @param quick the first word on a level I or II incident after occurrence
 * @param continuationEvery a written continuation after the previous report, while open and graded I-III
 * @param finalReport the final report after occurrence
 */
public record ReportingRules(Duration initial, Duration quick, Duration continuationEvery, Duration finalReport,
    ZoneId zone) {

  public ReportingRules {
    for (Duration d : new Duration[] {initial, quick, continuationEvery, finalReport}) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("hub.reporting durations must be positive");
      }
    }
  }

  public static ReportingRules fromConfig(Config config) {
    Config r = config.getConfig("hub.reporting");
    return new ReportingRules(r.getDuration("initial"), r.getDuration("quick"), r.getDuration("continuation-every"),
        r.getDuration("final"), ZoneId.of(config.getString("hub.zone")));
  }

  /** The defaults of reference.conf. */
  public static ReportingRules defaults() {
    return new ReportingRules(Duration.ofHours(1), Duration.ofMinutes(30), Duration.ofHours(4), Duration.ofDays(7),
        ZoneId.of("Asia/Shanghai"));
  }
}
