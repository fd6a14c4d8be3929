package org.schoolsafety.sim.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.schoolsafety.sim.bench.storage.CassandraNode;
import org.schoolsafety.sim.hub.HubHttp;

/**
 * {@code bench sensors}: schools' gateways sending their devices' everyday readings (every value
 * below every threshold) as open-loop batches at {@code --rate} batches per second, then one panic
 * press at each of {@code --alarms} schools. Figures: the readings' ingest latency (from the
 * intended send time to the 202), readings per second, the Cassandra writes per 1,000 quiet
 * readings and per alarm (the node's own counters), and whether every alarm opened its incident.
 * Everything is sent as an exercise of the run, so no real list or stream sees it.
 */
final class SensorsBench {

  static final double DEFAULT_RATE = 50;
  static final String GATEWAY = "gw-bench";
  private static final String PANIC = "panic-bench";

  private final BenchOptions o;
  private final Session s;
  private final WriteWatch watch;
  private final Random random;
  private final AtomicLong readings = new AtomicLong();

  private SensorsBench(BenchOptions o, Session s, WriteWatch watch) {
    this.o = o;
    this.s = s;
    this.watch = watch;
    this.random = new Random(o.seed());
  }

  static BenchResult run(BenchOptions o, PrintStream err) {
    try (CassandraNode node = CassandraNode.connect(o.cassandraPort()); Session s = new Session(o, err)) {
      return new SensorsBench(o, s, new WriteWatch(node)).run(node);
    }
  }

  private BenchResult run(CassandraNode node) {
    double rate = o.rate() != null ? o.rate() : DEFAULT_RATE;
    List<BenchHub.School> schools = s.setUp(ReportsBench.PROVINCES, o.schools(), false);
    s.say("registering " + o.devices() + " devices at each of " + schools.size() + " schools ...");
    registerDevices(schools);

    if (!o.warmup().isZero()) {
      s.say("warmup: " + ReportsBench.fmt(o.warmup()) + " at " + BenchResult.fmt(rate) + " batches/s (not counted) ...");
      play("warmup", rate, o.warmup(), schools);
      watch.awaitQuiet(Duration.ofSeconds(20));
    }
    watch.measureIdle(Duration.ofSeconds(3));

    s.say("measuring " + ReportsBench.fmt(o.duration()) + " at " + BenchResult.fmt(rate) + " batches/s of "
        + o.devices() + " readings ...");
    Map<String, Long> before = watch.snapshot();
    long readingsBefore = readings.get();
    Quiet quiet = play("quiet", rate, o.duration(), schools);
    boolean settled = watch.awaitQuiet(Duration.ofSeconds(30));
    WritesPerReport quietWrites = WritesPerReport.between(before, watch.snapshot(), readings.get() - readingsBefore);
    if (!settled) {
      quiet.errors.add("run:unsettled");
    }

    int alarmCount = Math.min(o.alarms(), schools.size());
    s.say("alarms: a panic press at each of " + alarmCount + " schools ...");
    Map<String, Long> beforeAlarms = watch.snapshot();
    Alarms alarms = pressPanics(schools.subList(0, alarmCount));
    s.desks.settle(Duration.ofSeconds(60));
    watch.awaitQuiet(Duration.ofSeconds(30));
    WritesPerReport alarmWrites = WritesPerReport.between(beforeAlarms, watch.snapshot(), alarms.opened);

    Latencies.Summary alarmLatency = alarms.latency.summary();
    String title = String.format(Locale.ROOT, "bench sensors — batches of %d readings open loop at %s/s for %s from %d"
            + " schools, against %s (Cassandra 127.0.0.1:%d), concurrency %d, %s", o.devices(), BenchResult.fmt(rate),
        ReportsBench.fmt(o.duration()), schools.size(), o.hub(), node.port(), o.concurrency(), s.runId);
    double readingsPerSecond = quiet.acceptedReadings.get() / (o.duration().toNanos() / 1e9);
    var errors = new java.util.TreeMap<>(quiet.errors.byKind());
    alarms.errors.byKind().forEach((k, v) -> errors.merge(k, v, Long::sum));
    if (alarms.opened < alarmCount) {
      errors.put("alarm:no-incident", (long) (alarmCount - alarms.opened));
    }
    Double perThousand = quietWrites.perReport() == null ? null : BenchResult.round(quietWrites.perReport() * 1000);
    return BenchResult.of(Workload.SENSORS, title, rate, quiet.achievedRate(), quiet.latency.summary(), errors)
        .row("latency measured", "from a batch's intended send time to its 202 (coordinated omission corrected)")
        .row("readings accepted", quiet.acceptedReadings.get() + " = " + BenchResult.fmt(readingsPerSecond) + " readings/s")
        .row("Cassandra writes per 1,000 quiet readings", (perThousand == null ? "-" : BenchResult.fmt(perThousand))
            + " (" + quietWrites.writes() + " writes for " + quietWrites.reports() + " readings)")
        .row("alarms: incidents opened / panics pressed", alarms.opened + " / " + alarmCount)
        .row("alarm latency p50 / p99 / max", alarmLatency.p50Ms() + " / " + alarmLatency.p99Ms() + " / "
            + alarmLatency.maxMs() + " ms (to the 202 naming the incident)")
        .row("Cassandra writes per alarm", (alarmWrites.perReport() == null ? "-" : BenchResult.fmt(alarmWrites.perReport()))
            + " (incident, dispatch, inboxes, feed, read side)")
        .put("runId", s.runId)
        .put("startedAt", s.startedAt.toString())
        .put("hub", o.hub().toString())
        .put("concurrency", o.concurrency())
        .put("durationSeconds", o.duration().toNanos() / 1e9)
        .put("schools", schools.size())
        .put("devicesPerSchool", o.devices())
        .put("latencyMeasures", "intended send time of a batch -> its 202")
        .put("batchesSent", quiet.planned)
        .put("batchesAccepted", quiet.accepted.get())
        .put("readingsAccepted", quiet.acceptedReadings.get())
        .put("readingsPerSecond", BenchResult.round(readingsPerSecond))
        .put("writesPerThousandReadings", perThousand)
        .put("writesQuiet", tableJson(quietWrites))
        .put("alarmsPressed", alarmCount)
        .put("alarmIncidentsOpened", alarms.opened)
        .put("alarmLatency", Map.of("p50Ms", alarmLatency.p50Ms(), "p99Ms", alarmLatency.p99Ms(), "maxMs", alarmLatency.maxMs()))
        .put("writesPerAlarm", alarmWrites.perReport())
        .put("writesAlarms", tableJson(alarmWrites))
        .put("machine", s.machine);
  }

