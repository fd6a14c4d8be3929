package org.schoolsafety.sim.bench;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Latencies in microseconds (HdrHistogram, 3 significant digits). Open-loop callers record from
 * the request's intended send time, so that queueing behind a slow answer is counted instead of
 * omitted; closed-loop callers give the interval they expected between requests, and HdrHistogram
 * fills in the requests a stall kept from being sent (coordinated-omission correction).
 */
public final class Latencies {

  /** The figures of a histogram, in milliseconds. */
  public record Summary(long count, double p50Ms, double p95Ms, double p99Ms, double maxMs) {
    static final Summary EMPTY = new Summary(0, 0, 0, 0, 0);
  }

  private final Histogram micros = new ConcurrentHistogram(3);

  /** Open loop: from the intended send time to the answer. */
  public void recordFrom(long intendedNanos, long answeredNanos) {
    micros.recordValue(Math.max(1, (answeredNanos - intendedNanos) / 1_000));
  }

  /** A latency as it was, for a closed loop that measures service time rather than a rate. */
  public void record(long latencyNanos) {
    micros.recordValue(Math.max(1, latencyNanos / 1_000));
  }

  /** Closed loop: a latency, and the interval at which requests were expected to go out. */
  public void recordExpecting(long latencyNanos, long expectedIntervalNanos) {
    micros.recordValueWithExpectedInterval(Math.max(1, latencyNanos / 1_000), Math.max(1, expectedIntervalNanos / 1_000));
  }

  public long count() {
    return micros.getTotalCount();
  }

  public Summary summary() {
    if (micros.getTotalCount() == 0) {
      return Summary.EMPTY;
    }
    return new Summary(micros.getTotalCount(), ms(micros.getValueAtPercentile(50)), ms(micros.getValueAtPercentile(95)),
        ms(micros.getValueAtPercentile(99)), ms(micros.getMaxValue()));
  }

  private static double ms(long micros) {
    return Math.round(micros / 10.0) / 100.0; // two decimals
  }
}
