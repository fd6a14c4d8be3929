package org.schoolsafety.hub.evaluation;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.schoolsafety.hub.reporting.ReportingRules;

/**
 * A region's monthly evaluation of how reporting and response worked (issue 18): figures per
 * school, rolled up per county, city and province, the change against the month before, and
 * findings in plain words. A pure function of what the read side holds; drills (mode EXERCISE)
 * never count.
 *
 * <p>An incident belongs to the month (in the hub's zone) in which its initial report reached
 * the hub; a hazard to the month in which its rectification fell due; the drill requirement is
 * one evacuation drill per registered school and month; a tip to the month in which it came.
 */
public final class Evaluation {

  private Evaluation() {}

  /** The evaluation as the API shows it: region, month, schools, rollups, findings. */
  public record Report(String region, String month, String zone, List<Map<String, Object>> schools,
      List<Map<String, Object>> rollups, List<Finding> findings) {}

  /**
   * @param incidents incidents reported in {@code month} and the month before (others are ignored)
   * @param schools the region's registered schools
   * @param hazards hazards due in {@code month} and the month before (others are ignored)
   */
  public static Report of(String region, YearMonth month, ReportingRules rules, Instant now,
      List<IncidentFacts> incidents, List<SchoolFacts> schools, List<HazardFacts> hazards) {
    return of(region, month, rules, now, incidents, schools, hazards, List.of());
  }

  /** @param tips tips received in {@code month} and the month before (others are ignored) */
  public static Report of(String region, YearMonth month, ReportingRules rules, Instant now,
      List<IncidentFacts> incidents, List<SchoolFacts> schools, List<HazardFacts> hazards, List<TipFacts> tips) {
    YearMonth before = month.minusMonths(1);
    ZoneId zone = rules.zone();
    var current = Month.of(month, zone, region, rules, now, incidents, schools, hazards, tips);
    var previous = Month.of(before, zone, region, rules, now, incidents, schools, hazards, tips);

    var schoolIds = new TreeSet<String>();
    var names = new TreeMap<String, SchoolFacts>();
    for (SchoolFacts s : schools) {
      if (s.regionCode() != null && s.regionCode().startsWith(region)) {
        schoolIds.add(s.schoolId());
        names.put(s.schoolId(), s);
      }
    }
    current.incidents.forEach(j -> schoolIds.add(j.incident().schoolId()));
    current.hazards.forEach(h -> schoolIds.add(h.schoolId()));
    current.tips.forEach(t -> schoolIds.add(t.schoolId()));

    var schoolViews = new ArrayList<Map<String, Object>>();
    var regions = new TreeSet<String>((a, b) -> a.length() != b.length() ? a.length() - b.length() : a.compareTo(b));
    regions.add(region);
    for (String id : schoolIds) {
      SchoolFacts known = names.get(id);
      String code = known != null ? known.regionCode() : current.regionOf(id);
      var head = new LinkedHashMap<String, Object>();
      head.put("schoolId", id);
      head.put("name", known == null ? null : known.name());
      head.put("regionCode", code);
      schoolViews.add(current.tally(s -> s.equals(id)).view(head, previous.tally(s -> s.equals(id))));
      for (int length : new int[] {2, 4, 6}) {
        if (code != null && length >= region.length() && code.length() >= length) {
          regions.add(code.substring(0, length));
        }
      }
    }
    var rollups = new ArrayList<Map<String, Object>>();
    for (String code : regions) {
      var head = new LinkedHashMap<String, Object>();
      head.put("regionCode", code);
      head.put("level", code.length() == 2 ? "province" : code.length() == 4 ? "city" : "county");
      head.put("schools", (int) schoolViews.stream().filter(v -> String.valueOf(v.get("regionCode")).startsWith(code))
          .count());
      Predicate<String> inRegion = id -> {
        String c = names.containsKey(id) ? names.get(id).regionCode() : current.regionOf(id);
        return c != null && c.startsWith(code);
      };
      rollups.add(current.tally(inRegion).view(head, previous.tally(inRegion)));
    }
    return new Report(region, month.toString(), zone.getId(), schoolViews, rollups,
        Findings.of(region, month, rules, current, previous, regions));
  }

  /** One month's data of the region, judged. */
  static final class Month {
    final YearMonth month;
    final List<Judged> incidents;
    final List<SchoolFacts> schools;
    final List<HazardFacts> hazards;
    final List<TipFacts> tips;
    final Instant now;

    private Month(YearMonth month, List<Judged> incidents, List<SchoolFacts> schools, List<HazardFacts> hazards,
        List<TipFacts> tips, Instant now) {
      this.month = month;
      this.incidents = incidents;
      this.schools = schools;
      this.hazards = hazards;
      this.tips = tips;
      this.now = now;
    }

    static Month of(YearMonth month, ZoneId zone, String region, ReportingRules rules, Instant now,
        List<IncidentFacts> incidents, List<SchoolFacts> schools, List<HazardFacts> hazards, List<TipFacts> tips) {
      Instant from = month.atDay(1).atStartOfDay(zone).toInstant();
      Instant to = month.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant();
      Predicate<Instant> within = at -> at != null && !at.isBefore(from) && at.isBefore(to);
      return new Month(month,
          incidents.stream()
              .filter(i -> "ACTUAL".equals(i.mode()) && i.regionCode().startsWith(region) && within.test(i.reportedAt()))
              .map(i -> Judged.of(i, rules, now)).toList(),
          schools.stream().filter(s -> s.regionCode() != null && s.regionCode().startsWith(region)).toList(),
          hazards.stream().filter(h -> h.regionCode().startsWith(region) && within.test(h.deadline())).toList(),
          tips.stream().filter(t -> t.regionCode() != null && t.regionCode().startsWith(region)
              && within.test(t.receivedAt())).toList(), now);
    }

    Tally tally(Predicate<String> school) {
      return Tally.of(incidents.stream().filter(j -> school.test(j.incident().schoolId())).toList(),
          schools.stream().filter(s -> school.test(s.schoolId())).toList(),
          hazards.stream().filter(h -> school.test(h.schoolId())).toList(),
          tips.stream().filter(t -> school.test(t.schoolId())).toList(), month, now);
    }

    /** The region of a school that is not (yet) in the registry, from its incidents or hazards. */
    String regionOf(String schoolId) {
      return incidents.stream().filter(j -> j.incident().schoolId().equals(schoolId))
          .map(j -> j.incident().regionCode()).findFirst()
          .orElse(hazards.stream().filter(h -> h.schoolId().equals(schoolId)).map(HazardFacts::regionCode)
              .findFirst().orElse(tips.stream().filter(t -> t.schoolId().equals(schoolId)).map(TipFacts::regionCode)
                  .findFirst().orElse(null)));
    }
  }
}
