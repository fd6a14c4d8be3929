package org.schoolsafety.sim.hub;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What the simulator itself observed, per kind of request: latency from the request's intended
 * (scheduled) time to its final answer — queueing, retries and all, so that a slow hub cannot hide
 * behind a slow client (no coordinated omission) — plus answers by status, retries and failures.
 * These are client-side numbers; the drill's figures come from the hub's records.
 */
public final class ClientStats {

  public static final class Kind {
    final Histogram latencyMicros = new ConcurrentHistogram(3);
    final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
    final LongAdder retries = new LongAdder();
    final Map<String, LongAdder> retryReasons = new ConcurrentHashMap<>();
    final LongAdder failures = new LongAdder();

    public Histogram latencyMicros() {
      return latencyMicros;
    }

    public Map<Integer, Long> statuses() {
      var copy = new TreeMap<Integer, Long>();
      statuses.forEach((status, n) -> copy.put(status, n.sum()));
      return copy;
    }

    public long retries() {
      return retries.sum();
    }

    /** Retries by what caused them: {@code http-429}, {@code http-503}, or the failure's class name. */
    public Map<String, Long> retryReasons() {
      var copy = new TreeMap<String, Long>();
      retryReasons.forEach((reason, n) -> copy.put(reason, n.sum()));
      return copy;
    }

    public long failures() {
      return failures.sum();
    }
  }

  private final Map<String, Kind> kinds = new ConcurrentHashMap<>();

  Kind kind(String label) {
    return kinds.computeIfAbsent(label, l -> new Kind());
  }

  void answered(String label, int status, long latencyNanos) {
    Kind k = kind(label);
    k.latencyMicros.recordValue(Math.max(1, latencyNanos / 1_000));
    k.statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
  }

  void retried(String label, String reason) {
    Kind k = kind(label);
    k.retries.increment();
    k.retryReasons.computeIfAbsent(reason, r -> new LongAdder()).increment();
  }

  void failed(String label) {
    kind(label).failures.increment();
  }

  public Map<String, Kind> byKind() {
    return new TreeMap<>(kinds);
  }

  public long totalFailures() {
    return kinds.values().stream().mapToLong(Kind::failures).sum();
  }

  /** Answers that were errors (4xx/5xx) or no answer at all. */
  public long totalErrors() {
    long errors = 0;
    for (Kind k : kinds.values()) {
      errors += k.failures();
      for (var e : k.statuses().entrySet()) {
        if (e.getKey() >= 400) {
          errors += e.getValue();
        }
      }
    }
    return errors;
  }
}
