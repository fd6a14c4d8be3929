package org.schoolsafety.sim.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;
import org.schoolsafety.sim.bench.storage.CassandraNode;
import org.schoolsafety.sim.bench.storage.StorageBaseline;

/**
 * {@code bench reports}: incident reports from many schools (FIRE, level III — the response plan
 * dispatches fire, health and education — as exercises), Poisson arrivals at a fixed rate, each
 * dispatch acknowledged by its agency as soon as it arrives. Without a rate, the highest rate whose
 * p99 stays under {@code --p99-limit} with no error is searched for ({@link RateSearch}).
 *
 * <p>In the same run and against the same Cassandra node: after the warmup (whose reports show how
 * many bytes the hub journals per report) the storage baseline, so that the hub's rate can be put
 * beside what the node takes for bare single-row inserts of that size; then the hub's measured
 * load, with the node's per-table write counters read before and after every measured run, once
 * the hub has finished the run's work, for the writes per accepted report.
 */
final class ReportsBench {

  static final Reporter.Kind KIND = new Reporter.Kind("FIRE", "III");
  static final List<String> PROVINCES = List.of("11", "65");
  /** Where the rate search starts; a dev node takes this without trouble. */
  static final double SEARCH_START_RATE = 10;
  /** Reports a search step sends at least (on average): see {@link #stepSeconds}. */
  static final int MIN_SAMPLES = 100;
  /** The embedded baseline's calibration warmup (its closed loop's expected interval comes from it). */
  static final Duration BASELINE_WARMUP = Duration.ofSeconds(3);
  /** How long the idle CPU is measured for. */
  static final Duration IDLE_CPU_WINDOW = Duration.ofSeconds(5);

  /** A measured run at one rate and the writes it caused. */
  record Trial(Phase phase, WritesPerReport writes, WritesPerReport reads, CpuUse.PerUnit cpu, Map<String, Long> errors, boolean settled) {
    RateSearch.Trial figures() {
      return new RateSearch.Trial(phase.offeredRate, phase.achievedRate(), phase.reports.summary().p99Ms(),
          errors.values().stream().mapToLong(Long::longValue).sum());
    }
  }

  private final BenchOptions o;
  private final Session s;
  private final WriteWatch watch;
  private final CpuUse cpu;
  private final Random random;
  private List<BenchHub.School> schools;

  private ReportsBench(BenchOptions o, Session s, WriteWatch watch) {
    this.o = o;
    this.s = s;
    this.watch = watch;
    var ports = new LinkedHashMap<String, Integer>();
    ports.put("hubNode", o.hubPort());
    ports.put("cassandra", o.cassandraPort());
    this.cpu = CpuUse.listeningOn(ports);
    this.random = new Random(o.seed());
  }

  static BenchResult run(BenchOptions o, java.io.PrintStream err) {
    try (CassandraNode node = CassandraNode.connect(o.cassandraPort()); Session s = new Session(o, err)) {
      return new ReportsBench(o, s, new WriteWatch(node)).run(node);
    }
  }

