package org.schoolsafety.hub.risk;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Hand-computed scores for small fixtures under the default weights (reference.conf), and that a
 * change to one input moves exactly the dimensions it should.
 */
class RiskModelTest {

  static final Instant NOW = Instant.parse("2026-11-29T00:00:00Z");
  static final Set<String> EVERY_MONTH = Set.of("2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10");

  private final RiskModel model = new RiskModel(RiskWeights.fromConfig(ConfigFactory.load()));

  /** A school that does everything: drills every month, inspected last week, all 80 staff trained. */
  static RiskInputs diligent() {
    return new RiskInputs(80, List.of(), List.of(), List.of(), 0, 0, List.of(), EVERY_MONTH,
        List.of(LocalDate.parse("2026-11-20")), 80);
  }

  @Test
  void aDiligentSchoolWithNothingAroundItScoresZero() {
    RiskScore s = model.score(diligent(), NOW);
    assertThat(s.overall()).isEqualTo(0.0);
    assertThat(s.level()).isEqualTo(RiskLevel.BLUE);
    assertThat(s.factors()).isEmpty();
    assertThat(s.computedAt()).isEqualTo(NOW);
  }

  @Test
  void aMajorRoadAt150MetresIsTrafficOnly() {
    // traffic = 20 (full points within 200 m); mean = 0.15 x 20 = 3.0; overall = 0.7 x 3.0 + 0.3 x 20 = 8.1
    RiskScore s = model.score(with(diligent(), List.of(new RiskInputs.Nearby("MAJOR_ROAD", 150))), NOW);
    assertThat(s.dimensions()).isEqualTo(Map.of("surroundings", 0.0, "health", 0.0, "traffic", 20.0, "history", 0.0,
        "execution", 0.0));
    assertThat(s.overall()).isEqualTo(8.1);
    assertThat(s.level()).isEqualTo(RiskLevel.BLUE);
  }

  @Test
  void aChemicalPlantAt400MetresCountsSixTenths() {
    // surroundings = 40 x 0.6 = 24; mean = 0.2 x 24 = 4.8; overall = 0.7 x 4.8 + 0.3 x 24 = 10.56 -> 10.6
    RiskScore s = model.score(with(diligent(), List.of(new RiskInputs.Nearby("CHEMICAL_PLANT", 400))), NOW);
    assertThat(s.dimensions().get("surroundings")).isEqualTo(24.0);
    assertThat(s.overall()).isEqualTo(10.6);
  }

  /**
   * Two clusters this month (60), 5 % illness absence (5 x 4 = 20), a level II food poisoning
   * 180 days ago (25 x 0.5 = 12.5): health 92.5. History: 25 x 0.5^(180/365) = 17.8. Execution: six
   * months without evacuation drills (48), no inspection in 30 days (15), no staff trained (20):
   * 83. Mean = 0.2 x 92.5 + 0.2 x 17.8 + 0.25 x 83 = 42.81; overall = 0.7 x 42.81 + 0.3 x 92.5 =
   * 57.7: ORANGE.
   */
  static RiskInputs neglected() {
    return new RiskInputs(80, List.of(), List.of(),
        List.of(LocalDate.parse("2026-11-20"), LocalDate.parse("2026-11-25")), 50, 1000,
        List.of(new RiskInputs.PastIncident("inc-1", "FOOD_POISONING", "II", NOW.minus(Duration.ofDays(180)))),
        Set.of(), List.of(), 0);
  }

  @Test
  void aNeglectedSchoolWithAnOutbreakIsOrange() {
    RiskScore s = model.score(neglected(), NOW);
    assertThat(s.dimensions()).isEqualTo(Map.of("surroundings", 0.0, "health", 92.5, "traffic", 0.0,
        "history", 17.8, "execution", 83.0));
    assertThat(s.overall()).isEqualTo(57.7);
    assertThat(s.level()).isEqualTo(RiskLevel.ORANGE);
    assertThat(s.factors()).extracting(RiskScore.Factor::code).containsExactlyInAnyOrder(
        "outbreak-cluster", "illness-absence", "incident", "health-incident", "missed-evacuation-drills",
        "inspection-overdue", "training-coverage");
  }

  @Test
  void eachInputMovesExactlyItsDimensions() {
    RiskScore base = model.score(neglected(), NOW);
    // a traffic incident: history and traffic
    var incidents = new ArrayList<>(neglected().incidents());
    incidents.add(new RiskInputs.PastIncident("inc-2", "TRAFFIC", "III", NOW));
    assertThat(moved(base, model.score(copy(neglected(), incidents, neglected().evacuationMonths(), List.of()), NOW)))
        .containsExactlyInAnyOrder("history", "traffic");
    // an evacuation drill last month: execution only
    var months = new HashSet<>(Set.of("2026-10"));
    assertThat(moved(base, model.score(copy(neglected(), neglected().incidents(), months, List.of()), NOW)))
        .containsExactly("execution");
    // an open surroundings hazard: surroundings only; overdue, execution too
    assertThat(moved(base, model.score(copy(neglected(), neglected().incidents(), Set.of(),
        List.of(new RiskInputs.OpenHazard("hz-1", "SURROUNDINGS", "GENERAL", false))), NOW)))
        .containsExactly("surroundings");
    assertThat(moved(base, model.score(copy(neglected(), neglected().incidents(), Set.of(),
        List.of(new RiskInputs.OpenHazard("hz-1", "SURROUNDINGS", "GENERAL", true))), NOW)))
        .containsExactlyInAnyOrder("surroundings", "execution");
    // a railway 800 m away: traffic only (25 x 0.3 = 7.5)
    RiskScore railway = model.score(with(neglected(), List.of(new RiskInputs.Nearby("RAILWAY", 800))), NOW);
    assertThat(moved(base, railway)).containsExactly("traffic");
    assertThat(railway.dimensions().get("traffic")).isEqualTo(7.5);
  }

