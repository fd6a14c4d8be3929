package org.schoolsafety.edge.api.dto;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.schoolsafety.edge.api.Fields;
import org.schoolsafety.hub.hazard.HazardCategory;
import org.schoolsafety.hub.hazard.NewHazard;
import org.schoolsafety.hub.hazard.RectificationPlan;
import org.schoolsafety.hub.hazard.Severity;
import org.schoolsafety.hub.incident.Level;
import org.schoolsafety.hub.incident.Reporter;
import org.schoolsafety.hub.prevention.HealthCheck;
import org.schoolsafety.hub.prevention.Inspection;
import org.schoolsafety.hub.prevention.SchoolInfo;
import org.schoolsafety.hub.prevention.Surrounding;
import org.schoolsafety.hub.prevention.Symptom;
import org.schoolsafety.hub.prevention.Training;

/** Bodies of the prevention endpoints (issue 15), each checked field by field into one 400. */
public final class PreventionRequests {

  private PreventionRequests() {}

  static final List<String> TRAINING_TOPICS =
      List.of("FIRE", "FIRST_AID", "EVACUATION", "LOCKDOWN", "ANTI_BULLYING", "TRAFFIC", "FOOD_SAFETY", "OTHER");
  static final List<String> AUDIENCES = List.of("STAFF", "STUDENTS", "PARENTS");
  static final List<String> SURROUNDING_KINDS = List.of("CONSTRUCTION_SITE", "MAJOR_ROAD", "RAILWAY",
      "RIVER_OR_RESERVOIR", "CHEMICAL_PLANT", "ENTERTAINMENT_VENUE", "MARKET", "OTHER");
  static final int MAX_HAZARDS = 50;

  /** A day not in the future (one day of clock skew) nor before 2000. */
  static LocalDate pastDate(Fields f, String field, String value, Clock clock) {
    if (!f.required(field, value)) {
      return null;
    }
    try {
      LocalDate day = LocalDate.parse(value);
      if (day.isAfter(LocalDate.now(clock.withZone(ZoneOffset.UTC)).plusDays(1)) || day.getYear() < 2000) {
        f.error(field, "must not be in the future nor before 2000");
        return null;
      }
      return day;
    } catch (DateTimeParseException e) {
      f.error(field, "must be a date such as 2026-11-29");
      return null;
    }
  }

  static String oneOf(Fields f, String field, String value, List<String> allowed) {
    if (!f.required(field, value)) {
      return null;
    }
    if (!allowed.contains(value)) {
      f.error(field, "must be one of " + allowed);
      return null;
    }
    return value;
  }

  public record Inspector(String name, String role) {}

  public record Plan(String responsible, String measures, Long fundingYuan, String deadline, String interimSafeguard) {}

  public record HazardBody(String category, String severity, String location, String description, Plan rectification) {}

  /** {@code POST /api/v1/schools/{id}/inspections}. */
  public record InspectionRequest(String inspectionId, String date, Inspector inspector, List<String> areas,
      List<HazardBody> hazards) {

    public record Checked(Inspection inspection, List<NewHazard> hazards) {}

    public Checked check(SchoolInfo school, Clock clock) {
      var f = new Fields();
      String id = f.id("inspectionId", inspectionId);
      LocalDate day = pastDate(f, "date", date, clock);
      String name = null;
      String role = null;
      if (f.required("inspector", inspector)) {
        name = f.text("inspector.name", inspector.name(), 100, true);
        role = f.text("inspector.role", inspector.role(), 100, true);
      }
      var checkedAreas = new ArrayList<String>();
      if (f.required("areas", areas)) {
        if (areas.isEmpty() || areas.size() > 50) {
          f.error("areas", "must name 1 to 50 areas checked");
        }
        for (int i = 0; i < areas.size(); i++) {
          checkedAreas.add(f.text("areas[" + i + "]", areas.get(i), 200, true));
        }
      }
      var found = new ArrayList<NewHazard>();
      List<HazardBody> list = hazards == null ? List.of() : hazards;
      if (list.size() > MAX_HAZARDS) {
        f.error("hazards", "at most " + MAX_HAZARDS + " hazards per inspection");
        list = List.of();
      }
      for (int i = 0; i < list.size(); i++) {
        String at = "hazards[" + i + "]";
        HazardBody h = list.get(i);
        if (h == null) {
          f.error(at, "must be an object");
          continue;
        }
        HazardCategory category = f.oneOf(at + ".category", h.category(), HazardCategory.class, null);
        Severity severity = f.oneOf(at + ".severity", h.severity(), Severity.class, null);
        String location = f.text(at + ".location", h.location(), 200, true);
        String description = f.text(at + ".description", h.description(), 2000, true);
        RectificationPlan plan = plan(f, at + ".rectification", h.rectification());
        if (id != null) {
          found.add(new NewHazard(NewHazard.idOf(school.schoolId(), id, i + 1), school.schoolId(), school.name(),
              school.region(), id, day, category, severity, location, description, plan));
        }
      }
      f.throwIfInvalid();
      var ids = found.stream().map(NewHazard::hazardId).toList();
      return new Checked(new Inspection(id, day, name, role, List.copyOf(checkedAreas), ids), List.copyOf(found));
    }

    /**
     * A hazard's rectification plan (五定), every fix required, errors named under {@code field};
     * null when absent or invalid. Shared by inspections and tips recorded as hazards.
     */
    public static RectificationPlan plan(Fields f, String field, Plan p) {
      if (!f.required(field, p)) {
        return null;
      }
      String responsible = f.text(field + ".responsible", p.responsible(), 100, true);
      String measures = f.text(field + ".measures", p.measures(), 2000, true);
      long funding = 0;
      if (f.required(field + ".fundingYuan", p.fundingYuan())) {
        funding = p.fundingYuan();
        if (funding < 0 || funding > 1_000_000_000L) {
          f.error(field + ".fundingYuan", "must be between 0 and 1000000000");
        }
      }
      Instant deadline = deadline(f, field + ".deadline", p.deadline());
      String interim = f.text(field + ".interimSafeguard", p.interimSafeguard(), 2000, true);
      return new RectificationPlan(responsible, measures, funding, deadline, interim);
    }

    private static Instant deadline(Fields f, String field, String value) {
      if (!f.required(field, value)) {
        return null;
      }
      try {
        Instant at = java.time.OffsetDateTime.parse(value).toInstant();
        if (at.isBefore(Instant.parse("2000-01-01T00:00:00Z")) || at.isAfter(Instant.parse("2199-12-31T00:00:00Z"))) {
          f.error(field, "must be between 2000 and 2199");
          return null;
        }
        return at;
      } catch (DateTimeParseException e) {
        f.error(field, "must be an ISO-8601 timestamp with offset, e.g. 2026-12-15T18:00:00+08:00");
        return null;
      }
    }
  }

