package org.schoolsafety.hub.evaluation;

import java.time.Instant;
import java.util.List;
import org.schoolsafety.hub.incident.Casualties;
import org.schoolsafety.hub.reporting.ReportingFacts;

/**
 * One incident as the read side folded it from its events: what the evaluation needs of it.
 * {@code reporting} is null for incidents folded before the read side kept reporting facts,
 * {@code casualties} (the latest figures reported) for those folded before it kept them.
 */
public record IncidentFacts(String incidentId, String schoolId, String regionCode, String type, String level,
    String mode, Instant reportedAt, ReportingFacts reporting, List<DispatchFacts> dispatches, Casualties casualties) {

  public IncidentFacts(String incidentId, String schoolId, String regionCode, String type, String level, String mode,
      Instant reportedAt, ReportingFacts reporting, List<DispatchFacts> dispatches) {
    this(incidentId, schoolId, regionCode, type, level, mode, reportedAt, reporting, dispatches, null);
  }

  /** One agency's part: {@code state} NOTIFIED, ACKNOWLEDGED, ESCALATED or UNANSWERED. */
  public record DispatchFacts(String agencyId, String kind, String state, Instant notifiedAt, Instant ackAt) {}
}