  private BenchResult run(CassandraNode node) {
    schools = s.setUp(PROVINCES, o.schools(), false);

    double warmupRate = o.rate() != null ? o.rate() : SEARCH_START_RATE;
    Phase warm = null;
    if (!o.warmup().isZero()) {
      s.say("warmup: " + fmt(o.warmup()) + " at " + BenchResult.fmt(warmupRate) + "/s (not counted) ...");
      warm = play("warmup", warmupRate, o.warmup());
      s.desks.settle(Duration.ofSeconds(60));
    }
    // What the node and its Cassandra burn with nothing to do: once the setup's or the warmup's
    // writes are done, before the baseline's give Cassandra flushing and compaction to do
    watch.awaitQuiet(Duration.ofSeconds(20));
    CpuUse.Reading idleFrom = cpu.read();
    BenchHub.pause(IDLE_CPU_WINDOW);
    CpuUse.PerUnit idleCpu = CpuUse.perSecond(idleFrom, cpu.read());

    // the baseline writes what the hub journals per report: the warmup's reports show how much that is
    Payload payload = Payload.choose(o.payloadBytes(), warm != null && !warm.accepted.isEmpty()
        ? node.reportEventBytes(warm.accepted.keySet().stream().limit(50).toList()) : node.reportEventBytes(50),
        ReportBody.bytes(s.runId));
    s.say(String.format(Locale.ROOT, "storage baseline: single-row inserts of %d bytes (%s) at %s, concurrency %d, %s ...",
        payload.bytes(), payload.source(), CassandraNode.JOURNAL_CONSISTENCY, o.concurrency(), fmt(o.baselineDuration())));
    StorageBaseline.Result baseline = StorageBaseline.run(node, payload.bytes(), o.concurrency(), BASELINE_WARMUP,
        o.baselineDuration(), null, o.seed());
    s.say(String.format(Locale.ROOT, "  %.1f rows/s, p99 %.2f ms", baseline.achievedRate(), baseline.latency().p99Ms()));
    watch.awaitQuiet(Duration.ofSeconds(20));
    double idle = watch.measureIdle(Duration.ofSeconds(3));

    var trials = new LinkedHashMap<Double, Trial>();
    RateSearch.Outcome search = null;
    Trial chosen;
    if (o.rate() != null) {
      chosen = trial(o.rate(), o.duration());
      trials.put(o.rate(), chosen);
    } else {
      var rateSearch = new RateSearch(SEARCH_START_RATE, o.p99Limit().toNanos() / 1e6, o.duration().toNanos() / 1e9,
          rate -> stepSeconds(rate), 0.5, 100_000, 0.1);
      search = rateSearch.search(rate -> {
        Trial t = trial(rate, Duration.ofMillis(Math.round(stepSeconds(rate) * 1000)));
        trials.put(rate, t);
        RateSearch.Trial f = t.figures();
        s.say(String.format(Locale.ROOT, "  %s/s: achieved %.1f/s, p99 %.2f ms, %d errors -> %s", BenchResult.fmt(rate),
            f.achievedRate(), f.p99Ms(), f.errors(), rateSearch.passes(f) ? "pass" : "fail"));
        return f;
      });
      chosen = search.best() != null ? trials.get(search.best().trial().offeredRate())
          : trials.values().stream().min((a, b) -> Double.compare(a.phase.offeredRate, b.phase.offeredRate)).orElseThrow();
    }

    Phase p = chosen.phase();
    String title = String.format(Locale.ROOT, "bench reports — %s against %s (Cassandra 127.0.0.1:%d), concurrency %d, %s",
        o.rate() != null ? "open loop at " + BenchResult.fmt(o.rate()) + "/s for " + fmt(o.duration())
            : "rate search, p99 < " + fmt(o.p99Limit()) + ", steps of " + fmt(o.step()) + " or " + MIN_SAMPLES + " reports",
        o.hub(), node.port(), o.concurrency(), s.runId);
    var result = BenchResult.of(Workload.REPORTS, title, p.offeredRate, p.achievedRate(), p.reports.summary(), chosen.errors())
        .storage(baseline.achievedRate(), chosen.writes())
        .reads(chosen.reads())
        .cpu(chosen.cpu(), "report", idleCpu);
    if (o.rate() == null) {
      result.row("search", search.best() != null
          ? "highest passing rate " + BenchResult.fmt(p.offeredRate) + "/s of " + search.steps().size() + " trials"
          : "NO rate passed (lowest tried " + BenchResult.fmt(p.offeredRate) + "/s is shown)");
    }
    Latencies.Summary acks = p.acks.summary();
    Latencies.Summary dispatched = p.dispatched.summary();
    result.row("reports accepted / sent", p.accepted.size() + " / " + p.planned)
        .row("dispatches acknowledged / seen", p.acknowledged.get() + " / " + p.dispatches.get())
        .row("dispatch p50 / p99 / max", dispatched.p50Ms() + " / " + dispatched.p99Ms() + " / " + dispatched.maxMs()
            + " ms (from the report's intended send time to its dispatch on the agency's stream)")
        .row("acknowledgement p50 / p99 / max", acks.p50Ms() + " / " + acks.p99Ms() + " / " + acks.maxMs() + " ms"
            + " (from the dispatch reaching the agency)")
        .row("baseline latency p50 / p99 / max", baseline.latency().p50Ms() + " / " + baseline.latency().p99Ms() + " / "
            + baseline.latency().maxMs() + " ms" + (baseline.errors().isEmpty() ? "" : ", errors " + baseline.errors()));
    OptionalDouble eventBytes = node.reportEventBytes(p.accepted.keySet().stream().limit(50).toList());
    int bodyBytes = ReportBody.bytes(s.runId);
    result.row("payload", payload.bytes() + " bytes per baseline row (" + payload.source() + "); report body " + bodyBytes
        + " bytes, journaled as " + (eventBytes.isPresent() ? Math.round(eventBytes.getAsDouble()) + " bytes" : "?"));

    result.put("runId", s.runId)
        .put("startedAt", s.startedAt.toString())
        .put("hub", o.hub().toString())
        .put("cassandraPort", node.port())
        .put("concurrency", o.concurrency())
        .put("durationSeconds", o.duration().toNanos() / 1e9)
        .put("warmupSeconds", o.warmup().toNanos() / 1e9)
        .put("seed", o.seed())
        .put("schools", schools.size())
        .put("report", Map.of("type", KIND.type(), "level", KIND.level(), "mode", "EXERCISE"))
        .put("accepted", p.accepted.size())
        .put("sent", p.planned)
        .put("acks", Map.of("dispatchesSeen", p.dispatches.get(), "acknowledged", p.acknowledged.get(),
            "p50Ms", acks.p50Ms(), "p95Ms", acks.p95Ms(), "p99Ms", acks.p99Ms(), "maxMs", acks.maxMs()))
        .put("dispatch", Map.of("count", dispatched.count(), "p50Ms", dispatched.p50Ms(), "p95Ms", dispatched.p95Ms(),
            "p99Ms", dispatched.p99Ms(), "maxMs", dispatched.maxMs()))
        .put("baseline", baselineJson(baseline))
        .put("payloadBytes", payload.bytes())
        .put("payloadSource", payload.source())
        .put("reportBodyBytes", bodyBytes)
        .put("journalReportEventBytes", eventBytes.isPresent() ? Math.round(eventBytes.getAsDouble()) : null)
        .put("idleWritesPerSecond", BenchResult.round(idle))
        .put("settled", chosen.settled())
        .put("machine", s.machine);
    if (o.rate() == null) {
      var list = new ArrayList<Map<String, Object>>();
      for (RateSearch.Step step : search.steps()) {
        Trial t = trials.get(step.trial().offeredRate());
        Latencies.Summary l = t.phase().reports.summary();
        var m = new LinkedHashMap<String, Object>();
        m.put("offeredRate", step.trial().offeredRate());
        m.put("achievedRate", BenchResult.round(step.trial().achievedRate()));
        m.put("sent", t.phase().planned);
        m.put("seconds", Math.round(stepSeconds(step.trial().offeredRate())));
        m.put("p50Ms", l.p50Ms());
        m.put("p95Ms", l.p95Ms());
        m.put("p99Ms", l.p99Ms());
        m.put("maxMs", l.maxMs());
        m.put("errors", t.errors());
        m.put("writesPerReport", t.writes().perReport());
        m.put("cpuMsPerReport", t.cpu().json());
        m.put("cpuMsPerReportAboveIdle", t.cpu().aboveIdle(idleCpu).json());
        m.put("pass", step.pass());
        list.add(m);
      }
      result.put("search", Map.of("p99LimitMs", o.p99Limit().toNanos() / 1e6, "stepSeconds", o.step().toNanos() / 1e9,
          "minSamplesPerStep", MIN_SAMPLES, "budgetSeconds", o.duration().toNanos() / 1e9, "startRate", SEARCH_START_RATE,
          "found", search.best() != null, "trials", list));
      var b = new StringBuilder("  rate search (each step " + fmt(o.step()) + " or " + MIN_SAMPLES + " reports, whichever"
          + " is longer; pass: p99 < " + fmt(o.p99Limit()) + " and no error)\n");
      b.append(String.format(Locale.ROOT, "    %8s %9s %6s %9s %9s %9s %9s %7s %s%n", "offered", "achieved", "sent",
          "p50 ms", "p95 ms", "p99 ms", "max ms", "errors", "verdict"));
      for (var m : list) {
        b.append(String.format(Locale.ROOT, "    %8s %9s %6d %9s %9s %9s %9s %7d %s%n", BenchResult.fmt((Double) m.get("offeredRate")),
            BenchResult.fmt((Double) m.get("achievedRate")), (Integer) m.get("sent"), m.get("p50Ms"), m.get("p95Ms"),
            m.get("p99Ms"), m.get("maxMs"),
            ((Map<?, ?>) m.get("errors")).values().stream().mapToLong(v -> (Long) v).sum(),
            Boolean.TRUE.equals(m.get("pass")) ? "pass" : "fail"));
      }
      result.block(b.toString().stripTrailing());
    }
    return result;
  }

