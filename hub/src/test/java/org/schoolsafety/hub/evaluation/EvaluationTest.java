package org.schoolsafety.hub.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.schoolsafety.hub.evaluation.IncidentFacts.DispatchFacts;
import org.schoolsafety.hub.reporting.ReportingFacts;
import org.schoolsafety.hub.reporting.ReportingRules;

class EvaluationTest {

  static final ReportingRules RULES = ReportingRules.defaults();
  static final YearMonth FEB = YearMonth.of(2026, 2);
  static final Instant NOW = Instant.parse("2026-03-20T00:00:00Z");
  /** 1 February 2026, 00:00 in Shanghai. */
  static final Instant FEB_START = Instant.parse("2026-01-31T16:00:00Z");

  static final List<SchoolFacts> SCHOOLS = List.of(
      school("sch-650102-001", "650102", "2026-02"),
      school("sch-650102-002", "650102", "2026-01"),
      school("sch-650203-001", "650203", "2026-02"),
      school("sch-650203-002", "650203", "2026-02"),
      school("sch-650203-003", "650203", "2026-02"),
      school("sch-650204-001", "650204", "2026-02"),
      school("sch-110101-001", "110101", "2026-02"));

  static SchoolFacts school(String id, String region, String... drillMonths) {
    return new SchoolFacts(id, "School " + id, region, Set.of(drillMonths));
  }

  static int seq;

  /** An incident reported {@code minutes} after it occurred, {@code reported} into February. */
  static IncidentFacts incident(String schoolId, Instant reported, long minutes, String level, String mode,
      DispatchFacts... dispatches) {
    String region = schoolId.substring(4, 10);
    var facts = ReportingFacts.reported(reported.minus(Duration.ofMinutes(minutes)), reported, level, null);
    return new IncidentFacts("inc-" + (++seq) + "-" + schoolId, schoolId, region, "FIRE", level, mode, reported,
        facts, List.of(dispatches));
  }

  static IncidentFacts late(String schoolId, Instant reported) {
    return incident(schoolId, reported, 61, "IV", "ACTUAL");
  }

  static IncidentFacts onTime(String schoolId, Instant reported) {
    return incident(schoolId, reported, 59, "IV", "ACTUAL");
  }

