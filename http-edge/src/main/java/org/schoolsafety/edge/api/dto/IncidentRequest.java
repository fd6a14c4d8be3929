package org.schoolsafety.edge.api.dto;

import java.time.Clock;
import java.time.Instant;
import java.util.regex.Pattern;
import org.schoolsafety.edge.api.Fields;
import org.schoolsafety.hub.incident.Casualties;
import org.schoolsafety.hub.incident.IncidentReport;
import org.schoolsafety.hub.incident.IncidentType;
import org.schoolsafety.hub.incident.Level;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.incident.NewIncident;
import org.schoolsafety.hub.incident.ReportKind;
import org.schoolsafety.hub.incident.Reporter;
import org.schoolsafety.hub.incident.SchoolRef;

/** Body of {@code POST /api/v1/incidents}: the initial report. */
public record IncidentRequest(
    String schoolId,
    String type,
    String level,
    String mode,
    String occurredAt,
    String summary,
    CasualtiesDto casualties,
    String measures,
    ReporterDto reporter,
    String clientRef,
    String drillId,
    Double timeScale) {

  public record ReporterDto(String name, String role, String phone) {}

  static final Pattern PHONE = Pattern.compile("[+0-9][0-9 ()-]{2,31}");
  private static final Pattern CLIENT_REF = Pattern.compile("[\\x21-\\x7E]{1,128}");

  /** A checked report, waiting only for the school it names. */
  public record Checked(
      String schoolId, IncidentType type, Level level, Mode mode, IncidentReport initial, String clientRef,
      String drillId, Double timeScale) {

    public NewIncident at(SchoolRef school) {
      return new NewIncident(school, type, level, mode, initial, clientRef, drillId, timeScale);
    }
  }

  /** Drills may run up to this many times faster than real time. */
  static final double MAX_TIME_SCALE = 3600;

  /** {@code idempotencyKey} is the header of the same name, an alternative to clientRef. */
  public Checked check(String idempotencyKey, Clock clock) {
    var f = new Fields();
    String school = f.id("schoolId", schoolId);
    IncidentType incidentType = f.oneOf("type", type, IncidentType.class, null);
    Level incidentLevel = f.oneOf("level", level, Level.class, Level.UNGRADED);
    Mode incidentMode = f.oneOf("mode", mode, Mode.class, Mode.ACTUAL);
    Instant occurred = f.pastTimestamp("occurredAt", occurredAt, clock);
    String what = f.text("summary", summary, 2000, true);
    Casualties figures = CasualtiesDto.check(f, "casualties", casualties);
    String taken = f.text("measures", measures, 2000, false);
    Reporter who = reporter(f, reporter);
    String ref = clientRef(f, idempotencyKey);
    String drill = drillId == null ? null : f.id("drillId", drillId);
    if (timeScale != null && (timeScale.isNaN() || timeScale < 1 || timeScale > MAX_TIME_SCALE)) {
      f.error("timeScale", "must be between 1 and " + (int) MAX_TIME_SCALE);
    }
    if ((drillId != null || timeScale != null) && incidentMode != Mode.EXERCISE) {
      f.error(drillId != null ? "drillId" : "timeScale", "is only for drills: mode must be EXERCISE");
    }
    f.throwIfInvalid();
    var initial = new IncidentReport(ReportKind.INITIAL, null, null, occurred, what,
        figures == null ? Casualties.NONE : figures, taken, incidentLevel, who, null, null);
    return new Checked(school, incidentType, incidentLevel, incidentMode, initial, ref, drill, timeScale);
  }

  private String clientRef(Fields f, String idempotencyKey) {
    if (clientRef != null && idempotencyKey != null && !clientRef.equals(idempotencyKey)) {
      f.error("clientRef", "differs from the Idempotency-Key header; send one or make them equal");
      return null;
    }
    String ref = clientRef != null ? clientRef : idempotencyKey;
    if (ref == null) {
      return null;
    }
    return f.matching(clientRef != null ? "clientRef" : "Idempotency-Key", ref, CLIENT_REF,
        "1-128 printable ASCII characters without spaces");
  }

  /** The reporter of a report or an imported record, checked field by field (null when missing). */
  static Reporter reporter(Fields f, ReporterDto reporter) {
    if (!f.required("reporter", reporter)) {
      return null;
    }
    return new Reporter(
        f.text("reporter.name", reporter.name(), 100, true),
        f.text("reporter.role", reporter.role(), 50, true),
        reporter.phone() == null ? null
            : f.matching("reporter.phone", reporter.phone(), PHONE, "a phone number of digits, spaces, '+', '(', ')' or '-'"));
  }
}
