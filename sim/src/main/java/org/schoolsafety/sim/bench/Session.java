package org.schoolsafety.sim.bench;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.schoolsafety.sim.hub.ClientStats;
import org.schoolsafety.sim.hub.HubHttp;
import org.schoolsafety.sim.hub.Tokens;

/**
 * What a workload that talks to the hub holds for its run: the HTTP client (bounded concurrency,
 * retries), token signing, the run's id (the drillId of its reports), the agencies' desks and the
 * schools' reporter.
 */
final class Session implements AutoCloseable {

  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

  final BenchOptions options;
  final PrintStream err;
  final String runId;
  final Instant startedAt = Instant.now();
  final java.util.Map<String, Object> machine = Machine.describe();
  final Tokens tokens;
  final HubHttp http;
  final BenchHub hub;
  final AgencyDesks desks;
  final Reporter reporter;
  private final ScheduledThreadPoolExecutor scheduler;

  Session(BenchOptions options, PrintStream err) {
    this.options = options;
    this.err = err;
    this.runId = "bench-" + options.workload().label() + "-" + STAMP.format(startedAt) + "-"
        + String.format("%04x", new Random().nextInt(0x10000));
    this.tokens = Tokens.fromSecretFile(options.secretFile());
    this.scheduler = new ScheduledThreadPoolExecutor(2, r -> {
      Thread t = new Thread(r, "bench-clock");
      t.setDaemon(true);
      return t;
    });
    this.http = new HubHttp(options.hub(), options.concurrency(), scheduler, new ClientStats());
    this.hub = new BenchHub(http, tokens, err);
    this.desks = new AgencyDesks(http, tokens, err);
    this.reporter = new Reporter(http, tokens, desks, runId);
  }

  /** Ready hub, the schools, their agencies' desks connected. */
  List<BenchHub.School> setUp(List<String> provinces, int schools, boolean includeOthers) {
    hub.awaitReady();
    List<BenchHub.School> chosen = hub.schools(provinces, schools, includeOthers);
    var counties = new TreeSet<String>();
    chosen.forEach(s -> counties.add(s.regionCode()));
    List<BenchHub.Agency> agencies = hub.agencies(counties);
    desks.open(agencies);
    say(String.format("run %s: %d schools in %d counties, %d agencies' streams connected", runId, chosen.size(),
        counties.size(), agencies.size()));
    return chosen;
  }

  void say(String line) {
    err.println(line);
  }

  @Override
  public void close() {
    desks.close();
    scheduler.shutdownNow();
    http.close();
  }
}
