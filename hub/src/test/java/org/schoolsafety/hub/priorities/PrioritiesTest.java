package org.schoolsafety.hub.priorities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.schoolsafety.hub.risk.RiskWeights;

/** Candidates and their points by the risk model's default weights, computed by hand. */
class PrioritiesTest {

  static final RiskWeights WEIGHTS = RiskWeights.fromConfig(ConfigFactory.load());
  static final Priorities.Costs COSTS = Priorities.Costs.fromConfig(ConfigFactory.load());

  @Test
  void anOverdueMajorHazardWeighsItsOpenHazardPointsTimesOneAndAHalfPlusTheOverduePoints() {
    var plan = Priorities.plan("650102", 10_000, List.of(
        new Priorities.OpenHazard("h1", "s1", "S1", "650102", "FIRE_SAFETY", "MAJOR", true, 3000L),
        new Priorities.OpenHazard("h2", "s1", "S1", "650102", "FOOD_HYGIENE", "GENERAL", false, null)),
        List.of(new Priorities.School("s1", "S1", "650102", 10, 10, true)), WEIGHTS, COSTS);
    // 25 × 1.5 + 10
    assertThat(plan.chosen()).extracting(Priorities.Action::riskReduction).containsExactly(47.5);
    assertThat(plan.chosen().get(0).dimension()).isEqualTo("execution");
    assertThat(plan.costYuan()).isEqualTo(3000);
    // no funding known: listed, never chosen
    assertThat(plan.leftOut()).singleElement().satisfies(a -> {
      assertThat(a.actionId()).isEqualTo("hazard:h2");
      assertThat(a.dimension()).isEqualTo("health");
      assertThat(a.riskReduction()).isEqualTo(10.0);
      assertThat(a.leftOutBecause()).contains("funding is not known");
    });
  }

  @Test
  void untrainedStaffAndAMissingDrillAreCandidatesAtTheirConfiguredCosts() {
    var plan = Priorities.plan("6501", 100_000, List.of(),
        List.of(new Priorities.School("s2", "S2", "650103", 40, 30, false)), WEIGHTS, COSTS);
    // 10 of 40 untrained: 20 × 10/40 = 5 points for 10 × 300 yuan; a drill 8 points for 2000 yuan
    assertThat(plan.chosen()).extracting(Priorities.Action::actionId, Priorities.Action::costYuan,
        Priorities.Action::riskReduction)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("drill:s2", 2000L, 8.0),
            org.assertj.core.groups.Tuple.tuple("training:s2", 3000L, 5.0));
    assertThat(plan.counties()).singleElement().satisfies(c -> assertThat(c.get("regionCode")).isEqualTo("650103"));
  }

  @Test
  void anOfflineDeviceCountsLikeAGeneralEquipmentHazardAtTheReconnectionCost() {
    var since = java.time.Instant.parse("2026-11-20T02:00:00Z");
    var plan = Priorities.plan("6501", 100_000, List.of(),
        List.of(new Priorities.School("s3", "S3", "650104", 10, 10, true)),
        List.of(new Priorities.OfflineDevice("s3", "smoke-1", "SMOKE", since),
            new Priorities.OfflineDevice("elsewhere", "cam-9", "CAMERA", since)), WEIGHTS, COSTS);
    // only devices of the region's schools; 10 execution points (a general hazard) for 500 yuan
    assertThat(plan.chosen()).singleElement().satisfies(a -> {
      assertThat(a.actionId()).isEqualTo("device:s3:smoke-1");
      assertThat(a.kind()).isEqualTo("RECONNECT_DEVICE");
      assertThat(a.costYuan()).isEqualTo(COSTS.deviceReconnect());
      assertThat(a.riskReduction()).isEqualTo(WEIGHTS.generalHazard());
      assertThat(a.dimension()).isEqualTo("execution");
      assertThat(a.reason()).contains("SMOKE device smoke-1 offline since 2026-11-20T02:00:00Z")
          .contains("does not weigh devices");
    });
  }

  @Test
  void moreCandidatesThanCanBeSolvedExactlyAreRefused() {
    var schools = new ArrayList<Priorities.School>();
    for (int i = 0; i < Priorities.MAX_CANDIDATES + 1; i++) {
      schools.add(new Priorities.School("s" + i, "S", "650102", 0, 0, false));
    }
    assertThatThrownBy(() -> Priorities.plan("65", 1_000, List.of(), schools, WEIGHTS, COSTS))
        .isInstanceOf(Priorities.TooLarge.class).hasMessageContaining("ask for a county");
  }
}
