package org.schoolsafety.sim.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The history's calls: the same from the same seed, stable records over time, ordered times, schools that differ. */
class HistoryPlanTest {

  static final Instant NOW = Instant.parse("2026-11-30T04:00:00Z");
  static final List<HistoryPlan.School> SCHOOLS = schools();

  static List<HistoryPlan.School> schools() {
    var list = new ArrayList<HistoryPlan.School>();
    for (int county = 1; county <= 4; county++) {
      for (int n = 1; n <= 5; n++) {
        list.add(new HistoryPlan.School("sch-65010" + county + "-00" + n, "65010" + county, 60));
      }
    }
    return list;
  }

  @Test
  void theSameSeedGivesTheSameCallsAndAnotherSeedOthers() {
    var once = new HistoryPlan(18, 2, NOW).steps(SCHOOLS);
    var again = new HistoryPlan(18, 2, NOW).steps(SCHOOLS);
    assertThat(again).isEqualTo(once);
    assertThat(new HistoryPlan(19, 2, NOW).steps(SCHOOLS)).isNotEqualTo(once);
  }

  @Test
  void aRecordMadeAgainLaterIsTheSameUnderTheSameReferenceSoASecondRunChangesNothing() {
    Instant before = NOW.minus(Duration.ofDays(10));
    Map<String, Map<String, Object>> earlier = byReference(new HistoryPlan(18, 2, before).steps(SCHOOLS));
    Map<String, Map<String, Object>> later = byReference(new HistoryPlan(18, 2, NOW).steps(SCHOOLS));
    // a record both plans make is the same in both: a second run (even days later, when the
    // window has moved on) finds each of them recorded as it is
    var shared = new HashSet<>(earlier.keySet());
    shared.retainAll(later.keySet());
    assertThat(shared.size()).isGreaterThan(earlier.size() / 2);
    for (String key : shared) {
      assertThat(later.get(key)).as(key).isEqualTo(earlier.get(key));
    }
  }

  @Test
  void everyRecordIsInThePastAndItsTimesAreInOrder() {
    var steps = new HistoryPlan(18, 6, NOW).steps(SCHOOLS);
    var imports = steps.stream().filter(s -> s.kind().equals("incident")).toList();
    assertThat(imports).hasSizeGreaterThan(SCHOOLS.size() * 6 / 2);
    for (var step : imports) {
      Map<String, Object> b = step.body();
      Instant occurred = Instant.parse((String) b.get("occurredAt"));
      Instant received = Instant.parse((String) b.get("receivedAt"));
      assertThat(received).isAfterOrEqualTo(occurred);
      Instant previous = received;
      @SuppressWarnings("unchecked") var reports = (List<Map<String, Object>>) b.get("reports");
      for (var r : reports) {
        Instant at = Instant.parse((String) r.get("at"));
        assertThat(at).isAfterOrEqualTo(previous);
        previous = at;
      }
      assertThat(reports.get(reports.size() - 1).get("kind")).isEqualTo("FINAL");
      @SuppressWarnings("unchecked") var dispatches = (List<Map<String, Object>>) b.get("dispatches");
      for (var d : dispatches) {
        Instant acked = Instant.parse((String) d.get("acknowledgedAt"));
        assertThat(Instant.parse((String) d.get("notifiedAt"))).isAfterOrEqualTo(received);
        assertThat(acked).isBeforeOrEqualTo(previous);
      }
      Instant ended = b.containsKey("closedAt") ? Instant.parse((String) b.get("closedAt")) : previous;
      assertThat(ended).isAfterOrEqualTo(previous).isBefore(NOW);
      assertThat(b.get("status")).isIn("CLOSED", "RESOLVED");
    }
    // the months: six complete ones and the current one so far
    assertThat(new HistoryPlan(18, 6, NOW).months()).first().isEqualTo(YearMonth.of(2026, 5));
    assertThat(new HistoryPlan(18, 6, NOW).months()).last().isEqualTo(YearMonth.of(2026, 11));
  }

  @Test
  void someSchoolsReportLateFarMoreOftenThanOthersAndSomeAnswersEscalate() {
    var plan = new HistoryPlan(18, 6, NOW);
    Map<String, List<Boolean>> lateBySchool = new java.util.TreeMap<>();
    int escalated = 0;
    Set<String> kinds = new HashSet<>();
    for (var step : plan.steps(SCHOOLS)) {
      if (!step.kind().equals("incident")) {
        kinds.add(step.kind());
        continue;
      }
      Map<String, Object> b = step.body();
      long minutes = Duration.between(Instant.parse((String) b.get("occurredAt")), Instant.parse((String) b.get("receivedAt"))).toMinutes();
      lateBySchool.computeIfAbsent(step.schoolId(), k -> new ArrayList<>()).add(minutes > 60);
      escalated += (int) ((List<?>) b.get("dispatches")).stream().filter(d -> ((Map<?, ?>) d).containsKey("escalatedAt")).count();
    }
    Map<String, Double> share = lateBySchool.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
        e -> e.getValue().stream().filter(x -> x).count() / (double) e.getValue().size()));
    assertThat(share.values().stream().filter(s -> s >= 0.3).count()).as("poor schools in " + share).isBetween(1L, 8L);
    assertThat(share.values().stream().filter(s -> s <= 0.15).count()).as("good schools in " + share).isGreaterThanOrEqualTo(10L);
    assertThat(escalated).isPositive();
    assertThat(kinds).containsExactlyInAnyOrder("drill", "inspection", "training", "health-check", "investment");
  }

  @Test
  void theShippedScenarioIsSixMonthsOfTheDemoProvincesAndTheCommandLineKnowsIt() {
    var file = java.nio.file.Path.of(System.getProperty("sim.scenarios", "scenarios")).resolve("history-six-months.json");
    assertThat(HistoryScenario.isHistory(file)).isTrue();
    var scenario = HistoryScenario.read(file);
    assertThat(scenario.regions()).containsExactly("11", "65");
    assertThat(scenario.months()).isEqualTo(6);
    var out = new java.io.ByteArrayOutputStream();
    int status = org.schoolsafety.sim.Main.run(new String[] {"drill", "--check", file.toString()},
        new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8), System.err);
    assertThat(status).isZero();
    assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).startsWith("history history-six-months: ok");
    assertThat(new HistoryPlan(18, 6, NOW).months()).hasSize(7);
  }

  private static Map<String, Map<String, Object>> byReference(List<HistoryPlan.Step> steps) {
    var map = new java.util.HashMap<String, Map<String, Object>>();
    for (var s : steps) {
      Object ref = s.body().getOrDefault("clientRef", s.body().getOrDefault("drillId", s.body().getOrDefault("inspectionId",
          s.body().getOrDefault("trainingId", s.body().getOrDefault("investmentId", s.body().get("date"))))));
      map.put(s.kind() + "/" + s.schoolId() + "/" + ref, s.body());
    }
    return map;
  }
}
