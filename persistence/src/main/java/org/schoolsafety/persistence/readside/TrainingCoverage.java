package org.schoolsafety.persistence.readside;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Safety-training coverage of a region (issue 15), as a pure function of the region's schools and
 * their trainings: per school and rolled up per county, city and province. Staff coverage counts
 * staff trainings of the last twelve months against the school's staff, as the risk score's
 * execution dimension does (participants add up and are capped at the staff count: the hub knows
 * sessions and head counts, not which person attended).
 */
public final class TrainingCoverage {

  /** A school of the region: its staff from the registry (0 if unknown). */
  public record School(String schoolId, String schoolName, String regionCode, int staff) {}

  /** One recorded training. */
  public record Session(String schoolId, LocalDate date, String topic, String audience, int participants, double hours) {}

  private TrainingCoverage() {}

  /**
   * @param from the first day counted (twelve months before {@code to})
   * @param limit at most this many schools are listed (lowest staff coverage first); rollups count all
   */
  public static Map<String, Object> of(String region, List<School> schools, List<Session> sessions, LocalDate from,
      LocalDate to, int limit) {
    var perSchool = new LinkedHashMap<String, Tally>();
    for (School s : schools) {
      perSchool.put(s.schoolId(), new Tally(s.staff(), 1));
    }
    for (Session t : sessions) {
      Tally tally = perSchool.get(t.schoolId());
      if (tally != null && !t.date().isBefore(from) && !t.date().isAfter(to)) {
        tally.add(t);
      }
    }
    var rows = new ArrayList<Map<String, Object>>();
    var rollups = new TreeMap<String, Tally>();
    for (School s : schools) {
      Tally tally = perSchool.get(s.schoolId());
      var row = new LinkedHashMap<String, Object>();
      row.put("schoolId", s.schoolId());
      row.put("schoolName", s.schoolName());
      row.put("regionCode", s.regionCode());
      row.putAll(tally.view());
      rows.add(row);
      for (int length : new int[] {2, 4, 6}) {
        if (s.regionCode().length() >= length) {
          rollups.computeIfAbsent(s.regionCode().substring(0, length), k -> new Tally(0, 0)).merge(tally);
        }
      }
    }
    rows.sort(Comparator.comparing((Map<String, Object> r) -> r.get("staffCoverage") == null ? 2.0
        : (Double) r.get("staffCoverage")).thenComparing(r -> (String) r.get("schoolId")));
    var regions = new ArrayList<Map<String, Object>>();
    rollups.forEach((code, tally) -> {
      var row = new LinkedHashMap<String, Object>();
      row.put("region", code);
      row.put("tier", code.length() == 2 ? "PROVINCE" : code.length() == 4 ? "CITY" : "COUNTY");
      row.put("schools", tally.schools);
      row.putAll(tally.view());
      regions.add(row);
    });
    var answer = new LinkedHashMap<String, Object>();
    answer.put("region", region);
    answer.put("from", from.toString());
    answer.put("to", to.toString());
    answer.put("regions", regions);
    answer.put("schoolCount", rows.size());
    answer.put("schools", rows.subList(0, Math.min(limit, rows.size())));
    return answer;
  }

  /** Sums of one school, or of a region's schools. */
  private static final class Tally {
    int schools;
    int staff;
    int staffTrained;
    int staffSessions;
    int studentSessions;
    int studentParticipants;
    int parentSessions;
    int parentParticipants;
    final Map<String, Double> hoursByTopic = new TreeMap<>();

    Tally(int staff, int schools) {
      this.staff = staff;
      this.schools = schools;
    }

    void add(Session t) {
      switch (t.audience()) {
        case "STAFF" -> {
          staffSessions++;
          staffTrained = Math.min(staff, staffTrained + t.participants());
        }
        case "STUDENTS" -> {
          studentSessions++;
          studentParticipants += t.participants();
        }
        case "PARENTS" -> {
          parentSessions++;
          parentParticipants += t.participants();
        }
        default -> { }
      }
      hoursByTopic.merge(t.topic(), t.hours(), Double::sum);
    }

    void merge(Tally school) {
      schools += school.schools;
      staff += school.staff;
      staffTrained += school.staffTrained;
      staffSessions += school.staffSessions;
      studentSessions += school.studentSessions;
      studentParticipants += school.studentParticipants;
      parentSessions += school.parentSessions;
      parentParticipants += school.parentParticipants;
      school.hoursByTopic.forEach((topic, hours) -> hoursByTopic.merge(topic, hours, Double::sum));
    }

    Map<String, Object> view() {
      var m = new LinkedHashMap<String, Object>();
      m.put("staff", staff);
      m.put("staffTrained", staffTrained);
      m.put("staffCoverage", staff == 0 ? null : Math.round(1000.0 * staffTrained / staff) / 1000.0);
      m.put("staffSessions", staffSessions);
      m.put("studentSessions", studentSessions);
      m.put("studentParticipants", studentParticipants);
      m.put("parentSessions", parentSessions);
      m.put("parentParticipants", parentParticipants);
      var hours = new LinkedHashMap<String, Double>();
      hoursByTopic.forEach((topic, h) -> hours.put(topic, Math.round(h * 10.0) / 10.0));
      m.put("hoursByTopic", hours);
      return m;
    }
  }
}
