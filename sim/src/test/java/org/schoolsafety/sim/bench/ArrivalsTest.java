package org.schoolsafety.sim.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ArrivalsTest {

  @Test
  void poissonArrivalsAreSortedWithinTheWindowAndSeeded() {
    long[] a = Arrivals.poisson(50, Duration.ofSeconds(60), 42);
    assertThat(a).isSorted();
    assertThat(a[0]).isGreaterThanOrEqualTo(0);
    assertThat(a[a.length - 1]).isLessThan(Duration.ofSeconds(60).toNanos());
    // 3000 expected; a Poisson count's standard deviation is ~55
    assertThat(a.length).isBetween(2700, 3300);
    assertThat(Arrivals.poisson(50, Duration.ofSeconds(60), 42)).isEqualTo(a);
    assertThat(Arrivals.poisson(50, Duration.ofSeconds(60), 43)).isNotEqualTo(a);
  }

  @Test
  void aSurgeHasExactlyItsReportsFrontLoadedAndBursty() {
    Duration window = Duration.ofMinutes(5);
    long[] a = Arrivals.surge(5000, window, 7);
    assertThat(a).hasSize(5000).isSorted();
    assertThat(a[a.length - 1]).isLessThan(window.toNanos());
    long firstMinute = java.util.Arrays.stream(a).filter(t -> t < Duration.ofMinutes(1).toNanos()).count();
    long lastMinute = java.util.Arrays.stream(a).filter(t -> t >= Duration.ofMinutes(4).toNanos()).count();
    assertThat(firstMinute).isGreaterThan(5 * lastMinute); // most right after the shock
    // bursts: many reports come within 100 ms of the one before
    long close = 0;
    for (int i = 1; i < a.length; i++) {
      close += a[i] - a[i - 1] < Duration.ofMillis(100).toNanos() ? 1 : 0;
    }
    assertThat(close).isGreaterThan(a.length / 2);
    assertThat(Arrivals.surge(5000, window, 7)).isEqualTo(a);
  }
}
