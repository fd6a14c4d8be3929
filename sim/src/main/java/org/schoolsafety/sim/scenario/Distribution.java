package org.schoolsafety.sim.scenario;

import java.time.Duration;
import java.util.Random;

/**
 * A distribution of durations (in drill time). Scenario syntax: {@code "30s"} (fixed),
 * {@code {"fixed":"30s"}}, {@code {"uniform":["10s","2m"]}}, {@code {"exponential":"40s"}} (mean),
 * {@code {"lognormal":{"median":"40s","p95":"3m"}}}.
 */
public sealed interface Distribution {

  Duration sample(Random random);

  /** A readable form for reports, e.g. {@code lognormal(median 40.0s, p95 3m00s)}. */
  String describe();

  record Fixed(Duration value) implements Distribution {
    public Duration sample(Random random) {
      return value;
    }

    public String describe() {
      return Durations.format(value);
    }
  }

  record Uniform(Duration min, Duration max) implements Distribution {
    public Duration sample(Random random) {
      long span = max.toNanos() - min.toNanos();
      return min.plusNanos(span == 0 ? 0 : (long) (random.nextDouble() * span));
    }

    public String describe() {
      return "uniform(" + Durations.format(min) + " .. " + Durations.format(max) + ")";
    }
  }

  record Exponential(Duration mean) implements Distribution {
    public Duration sample(Random random) {
      double u = 1.0 - random.nextDouble(); // (0, 1]
      return Duration.ofNanos((long) (-Math.log(u) * mean.toNanos()));
    }

    public String describe() {
      return "exponential(mean " + Durations.format(mean) + ")";
    }
  }

  /** Log-normal through its median and 95th percentile (p95 > median). */
  record LogNormal(Duration median, Duration p95) implements Distribution {
    private static final double Z95 = 1.6448536269514722;

    public Duration sample(Random random) {
      double mu = Math.log(median.toNanos());
      double sigma = (Math.log(p95.toNanos()) - mu) / Z95;
      return Duration.ofNanos((long) Math.exp(mu + sigma * random.nextGaussian()));
    }

    public String describe() {
      return "lognormal(median " + Durations.format(median) + ", p95 " + Durations.format(p95) + ")";
    }
  }
}
