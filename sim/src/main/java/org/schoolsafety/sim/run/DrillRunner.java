package org.schoolsafety.sim.run;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.schoolsafety.sim.hub.ClientStats;
import org.schoolsafety.sim.hub.HubHttp;
import org.schoolsafety.sim.hub.Tokens;
import org.schoolsafety.sim.plan.Plan;
import org.schoolsafety.sim.plan.Planner;
import org.schoolsafety.sim.report.Collector;
import org.schoolsafety.sim.report.DrillMeta;
import org.schoolsafety.sim.report.DrillRecord;
import org.schoolsafety.sim.report.Figures;
import org.schoolsafety.sim.report.ReportWriter;
import org.schoolsafety.sim.scenario.Scenario;

/**
 * Plays a scenario against a hub as real HTTP clients and writes the after-action report.
 *
 * <ol>
 *   <li>Setup, as an operator: the participating schools (registering drill schools if asked),
 *       and the agencies that can be dispatched for them.
 *   <li>The agencies' dispatch systems connect to their streams.
 *   <li>Every report and follow-up is sent at its planned time, whatever happened before (open
 *       loop): simulated schools report (mode EXERCISE, the drill id, the time scale) and follow
 *       up with their own staff tokens; command centers (or the operator) close; agencies
 *       acknowledge what their streams bring after their sampled delay.
 *   <li>When everything planned is done and the streams are quiet, schools file their drill
 *       record, the drill is read back from the hub, and the report is written.
 * </ol>
 */
public final class DrillRunner {

  /** The outcome: where the report is and the summary it holds. */
  public record Result(String drillId, Path reportDir, Map<String, Object> summary, double wallSeconds) {}

  private static final String OPERATOR = "drill-runner";
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

  private final DrillOptions options;
  private final Scenario scenario;
  private final PrintStream err;

  public DrillRunner(DrillOptions options, Scenario scenario, PrintStream err) {
    this.options = options;
    this.scenario = scenario;
    this.err = err;
  }

  public Result run() {
    Instant began = Instant.now();
    long beganNanos = System.nanoTime();
    double speed = options.speed() != null ? options.speed() : scenario.speed();
    if (!(speed >= 1 && speed <= 3600)) {
      throw new DrillFailed("--speed must be between 1 and 3600 (the hub's timeScale range), not " + speed);
    }
    long seed = options.seed() != null ? options.seed() : scenario.seed();
    String drillId = options.drillId() != null ? options.drillId() : scenario.name() + "-" + STAMP.format(began)
        + "-" + String.format("%04x", new Random().nextInt(0x10000));
    Path out = options.out() != null ? options.out() : Path.of("drill-reports", drillId);

    Tokens tokens = Tokens.fromSecretFile(options.secretFile());
    Supplier<String> operator = () -> tokens.operator(OPERATOR);
    ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(2, daemon("drill-clock"));
    scheduler.setRemoveOnCancelPolicy(true);
    var stats = new ClientStats();
    var http = new HubHttp(options.hub(), options.concurrency(), scheduler, stats);
    var tally = new Tally();
    var warnings = new Warnings(err);
    try {
      say("drill " + drillId + ": scenario " + scenario.name() + " against " + options.hub() + " at " + fmt(speed)
          + "x real time");
      awaitReady(http);

      List<Participants.School> schools = Participants.resolve(http, operator, scenario.schools(), seed, this::say);
      Map<String, String> regionOf = new LinkedHashMap<>();
      schools.forEach(s -> regionOf.put(s.schoolId(), s.regionCode()));
      int provisioned = (int) schools.stream().filter(Participants.School::provisioned).count();
      List<AgencyDesk.Agency> agencies = AgencyDesk.discover(http, operator, new TreeSet<>(regionOf.values()), scenario);
      Plan plan = Planner.plan(scenario, List.copyOf(regionOf.keySet()), seed);
      say(String.format("%d schools (%d registered for the drill), %d agencies, %d incidents, %d requests over %s of drill time"
              + " (%s real)", schools.size(), provisioned, agencies.size(), plan.incidents().size(), plan.requests(),
          org.schoolsafety.sim.scenario.Durations.format(plan.end()),
          org.schoolsafety.sim.scenario.Durations.format(Duration.ofNanos((long) (plan.end().toNanos() / speed)))));

      var desk = new AgencyDesk(http, tokens, scenario, seed, drillId, speed, scheduler, tally, warnings::warn);
      Set<String> created = ConcurrentHashMap.newKeySet();
      int[] reportsFailed = new int[1];
      Instant start;
      long startNanos;
      try {
        desk.plan(plan);
        desk.start(agencies, Duration.ofSeconds(60));
        // drill time zero, a moment from now so that the first requests are not late already
        startNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        start = Instant.now().plusMillis(500);
        var play = new Play(http, tokens, operator, desk, tally, warnings, drillId, speed, startNanos, start, regionOf,
            scheduler, created);
        long nanos0 = startNanos;
        try (var progress = new Progress(options.progress(), err, scenario.name(), plan.requests(), plan.end(), speed,
            tally, http::queued, () -> nanos0)) {
          warnings.progress = progress;
          progress.start();
          CompletableFuture<Void> done = play.schedule(plan);
          done.join();
          settle(desk);
        } finally {
          warnings.progress = null;
        }
        reportsFailed[0] = play.reportsFailed();
      } finally {
        desk.close();
      }
      Instant end = Instant.now();
      if (scenario.schoolDrill() != null) {
        fileSchoolDrills(http, tokens, drillId, start, schools, seed);
      }

      say("reading the drill back from the hub ...");
      var collector = new Collector(http, tokens, operator, this::say);
      DrillRecord record = collector.collect(drillId, Collector.provinces(regionOf.values()), start, created,
          scenario.schoolDrill() == null ? null : regionOf.keySet(), options.readBackTimeout());
      double wall = (System.nanoTime() - beganNanos) / 1e9;
      var meta = new DrillMeta(drillId, scenario, options.hub().toString(), speed, seed, start, end, wall,
          List.copyOf(regionOf.keySet()), provisioned, plan.incidents().size(), plan.requests(), Set.copyOf(created),
          reportsFailed[0], stats);
      Figures figures = Figures.compute(meta, record);
      Map<String, Object> summary = ReportWriter.write(out, figures);
      warnings.flush();
      return new Result(drillId, out, summary, wall);
    } finally {
      scheduler.shutdownNow();
      http.close();
    }
  }