  private static Map<String, Object> tableJson(WritesPerReport w) {
    var m = new LinkedHashMap<String, Object>();
    w.byTable().forEach((table, t) -> m.put(table, t.writes()));
    return m;
  }

  // --- setup ---------------------------------------------------------------------------------

  /** Half smoke detectors, half heat detectors, and one panic button, on the bench's gateway. */
  private void registerDevices(List<BenchHub.School> schools) {
    String operator = s.tokens.operator("bench-sensors");
    var calls = new ArrayList<CompletableFuture<HubHttp.Response>>();
    for (BenchHub.School school : schools) {
      for (int d = 0; d < o.devices(); d++) {
        calls.add(register(school, operator, deviceId(d), d % 2 == 0 ? "SMOKE" : "TEMPERATURE"));
      }
      calls.add(register(school, operator, PANIC, "PANIC"));
    }
    long refused = calls.stream().map(CompletableFuture::join).filter(r -> r.status() != 201).count();
    if (refused > 0) {
      throw new BenchFailed(refused + " of " + calls.size() + " device registrations were refused");
    }
  }

  private CompletableFuture<HubHttp.Response> register(BenchHub.School school, String operator, String id, String kind) {
    var body = Map.of("deviceId", id, "kind", kind, "gatewayId", GATEWAY, "location", Map.of("building", "A"));
    return s.http.send(HubHttp.Call.post("/api/v1/schools/" + school.schoolId() + "/devices", body, () -> operator,
        "setup", true));
  }

  private static String deviceId(int d) {
    return String.format(Locale.ROOT, "%s-%03d", d % 2 == 0 ? "smoke" : "heat", d);
  }

  // --- the quiet readings ------------------------------------------------------------------

  /** One phase of quiet batches and what came of them. */
  private static final class Quiet {
    final Latencies latency = new Latencies();
    final ErrorKinds errors = new ErrorKinds();
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong acceptedReadings = new AtomicLong();
    final AtomicLong lastAnswer = new AtomicLong();
    final long start;
    final int planned;

