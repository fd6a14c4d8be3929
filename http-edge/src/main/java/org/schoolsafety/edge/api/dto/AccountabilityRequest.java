package org.schoolsafety.edge.api.dto;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.regex.Pattern;
import org.schoolsafety.edge.api.Fields;
import org.schoolsafety.hub.directive.Accountability;
import org.schoolsafety.hub.directive.Headcount;

/**
 * Body of {@code POST /api/v1/directives/{id}/accountability}: students as a whole or class by
 * class (not both), and staff; at least one of them.
 */
public record AccountabilityRequest(String schoolId, HeadcountDto students, HeadcountDto staff, List<ClassDto> classes) {

  public record HeadcountDto(Integer present, Integer missing, Integer injured) {}

  public record ClassDto(String classId, Integer present, Integer missing, Integer injured) {}

  public static final int MAX_CLASSES = 500;
  private static final int MAX_PEOPLE = 100_000;
  private static final Pattern CLASS_ID = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N} ._-]{0,31}");

  public record Checked(String schoolId, Accountability report) {}

  public Checked check() {
    var f = new Fields();
    String id = f.id("schoolId", schoolId);
    if (students == null && staff == null && (classes == null || classes.isEmpty())) {
      f.error("students", "give students, classes or staff");
    }
    if (students != null && classes != null && !classes.isEmpty()) {
      f.error("classes", "give students either as a whole (students) or class by class (classes), not both");
    }
    Headcount s = students == null ? null : headcount(f, "students", students.present(), students.missing(), students.injured());
    Headcount st = staff == null ? null : headcount(f, "staff", staff.present(), staff.missing(), staff.injured());
    var byClass = new LinkedHashMap<String, Headcount>();
    if (classes != null) {
      if (classes.size() > MAX_CLASSES) {
        f.error("classes", "must list at most " + MAX_CLASSES + " classes");
      }
      for (int i = 0; i < classes.size() && i < MAX_CLASSES; i++) {
        ClassDto c = classes.get(i);
        String field = "classes[" + i + "]";
        if (c == null) {
          f.error(field, "is required");
          continue;
        }
        String classId = f.matching(field + ".classId", c.classId(), CLASS_ID, "1-32 letters, digits, spaces, '.', '_' or '-'");
        Headcount h = headcount(f, field, c.present(), c.missing(), c.injured());
        if (classId != null && byClass.put(classId, h) != null) {
          f.error(field + ".classId", "names a class already listed");
        }
      }
    }
    f.throwIfInvalid();
    return new Checked(id, new Accountability(s, st, byClass));
  }

  private static Headcount headcount(Fields f, String field, Integer present, Integer missing, Integer injured) {
    int p = f.count(field + ".present", present, 0, MAX_PEOPLE);
    int m = missing == null ? 0 : f.count(field + ".missing", missing, 0, MAX_PEOPLE);
    int i = injured == null ? 0 : f.count(field + ".injured", injured, 0, MAX_PEOPLE);
    return new Headcount(p, m, i);
  }
}
