package org.schoolsafety.edge.api.dto;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.schoolsafety.edge.api.Fields;
import org.schoolsafety.edge.api.dto.IncidentRequest.ReporterDto;
import org.schoolsafety.hub.agency.AgencyKind;
import org.schoolsafety.hub.incident.Casualties;
import org.schoolsafety.hub.incident.IncidentImport;
import org.schoolsafety.hub.incident.IncidentReport;
import org.schoolsafety.hub.incident.IncidentType;
import org.schoolsafety.hub.incident.Level;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.incident.NewIncident;
import org.schoolsafety.hub.incident.ReportKind;
import org.schoolsafety.hub.incident.Reporter;
import org.schoolsafety.hub.incident.SchoolRef;
import org.schoolsafety.hub.incident.Status;

/**
 * Body of {@code POST /api/v1/incidents/imports} (issue 18): a closed incident from a region's
 * previous system. The initial report's fields as in {@code POST /api/v1/incidents}, plus when the
 * previous system received it ({@code receivedAt}), its continuation and final reports
 * ({@code reports}, each with its {@code at}), its dispatches per kind of agency and how it ended
 * ({@code status} RESOLVED or CLOSED, {@code closedAt}). {@code clientRef} is required: importing
 * the same record again is safe.
 */
public record IncidentImportRequest(
    String clientRef,
    String schoolId,
    String type,
    String level,
    String mode,
    String occurredAt,
    String receivedAt,
    String summary,
    CasualtiesDto casualties,
    String measures,
    ReporterDto reporter,
    List<ReportBody> reports,
    List<DispatchBody> dispatches,
    String status,
    String closedAt,
    String closeNote) {

  public record ReportBody(String kind, String at, String summary, CasualtiesDto casualties, String measures,
      String level, String cause, String outcome) {}

  public record DispatchBody(String kind, String notifiedAt, List<String> escalatedAt, String acknowledgedAt,
      String note, String unansweredAt) {}

  /** At most this many continuation and final reports per record. */
  static final int MAX_REPORTS = 100;

  private static final Pattern CLIENT_REF = Pattern.compile("[\\x21-\\x7E]{1,128}");

  /** A checked record, waiting only for the school it names. */
  public record Checked(String schoolId, IncidentType type, Level level, IncidentReport initial, String clientRef,
      List<IncidentReport> reports, List<IncidentImport.DispatchRecord> dispatches, Instant closedAt, String closeNote) {

    public IncidentImport at(SchoolRef school) {
      return new IncidentImport(new NewIncident(school, type, level, Mode.ACTUAL, initial, clientRef), reports, dispatches,
          closedAt, closeNote);
    }

    public List<AgencyKind> kinds() {
      return dispatches.stream().map(IncidentImport.DispatchRecord::kind).distinct().toList();
    }
  }

  public Checked check(Clock clock) {
    var f = new Fields();
    String ref = f.required("clientRef", clientRef)
        ? f.matching("clientRef", clientRef, CLIENT_REF, "1-128 printable ASCII characters without spaces") : null;
    String school = f.id("schoolId", schoolId);
    IncidentType incidentType = f.oneOf("type", type, IncidentType.class, null);
    Level incidentLevel = f.oneOf("level", level, Level.class, Level.UNGRADED);
    Mode incidentMode = f.oneOf("mode", mode, Mode.class, Mode.ACTUAL);
    if (incidentMode == Mode.EXERCISE) {
      f.error("mode", "must be ACTUAL: drills are not imported");
    }
    Instant occurred = f.pastTimestamp("occurredAt", occurredAt, clock);
    Instant received = f.pastTimestamp("receivedAt", receivedAt, clock);
    String what = f.text("summary", summary, 2000, true);
    Casualties figures = CasualtiesDto.check(f, "casualties", casualties);
    String taken = f.text("measures", measures, 2000, false);
    Reporter who = IncidentRequest.reporter(f, reporter);
    List<IncidentReport> followUps = reports(f, clock);
    List<IncidentImport.DispatchRecord> records = dispatches(f, clock);
    Status ending = f.oneOf("status", status, Status.class, null);
    if (ending != null && ending != Status.RESOLVED && ending != Status.CLOSED) {
      f.error("status", "must be RESOLVED or CLOSED: only closed incidents may be imported");
    }
    Instant closed = null;
    if (ending == Status.CLOSED) {
      closed = f.pastTimestamp("closedAt", closedAt, clock);
    } else if (closedAt != null) {
      f.error("closedAt", "only for status CLOSED");
    }
    String note = f.text("closeNote", closeNote, 2000, false);
    f.throwIfInvalid();
    var initial = new IncidentReport(ReportKind.INITIAL, received, null, occurred, what,
        figures == null ? Casualties.NONE : figures, taken, incidentLevel, who, null, null);
    return new Checked(school, incidentType, incidentLevel, initial, ref, followUps, records, closed, note);
  }

  private List<IncidentReport> reports(Fields f, Clock clock) {
    var checked = new ArrayList<IncidentReport>();
    if (!f.required("reports", reports)) {
      return checked;
    }
    if (reports.isEmpty() || reports.size() > MAX_REPORTS) {
      f.error("reports", "must hold 1 to " + MAX_REPORTS + " reports, the FINAL one last: only closed incidents may be imported");
      return checked;
    }
    for (int i = 0; i < reports.size(); i++) {
      String field = "reports[" + i + "]";
      ReportBody r = reports.get(i);
      if (!f.required(field, r)) {
        continue;
      }
      ReportKind kind = f.oneOf(field + ".kind", r.kind(), ReportKind.class, null);
      if (kind == ReportKind.INITIAL) {
        f.error(field + ".kind", "must be CONTINUATION or FINAL: the initial report is the record itself");
      }
      Instant at = f.pastTimestamp(field + ".at", r.at(), clock);
      String what = f.text(field + ".summary", r.summary(), 2000, true);
      Casualties figures = CasualtiesDto.check(f, field + ".casualties", r.casualties());
      String taken = f.text(field + ".measures", r.measures(), 2000, false);
      Level next = r.level() == null ? null : f.oneOf(field + ".level", r.level(), Level.class, null);
      boolean isFinal = kind == ReportKind.FINAL;
      String why = f.text(field + ".cause", r.cause(), 2000, isFinal);
      String result = f.text(field + ".outcome", r.outcome(), 2000, isFinal);
      checked.add(new IncidentReport(kind, at, null, null, what, figures, taken, next, null, why, result));
    }
    return checked;
  }

  private List<IncidentImport.DispatchRecord> dispatches(Fields f, Clock clock) {
    var checked = new ArrayList<IncidentImport.DispatchRecord>();
    if (dispatches == null) {
      return checked;
    }
    if (dispatches.size() > AgencyKind.values().length) {
      f.error("dispatches", "at most one dispatch per kind of agency (" + AgencyKind.values().length + ")");
      return checked;
    }
    for (int i = 0; i < dispatches.size(); i++) {
      String field = "dispatches[" + i + "]";
      DispatchBody d = dispatches.get(i);
      if (!f.required(field, d)) {
        continue;
      }
      AgencyKind kind = f.oneOf(field + ".kind", d.kind(), AgencyKind.class, null);
      Instant notified = f.pastTimestamp(field + ".notifiedAt", d.notifiedAt(), clock);
      var escalations = new ArrayList<Instant>();
      if (d.escalatedAt() != null) {
        if (d.escalatedAt().size() > 2) {
          f.error(field + ".escalatedAt", "at most 2 escalations: county to city to province");
        } else {
          for (int j = 0; j < d.escalatedAt().size(); j++) {
            escalations.add(f.pastTimestamp(field + ".escalatedAt[" + j + "]", d.escalatedAt().get(j), clock));
          }
        }
      }
      Instant acked = d.acknowledgedAt() == null ? null : f.pastTimestamp(field + ".acknowledgedAt", d.acknowledgedAt(), clock);
      String note = f.text(field + ".note", d.note(), 500, false);
      Instant unanswered = d.unansweredAt() == null ? null : f.pastTimestamp(field + ".unansweredAt", d.unansweredAt(), clock);
      checked.add(new IncidentImport.DispatchRecord(kind, notified, escalations, acked, note, unanswered));
    }
    return checked;
  }
}
