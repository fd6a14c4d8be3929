package org.schoolsafety.hub.evaluation;

import java.time.Instant;
import java.util.List;
import org.schoolsafety.hub.reporting.ReportingDeadline;
import org.schoolsafety.hub.reporting.ReportingDeadlines;
import org.schoolsafety.hub.reporting.ReportingRules;

/** An incident with its reporting deadlines judged at one moment. */
record Judged(IncidentFacts incident, List<ReportingDeadline> deadlines) {

  static Judged of(IncidentFacts incident, ReportingRules rules, Instant now) {
    return new Judged(incident, incident.reporting() == null ? List.of()
        : ReportingDeadlines.of(incident.reporting(), rules, now));
  }

  /** The decided deadlines of a kind (met or missed; not those still running). */
  List<ReportingDeadline> decided(String kind) {
    return deadlines.stream().filter(d -> d.kind().equals(kind) && d.met() != null).toList();
  }

  boolean late(String kind) {
    return decided(kind).stream().anyMatch(d -> !d.met());
  }
}
