package org.schoolsafety.sim.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.schoolsafety.sim.scenario.Scenario;
import org.schoolsafety.sim.scenario.ScenarioParser;

/** The plan: deterministic for a seed, open-loop times fixed up front, follow-ups in order. */
class PlannerTest {

  private static final String SCENARIO = """
      {
        "name": "plan",
        "schools": { "region": "65" },
        "incidents": [
          { "type": "FIRE", "level": { "I": 1, "III": 3 }, "perSchool": 2, "over": "1h",
            "reportDelay": { "lognormal": { "median": "5m", "p95": "20m" } }, "summary": "s",
            "continuations": [ { "after": { "uniform": ["10m", "50m"] }, "summary": "c1" },
                               { "after": { "uniform": ["5m", "40m"] }, "summary": "c2" } ],
            "final": { "after": "30m" }, "close": { "after": "5m", "by": "OPERATOR" } },
          { "type": "INTRUSION", "level": "IV", "count": 7, "fromSchool": 3, "schools": 2, "start": "2h", "over": "10m",
            "spacing": "even", "summary": "s", "falseAlarm": { "probability": 1, "after": "3m" },
            "final": { "after": "1h" } }
        ]
      }
      """;

  private static final List<String> SCHOOLS = IntStream.rangeClosed(1, 10).mapToObj(i -> "sch-" + i).toList();

  @Test
  void sameSeedSamePlan() {
    Scenario s = ScenarioParser.parse(SCENARIO, "plan.json");
    assertThat(Planner.plan(s, SCHOOLS, 42)).isEqualTo(Planner.plan(s, SCHOOLS, 42));
    assertThat(Planner.plan(s, SCHOOLS, 42)).isNotEqualTo(Planner.plan(s, SCHOOLS, 43));
  }

  @Test
  void incidentsFollowTheScenario() {
    Plan plan = Planner.plan(ScenarioParser.parse(SCENARIO, "plan.json"), SCHOOLS, 1);
    var fires = plan.incidents().stream().filter(i -> i.type().equals("FIRE")).toList();
    var intrusions = plan.incidents().stream().filter(i -> i.type().equals("INTRUSION")).toList();
    assertThat(fires).hasSize(20);
    assertThat(SCHOOLS).allSatisfy(school -> assertThat(fires).filteredOn(i -> i.schoolId().equals(school)).hasSize(2));
    assertThat(fires).allSatisfy(i -> {
      assertThat(i.level()).isIn("I", "III");
      assertThat(i.occurredAt()).isBetween(Duration.ZERO, Duration.ofHours(1));
      assertThat(i.reportAt()).isGreaterThanOrEqualTo(i.occurredAt());
      assertThat(i.followUps()).extracting(Plan.FollowUp::step)
          .containsExactly(Plan.Step.CONTINUATION, Plan.Step.CONTINUATION, Plan.Step.FINAL, Plan.Step.CLOSE);
      var times = i.followUps().stream().map(Plan.FollowUp::at).toList();
      assertThat(times).isSorted();
      assertThat(times.get(0)).isGreaterThan(i.reportAt());
      assertThat(i.followUps().get(3).at()).isEqualTo(i.followUps().get(2).at().plusMinutes(5));
      assertThat(i.followUps().get(3).by()).isEqualTo("OPERATOR");
    });
    // schools 3 and 4 only, evenly spaced over 10 minutes from 2 h, all false alarms: cancelled, no final report
    assertThat(intrusions).hasSize(7).allSatisfy(i -> {
      assertThat(i.schoolId()).isIn("sch-3", "sch-4");
      assertThat(i.followUps()).extracting(Plan.FollowUp::step).containsExactly(Plan.Step.CANCEL);
    });
    assertThat(intrusions).extracting(Plan.Incident::occurredAt).containsExactly(
        Duration.ofMinutes(120), Duration.ofSeconds(7300), Duration.ofSeconds(7400), Duration.ofSeconds(7500),
        Duration.ofSeconds(7600), Duration.ofSeconds(7700), Duration.ofMinutes(130));
    // numbered in the order they occur; the plan ends with its last request
    assertThat(plan.incidents()).extracting(Plan.Incident::index)
        .containsExactlyElementsOf(IntStream.rangeClosed(1, 27).boxed().toList());
    assertThat(plan.incidents()).extracting(Plan.Incident::occurredAt).isSorted();
    var last = new ArrayList<Duration>();
    plan.incidents().forEach(i -> i.followUps().forEach(f -> last.add(f.at())));
    assertThat(plan.end()).isEqualTo(last.stream().max(Duration::compareTo).orElseThrow());
    assertThat(plan.requests()).isEqualTo(27 + 20 * 4 + 7);
  }
}
