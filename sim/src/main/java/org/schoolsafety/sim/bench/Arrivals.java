package org.schoolsafety.sim.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

/**
 * Open-loop schedules: when each request is meant to go out, as nanosecond offsets from the
 * start, sorted, fixed before the first request is sent. Seeded, so a run can be repeated.
 */
public final class Arrivals {

  private Arrivals() {}

  /** Poisson arrivals at {@code rate} per second within {@code duration} (exponential gaps). */
  public static long[] poisson(double rate, Duration duration, long seed) {
    Random random = new Random(seed);
    long end = duration.toNanos();
    double meanGapNanos = 1e9 / rate;
    var offsets = new long[(int) Math.min(Integer.MAX_VALUE - 8, Math.ceil(rate * duration.toNanos() / 1e9 * 1.5) + 16)];
    int n = 0;
    double t = -Math.log(1 - random.nextDouble()) * meanGapNanos;
    while (t < end) {
      if (n == offsets.length) {
        offsets = Arrays.copyOf(offsets, offsets.length * 2);
      }
      offsets[n++] = (long) t;
      t += -Math.log(1 - random.nextDouble()) * meanGapNanos;
    }
    return Arrays.copyOf(offsets, n);
  }

  /**
   * An earthquake morning: {@code count} reports within {@code window}. Most come right after the
   * shock and fewer later (cluster starts drawn from an exponentially decaying intensity with a
   * time constant of a quarter of the window, cut off at its end), and they come in bursts — a
   * county's schools hear the same alarm, so 1 to 20 of them report within half a second.
   */
  public static long[] surge(int count, Duration window, long seed) {
    Random random = new Random(seed);
    double w = window.toNanos();
    double tau = w / 4;
    double mass = 1 - Math.exp(-w / tau);
    long burstSpread = Math.min(Duration.ofMillis(500).toNanos(), window.toNanos() / 10);
    var offsets = new long[count];
    int n = 0;
    while (n < count) {
      long start = (long) (-tau * Math.log(1 - random.nextDouble() * mass));
      int size = Math.min(count - n, 1 + random.nextInt(20));
      for (int k = 0; k < size; k++) {
        long t = start + (long) (random.nextDouble() * burstSpread);
        offsets[n++] = Math.min(t, window.toNanos() - 1);
      }
    }
    Arrays.sort(offsets);
    return offsets;
  }
}