  static Instant feb(int day, int hourUtc) {
    return Instant.parse(String.format("2026-02-%02dT%02d:00:00Z", day, hourUtc));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Integer> change(Map<String, Object> unit) {
    return (Map<String, Integer>) unit.get("change");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return (Map<String, Object>) value;
  }

  static Map<String, Object> rollup(Evaluation.Report report, String code) {
    return report.rollups().stream().filter(r -> r.get("regionCode").equals(code)).findFirst().orElseThrow();
  }

  static Map<String, Object> school(Evaluation.Report report, String id) {
    return report.schools().stream().filter(r -> r.get("schoolId").equals(id)).findFirst().orElseThrow();
  }

  @Test
  void fourOfSixLateInitialReportsFromTwoSchoolsMakeOneFindingWithItsRecords() {
    var incidents = List.of(
        late("sch-650203-001", feb(3, 2)), late("sch-650203-001", feb(4, 2)), late("sch-650203-002", feb(5, 2)),
        late("sch-650203-002", feb(6, 2)), onTime("sch-650203-003", feb(7, 2)), onTime("sch-650203-003", feb(8, 2)));
    var report = Evaluation.of("65", FEB, RULES, NOW, incidents, SCHOOLS, List.of());

    assertThat(rollup(report, "650203")).containsEntry("initialReports", 6).containsEntry("initialReportsLate", 4)
        .containsEntry("initialReportsOnTime", 2);
    var finding = report.findings().stream().filter(f -> f.rule().equals("initial-reports-late")).findFirst()
        .orElseThrow();
    assertThat(finding.text()).isEqualTo("4 of 6 initial reports from county 650203 were late; all came from two schools.");
    assertThat(finding.regionCode()).isEqualTo("650203");
    assertThat(finding.schoolIds()).containsExactly("sch-650203-001", "sch-650203-002");
    assertThat(finding.incidentIds()).hasSize(4).allMatch(id -> !id.contains("650203-003"));
  }

  @Test
  void anIncidentReportedAfterMidnightInShanghaiBelongsToTheNewMonth() {
    // 16:30 UTC on 31 January is 00:30 on 1 February in Shanghai; 15:30 UTC is still January there.
    var february = late("sch-650102-001", FEB_START.plus(Duration.ofMinutes(30)));
    var january = late("sch-650102-001", FEB_START.minus(Duration.ofMinutes(30)));
    var report = Evaluation.of("6501", FEB, RULES, NOW, List.of(february, january), SCHOOLS, List.of());
    assertThat(school(report, "sch-650102-001")).containsEntry("incidents", 1).containsEntry("initialReportsLate", 1);
    // The month before counted the other one: no change in late reports.
    assertThat(change(school(report, "sch-650102-001"))).containsEntry("initialReportsLate", 0)
        .containsEntry("incidents", 0);
    assertThat(report.zone()).isEqualTo("Asia/Shanghai");
    // The last instant of February in Shanghai is 15:59:59.999 UTC on 28 February.
    var lastMoment = late("sch-650102-001", Instant.parse("2026-02-28T15:59:59.999Z"));
    var firstOfMarch = late("sch-650102-001", Instant.parse("2026-02-28T16:00:00Z"));
    var edges = Evaluation.of("6501", FEB, RULES, NOW, List.of(lastMoment, firstOfMarch), SCHOOLS, List.of());
    assertThat(school(edges, "sch-650102-001")).containsEntry("incidents", 1);
  }

  @Test
  void drillsExercisesAndOtherRegionsNeverCount() {
    var drill = incident("sch-650102-001", feb(3, 2), 120, "I", "EXERCISE");
    var beijing = late("sch-110101-001", feb(3, 2));
    var report = Evaluation.of("65", FEB, RULES, NOW, List.of(drill, beijing), SCHOOLS, List.of());
    assertThat(rollup(report, "65")).containsEntry("incidents", 0).containsEntry("drillsRequired", 6)
        .containsEntry("drillsDone", 5);
    assertThat(report.schools()).extracting(s -> s.get("schoolId")).doesNotContain("sch-110101-001");
    var drills = report.findings().stream().filter(f -> f.rule().equals("evacuation-drills-missing")).toList();
    assertThat(drills).singleElement().satisfies(f -> {
      assertThat(f.text()).isEqualTo("1 of 2 schools in county 650102 held no evacuation drill in 2026-02.");
      assertThat(f.schoolIds()).containsExactly("sch-650102-002");
    });
  }

  @Test
  void acknowledgementTimesByKindEscalationsHazardsAndTheTrend() {
    Instant t = feb(10, 2);
    var a = incident("sch-650204-001", t, 10, "III", "ACTUAL",
        new DispatchFacts("fire-650204", "FIRE", "ACKNOWLEDGED", t, t.plusSeconds(60)),
        new DispatchFacts("police-650204", "POLICE", "ESCALATED", t, null),
        new DispatchFacts("police-6502", "POLICE", "ACKNOWLEDGED", t.plusSeconds(600), t.plusSeconds(700)));
    var b = incident("sch-650204-001", t.plusSeconds(3600), 10, "III", "ACTUAL",
        new DispatchFacts("fire-650204", "FIRE", "ACKNOWLEDGED", t, t.plusSeconds(300)),
        new DispatchFacts("police-650204", "POLICE", "UNANSWERED", t, null));
    var januaryLate = late("sch-650204-001", Instant.parse("2026-01-10T02:00:00Z"));
    var hazards = List.of(
        new HazardFacts("hz-1", "sch-650204-001", "650204", feb(12, 0), feb(11, 0)),
        new HazardFacts("hz-2", "sch-650204-001", "650204", feb(12, 0), feb(13, 0)),
        new HazardFacts("hz-3", "sch-650204-001", "650204", feb(14, 0), null),
        new HazardFacts("hz-march", "sch-650204-001", "650204", Instant.parse("2026-03-02T00:00:00Z"), null));
    var report = Evaluation.of("6502", FEB, RULES, NOW, List.of(a, b, januaryLate), SCHOOLS, hazards);
    var county = rollup(report, "650204");
    assertThat(county).containsEntry("dispatches", 5).containsEntry("acknowledged", 3).containsEntry("escalations", 1)
        .containsEntry("unanswered", 1).containsEntry("hazardsDue", 3).containsEntry("hazardsRectifiedOnTime", 1);
    assertThat(map(county.get("acknowledgements"))).containsEntry("FIRE",
        Map.of("count", 2, "p50Seconds", 60L, "p95Seconds", 300L));
    var texts = report.findings().stream().map(Finding::text).toList();
    assertThat(texts).contains(
        "2 of 5 dispatches in county 650204 were not acknowledged in time (2 POLICE); 1 went unanswered at every tier.",
        "2 of 3 hazards due for rectification in county 650204 in 2026-02 were not rectified on time.",
        "Late initial reports in region 6502 fell from 1 in 2026-01 to 0 in 2026-02.");
    assertThat(change(county)).containsEntry("initialReportsLate", -1).containsEntry("incidents", 1);
  }

  /** Every counter of a region is the sum of its schools', and of its sub-regions', exactly. */
  @Property(tries = 50)
  void rollupsAddUpFromSchoolToProvince(@ForAll @IntRange(min = 0, max = 60) int count,
      @ForAll @IntRange(min = 0, max = 1000) int seed) {
    var random = new java.util.Random(seed);
    var incidents = new ArrayList<IncidentFacts>();
    String[] levels = {"I", "II", "III", "IV", "UNGRADED"};
    String[] states = {"NOTIFIED", "ACKNOWLEDGED", "ESCALATED", "UNANSWERED"};
    for (int i = 0; i < count; i++) {
      SchoolFacts s = SCHOOLS.get(random.nextInt(SCHOOLS.size()));
      Instant reported = FEB_START.minus(Duration.ofDays(20)).plusSeconds(random.nextInt(50 * 86_400));
      String state = states[random.nextInt(states.length)];
      var d = new DispatchFacts("a", random.nextBoolean() ? "FIRE" : "HEALTH", state, reported,
          state.equals("ACKNOWLEDGED") ? reported.plusSeconds(random.nextInt(900)) : null);
      incidents.add(incident(s.schoolId(), reported, random.nextInt(120), levels[random.nextInt(5)],
          random.nextInt(5) == 0 ? "EXERCISE" : "ACTUAL", d));
    }
    var report = Evaluation.of("65", FEB, RULES, NOW, incidents, SCHOOLS, List.of());
    for (Map<String, Object> region : report.rollups()) {
      String code = (String) region.get("regionCode");
      for (String counter : Tally.COUNTERS) {
        int schools = report.schools().stream().filter(s -> ((String) s.get("regionCode")).startsWith(code))
            .mapToInt(s -> (Integer) s.get(counter)).sum();
        assertThat(region.get(counter)).as(counter + " of " + code).isEqualTo(schools);
        if (code.length() < 6) {
          int children = report.rollups().stream().map(r -> (String) r.get("regionCode"))
              .filter(c -> c.length() == code.length() + 2 && c.startsWith(code))
              .mapToInt(c -> (Integer) rollup(report, c).get(counter)).sum();
          assertThat(region.get(counter)).as(counter + " of " + code + " from its sub-regions").isEqualTo(children);
        }
      }
    }
  }

  @Test
  void tipsAnsweredInTimeLateOrPendingBelongToTheMonthTheyCameInAndAddUp() {
    Instant due = FEB_START.plus(Duration.ofDays(3));
    var onTheDeadline = new TipFacts("tip-1", "sch-650102-001", "650102", FEB_START.plus(Duration.ofDays(2)), due,
        due, due, false);
    var triagedLate = new TipFacts("tip-2", "sch-650102-001", "650102", FEB_START.plus(Duration.ofDays(2)),
        due.plus(Duration.ofDays(1)), due.plusSeconds(1), due, true);
    var overdue = new TipFacts("tip-3", "sch-650102-002", "650102", FEB_START, due, null, null, true);
    var pending = new TipFacts("tip-4", "sch-650203-001", "650203", NOW.minus(Duration.ofHours(1)),
        NOW.plus(Duration.ofHours(1)), null, null, false);
    // the last second of January in Shanghai: January's
    var january = new TipFacts("tip-5", "sch-650102-001", "650102", FEB_START.minusSeconds(1), due, null, null, true);
    assertThat(onTheDeadline.answeredInTime(NOW)).isTrue();
    assertThat(triagedLate.answeredInTime(NOW)).isFalse();
    assertThat(pending.answeredInTime(NOW)).isNull();

    var report = Evaluation.of("65", FEB, RULES, NOW, List.of(), SCHOOLS, List.of(),
        List.of(onTheDeadline, triagedLate, overdue, january));
    var a = report.schools().stream().filter(s -> s.get("schoolId").equals("sch-650102-001")).findFirst().orElseThrow();
    assertThat(a).containsEntry("tipsReceived", 2).containsEntry("tipsAnsweredInTime", 1).containsEntry("tipsLate", 1);
    var county = report.rollups().stream().filter(r -> r.get("regionCode").equals("650102")).findFirst().orElseThrow();
    assertThat(county).containsEntry("tipsReceived", 3).containsEntry("tipsAnsweredInTime", 1)
        .containsEntry("tipsLate", 2);
    @SuppressWarnings("unchecked")
    var change = (Map<String, Integer>) county.get("change");
    assertThat(change).containsEntry("tipsReceived", 2);
    var finding = report.findings().stream().filter(f -> f.rule().equals("tips-late")).findFirst().orElseThrow();
    assertThat(finding.text()).isEqualTo("2 of 3 tips received in county 650102 in 2026-02 were not answered (triaged) in time.");
    assertThat(finding.tipIds()).containsExactly("tip-2", "tip-3");
    assertThat(finding.schoolIds()).containsExactly("sch-650102-001", "sch-650102-002");

    var withPending = Evaluation.of("650203", YearMonth.of(2026, 3), RULES, NOW, List.of(), SCHOOLS, List.of(),
        List.of(pending));
    assertThat(withPending.rollups().get(0)).containsEntry("tipsReceived", 1).containsEntry("tipsAnsweredInTime", 0)
        .containsEntry("tipsLate", 0);
  }
}
