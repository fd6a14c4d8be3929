package org.schoolsafety.hub.prevention;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The outbreak rule at its edges: 2 vs 3 in a day, 4 vs 5 over three days, across month and year ends. */
class OutbreakRuleTest {

  private final OutbreakRule rule = new OutbreakRule(3, 5);
  private final List<HealthCheck> checks = new ArrayList<>();

  private void check(String day, String classId, Symptom symptom, int cases) {
    checks.add(new HealthCheck(LocalDate.parse(day), "MORNING", classId, 40, cases, Map.of(symptom, cases)));
  }

  @Test
  void twoInADayIsNoClusterThreeIs() {
    check("2026-11-10", "3-2", Symptom.FEVER, 2);
    assertThat(rule.clustersAround(checks, "3-2", LocalDate.parse("2026-11-10"))).isEmpty();
    checks.add(new HealthCheck(LocalDate.parse("2026-11-10"), "NOON", "3-2", 40, 0, Map.of(Symptom.FEVER, 1)));
    var found = rule.clustersAround(checks, "3-2", LocalDate.parse("2026-11-10"));
    assertThat(found).singleElement().satisfies(c -> {
      assertThat(c.rule()).isEqualTo("DAY");
      assertThat(c.cases()).isEqualTo(3);
      assertThat(c.symptom()).isEqualTo(Symptom.FEVER);
    });
  }

  @Test
  void fourOverThreeDaysIsNoClusterFiveIs() {
    check("2026-11-10", "3-2", Symptom.DIARRHOEA, 2);
    check("2026-11-11", "3-2", Symptom.DIARRHOEA, 1);
    check("2026-11-12", "3-2", Symptom.DIARRHOEA, 1);
    assertThat(rule.clustersAround(checks, "3-2", LocalDate.parse("2026-11-12"))).isEmpty();
    check("2026-11-12", "3-2", Symptom.DIARRHOEA, 1);
    assertThat(rule.clustersAround(checks, "3-2", LocalDate.parse("2026-11-12"))).singleElement()
        .satisfies(c -> assertThat(c.rule() + " " + c.from() + ".." + c.to() + " " + c.cases())
            .isEqualTo("THREE_DAYS 2026-11-10..2026-11-12 5"));
  }

  @Test
  void fiveOverFourDaysIsNoCluster() {
    check("2026-11-10", "3-2", Symptom.VOMITING, 2);
    check("2026-11-11", "3-2", Symptom.VOMITING, 1);
    check("2026-11-13", "3-2", Symptom.VOMITING, 2);
    assertThat(rule.clustersAround(checks, "3-2", LocalDate.parse("2026-11-13"))).isEmpty();
  }

  @Test
  void threeConsecutiveDaysAcrossAMonthEndAndAYearEnd() {
    check("2026-11-30", "1-1", Symptom.COUGH, 2);
    check("2026-12-01", "1-1", Symptom.COUGH, 2);
    check("2026-12-02", "1-1", Symptom.COUGH, 1);
    assertThat(rule.clustersAround(checks, "1-1", LocalDate.parse("2026-12-01"))).singleElement()
        .satisfies(c -> assertThat(c.from() + ".." + c.to()).isEqualTo("2026-11-30..2026-12-02"));
    check("2026-12-31", "1-2", Symptom.RASH, 2);
    check("2027-01-01", "1-2", Symptom.RASH, 2);
    check("2027-01-02", "1-2", Symptom.RASH, 0);
    assertThat(rule.clustersAround(checks, "1-2", LocalDate.parse("2027-01-02"))).isEmpty();
    check("2027-01-02", "1-2", Symptom.RASH, 1);
    assertThat(rule.clustersAround(checks, "1-2", LocalDate.parse("2027-01-02"))).hasSize(1);
  }

  @Test
  void otherClassesOtherSymptomsAndOtherDoNotAddUp() {
    check("2026-11-10", "3-1", Symptom.FEVER, 2);
    check("2026-11-10", "3-2", Symptom.FEVER, 2);
    check("2026-11-10", "3-2", Symptom.COUGH, 2);
    check("2026-11-10", "3-2", Symptom.OTHER, 9);
    assertThat(rule.clustersAround(checks, "3-2", LocalDate.parse("2026-11-10"))).isEmpty();
  }
}
