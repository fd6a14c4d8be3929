package org.schoolsafety.hub.evaluation;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.schoolsafety.hub.reporting.ReportingDeadline;

/**
 * The figures of one school or region for one month. Counters add up exactly from schools to
 * regions (a region's figure is its schools' sum); acknowledgement times are percentiles of the
 * pooled durations, which do not add up and are computed again for every unit.
 */
record Tally(Map<String, Integer> counters, Map<String, Integer> incidentsByType,
    Map<String, Integer> incidentsByLevel, Map<String, Map<String, Object>> acknowledgements) {

  /** The counters, in the order the API shows them. */
  static final List<String> COUNTERS = List.of("incidents", "initialReports", "initialReportsOnTime",
      "initialReportsLate", "quickReportsDue", "quickReportsLate", "continuationReportsDue",
      "continuationReportsOnTime", "continuationReportsLate", "finalReportsDue", "finalReportsOnTime",
      "finalReportsLate", "dispatches", "acknowledged", "escalations", "unanswered", "drillsRequired", "drillsDone",
      "hazardsDue", "hazardsRectifiedOnTime", "tipsReceived", "tipsAnsweredInTime", "tipsLate");

  static Tally of(Collection<Judged> incidents, Collection<SchoolFacts> schools, Collection<HazardFacts> hazards,
      Collection<TipFacts> tips, YearMonth month, Instant now) {
    var c = new LinkedHashMap<String, Integer>();
    COUNTERS.forEach(name -> c.put(name, 0));
    var byType = new TreeMap<String, Integer>();
    var byLevel = new TreeMap<String, Integer>();
    var ackSeconds = new TreeMap<String, List<Long>>();
    for (Judged j : incidents) {
      IncidentFacts i = j.incident();
      c.merge("incidents", 1, Integer::sum);
      byType.merge(i.type(), 1, Integer::sum);
      byLevel.merge(i.level(), 1, Integer::sum);
      count(c, j.decided(ReportingDeadline.INITIAL), "initialReports", "initialReportsOnTime", "initialReportsLate");
      count(c, j.decided(ReportingDeadline.QUICK), "quickReportsDue", null, "quickReportsLate");
      count(c, j.decided(ReportingDeadline.CONTINUATION), "continuationReportsDue", "continuationReportsOnTime",
          "continuationReportsLate");
      count(c, j.decided(ReportingDeadline.FINAL), "finalReportsDue", "finalReportsOnTime", "finalReportsLate");
      for (IncidentFacts.DispatchFacts d : i.dispatches()) {
        c.merge("dispatches", 1, Integer::sum);
        if (d.ackAt() != null) {
          c.merge("acknowledged", 1, Integer::sum);
          ackSeconds.computeIfAbsent(d.kind(), k -> new ArrayList<>())
              .add(Math.max(0, Duration.between(d.notifiedAt(), d.ackAt()).toSeconds()));
        }
        if ("ESCALATED".equals(d.state())) {
          c.merge("escalations", 1, Integer::sum);
        } else if ("UNANSWERED".equals(d.state())) {
          c.merge("unanswered", 1, Integer::sum);
        }
      }
    }
    String m = month.toString();
    for (SchoolFacts s : schools) {
      c.merge("drillsRequired", 1, Integer::sum);
      if (s.evacuationMonths() != null && s.evacuationMonths().contains(m)) {
        c.merge("drillsDone", 1, Integer::sum);
      }
    }
    for (HazardFacts h : hazards) {
      c.merge("hazardsDue", 1, Integer::sum);
      if (h.rectifiedAt() != null && !h.rectifiedAt().isAfter(h.deadline())) {
        c.merge("hazardsRectifiedOnTime", 1, Integer::sum);
      }
    }
    for (TipFacts t : tips) {
      c.merge("tipsReceived", 1, Integer::sum);
      Boolean inTime = t.answeredInTime(now);
      if (Boolean.TRUE.equals(inTime)) {
        c.merge("tipsAnsweredInTime", 1, Integer::sum);
      } else if (Boolean.FALSE.equals(inTime)) {
        c.merge("tipsLate", 1, Integer::sum);
      }
    }
    var acks = new TreeMap<String, Map<String, Object>>();
    ackSeconds.forEach((kind, seconds) -> {
      var times = new LinkedHashMap<String, Object>();
      times.put("count", seconds.size());
      times.put("p50Seconds", percentile(seconds, 50));
      times.put("p95Seconds", percentile(seconds, 95));
      acks.put(kind, times);
    });
    return new Tally(c, byType, byLevel, acks);
  }

  private static void count(Map<String, Integer> c, List<ReportingDeadline> decided, String due, String onTime,
      String late) {
    for (ReportingDeadline d : decided) {
      c.merge(due, 1, Integer::sum);
      if (d.met()) {
        if (onTime != null) {
          c.merge(onTime, 1, Integer::sum);
        }
      } else {
        c.merge(late, 1, Integer::sum);
      }
    }
  }

  /** Nearest-rank percentile: exact, and honest about small numbers (one value is every percentile). */
  static long percentile(List<Long> values, int p) {
    var sorted = values.stream().sorted().toList();
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  /** Each counter's change since {@code previous}. */
  Map<String, Integer> changeSince(Tally previous) {
    var change = new LinkedHashMap<String, Integer>();
    counters.forEach((name, n) -> change.put(name, n - previous.counters.get(name)));
    return change;
  }

  /** The tally as the API shows it, after {@code head} (ids) and before the change. */
  Map<String, Object> view(Map<String, Object> head, Tally previous) {
    var v = new LinkedHashMap<String, Object>(head);
    v.putAll(counters);
    v.put("incidentsByType", incidentsByType);
    v.put("incidentsByLevel", incidentsByLevel);
    v.put("acknowledgements", acknowledgements);
    v.put("change", changeSince(previous));
    return v;
  }
}