  /** Waits (up to a minute) for {@code /health/ready}. */
  private void awaitReady(HubHttp http) {
    http.awaitReady(Duration.ofSeconds(60)).ifPresent(last -> {
      throw new DrillFailed("the hub at " + http.base() + " is not ready (" + last + "); start it with bin/hub dev");
    });
  }

  /** Waits until no acknowledgement is pending and the agencies' streams have been quiet for a moment. */
  private void settle(AgencyDesk desk) {
    long deadline = System.nanoTime() + options.settle().toNanos();
    long quiet = TimeUnit.SECONDS.toNanos(2);
    while (System.nanoTime() < deadline) {
      if (desk.pending() == 0 && System.nanoTime() - desk.lastEventNanos() > quiet) {
        return;
      }
      sleep(Duration.ofMillis(200));
    }
    say("note: stopped waiting for the drill to settle after " + options.settle().toSeconds() + " s ("
        + desk.pending() + " acknowledgements pending)");
  }

  /** Each participating school records the drill ({@code POST /api/v1/schools/{id}/drills}). */
  private void fileSchoolDrills(HubHttp http, Tokens tokens, String drillId, Instant start,
      List<Participants.School> schools, long seed) {
    Scenario.SchoolDrill d = scenario.schoolDrill();
    Random random = new Random(seed ^ 0x5eedL);
    var answers = new ArrayList<CompletableFuture<HubHttp.Response>>();
    for (Participants.School school : schools) {
      var body = new LinkedHashMap<String, Object>();
      body.put("drillId", drillId);
      body.put("type", d.type());
      body.put("date", LocalDate.ofInstant(start, ZoneOffset.UTC).toString());
      body.put("durationMinutes", d.durationMinutes());
      body.put("participants", d.participants().sample(random));
      if (d.evacuationSeconds() != null) {
        body.put("evacuationSeconds", d.evacuationSeconds().sample(random));
      }
      answers.add(http.send(HubHttp.Call.post("/api/v1/schools/" + HubHttp.encode(school.schoolId()) + "/drills", body,
          () -> tokens.school(school.schoolId()), "school-drill", true)));
    }
    int ok = 0;
    String problem = null;
    for (var a : answers) {
      HubHttp.Response r = a.join();
      if (r.ok()) {
        ok++;
      } else if (problem == null) {
        problem = r.describe();
      }
    }
    say(ok + " of " + schools.size() + " schools filed their drill record" + (problem == null ? "" : " (first refusal: " + problem + ")"));
  }

  private void say(String message) {
    err.println(message);
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DrillFailed("interrupted");
    }
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }

  static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** Warnings, printed above the progress line; repeated ones are counted, not repeated. */
  static final class Warnings {
    private final PrintStream err;
    private final Map<String, Integer> counts = new LinkedHashMap<>();
    volatile Progress progress;
    private int printed;

    Warnings(PrintStream err) {
      this.err = err;
    }

    synchronized void warn(String message) {
      String key = message.replaceAll("inc-[A-Za-z0-9._-]+", "inc-…").replaceAll("\\d+", "#");
      int n = counts.merge(key, 1, Integer::sum);
      if (n == 1 && printed < 50) {
        printed++;
        Progress p = progress;
        if (p != null) {
          p.say("warning: " + message);
        } else {
          err.println("warning: " + message);
        }
      }
    }

    synchronized void flush() {
      counts.forEach((key, n) -> {
        if (n > 1) {
          err.println("warning (x" + n + "): " + key);
        }
      });
    }
  }
}
