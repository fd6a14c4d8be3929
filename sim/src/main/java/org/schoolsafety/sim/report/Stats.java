package org.schoolsafety.sim.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Exact order statistics of a sample (nearest rank); values in drill seconds. */
final class Stats {

  private final double[] sorted;

  Stats(List<Double> values) {
    sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
  }

  int count() {
    return sorted.length;
  }

  double[] values() {
    return sorted.clone();
  }

  /** Nearest-rank percentile, {@code p} in (0, 100]; NaN without samples. */
  double percentile(double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  double max() {
    return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
  }

  double min() {
    return sorted.length == 0 ? Double.NaN : sorted[0];
  }

  /** {@code {"count","p50","p95","max"}} in seconds (3 decimals), nulls without samples. */
  Map<String, Object> summary() {
    var m = new LinkedHashMap<String, Object>();
    m.put("count", count());
    m.put("p50", round(percentile(50)));
    m.put("p95", round(percentile(95)));
    m.put("max", round(max()));
    return m;
  }

  static Double round(double seconds) {
    return Double.isNaN(seconds) ? null : Math.round(seconds * 1000) / 1000.0;
  }

  static Stats of(List<Double> values) {
    return new Stats(values == null ? new ArrayList<>() : values);
  }
}
