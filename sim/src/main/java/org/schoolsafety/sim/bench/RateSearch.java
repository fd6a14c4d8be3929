package org.schoolsafety.sim.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the highest open-loop rate whose p99 latency stays under a limit without errors: double
 * the rate from {@code startRate} while trials pass (halve it while they fail, if even the first
 * one failed), then bisect between the highest pass and the lowest failure until they are within
 * {@code precision} of each other or the next trial would overrun the time budget. Each trial is
 * one measured run at a fixed rate, as long as {@code trialSeconds} says for that rate (long enough
 * at low rates for the p99 to rest on enough samples). The search itself knows nothing of HTTP,
 * so it is tested on synthetic hubs.
 */
public final class RateSearch {

  /** One trial's outcome. */
  public record Trial(double offeredRate, double achievedRate, double p99Ms, long errors) {}

  /** A trial and its verdict. */
  public record Step(Trial trial, boolean pass) {}

  /** {@code best}: the highest passing step, null when none passed. */
  public record Outcome(Step best, List<Step> steps) {}

  /** Runs one trial at a rate. */
  public interface Runner {
    Trial run(double rate);
  }

  private final double startRate;
  private final double p99LimitMs;
  private final double budgetSeconds;
  private final java.util.function.DoubleUnaryOperator trialSeconds;
  private final double minRate;
  private final double maxRate;
  private final double precision;

  /**
   * @param budgetSeconds the trials' load time together; the first trial runs whatever its length
   * @param trialSeconds how long a trial at a rate lasts
   * @param precision stop bisecting once (lowest failure − highest pass) ≤ precision × highest pass
   */
  public RateSearch(double startRate, double p99LimitMs, double budgetSeconds,
      java.util.function.DoubleUnaryOperator trialSeconds, double minRate, double maxRate, double precision) {
    if (!(startRate >= minRate && startRate <= maxRate) || budgetSeconds <= 0 || precision <= 0) {
      throw new IllegalArgumentException("bad search: start " + startRate + " in [" + minRate + ", " + maxRate + "], "
          + budgetSeconds + " s, precision " + precision);
    }
    this.startRate = startRate;
    this.p99LimitMs = p99LimitMs;
    this.budgetSeconds = budgetSeconds;
    this.trialSeconds = trialSeconds;
    this.minRate = minRate;
    this.maxRate = maxRate;
    this.precision = precision;
  }

  public boolean passes(Trial t) {
    return t.errors() == 0 && t.p99Ms() < p99LimitMs;
  }

  public Outcome search(Runner runner) {
    var steps = new ArrayList<Step>();
    Step good = null;
    Step bad = null;
    double rate = startRate;
    double spent = 0;
    while (true) {
      if (!steps.isEmpty()) {
        Double next = next(good, bad);
        if (next == null || spent + trialSeconds.applyAsDouble(next) > budgetSeconds + 1e-9) {
          break;
        }
        rate = next;
      }
      spent += trialSeconds.applyAsDouble(rate);
      Trial trial = runner.run(rate);
      Step step = new Step(trial, passes(trial));
      steps.add(step);
      if (step.pass()) {
        good = good == null || rate > good.trial().offeredRate() ? step : good;
      } else {
        bad = bad == null || rate < bad.trial().offeredRate() ? step : bad;
      }
    }
    return new Outcome(good, List.copyOf(steps));
  }

  /** The next rate to try, or null when the answer is as close as it gets. */
  private Double next(Step good, Step bad) {
    if (good == null) {
      double lower = round(bad.trial().offeredRate() / 2);
      return lower < minRate || lower >= bad.trial().offeredRate() ? null : lower;
    }
    double high = good.trial().offeredRate();
    if (bad == null) {
      return high >= maxRate ? null : Math.min(maxRate, round(high * 2));
    }
    double low = bad.trial().offeredRate();
    if (low - high <= precision * high) {
      return null;
    }
    double mid = round((high + low) / 2);
    return mid <= high || mid >= low ? null : mid;
  }

  /** Whole requests per second from 10/s on, tenths below: finer steps would be noise. */
  static double round(double rate) {
    return rate >= 10 ? Math.round(rate) : Math.round(rate * 10) / 10.0;
  }
}
