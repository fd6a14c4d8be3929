package org.schoolsafety.sim.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.schoolsafety.sim.hub.HubHttp;

/**
 * One run's figures: the JSON written with {@code --out} (the fields every workload has first:
 * workload, offeredRate, achievedRate, p50Ms, p95Ms, p99Ms, maxMs, errors by kind; then the
 * workload's own) and the table printed for people.
 */
public final class BenchResult {

  private final Map<String, Object> json = new LinkedHashMap<>();
  private final List<String[]> rows = new ArrayList<>();
  private final List<String> blocks = new ArrayList<>();
  private final String title;

  private BenchResult(String title) {
    this.title = title;
  }

  /** {@code offeredRate} null: no rate was offered (a closed loop). */
  public static BenchResult of(Workload workload, String title, Double offeredRate, double achievedRate,
      Latencies.Summary latency, Map<String, Long> errors) {
    var r = new BenchResult(title);
    r.json.put("workload", workload.label());
    r.json.put("offeredRate", offeredRate == null ? null : round(offeredRate));
    r.json.put("achievedRate", round(achievedRate));
    r.json.put("p50Ms", latency.p50Ms());
    r.json.put("p95Ms", latency.p95Ms());
    r.json.put("p99Ms", latency.p99Ms());
    r.json.put("maxMs", latency.maxMs());
    r.json.put("errors", new java.util.TreeMap<>(errors));
    r.row("offered rate", offeredRate == null ? "- (closed loop)" : fmt(offeredRate) + " /s");
    r.row("achieved rate", fmt(achievedRate) + " /s");
    r.row("latency p50 / p95 / p99 / max", String.format(Locale.ROOT, "%s / %s / %s / %s ms", fmt(latency.p50Ms()),
        fmt(latency.p95Ms()), fmt(latency.p99Ms()), fmt(latency.maxMs())));
    r.row("errors", errors.isEmpty() ? "none" : errors.toString());
    return r;
  }

  /**
   * The reports workload's storage figures: the baseline measured in the same run against the same
   * node, the ratio of the hub's accepted reports to it, and the writes per report by table.
   */
  public BenchResult storage(double baselineRate, WritesPerReport writes) {
    double achieved = ((Number) json.get("achievedRate")).doubleValue();
    json.put("baselineRate", round(baselineRate));
    json.put("ratioToBaseline", baselineRate > 0 ? Math.round(achieved / baselineRate * 10_000) / 10_000.0 : null);
    perTable("writes", writes);
    json.put("writesMeasuredOver", Map.of("reports", writes.reports(), "writes", writes.writes()));
    row("storage baseline (same node, same run)", fmt(baselineRate) + " rows/s");
    row("ratio to baseline", baselineRate > 0 ? String.format(Locale.ROOT, "%.4f", achieved / baselineRate) : "-");
    row("Cassandra writes per report", writes.perReport() == null ? "- " + writes.problems() : fmt(writes.perReport())
        + " (" + writes.writes() + " writes for " + writes.reports() + " reports, acknowledgements included)");
    tableBlock("writes", "system_views.local_write_latency", writes);
    return this;
  }

  /**
   * The reads Cassandra served per report over the same run (single-partition reads and range
   * scans of the hub's tables, from the node's own counters): what its CPU does besides writing.
   */
  public BenchResult reads(WritesPerReport reads) {
    perTable("reads", reads);
    row("Cassandra reads per report", reads.perReport() == null ? "- " + reads.problems() : fmt(reads.perReport())
        + " (" + reads.writes() + " reads and range scans for " + reads.reports() + " reports)");
    tableBlock("reads", "system_views.local_read_latency + local_scan_latency", reads);
    return this;
  }

  /** {@code <what>PerReport}, {@code <what>PerTable} and, if any, {@code <what>Problems}. */
  private void perTable(String what, WritesPerReport counts) {
    json.put(what + "PerReport", counts.perReport());
    var tables = new LinkedHashMap<String, Object>();
    counts.byTable().forEach((table, t) -> {
      var m = new LinkedHashMap<String, Object>();
      m.put(what, t.writes());
      m.put("perReport", t.perReport());
      tables.put(table, m);
    });
    json.put(what + "PerTable", tables);
    if (!counts.problems().isEmpty()) {
      json.put(what + "Problems", counts.problems());
    }
  }

  private void tableBlock(String what, String source, WritesPerReport counts) {
    var b = new StringBuilder("  " + what + " per table (" + source + ", delta over the measured run)\n");
    b.append(String.format(Locale.ROOT, "    %-52s %10s %10s%n", "keyspace.table", what, "per report"));
    counts.byTable().forEach((table, t) -> b.append(String.format(Locale.ROOT, "    %-52s %10d %10s%n", table, t.writes(),
        t.perReport() == null ? "-" : fmt(t.perReport()))));
    blocks.add(b.toString().stripTrailing());
  }

  /**
   * CPU per unit of work over the measured run and its tail of work (the same window as the
   * writes), the same above what the hub and its storage burn idle, and that idle burn per
   * second: {@code cpuMsPerReport}, {@code cpuMsPerReportAboveIdle}, {@code idleCpuMsPerSecond}.
   */
  public BenchResult cpu(CpuUse.PerUnit used, String unit, CpuUse.PerUnit idlePerSecond) {
    String key = "cpuMsPer" + Character.toUpperCase(unit.charAt(0)) + unit.substring(1);
    CpuUse.PerUnit marginal = used.aboveIdle(idlePerSecond);
    json.put(key, used.json());
    json.put(key + "AboveIdle", marginal.json());
    json.put("idleCpuMsPerSecond", idlePerSecond.json());
    row("CPU per " + unit, used.describe(unit));
    row("CPU per " + unit + ", above idle", marginal.describe(unit));
    row("CPU idle, per second", idlePerSecond.describe("second"));
    return this;
  }

  /** A JSON field only. */
  public BenchResult put(String key, Object value) {
    json.put(key, value);
    return this;
  }

  /** A table row only. */
  public BenchResult row(String figure, String value) {
    rows.add(new String[] {figure, value});
    return this;
  }

  /** Preformatted lines after the table. */
  public BenchResult block(String text) {
    blocks.add(text);
    return this;
  }

  public Map<String, Object> json() {
    return json;
  }

  public String jsonText() {
    try {
      return HubHttp.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public String table() {
    int width = rows.stream().mapToInt(r -> r[0].length()).max().orElse(10);
    var b = new StringBuilder(title).append('\n');
    b.append(String.format(Locale.ROOT, "  %-" + width + "s  %s%n", "figure", "value"));
    b.append("  ").append("-".repeat(width)).append("  ").append("-".repeat(40)).append('\n');
    for (String[] r : rows) {
      b.append(String.format(Locale.ROOT, "  %-" + width + "s  %s%n", r[0], r[1]));
    }
    blocks.forEach(block -> b.append(block).append('\n'));
    return b.toString();
  }

  static double round(double rate) {
    return Math.round(rate * 100) / 100.0;
  }

  static String fmt(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.valueOf((long) v);
    }
    return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.1f" : "%.2f", v);
  }
}