  /**
   * A diligent school's level IV injury reported ten days ago. History: 5 x 0.5^(10/365) = 4.9 either
   * way. Filed 30 min or exactly 1 h after it happened: on time, execution 0; mean = 0.2 x 4.9 = 0.98,
   * overall = 0.7 x 0.98 + 0.3 x 4.9 = 2.2. Filed 61 min after: late, execution 10; mean = 0.98 +
   * 0.25 x 10 = 3.48, overall = 0.7 x 3.48 + 0.3 x 10 = 5.4. A late report older than a year does not count.
   */
  @Test
  void aLateInitialReportMovesOnlyTheExecutionDimension() {
    Instant reported = NOW.minus(Duration.ofDays(10));
    RiskScore onTime = model.score(withIncident(new RiskInputs.PastIncident("inc-1", "INJURY", "IV", reported,
        reported.minus(Duration.ofMinutes(30)))), NOW);
    RiskScore atTheHour = model.score(withIncident(new RiskInputs.PastIncident("inc-1", "INJURY", "IV", reported,
        reported.minus(Duration.ofHours(1)))), NOW);
    RiskScore late = model.score(withIncident(new RiskInputs.PastIncident("inc-1", "INJURY", "IV", reported,
        reported.minus(Duration.ofMinutes(61)))), NOW);
    assertThat(onTime.dimensions()).isEqualTo(Map.of("surroundings", 0.0, "health", 0.0, "traffic", 0.0,
        "history", 4.9, "execution", 0.0));
    assertThat(onTime.overall()).isEqualTo(2.2);
    assertThat(atTheHour).usingRecursiveComparison().isEqualTo(onTime);
    assertThat(moved(onTime, late)).containsExactly("execution");
    assertThat(late.dimensions().get("execution")).isEqualTo(10.0);
    assertThat(late.overall()).isEqualTo(5.4);
    assertThat(late.factors()).filteredOn(f -> f.code().equals("late-initial-reports")).singleElement()
        .satisfies(f -> {
          assertThat(f.dimension()).isEqualTo("execution");
          assertThat(f.detail()).contains("inc-1", "61 min", "60 min");
        });
    Instant longAgo = NOW.minus(Duration.ofDays(400));
    RiskScore old = model.score(withIncident(new RiskInputs.PastIncident("inc-1", "INJURY", "IV", longAgo,
        longAgo.minus(Duration.ofHours(5)))), NOW);
    assertThat(old.dimensions().get("execution")).isEqualTo(0.0);
    // Not known when it happened (notices from before the hub kept it): never counted late.
    RiskScore unknown = model.score(withIncident(new RiskInputs.PastIncident("inc-1", "INJURY", "IV", reported)), NOW);
    assertThat(unknown).usingRecursiveComparison().isEqualTo(onTime);
  }

  private static RiskInputs withIncident(RiskInputs.PastIncident incident) {
    return copy(diligent(), List.of(incident), EVERY_MONTH, List.of());
  }

  @Test
  void historyHalvesEveryHalfLife() {
    var old = new RiskInputs(80, List.of(), List.of(), List.of(), 0, 0,
        List.of(new RiskInputs.PastIncident("inc-1", "FIRE", "I", NOW.minus(Duration.ofDays(365)))), EVERY_MONTH,
        List.of(LocalDate.parse("2026-11-20")), 80);
    assertThat(model.score(old, NOW).dimensions().get("history")).isEqualTo(20.0);
  }

  @Test
  void levelsAtTheirThresholds() {
    assertThat(model.levelOf(24.9)).isEqualTo(RiskLevel.BLUE);
    assertThat(model.levelOf(25)).isEqualTo(RiskLevel.YELLOW);
    assertThat(model.levelOf(50)).isEqualTo(RiskLevel.ORANGE);
    assertThat(model.levelOf(75)).isEqualTo(RiskLevel.RED);
  }

  private static List<String> moved(RiskScore a, RiskScore b) {
    return RiskScore.DIMENSIONS.stream().filter(d -> !a.dimensions().get(d).equals(b.dimensions().get(d))).toList();
  }

  private static RiskInputs with(RiskInputs in, List<RiskInputs.Nearby> nearby) {
    return new RiskInputs(in.staff(), nearby, in.hazards(), in.clusters(), in.illnessAbsences(), in.studentDaysChecked(),
        in.incidents(), in.evacuationMonths(), in.inspections(), in.staffTrained());
  }

  private static RiskInputs copy(RiskInputs in, List<RiskInputs.PastIncident> incidents, Set<String> months,
      List<RiskInputs.OpenHazard> hazards) {
    return new RiskInputs(in.staff(), in.surroundings(), hazards, in.clusters(), in.illnessAbsences(),
        in.studentDaysChecked(), incidents, months, in.inspections(), in.staffTrained());
  }
}
