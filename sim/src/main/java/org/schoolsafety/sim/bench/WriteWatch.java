package org.schoolsafety.sim.bench;

import java.time.Duration;
import java.util.Map;
import org.schoolsafety.sim.bench.storage.CassandraNode;

/**
 * Watches the hub's Cassandra node's per-table write counters: snapshots for the writes per
 * report, the node's background write rate when idle, and the wait after a run until the hub has
 * finished the work the run caused (projections lag the journal by a couple of seconds on purpose).
 */
final class WriteWatch {

  private final CassandraNode node;
  private double idlePerSecond;

  WriteWatch(CassandraNode node) {
    this.node = node;
  }

  Map<String, Long> snapshot() {
    return node.writeCounts();
  }

  /** The node's per-table read counters (reads and range scans), for the reads per report. */
  Map<String, Long> readSnapshot() {
    return node.readCounts();
  }

  /** Writes per second to the hub's tables while nothing is sent (heartbeats, offsets and the like). */
  double measureIdle(Duration over) {
    long before = hubTotal(snapshot());
    BenchHub.pause(over);
    idlePerSecond = (hubTotal(snapshot()) - before) / (over.toNanos() / 1e9);
    return idlePerSecond;
  }

  /** Until a second passes with no more writes than idle (at most {@code limit}); false if it never did. */
  boolean awaitQuiet(Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    long last = hubTotal(snapshot());
    double allowed = Math.max(2, idlePerSecond * 1.5);
    while (System.nanoTime() < deadline) {
      BenchHub.pause(Duration.ofSeconds(1));
      long now = hubTotal(snapshot());
      if (now - last <= allowed) {
        return true;
      }
      last = now;
    }
    return false;
  }

  static long hubTotal(Map<String, Long> counts) {
    return counts.entrySet().stream().filter(e -> WritesPerReport.counts(e.getKey())).mapToLong(Map.Entry::getValue).sum();
  }
}
