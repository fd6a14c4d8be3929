package org.schoolsafety.hub.priorities;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The best set of actions within a budget: the 0/1 knapsack solved exactly by dynamic programming
 * over the Pareto frontier of (cost, risk reduction) — only sums of costs that some subset reaches
 * are kept, and only those that no cheaper subset beats, so yuan-sized budgets need no table of
 * a billion cells. Small enough per county (tens of candidates); beyond {@link #MAX_FRONTIER}
 * states it refuses rather than answer approximately.
 */
public final class Knapsack {

  /** States kept at most; a county's candidates stay far below it. */
  public static final int MAX_FRONTIER = 2_000_000;

  private Knapsack() {}

  /** The chosen candidates (in input order), their cost and their risk reduction. */
  public record Selection(List<Candidate> chosen, long costYuan, double riskReduction) {}

  /** A reachable (cost, value) and the candidates that reach it, as a shared list (newest first). */
  private record State(long cost, double value, Chosen chosen) {}

  private record Chosen(int index, Chosen next) {}

  /**
   * The subset of {@code candidates} with the largest total risk reduction whose cost stays within
   * {@code budgetYuan}; of equal reductions the cheapest.
   *
   * @throws IllegalStateException when the frontier would exceed {@link #MAX_FRONTIER}
   */
  public static Selection best(List<Candidate> candidates, long budgetYuan) {
    if (budgetYuan < 0) {
      throw new IllegalArgumentException("the budget is not negative");
    }
    List<State> frontier = List.of(new State(0, 0, null));
    for (int i = 0; i < candidates.size(); i++) {
      Candidate c = candidates.get(i);
      if (c.costYuan() > budgetYuan || c.riskReduction() == 0) {
        continue;
      }
      var extended = new ArrayList<State>(frontier.size());
      for (State s : frontier) {
        if (s.cost() + c.costYuan() <= budgetYuan) {
          extended.add(new State(s.cost() + c.costYuan(), s.value() + c.riskReduction(), new Chosen(i, s.chosen())));
        }
      }
      frontier = merge(frontier, extended);
      if (frontier.size() > MAX_FRONTIER) {
        throw new IllegalStateException("too many candidates to choose from exactly: " + candidates.size());
      }
    }
    State best = frontier.get(frontier.size() - 1); // the frontier's values rise with its costs
    var indexes = new ArrayList<Integer>();
    for (Chosen n = best.chosen(); n != null; n = n.next()) {
      indexes.add(n.index());
    }
    indexes.sort(Comparator.naturalOrder());
    return new Selection(indexes.stream().map(candidates::get).toList(), best.cost(), best.value());
  }

  /** Both lists sorted by cost; the result keeps, by rising cost, only states worth more than every cheaper one. */
  private static List<State> merge(List<State> a, List<State> b) {
    var merged = new ArrayList<State>(a.size() + b.size());
    int i = 0;
    int j = 0;
    double bestValue = -1;
    while (i < a.size() || j < b.size()) {
      State next;
      if (j >= b.size() || (i < a.size() && (a.get(i).cost() < b.get(j).cost()
          || (a.get(i).cost() == b.get(j).cost() && a.get(i).value() >= b.get(j).value())))) {
        next = a.get(i++);
      } else {
        next = b.get(j++);
      }
      if (next.value() > bestValue) {
        merged.add(next);
        bestValue = next.value();
      }
    }
    return merged;
  }
}
