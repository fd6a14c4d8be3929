package org.schoolsafety.sim.bench;

import java.time.Instant;
import java.util.Locale;
import org.schoolsafety.sim.bench.storage.CassandraNode;
import org.schoolsafety.sim.bench.storage.StorageBaseline;

/** {@code bench baseline}: the storage limit alone ({@link StorageBaseline}), no hub involved. */
final class BaselineBench {

  private BaselineBench() {}

  static BenchResult run(BenchOptions o, java.io.PrintStream err) {
    var machine = Machine.describe();
    Instant started = Instant.now();
    try (CassandraNode node = CassandraNode.connect(o.cassandraPort())) {
      Payload p = Payload.choose(o.payloadBytes(), node.reportEventBytes(50), ReportBody.bytes("bench-reports-20261130T000000-0000"));
      int payload = p.bytes();
      err.println(String.format(Locale.ROOT, "storage baseline: single-row inserts of %d bytes (%s) at %s, concurrency %d, %s%s ...",
          payload, p.source(), CassandraNode.JOURNAL_CONSISTENCY, o.concurrency(),
          o.rate() == null ? "closed loop" : "open loop at " + BenchResult.fmt(o.rate()) + "/s",
          ", warmup " + ReportsBench.fmt(o.warmup()) + ", " + ReportsBench.fmt(o.duration())));
      StorageBaseline.Result b = StorageBaseline.run(node, payload, o.concurrency(), o.warmup(), o.duration(), o.rate(),
          o.seed());
      String title = String.format(Locale.ROOT, "bench baseline — %s into 127.0.0.1:%d, %d-byte rows at %s, concurrency %d",
          b.offeredRate() == null ? "closed loop" : "open loop at " + BenchResult.fmt(b.offeredRate()) + "/s",
          node.port(), payload, b.consistency(), o.concurrency());
      return BenchResult.of(Workload.BASELINE, title, b.offeredRate(), b.achievedRate(), b.latency(), b.errors())
          .row("payload", payload + " bytes per row (" + p.source() + ")")
          .row("rows written (measured)", b.rows() + " in " + BenchResult.fmt(BenchResult.round(b.seconds())) + " s")
          .row("latency", b.offeredRate() == null
              ? "per insert, corrected for coordinated omission with the warmup's interval per worker"
              : "from the intended send time")
          .put("startedAt", started.toString())
          .put("cassandraPort", node.port())
          .put("concurrency", o.concurrency())
          .put("durationSeconds", o.duration().toNanos() / 1e9)
          .put("warmupSeconds", o.warmup().toNanos() / 1e9)
          .put("baseline", ReportsBench.baselineJson(b))
          .put("payloadBytes", payload)
          .put("payloadSource", p.source())
          .put("consistency", b.consistency())
          .put("machine", machine);
    }
  }
}
