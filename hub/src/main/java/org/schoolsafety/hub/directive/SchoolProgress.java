package org.schoolsafety.hub.directive;

import java.time.Instant;
import java.util.Map;
import org.schoolsafety.hub.CborSerializable;

/**
 * Where one school stands on a directive: acknowledged or not, its latest accountability (the
 * sum of its classes when it reports class by class), and whether it was escalated for silence.
 */
public record SchoolProgress(
    TargetSchool school,
    Instant ackAt,
    String ackBy,
    Headcount students,
    Headcount staff,
    Map<String, Headcount> classes,
    Instant reportedAt,
    Instant escalatedAt,
    String escalatedTo)
    implements CborSerializable {

  public SchoolProgress {
    classes = classes == null ? Map.of() : Map.copyOf(classes);
  }

  static SchoolProgress waiting(TargetSchool school) {
    return new SchoolProgress(school, null, null, null, null, Map.of(), null, null, null);
  }

  public boolean acknowledged() {
    return ackAt != null;
  }

  public boolean escalated() {
    return escalatedAt != null;
  }

  /** People the school has: its registered students and staff. */
  public int expected() {
    return school.students() + school.staff();
  }

  /** Reported present or injured, over the school's people; at most 100. */
  public double accountedPercent() {
    return percent(accounted(), expected());
  }

  public int accounted() {
    return (students == null ? 0 : students.accounted()) + (staff == null ? 0 : staff.accounted());
  }

  public int missing() {
    return (students == null ? 0 : students.missing()) + (staff == null ? 0 : staff.missing());
  }

  public int injured() {
    return (students == null ? 0 : students.injured()) + (staff == null ? 0 : staff.injured());
  }

  static double percent(long part, long whole) {
    if (whole <= 0) {
      return part > 0 ? 100.0 : 0.0;
    }
    return Math.min(100.0, Math.round(part * 1000.0 / whole) / 10.0);
  }

  SchoolProgress acknowledge(Instant at, String by) {
    return acknowledged() ? this : new SchoolProgress(school, at, by, students, staff, classes, reportedAt, escalatedAt, escalatedTo);
  }

  SchoolProgress report(Accountability report, Instant at, String by) {
    SchoolProgress acked = acknowledge(at, by);
    Map<String, Headcount> nextClasses = acked.classes;
    Headcount nextStudents = acked.students;
    if (!report.classes().isEmpty()) {
      var merged = new java.util.HashMap<>(acked.classes);
      merged.putAll(report.classes());
      nextClasses = Map.copyOf(merged);
      nextStudents = merged.values().stream().reduce(Headcount.NONE, Headcount::plus);
    } else if (report.students() != null) {
      nextStudents = report.students();
      nextClasses = Map.of();
    }
    Headcount nextStaff = report.staff() != null ? report.staff() : acked.staff;
    return new SchoolProgress(school, acked.ackAt, acked.ackBy, nextStudents, nextStaff, nextClasses, at,
        escalatedAt, escalatedTo);
  }

  SchoolProgress escalate(String agencyId, Instant at) {
    return new SchoolProgress(school, ackAt, ackBy, students, staff, classes, reportedAt, at, agencyId);
  }
}
