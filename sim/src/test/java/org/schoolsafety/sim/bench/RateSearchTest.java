package org.schoolsafety.sim.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/** The rate search against synthetic hubs: latency as a function of the offered rate, no clock involved. */
class RateSearchTest {

  /** Every trial lasts 15 s. */
  private static final DoubleUnaryOperator FIXED = rate -> 15;

  /** A hub that queues like M/M/1 with the given capacity: p99 = service time × ln(100) / (1 − load). */
  private static DoubleUnaryOperator queue(double capacity, double serviceMs) {
    return rate -> rate >= capacity ? 10_000 : serviceMs * Math.log(100) / (1 - rate / capacity);
  }

  private static RateSearch.Runner hub(DoubleUnaryOperator p99, List<Double> tried) {
    return rate -> {
      tried.add(rate);
      return new RateSearch.Trial(rate, rate, p99.applyAsDouble(rate), 0);
    };
  }

  /** The highest rate with p99 < 100 ms for the queue, exactly. */
  private static double knee(double capacity, double serviceMs) {
    return capacity * (1 - serviceMs * Math.log(100) / 100);
  }

  @Test
  void doublesThenBisectsToTheKnee() {
    var tried = new ArrayList<Double>();
    var search = new RateSearch(10, 100, 300, FIXED, 0.5, 100_000, 0.1);
    RateSearch.Outcome outcome = search.search(hub(queue(200, 5), tried));
    double knee = knee(200, 5); // ~154/s
    assertThat(tried.subList(0, 5)).containsExactly(10.0, 20.0, 40.0, 80.0, 160.0);
    assertThat(outcome.best()).isNotNull();
    double found = outcome.best().trial().offeredRate();
    assertThat(found).isLessThan(knee).isGreaterThanOrEqualTo(knee * 0.9);
    assertThat(outcome.best().trial().p99Ms()).isLessThan(100);
    // every pass is below every failure: the search never contradicts itself on a monotone hub
    double highestPass = outcome.steps().stream().filter(RateSearch.Step::pass).mapToDouble(s -> s.trial().offeredRate()).max().orElseThrow();
    double lowestFail = outcome.steps().stream().filter(s -> !s.pass()).mapToDouble(s -> s.trial().offeredRate()).min().orElseThrow();
    assertThat(highestPass).isEqualTo(found).isLessThan(lowestFail);
    assertThat(lowestFail - highestPass).isLessThanOrEqualTo(0.1 * highestPass);
  }

  @Test
  void theStepBudgetBoundsTheSearch() {
    var tried = new ArrayList<Double>();
    RateSearch.Outcome outcome = new RateSearch(10, 100, 60, FIXED, 0.5, 100_000, 0.01).search(hub(queue(10_000, 5), tried));
    assertThat(tried).containsExactly(10.0, 20.0, 40.0, 80.0);
    assertThat(outcome.steps()).hasSize(4);
    assertThat(outcome.best().trial().offeredRate()).isEqualTo(80.0); // the best so far, not a guess beyond it
  }

  @Test
  void lowRatesGetLongerTrialsWithinTheBudget() {
    var tried = new ArrayList<Double>();
    DoubleUnaryOperator hundredSamples = rate -> Math.max(15, Math.ceil(100 / rate));
    RateSearch.Outcome outcome = new RateSearch(10, 100, 120, hundredSamples, 0.5, 100_000, 0.1)
        .search(hub(rate -> 500, tried));
    // 10/s: 15 s, 5/s: 20 s, 2.5/s: 40 s — 75 s; 1.3/s would need 77 s more than the 120 s budget
    assertThat(tried).containsExactly(10.0, 5.0, 2.5);
    assertThat(outcome.best()).isNull();
  }

  @Test
  void aSlowHubIsSearchedDownwards() {
    var tried = new ArrayList<Double>();
    RateSearch.Outcome outcome = new RateSearch(10, 100, 150, FIXED, 0.5, 100_000, 0.1).search(hub(queue(4, 5), tried));
    // the knee is ~3.1/s: halve until a pass, then bisect upwards
    assertThat(tried.subList(0, 3)).containsExactly(10.0, 5.0, 2.5);
    assertThat(outcome.best().trial().offeredRate()).isLessThan(knee(4, 5)).isCloseTo(knee(4, 5), within(0.35));
  }

  @Test
  void noPassingRateGivesNoBest() {
    var tried = new ArrayList<Double>();
    RateSearch.Outcome outcome = new RateSearch(10, 100, 150, FIXED, 0.5, 100_000, 0.1).search(hub(rate -> 500, tried));
    assertThat(outcome.best()).isNull();
    assertThat(tried).containsExactly(10.0, 5.0, 2.5, 1.3, 0.7); // halving stops at the minimum rate
  }

  @Test
  void errorsFailATrialWhateverItsLatency() {
    var search = new RateSearch(10, 100, 150, FIXED, 0.5, 100_000, 0.1);
    assertThat(search.passes(new RateSearch.Trial(10, 10, 5, 0))).isTrue();
    assertThat(search.passes(new RateSearch.Trial(10, 10, 5, 1))).isFalse();
    assertThat(search.passes(new RateSearch.Trial(10, 10, 100, 0))).isFalse(); // "under" the limit
    var tried = new ArrayList<Double>();
    RateSearch.Outcome outcome = search.search(rate -> {
      tried.add(rate);
      return new RateSearch.Trial(rate, rate, 1, rate > 50 ? 3 : 0); // fast, but refusing above 50/s
    });
    assertThat(outcome.best().trial().offeredRate()).isLessThanOrEqualTo(50).isGreaterThanOrEqualTo(45);
  }

  @Test
  void theMaximumRateCapsTheDoubling() {
    var tried = new ArrayList<Double>();
    RateSearch.Outcome outcome = new RateSearch(10, 100, 150, FIXED, 0.5, 30, 0.1).search(hub(rate -> 1, tried));
    assertThat(tried).containsExactly(10.0, 20.0, 30.0);
    assertThat(outcome.best().trial().offeredRate()).isEqualTo(30.0);
  }
}
