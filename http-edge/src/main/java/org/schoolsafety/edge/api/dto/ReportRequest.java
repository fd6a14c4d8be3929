package org.schoolsafety.edge.api.dto;

import org.schoolsafety.edge.api.Fields;
import org.schoolsafety.hub.incident.Casualties;
import org.schoolsafety.hub.incident.IncidentReport;
import org.schoolsafety.hub.incident.Level;
import org.schoolsafety.hub.incident.ReportKind;

/** Body of {@code POST /api/v1/incidents/{id}/reports}: a continuation or the final report. */
public record ReportRequest(
    String kind,
    String summary,
    CasualtiesDto casualties,
    String measures,
    String level,
    String cause,
    String outcome) {

  public IncidentReport check() {
    var f = new Fields();
    ReportKind reportKind = f.oneOf("kind", kind, ReportKind.class, null);
    if (reportKind == ReportKind.INITIAL) {
      f.error("kind", "must be CONTINUATION or FINAL: the initial report is POST /api/v1/incidents");
    }
    String what = f.text("summary", summary, 2000, true);
    Casualties figures = CasualtiesDto.check(f, "casualties", casualties);
    String taken = f.text("measures", measures, 2000, false);
    Level newLevel = level == null ? null : f.oneOf("level", level, Level.class, null);
    boolean isFinal = reportKind == ReportKind.FINAL;
    String why = f.text("cause", cause, 2000, isFinal);
    String result = f.text("outcome", outcome, 2000, isFinal);
    f.throwIfInvalid();
    return IncidentReport.followUp(reportKind, what, figures, taken, newLevel, why, result);
  }
}
