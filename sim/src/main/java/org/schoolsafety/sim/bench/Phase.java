package org.schoolsafety.sim.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One stretch of load — a warmup, a run at a fixed rate, one trial of the rate search — and what
 * happened in it: latencies from the intended send time, errors by kind, the reports the hub
 * accepted (when each answer came, for the stream delays), the dispatches the agencies saw and
 * acknowledged.
 */
final class Phase {

  /** A report the hub accepted: when its answer came, and its school's region. */
  record Accepted(String incidentId, long answeredNanos, String regionCode) {}

  final String name;
  final double offeredRate;
  final long startNanos;
  final int planned;
  final Latencies reports = new Latencies();
  final Latencies acks = new Latencies();
  /** From a report's intended send time to each of its dispatches reaching its agency's stream. */
  final Latencies dispatched = new Latencies();
  final ErrorKinds errors = new ErrorKinds();
  final Map<String, Accepted> accepted = new ConcurrentHashMap<>();
  final AtomicInteger answered = new AtomicInteger();
  final AtomicLong lastAnswerNanos;
  final AtomicLong dispatches = new AtomicLong();
  final AtomicLong acknowledged = new AtomicLong();
  final AtomicLong firstDispatchNanos = new AtomicLong(Long.MAX_VALUE);
  final AtomicLong lastDispatchNanos = new AtomicLong();
  final AtomicLong lastAckNanos = new AtomicLong();

  Phase(String name, double offeredRate, long startNanos, int planned) {
    this.name = name;
    this.offeredRate = offeredRate;
    this.startNanos = startNanos;
    this.planned = planned;
    this.lastAnswerNanos = new AtomicLong(startNanos);
  }

  /** Accepted reports per second, from the start of the schedule to the last answer. */
  double achievedRate() {
    double seconds = (lastAnswerNanos.get() - startNanos) / 1e9;
    return seconds <= 0 ? 0 : accepted.size() / seconds;
  }

  boolean allAnswered() {
    return answered.get() >= planned;
  }

  static void max(AtomicLong a, long v) {
    a.accumulateAndGet(v, Math::max);
  }

  static void min(AtomicLong a, long v) {
    a.accumulateAndGet(v, Math::min);
  }
}
