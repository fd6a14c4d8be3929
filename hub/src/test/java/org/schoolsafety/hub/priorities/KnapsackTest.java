package org.schoolsafety.hub.priorities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** The exact solver against a brute-force search over every subset of small random instances. */
class KnapsackTest {

  @Provide
  Arbitrary<List<Candidate>> candidates() {
    Arbitrary<Candidate> one = Combinators.combine(
        Arbitraries.longs().between(0, 5_000),
        Arbitraries.doubles().between(0, 30).ofScale(2))
        .as((cost, reduction) -> new Candidate("c", cost, reduction));
    return one.list().ofMinSize(0).ofMaxSize(12).map(list -> {
      var named = new ArrayList<Candidate>();
      for (int i = 0; i < list.size(); i++) {
        named.add(new Candidate("c" + i, list.get(i).costYuan(), list.get(i).riskReduction()));
      }
      return named;
    });
  }

  @Property(tries = 500)
  void matchesTheBestSubset(@ForAll("candidates") List<Candidate> candidates,
      @ForAll @LongRange(min = 0, max = 20_000) long budget) {
    var selection = Knapsack.best(candidates, budget);
    double best = 0;
    for (int mask = 0; mask < 1 << candidates.size(); mask++) {
      long cost = 0;
      double value = 0;
      for (int i = 0; i < candidates.size(); i++) {
        if ((mask & 1 << i) != 0) {
          cost += candidates.get(i).costYuan();
          value += candidates.get(i).riskReduction();
        }
      }
      if (cost <= budget) {
        best = Math.max(best, value);
      }
    }
    assertThat(selection.riskReduction()).isCloseTo(best, within(1e-9));
    assertThat(selection.costYuan()).isLessThanOrEqualTo(budget);
    assertThat(selection.chosen().stream().mapToLong(Candidate::costYuan).sum()).isEqualTo(selection.costYuan());
    assertThat(selection.chosen().stream().mapToDouble(Candidate::riskReduction).sum())
        .isCloseTo(selection.riskReduction(), within(1e-9));
    assertThat(selection.chosen()).doesNotHaveDuplicates();
  }

  @Test
  void takesTheBetterPairOverTheGreedyChoice() {
    // Greedy by reduction per yuan takes A (2.0/yuan) and then cannot afford B or C.
    var a = new Candidate("A", 60, 120);
    var b = new Candidate("B", 50, 90);
    var c = new Candidate("C", 50, 90);
    var selection = Knapsack.best(List.of(a, b, c), 100);
    assertThat(selection.chosen()).containsExactly(b, c);
    assertThat(selection.riskReduction()).isEqualTo(180);
    assertThat(Knapsack.best(List.of(a, b, c), 0).chosen()).isEmpty();
  }

  @Test
  void ofEqualReductionsTheCheaperSetWins() {
    var selection = Knapsack.best(List.of(new Candidate("dear", 900, 10), new Candidate("cheap", 100, 10)), 1000);
    assertThat(selection.chosen()).extracting(Candidate::id).containsExactly("dear", "cheap");
    var one = Knapsack.best(List.of(new Candidate("dear", 900, 10), new Candidate("cheap", 100, 10)), 950);
    assertThat(one.chosen()).extracting(Candidate::id).containsExactly("cheap");
  }
}
