package org.schoolsafety.sim.bench;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/**
 * {@code bench streams}: command-center consoles on the live incident streams (by default 200,
 * spread over the provinces, cities and counties of the benchmark's schools — so each report is
 * watched by the subscribers of its county, city and province) while reports flow at a fixed rate
 * and agencies acknowledge. The headline latency is the delay from a report's 201 to its event at
 * each subscriber; the reports' own latency is shown beside it.
 */
final class StreamsBench {

  static final double DEFAULT_RATE = 10;

  private StreamsBench() {}

  static BenchResult run(BenchOptions o, java.io.PrintStream err) {
    double rate = o.rate() != null ? o.rate() : DEFAULT_RATE;
    try (Session s = new Session(o, err)) {
      List<BenchHub.School> schools = s.setUp(ReportsBench.PROVINCES, o.schools(), false);
      var regions = new TreeSet<String>();
      schools.forEach(school -> {
        regions.add(school.regionCode().substring(0, 2));
        regions.add(school.regionCode().substring(0, 4));
        regions.add(school.regionCode());
      });
      try (var centers = new CommandCenters(s.http, s.tokens, s.runId, err)) {
        s.say("opening " + o.subscribers() + " command-center streams over " + regions.size() + " regions " + regions + " ...");
        centers.open(o.subscribers(), List.copyOf(regions));
        var random = new Random(o.seed());
        if (!o.warmup().isZero()) {
          s.say("warmup: " + ReportsBench.fmt(o.warmup()) + " at " + BenchResult.fmt(rate) + "/s (not counted) ...");
          s.reporter.play("warmup", rate, Arrivals.poisson(rate, o.warmup(), random.nextLong()),
              i -> schools.get(random.nextInt(schools.size())), i -> ReportsBench.KIND, a -> centers.accepted(a, false));
          s.desks.settle(Duration.ofSeconds(30));
        }
        s.say("measuring " + ReportsBench.fmt(o.duration()) + " at " + BenchResult.fmt(rate) + "/s ...");
        Map<String, Long> ackRetries = Reporter.retries(s.http, "ack");
        Phase p = s.reporter.play("streams", rate, Arrivals.poisson(rate, o.duration(), random.nextLong()),
            i -> schools.get(random.nextInt(schools.size())), i -> ReportsBench.KIND, a -> centers.accepted(a, true));
        s.desks.settle(Duration.ofSeconds(60));
        centers.awaitDeliveries(Duration.ofSeconds(30));
        Reporter.countRetries(s.http, "ack", ackRetries, p.errors);
        long expected = centers.expected();
        long received = centers.received();
        p.errors.add("stream:lost-event", expected - received);

        Latencies.Summary reports = p.reports.summary();
        String title = String.format(Locale.ROOT, "bench streams — %d command-center streams, reports open loop at %s/s for %s,"
                + " against %s, concurrency %d, %s", centers.size(), BenchResult.fmt(rate), ReportsBench.fmt(o.duration()),
            o.hub(), o.concurrency(), s.runId);
        return BenchResult.of(Workload.STREAMS, title, rate, p.achievedRate(), centers.delays.summary(), p.errors.byKind())
            .row("latency measured", "from a report's 201 to its 'reported' event at each subscriber of its region")
            .row("events delivered / expected", received + " / " + expected + " (" + centers.beforeAnswer.get()
                + " arrived before the 201 itself, counted as 0 ms)")
            .row("stream reconnects", String.valueOf(centers.reconnects.get()))
            .row("reports accepted / sent", p.accepted.size() + " / " + p.planned)
            .row("report latency p50 / p95 / p99 / max", reports.p50Ms() + " / " + reports.p95Ms() + " / " + reports.p99Ms()
                + " / " + reports.maxMs() + " ms")
            .row("dispatches acknowledged / seen", p.acknowledged.get() + " / " + p.dispatches.get())
            .put("runId", s.runId)
            .put("startedAt", s.startedAt.toString())
            .put("hub", o.hub().toString())
            .put("concurrency", o.concurrency())
            .put("durationSeconds", o.duration().toNanos() / 1e9)
            .put("subscribers", centers.size())
            .put("regions", List.copyOf(regions))
            .put("latencyMeasures", "201 of the report -> its event at each subscriber")
            .put("eventsExpected", expected)
            .put("eventsDelivered", received)
            .put("eventsBeforeAnswer", centers.beforeAnswer.get())
            .put("streamReconnects", centers.reconnects.get())
            .put("accepted", p.accepted.size())
            .put("sent", p.planned)
            .put("reports", Map.of("p50Ms", reports.p50Ms(), "p95Ms", reports.p95Ms(), "p99Ms", reports.p99Ms(),
                "maxMs", reports.maxMs()))
            .put("machine", s.machine);
      }
    }
  }
}