    Quiet(long start, int planned) {
      this.start = start;
      this.planned = planned;
    }

    double achievedRate() {
      long end = lastAnswer.get();
      return end <= start ? 0 : accepted.get() / ((end - start) / 1e9);
    }
  }

  private Quiet play(String name, double rate, Duration duration, List<BenchHub.School> schools) {
    long[] offsets = Arrivals.poisson(rate, duration, random.nextLong());
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
    var phase = new Quiet(start, offsets.length);
    var answers = new ArrayList<CompletableFuture<?>>(offsets.length);
    var handed = OpenLoop.play(name, start, offsets, (i, intended) -> {
      BenchHub.School school = schools.get(random.nextInt(schools.size()));
      var call = new HubHttp.Call("POST", "/api/v1/sensors/readings", quietBatch(school), () -> gateway(school),
          "readings", intended, true);
      synchronized (answers) {
        answers.add(s.http.send(call).whenComplete((r, failure) -> {
          long now = System.nanoTime();
          if (failure != null) {
            phase.errors.add("readings:" + ErrorKinds.of(failure));
          } else if (r.status() == 202) {
            phase.latency.recordFrom(intended, now);
            phase.accepted.incrementAndGet();
            phase.acceptedReadings.addAndGet(o.devices());
            readings.addAndGet(o.devices());
            Phase.max(phase.lastAnswer, now);
          } else {
            phase.errors.add("readings:http-" + r.status());
          }
        }));
      }
    });
    handed.join();
    List<CompletableFuture<?>> all;
    synchronized (answers) {
      all = List.copyOf(answers);
    }
    try {
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
    } catch (java.util.concurrent.TimeoutException e) {
      phase.errors.add("readings:unanswered", all.stream().filter(f -> !f.isDone()).count());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchFailed("interrupted");
    } catch (java.util.concurrent.ExecutionException e) {
      // counted per request above
    }
    return phase;
  }

  private String gateway(BenchHub.School school) {
    return s.tokens.token("SENSOR_GATEWAY", school.schoolId());
  }

  /** Every device of the school once, below every threshold. */
  private Map<String, Object> quietBatch(BenchHub.School school) {
    String at = Instant.now().toString();
    var list = new ArrayList<Map<String, Object>>(o.devices());
    for (int d = 0; d < o.devices(); d++) {
      boolean smoke = d % 2 == 0;
      list.add(Map.of("sensorId", deviceId(d), "kind", smoke ? "SMOKE" : "TEMPERATURE",
          "value", smoke ? 0.01 : 21.5, "at", at));
    }
    return batch(school, list);
  }

  private Map<String, Object> batch(BenchHub.School school, List<Map<String, Object>> list) {
    var body = new LinkedHashMap<String, Object>();
    body.put("schoolId", school.schoolId());
    body.put("gatewayId", GATEWAY);
    body.put("mode", "EXERCISE");
    body.put("drillId", s.runId);
    body.put("readings", list);
    return body;
  }

  // --- alarms ----------------------------------------------------------------------------

  private record Alarms(int opened, Latencies latency, ErrorKinds errors) {}

  private Alarms pressPanics(List<BenchHub.School> schools) {
    var latency = new Latencies();
    var errors = new ErrorKinds();
    var futures = new ArrayList<CompletableFuture<Boolean>>();
    for (BenchHub.School school : schools) {
      long sent = System.nanoTime();
      var body = batch(school, List.of(Map.of("sensorId", PANIC, "kind", "PANIC", "value", 1, "at", Instant.now().toString())));
      futures.add(s.http.send(HubHttp.Call.post("/api/v1/sensors/readings", body, () -> gateway(school), "alarm", true))
          .handle((r, failure) -> {
            if (failure != null) {
              errors.add("alarm:" + ErrorKinds.of(failure));
              return false;
            }
            if (r.status() != 202) {
              errors.add("alarm:http-" + r.status());
              return false;
            }
            latency.record(System.nanoTime() - sent);
            return opened(r.body());
          }));
    }
    int opened = (int) futures.stream().map(CompletableFuture::join).filter(Boolean::booleanValue).count();
    return new Alarms(opened, latency, errors);
  }

  private static boolean opened(JsonNode answer) {
    for (JsonNode incident : answer.path("incidents")) {
      if (incident.path("opened").asBoolean()) {
        return true;
      }
    }
    return false;
  }
}