  /**
   * A search step lasts {@code --step}, or long enough for {@value #MIN_SAMPLES} reports at a low
   * rate: the p99 of fewer is little more than the slowest one, and one pause of the machine
   * would decide the step.
   */
  private double stepSeconds(double rate) {
    return Math.max(o.step().toNanos() / 1e9, Math.ceil(MIN_SAMPLES / rate));
  }

  /** One measured run at a rate: counters before, the load, its acknowledgements, the hub's tail of work, counters after. */
  private Trial trial(double rate, Duration duration) {
    s.say("measuring " + fmt(duration) + " at " + BenchResult.fmt(rate) + "/s ...");
    Map<String, Long> before = watch.snapshot();
    Map<String, Long> readsBefore = watch.readSnapshot();
    CpuUse.Reading cpuBefore = cpu.read();
    Map<String, Long> ackRetries = Reporter.retries(s.http, "ack");
    Phase phase = play("rate-" + BenchResult.fmt(rate), rate, duration);
    boolean settled = s.desks.settle(Duration.ofSeconds(60));
    settled &= watch.awaitQuiet(Duration.ofSeconds(30));
    Map<String, Long> after = watch.snapshot();
    Map<String, Long> readsAfter = watch.readSnapshot();
    CpuUse.PerUnit cpuUsed = CpuUse.between(cpuBefore, cpu.read(), phase.accepted.size());
    Reporter.countRetries(s.http, "ack", ackRetries, phase.errors);
    if (!settled) {
      phase.errors.add("run:unsettled");
    }
    return new Trial(phase, WritesPerReport.between(before, after, phase.accepted.size()),
        WritesPerReport.between(readsBefore, readsAfter, phase.accepted.size()), cpuUsed, phase.errors.byKind(),
        settled);
  }

  private Phase play(String name, double rate, Duration duration) {
    long[] offsets = Arrivals.poisson(rate, duration, random.nextLong());
    return s.reporter.play(name, rate, offsets, i -> schools.get(random.nextInt(schools.size())), i -> KIND, a -> {});
  }

  static Map<String, Object> baselineJson(StorageBaseline.Result b) {
    var m = new LinkedHashMap<String, Object>();
    m.put("rate", BenchResult.round(b.achievedRate()));
    m.put("rows", b.rows());
    m.put("seconds", BenchResult.round(b.seconds()));
    m.put("p50Ms", b.latency().p50Ms());
    m.put("p95Ms", b.latency().p95Ms());
    m.put("p99Ms", b.latency().p99Ms());
    m.put("maxMs", b.latency().maxMs());
    m.put("errors", b.errors());
    m.put("payloadBytes", b.payloadBytes());
    m.put("concurrency", b.concurrency());
    m.put("consistency", b.consistency());
    m.put("loop", b.offeredRate() == null ? "closed" : "open");
    return m;
  }

  static String fmt(Duration d) {
    return org.schoolsafety.sim.scenario.Durations.format(d);
  }
}