  /** {@code POST /api/v1/hazards/{id}/rectification}. */
  public record RectificationRequest(String note) {
    public String check() {
      var f = new Fields();
      String checked = f.text("note", note, 2000, true);
      f.throwIfInvalid();
      return checked;
    }
  }

  /** {@code POST /api/v1/hazards/{id}/verification}: accepted, or rejected with a reason. */
  public record VerificationRequest(Boolean accepted, String note) {
    public String check() {
      var f = new Fields();
      f.required("accepted", accepted);
      String checked = f.text("note", note, 2000, Boolean.FALSE.equals(accepted));
      f.throwIfInvalid();
      return checked;
    }
  }

  /** {@code POST /api/v1/schools/{id}/health-checks}: one class's check of one day. */
  public record HealthCheckRequest(String date, String session, String classId, Integer present, Integer absentIll,
      Map<String, Integer> symptoms) {
    public HealthCheck check(Clock clock) {
      var f = new Fields();
      LocalDate day = pastDate(f, "date", date, clock);
      String s = session == null ? "MORNING" : oneOf(f, "session", session, List.of("MORNING", "NOON"));
      String cls = f.id("classId", classId);
      int here = f.count("present", present, 0, 1000);
      int ill = f.count("absentIll", absentIll, 0, 1000);
      var counts = new EnumMap<Symptom, Integer>(Symptom.class);
      if (symptoms != null) {
        symptoms.forEach((name, count) -> {
          String field = "symptoms." + name;
          Symptom symptom = f.oneOf(field, name, Symptom.class, null);
          if (symptom != null && f.required(field, count)) {
            if (count < 0 || count > 1000) {
              f.error(field, "must be between 0 and 1000");
            } else if (count > 0) {
              counts.put(symptom, count);
            }
          }
        });
      }
      f.throwIfInvalid();
      return new HealthCheck(day, s, cls, here, ill, Map.copyOf(counts));
    }
  }

  /** {@code POST /api/v1/schools/{id}/trainings}. */
  public record TrainingRequest(String trainingId, String date, String topic, String audience, Integer participants,
      Double hours) {
    public Training check(Clock clock) {
      var f = new Fields();
      String id = f.id("trainingId", trainingId);
      LocalDate day = pastDate(f, "date", date, clock);
      String t = oneOf(f, "topic", topic, TRAINING_TOPICS);
      String a = oneOf(f, "audience", audience, AUDIENCES);
      int people = f.count("participants", participants, 1, 100_000);
      double h = f.range("hours", hours, 0.25, 200);
      f.throwIfInvalid();
      return new Training(id, day, t, a, people, h);
    }
  }

  /** {@code POST /api/v1/schools/{id}/surroundings}: what is around the school, and how far. */
  public record SurroundingRequest(String surroundingId, String kind, Integer distanceMetres, String description) {
    public Surrounding check() {
      var f = new Fields();
      String id = f.id("surroundingId", surroundingId);
      String k = oneOf(f, "kind", kind, SURROUNDING_KINDS);
      int distance = f.count("distanceMetres", distanceMetres, 0, 100_000);
      String d = f.text("description", description, 500, false);
      f.throwIfInvalid();
      return new Surrounding(id, k, distance, d);
    }
  }

  /** {@code POST /api/v1/warnings/{id}/acks}. */
  public record WarningAckRequest(String note) {
    public String check() {
      var f = new Fields();
      String checked = f.text("note", note, 2000, false);
      f.throwIfInvalid();
      return checked;
    }
  }

  /**
   * Body of {@code POST /api/v1/warnings/{warningId}/incident}: who reports (as in an initial
   * report), and optionally the level and the measures taken; the rest comes from the cluster.
   */
  public record WarningIncidentRequest(IncidentRequest.ReporterDto reporter, String level, String measures) {

    public record Checked(Reporter reporter, Level level,
        String measures) {}

    public Checked check() {
      var f = new Fields();
      Reporter who = null;
      if (f.required("reporter", reporter)) {
        who = new Reporter(
            f.text("reporter.name", reporter.name(), 100, true),
            f.text("reporter.role", reporter.role(), 50, true),
            reporter.phone() == null ? null : f.matching("reporter.phone", reporter.phone(), IncidentRequest.PHONE,
                "a phone number of digits, spaces, '+', '(', ')' or '-'"));
      }
      var graded = f.oneOf("level", level, Level.class,
          Level.UNGRADED);
      String taken = f.text("measures", measures, 2000, false);
      f.throwIfInvalid();
      return new Checked(who, graded, taken);
    }
  }
}
