package org.schoolsafety.sim.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes Cassandra made per accepted report, from two snapshots of the node's own per-table write
 * counters ({@code system_views.local_write_latency}, key {@code keyspace.table}): the delta of
 * every table of the hub's keyspaces divided by the reports accepted in between. Cassandra's own
 * keyspaces ({@code system*}) and the baseline's ({@code bench}) are left out. A counter that went
 * down (the node restarted in between) makes the figure meaningless, and says so. The reads per
 * report are counted the same way, from the read counters ({@link #between} takes any per-table counter).
 */
public record WritesPerReport(long reports, long writes, Double perReport, Map<String, Table> byTable, List<String> problems) {

  /** One table's writes and their share per report. */
  public record Table(long writes, Double perReport) {}

  public static WritesPerReport between(Map<String, Long> before, Map<String, Long> after, long reports) {
    var deltas = new ArrayList<Map.Entry<String, Long>>();
    var problems = new ArrayList<String>();
    long total = 0;
    for (var e : after.entrySet()) {
      String table = e.getKey();
      if (!counts(table)) {
        continue;
      }
      long delta = e.getValue() - before.getOrDefault(table, 0L);
      if (delta < 0) {
        problems.add(table + ": counter went down from " + before.get(table) + " to " + e.getValue()
            + " (did the Cassandra node restart?)");
      } else if (delta > 0) {
        deltas.add(Map.entry(table, delta));
        total += delta;
      }
    }
    deltas.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
    var byTable = new LinkedHashMap<String, Table>();
    for (var d : deltas) {
      byTable.put(d.getKey(), new Table(d.getValue(), per(d.getValue(), reports)));
    }
    return new WritesPerReport(reports, total, problems.isEmpty() ? per(total, reports) : null, byTable, List.copyOf(problems));
  }

  /** The hub's tables: not Cassandra's own keyspaces, not the baseline's. */
  static boolean counts(String table) {
    String keyspace = table.substring(0, Math.max(0, table.indexOf('.')));
    return !keyspace.startsWith("system") && !keyspace.equals(BASELINE_KEYSPACE) && !keyspace.isEmpty();
  }

  /** Where the baseline writes; kept out of the hub's figures. */
  public static final String BASELINE_KEYSPACE = "bench";

  private static Double per(long writes, long reports) {
    return reports == 0 ? null : Math.round(writes * 100.0 / reports) / 100.0;
  }
}
