package org.schoolsafety.persistence.readside;

import java.time.Instant;
import java.util.List;
import org.schoolsafety.hub.reporting.ReportingDeadline;

/**
 * One row of the incident lists: who, where, how bad, where the dispatches stand, and (issue 18)
 * the reporting deadlines as judged from the incident's row — empty when only its index row is known.
 */
public record IncidentSummary(
    String incidentId,
    String schoolId,
    String schoolName,
    String regionCode,
    String type,
    String level,
    String mode,
    String status,
    Instant reportedAt,
    Instant updatedAt,
    int notified,
    int acknowledged,
    int escalated,
    int unanswered,
    String drillId,
    List<ReportingDeadline> reportingDeadlines) {

  public IncidentSummary {
    reportingDeadlines = reportingDeadlines == null ? List.of() : List.copyOf(reportingDeadlines);
  }

  IncidentSummary withReportingDeadlines(List<ReportingDeadline> deadlines) {
    return new IncidentSummary(incidentId, schoolId, schoolName, regionCode, type, level, mode, status, reportedAt,
        updatedAt, notified, acknowledged, escalated, unanswered, drillId, deadlines);
  }
}
