package org.schoolsafety.sim.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.schoolsafety.sim.hub.Tokens;
import org.schoolsafety.sim.scenario.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proves the promise with the real thing: Cassandra and three node processes, continuous
 * reports and acknowledgements through all three HTTP ports with retries carrying idempotency
 * keys, and then a failure — a node killed with SIGKILL, a rolling restart, or Cassandra gone for
 * 20 s. Afterwards it checks that every report that got a 2xx is readable with every
 * acknowledgement that got a 2xx, that no clientRef made two incidents, and measures failover
 * time and escalation lateness. See docs/RELIABILITY.md.
 */
public final class FailoverHarness {

  private static final Logger log = LoggerFactory.getLogger(FailoverHarness.class);

  static final String COUNTY = "450102";
  static final int SCHOOLS = 10;
  /** Level IV deadlines this short make escalations fall inside the failure window. */
  static final Duration LEVEL_IV_DEADLINE = Duration.ofSeconds(20);

  /** A node restarting on a starved 2-core machine under load took 2 min 45 s to be ready. */
  static final Duration ROLLING_READY_WITHIN = Duration.ofMinutes(6);

  public enum Scenario { KILL, ROLLING, STORAGE, PAUSE }

  public record Options(Scenario scenario, Duration duration, int reportsPerSecond, Path dataDir) {}

  /** The figures; serialized as the harness's JSON output. */
  public record Result(
      String scenario, double durationSeconds, long reportsSent, long accepted, long lost, long duplicates,
      long acksAccepted, long acksLost, Double failoverSeconds, Map<String, Object> escalationLatenessSeconds,
      Map<String, Long> errorsByKind, long hangs, long serverErrors, Double slowest503Millis,
      int clusterRestarts, double harnessSeconds, List<String> notes, Integer twoWriterIncidents,
      Integer twoWriterIncidentsAfterFreeze, Integer twoWriterEntities, Integer twoWriterEntitiesAfterFreeze,
      Double agencyInboxesAgreeAfterSeconds, long agencyInboxMismatches,
      // seconds after the failure: unreachable, downingDecision, removed (kill and pause); see FailoverPhases
      Map<String, Double> failoverPhases,
      // probed incidents that never answered within PROBE_WINDOW (kill and pause; null otherwise): when
      // any did, failoverSeconds is null, for the failover took longer than the probes waited
      Integer unansweredProbes) {}

  /** How long the agencies' inboxes may take to agree with the incidents after the read-back. */
  static final Duration INBOX_AGREEMENT_LIMIT = Duration.ofMinutes(2);

  private final Options options;
  /** When the frozen node stopped running (pause scenario). */
  private volatile Instant frozenAt;
  private final Map<String, String> accepted = new ConcurrentHashMap<>();
  private final Map<String, String> acked = new ConcurrentHashMap<>();
  private final AtomicLong sent = new AtomicLong();
  private final List<String> notes = Collections.synchronizedList(new ArrayList<>());
  /** When the survivors saw the failed node unreachable, downed and removed it (kill and pause). */
  private Map<String, Double> phases = Map.of();
  /** Probed incidents that never answered (kill and pause); null for the scenarios without probes. */
  private volatile Integer unansweredProbes;
  private Tokens tokens;
  private LoadClient client;
  private int clusterRestarts;

  private FailoverHarness(Options options) {
    this.options = options;
  }

  /**
   * The nodes' system properties. With the environment variable {@code HUB_NODE_LOGBACK} naming
   * a logback file, the nodes log through it with Pekko's debug logging on: how the failover
   * breakdown in docs/RELIABILITY.md was taken (e.g. org.apache.pekko.cluster.sharding at DEBUG).
   */
  static Map<String, String> nodeProperties() {
    var properties = new java.util.HashMap<String, String>();
    properties.put("hub.escalation.ack-deadline.IV", LEVEL_IV_DEADLINE.toSeconds() + "s");
    String logback = System.getenv("HUB_NODE_LOGBACK");
    if (logback != null && !logback.isBlank()) {
      properties.put("logback.configurationFile", logback);
      properties.put("pekko.loglevel", "DEBUG");
    }
    return properties;
  }

  public static Result run(Options options) throws Exception {
    return new FailoverHarness(options).execute();
  }

  private Result execute() throws Exception {
    Instant began = Instant.now();
    var ports = freePorts(8);
    var layout = new LocalCluster.Layout(3, options.dataDir(), ports.get(0), ports.get(3), ports.get(6), ports.get(7),
        "512m", nodeProperties(), false);
    try (LocalCluster cluster = LocalCluster.start(layout)) {
      tokens = Tokens.fromSecretFile(LocalCluster.secretFile(cluster.dataDir()));
      client = new LoadClient(cluster.nodes().stream().map(LocalCluster.Node::httpPort).toList(), Duration.ofSeconds(10));
      register();
      ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
      ExecutorService workers = Executors.newFixedThreadPool(48);
      AtomicInteger n = new AtomicInteger();
      long periodMicros = 1_000_000L / options.reportsPerSecond();
      // The load's window counts from here, not from the harness's start: the cluster's start takes
      // anything from 20 s to over a minute on this machine, and counting it in once cut the load off
      // as soon as the failover was measured, whatever --duration said.
      Instant loadStarted = Instant.now();
      // Open loop: a report is due every period whatever the earlier ones are doing.
      var ticker = clock.scheduleAtFixedRate(() -> workers.submit(() -> report(n.getAndIncrement(), workers)),
          0, periodMicros, TimeUnit.MICROSECONDS);

      Instant failureAt = loadStarted.plus(options.duration().dividedBy(3));
      pauseUntil(failureAt);
      Double failover = switch (options.scenario()) {
        case KILL -> kill(cluster);
        case ROLLING -> rolling(cluster);
        case STORAGE -> storageOutage(cluster);
        case PAUSE -> freeze(cluster);
      };
      pauseUntil(loadStarted.plus(options.duration()));  // or later, if measuring the failover took longer
      ticker.cancel(false);
      notes.add("the load ran " + Duration.between(loadStarted, Instant.now()).toSeconds() + " s at "
          + options.reportsPerSecond() + " reports/s, the failure " + Duration.between(loadStarted, failureAt).toSeconds()
          + " s in");
      clock.shutdown();
      workers.shutdown();
      workers.awaitTermination(3, TimeUnit.MINUTES);
      Instant windowEnd = failureWindowEnd(failureAt, failover);

      var check = verify(cluster, failureAt, windowEnd);
      var inboxes = inboxesAgree(cluster, check.dispatchStates());
      long serverErrors = client.outcomes.entrySet().stream().filter(e -> e.getKey().startsWith("5") && !e.getKey().equals("503"))
          .mapToLong(e -> e.getValue().get()).sum();
      Map<String, Long> errors = new LinkedHashMap<>();
      client.outcomes.forEach((k, v) -> {
        if (!k.equals("2xx")) {
          errors.put(k, v.get());
        }
      });
      long slowest = client.slowest503Nanos.get();
      var writers = twoWriters(cluster);  // adds its notes: before they are copied below
      return new Result(options.scenario().name().toLowerCase(), options.duration().toSeconds(), sent.get(),
          accepted.size(), check.lost, check.duplicates, acked.size(), check.acksLost, failover, check.lateness,
          errors, client.hangs.get(), serverErrors, slowest == 0 ? null : slowest / 1e6, clusterRestarts,
          Duration.between(began, Instant.now()).toMillis() / 1000.0, List.copyOf(notes),
          writers == null ? null : writers.incidents(), writers == null ? null : writers.incidentsAfterFreeze(),
          writers == null ? null : writers.entities(), writers == null ? null : writers.entitiesAfterFreeze(),
          inboxes.agreeAfterSeconds(), inboxes.mismatches(), phases, unansweredProbes);
    }
  }

  // --- the registry and the load ------------------------------------------------------------

  /** A token of {@code role} (the hub's role names: OPERATOR, SCHOOL_STAFF, AGENCY, COMMAND_CENTER). */
  private String token(String role, String subject) {
    return tokens.token(role, subject);
  }

  private void register() {
    String operator = token("OPERATOR", "failover-harness");
    String city = COUNTY.substring(0, 4);
    String province = COUNTY.substring(0, 2);
    for (String kind : List.of("POLICE", "FIRE", "HEALTH", "EDUCATION")) {
      for (String jurisdiction : List.of(COUNTY, city, province)) {
        String tier = jurisdiction.length() == 6 ? "COUNTY" : jurisdiction.length() == 4 ? "CITY" : "PROVINCE";
        expect2xx(client.post(operator, "/api/v1/agencies", Map.of("agencyId", kind.toLowerCase() + "-" + jurisdiction,
            "name", kind + " " + jurisdiction, "kind", kind, "tier", tier, "jurisdiction", jurisdiction), 10), "agency");
      }
    }
    for (int i = 0; i < SCHOOLS; i++) {
      expect2xx(client.post(operator, "/api/v1/schools", Map.of("schoolId", school(i), "name", "Failover School " + i,
          "regionCode", COUNTY, "type", "PRIMARY", "students", 500, "staff", 40, "floors", 3,
          "location", Map.of("lat", 22.8, "lon", 108.3)), 10), "school");
    }
  }

  private static String school(int i) {
    return "sch-" + COUNTY + "-" + String.format("%03d", i);
  }

  private static void expect2xx(LoadClient.Answer answer, String what) {
    if (!answer.ok()) {
      throw new IllegalStateException("cannot register a " + what + ": " + answer.status() + " " + answer.body());
    }
  }

  /** One report (INJURY IV: health and education are dispatched), retried with its clientRef. */
  private void report(int n, ExecutorService workers) {
    String school = school(n % SCHOOLS);
    String clientRef = "failover-" + n;
    var body = new LinkedHashMap<String, Object>();
    body.put("schoolId", school);
    body.put("type", "INJURY");
    body.put("level", "IV");
    body.put("occurredAt", Instant.now().toString());
    body.put("summary", "failover harness report " + n);
    body.put("reporter", Map.of("name", "Harness", "role", "teacher"));
    body.put("clientRef", clientRef);
    sent.incrementAndGet();
    var answer = client.post(token("SCHOOL_STAFF", school), "/api/v1/incidents", body, 15);
    if (answer.ok()) {
      String id = answer.body().get("incidentId").asText();
      accepted.put(clientRef, id);
      workers.submit(() -> acknowledge(id));
    }
  }

  /** The county health agency acknowledges; education is left to escalate. */
  private void acknowledge(String incidentId) {
    String cc = token("COMMAND_CENTER", COUNTY.substring(0, 2));
    for (int i = 0; i < 120; i++) {
      var incident = client.get(cc, "/api/v1/incidents/" + incidentId, 5);
      if (incident.ok() && incident.body().get("dispatches").findValuesAsText("agencyId").contains("health-" + COUNTY)) {
        String agency = "health-" + COUNTY;
        var ack = client.post(token("AGENCY", agency), "/api/v1/incidents/" + incidentId + "/acks",
            Map.of("agencyId", agency), 15);
        if (ack.ok()) {
          acked.put(incidentId, agency);
        }
        return;
      }
      pause(Duration.ofMillis(500));
    }
  }

  // --- failures -----------------------------------------------------------------------------

  /**
   * Kills node 2 and measures, for each incident created before, when it first answers again
   * through the surviving nodes. All are probed at once, so one slow incident does not delay
   * the measurement of the others; the failover time is the slowest of them.
   */
  private Double kill(LocalCluster cluster) throws InterruptedException {
    LocalCluster.Node victim = cluster.node(2);
    return probeTakeover(cluster, victim, () -> cluster.kill(victim), "killed with SIGKILL");
  }

  /**
   * Does {@code failure} to {@code victim} and measures, for each incident created before, when
   * it first answers again through the other nodes. All are probed at once, so one slow incident
   * does not delay the measurement of the others; the takeover time is the slowest of them.
   */
  private Double probeTakeover(LocalCluster cluster, LocalCluster.Node victim, Runnable failure, String what)
      throws InterruptedException {
    var probes = new ArrayList<>(accepted.values());
    Collections.shuffle(probes);
    var sample = probes.subList(0, Math.min(90, probes.size()));
    var survivors = new LoadClient(cluster.nodes().stream().filter(nd -> nd != victim)
        .map(LocalCluster.Node::httpPort).toList(), Duration.ofSeconds(3));
    String cc = token("COMMAND_CENTER", COUNTY.substring(0, 2));
    ExecutorService probing = Executors.newFixedThreadPool(Math.max(1, sample.size()));
    ExecutorService probeRequests = Executors.newCachedThreadPool();
    Instant failedAt = Instant.now();
    failure.run();
    notes.add("node " + victim.index() + " " + what + " at " + failedAt);
    var answered = new ArrayList<java.util.concurrent.Future<Probe>>();
    for (String id : sample) {
      answered.add(probing.submit(() -> probe(survivors, cc, id, failedAt, probeRequests)));
    }
    probing.shutdown();
    var moved = new ArrayList<Probe>();
    var unanswered = new ArrayList<Probe>();
    double slowest = 0;
    try {
      for (var future : answered) {
        Probe probe;
        try {
          probe = future.get();
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException("a probe failed", e.getCause());
        }
        if (probe.seconds() == null) {
          notes.add("incident " + probe.incidentId() + " never answered within " + PROBE_WINDOW.toSeconds()
              + " s of the failure");
          unanswered.add(probe);
          continue;
        }
        slowest = Math.max(slowest, probe.seconds());
        if (probe.failedFirst()) {
          moved.add(probe);
        }
      }
    } finally {
      probeRequests.shutdown();  // reads still out finish within their 3 s timeout
    }
    moved.sort(java.util.Comparator.comparingDouble(Probe::seconds));
    notes.add(sample.size() + " incidents created before the failure were probed at once through the other nodes"
        + " (one that failed was asked again every second, up to " + PROBES_IN_FLIGHT + " requests out at once); "
        + moved.size() + " answered only after a failover (they lived on node " + victim.index() + ")"
        + (moved.isEmpty() ? "" : ": first of them answered after " + moved.get(0).seconds() + " s, half after "
        + moved.get(moved.size() / 2).seconds() + " s, the last after " + moved.get(moved.size() - 1).seconds() + " s"));
    phases = FailoverPhases.read(cluster.nodes().stream().filter(nd -> nd != victim).map(LocalCluster.Node::logFile)
        .toList(), failedAt);
    notes.add("the survivors marked node " + victim.index() + " unreachable, decided to down it and removed it after "
        + phases + " s; its last probed incident answered after " + slowest + " s");
    // Which incidents came back last, to find them in the nodes' logs.
    for (int i = moved.size() - 1; i >= Math.max(0, moved.size() - 3); i--) {
      notes.add("came back late: " + moved.get(i).incidentId() + " after " + moved.get(i).seconds() + " s");
    }
    // What the probes' own requests got (2xx, 503, client-timeout, ...): tells a node that did not
    // answer from a client that could not ask.
    notes.add("the probes' requests by outcome: " + new java.util.TreeMap<>(survivors.outcomes)
        + " (a client-timeout is a read not answered within 3 s)");
    unansweredProbes = unanswered.size();
    if (!unanswered.isEmpty()) {
      notes.add(unanswered.size() + " of the " + sample.size() + " probed incidents never answered within "
          + PROBE_WINDOW.toSeconds() + " s: the failover took longer than that, so it is not given (failoverSeconds null)");
    }
    return failoverOf(slowest, unanswered.size());
  }

  /**
   * Until when deadlines count as falling in the failure: the failover; the probes' whole window when
   * some never answered; 20 s for the scenarios without probes.
   */
  private Instant failureWindowEnd(Instant failureAt, Double failover) {
    if (failover != null) {
      return failureAt.plusMillis((long) (failover * 1000));
    }
    return unansweredProbes != null && unansweredProbes > 0 ? failureAt.plus(PROBE_WINDOW) : failureAt.plusSeconds(20);
  }

  /** The slowest probe's seconds, or null when some probe never answered: the failover was longer than measured. */
  static Double failoverOf(double slowestAnswered, int unanswered) {
    return unanswered > 0 ? null : slowestAnswered;
  }

  record Probe(String incidentId, Double seconds, boolean failedFirst) {}

  /** How often a probe asks again while an incident does not answer, and how many asks may be out. */
  static final Duration PROBE_CADENCE = Duration.ofSeconds(1);
  static final int PROBES_IN_FLIGHT = 3;
  /** How long after the failure a probe keeps asking. */
  static final Duration PROBE_WINDOW = Duration.ofSeconds(120);

  /**
   * Asks for one incident until it answers. A request routed to the failed node before the
   * survivors removed it is lost and waits out the client's 3 s timeout; asking one request at a
   * time would then see an answer up to 3 s after the incident could give one. So once the first
   * request has failed, a new one goes out every second (or as soon as one fails) with at most
   * three out at once, and the first answer counts: the figure is then at most a second high.
   */
  private static Probe probe(LoadClient survivors, String cc, String id, Instant failedAt, ExecutorService requests) {
    String path = "/api/v1/incidents/" + id;
    if (survivors.get(cc, path, 1).ok()) {
      return new Probe(id, secondsSince(failedAt), false);
    }
    var answeredAfter = new java.util.concurrent.CompletableFuture<Double>();
    var out = new AtomicInteger();
    long lastSent = 0;
    while (!answeredAfter.isDone() && Duration.between(failedAt, Instant.now()).compareTo(PROBE_WINDOW) <= 0) {
      boolean due = out.get() == 0 || System.nanoTime() - lastSent >= PROBE_CADENCE.toNanos();
      if (due && out.get() < PROBES_IN_FLIGHT) {
        out.incrementAndGet();
        lastSent = System.nanoTime();
        requests.execute(() -> {
          try {
            if (survivors.get(cc, path, 1).ok()) {
              answeredAfter.complete(secondsSince(failedAt));
            }
          } finally {
            out.decrementAndGet();
          }
        });
      }
      try {
        return new Probe(id, answeredAfter.get(100, TimeUnit.MILLISECONDS), true);
      } catch (java.util.concurrent.TimeoutException e) {
        // not yet: maybe send another
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }
    return answeredAfter.isDone() ? new Probe(id, answeredAfter.join(), true) : new Probe(id, null, true);
  }

  private static double secondsSince(Instant t) {
    return Duration.between(t, Instant.now()).toMillis() / 1000.0;
  }

  /** SIGTERM, wait, start — one node at a time. */
  private Double rolling(LocalCluster cluster) {
    for (LocalCluster.Node node : cluster.nodes()) {
      Instant t = Instant.now();
      cluster.stop(node);
      cluster.restart(node);
      String notReady = awaitRejoined(cluster, node);
      if (notReady != null) {
        // Stopping the next node now would leave no majority: stop rolling, still verify.
        notes.add("node " + node.index() + " " + notReady + "; the rolling restart stopped there (see "
            + node.logFile() + ")");
        return null;
      }
      notes.add("node " + node.index() + " restarted in " + Duration.between(t, Instant.now()).toSeconds() + " s");
    }
    return null;
  }

  /** Null once the node is ready; otherwise why it will not be. */
  private static String awaitRejoined(LocalCluster cluster, LocalCluster.Node node) {
    Instant deadline = Instant.now().plus(ROLLING_READY_WITHIN);
    while (Instant.now().isBefore(deadline)) {
      if (cluster.ready(node)) {
        return null;
      }
      if (!node.isAlive()) {
        return "exited after its restart";
      }
      if (cluster.nodes().stream().noneMatch(other -> other != node && other.isAlive())) {
        return "had no cluster left to join: the other nodes had downed themselves";
      }
      pause(Duration.ofMillis(500));
    }
    return "was not ready " + ROLLING_READY_WITHIN.toSeconds() + " s after its restart";
  }

  /** How long a frozen node stays frozen after the others have taken over its incidents. */
  static final Duration FROZEN_AFTER_TAKEOVER = Duration.ofSeconds(10);

  /**
   * Freezes node 2 (SIGSTOP) under load for longer than the downing decision: the others down it
   * and take over its incidents (measured like a kill). It stays frozen a while longer, then
   * wakes (SIGCONT) still believing it owns its shards; it must find itself removed and stop —
   * or, with the shard lease, find its leases gone — before it writes anything.
   */
  private Double freeze(LocalCluster cluster) throws InterruptedException {
    LocalCluster.Node victim = cluster.node(2);
    Double takeover = probeTakeover(cluster, victim, () -> {
      cluster.freeze(victim);
      frozenAt = Instant.now();  // kill -STOP has returned: the node runs no more
    }, "frozen with SIGSTOP");
    pause(FROZEN_AFTER_TAKEOVER);
    Instant thawed = Instant.now();
    cluster.thaw(victim);
    notes.add("node 2 thawed with SIGCONT " + FROZEN_AFTER_TAKEOVER.toSeconds() + " s after the others had taken over");
    while (victim.isAlive() && Duration.between(thawed, Instant.now()).toSeconds() < 120) {
      pause(Duration.ofMillis(500));
    }
    notes.add(victim.isAlive()
        ? "node 2 was still running 120 s after it woke (it should have found itself removed and stopped)"
        : "node 2 stopped by itself " + Duration.between(thawed, Instant.now()).toSeconds() + " s after it woke");
    return takeover;
  }

  /**
   * Entities with events from two writers — incidents, and every entity (feeds, agencies,
   * schools, ...) — all of them, and those not explained by a write in flight at the freeze.
   */
  record TwoWriters(int incidents, int incidentsAfterFreeze, int entities, int entitiesAfterFreeze) {}

  /** Two-writer entities in the journal; null for scenarios that cannot produce them. */
  private TwoWriters twoWriters(LocalCluster cluster) {
    if (options.scenario() != Scenario.PAUSE && options.scenario() != Scenario.ROLLING) {
      return null;
    }
    var doubled = JournalWriters.twoWriterEntities("127.0.0.1", cluster.cassandra().port(), "school_safety");
    JournalWriters.describe(doubled).forEach(d -> notes.add("two writers: " + d));
    var all = List.copyOf(doubled.keySet());
    var incidents = all.stream().filter(id -> id.startsWith("Incident|")).toList();
    Instant frozen = frozenAt;
    if (frozen == null) {
      return new TwoWriters(incidents.size(), incidents.size(), all.size(), all.size());
    }
    var inFlight = JournalWriters.writtenBefore("127.0.0.1", cluster.cassandra().port(), "school_safety", all, frozen);
    inFlight.forEach(id -> notes.add("two writers, " + id + ": the frozen node's event was created before the freeze"
        + " (at most the moment kill -STOP returned) and reached Cassandra after the takeover: a write in flight at the freeze"));
    long incidentsInFlight = inFlight.stream().filter(id -> id.startsWith("Incident|")).count();
    return new TwoWriters(incidents.size(), (int) (incidents.size() - incidentsInFlight), all.size(),
        all.size() - inFlight.size());
  }

  /** Cassandra stops for 20 s and comes back; measures until a report succeeds again. */
  private Double storageOutage(LocalCluster cluster) {
    Instant stopped = Instant.now();
    cluster.cassandra().stop();
    pause(Duration.ofSeconds(20));
    cluster.cassandra().start();
    Instant started = Instant.now();
    notes.add("Cassandra stopped for " + Duration.between(stopped, started).toSeconds() + " s");
    long base = accepted.size();
    while (accepted.size() == base && Duration.between(started, Instant.now()).toSeconds() < 120) {
      pause(Duration.ofMillis(200));
    }
    double recovery = Duration.between(started, Instant.now()).toMillis() / 1000.0;
    notes.add("first report accepted " + recovery + " s after Cassandra answered again");
    return recovery;
  }

  // --- verification -------------------------------------------------------------------------

  /** {@code dispatchStates}: agency id → incident id → the dispatch's state as its incident tells it. */
  record Check(long lost, long acksLost, long duplicates, Map<String, Object> lateness,
      Map<String, Map<String, String>> dispatchStates) {}

  private Check verify(LocalCluster cluster, Instant windowStart, Instant windowEnd) {
    var alive = servingNodes(cluster);
    var readers = new LoadClient(alive, Duration.ofSeconds(10));
    String cc = token("COMMAND_CENTER", COUNTY.substring(0, 2));
    AtomicLong lost = new AtomicLong();
    AtomicLong acksLost = new AtomicLong();
    var lateness = Collections.synchronizedList(new ArrayList<Double>());
    var latenessInWindow = Collections.synchronizedList(new ArrayList<Double>());
    Map<String, Map<String, String>> dispatchStates = new ConcurrentHashMap<>();
    inParallel(new ArrayList<>(accepted.entrySet()), entry -> {
      var incident = readers.get(cc, "/api/v1/incidents/" + entry.getValue(), 10);
      if (!incident.ok() || !entry.getKey().equals(incident.body().get("clientRef").asText())) {
        lost.incrementAndGet();
        notes.add("accepted report " + entry.getKey() + " not readable: " + incident.status());
        return;
      }
      String ackedBy = acked.get(entry.getValue());
      if (ackedBy != null && !state(incident.body(), ackedBy).equals("ACKNOWLEDGED")) {
        acksLost.incrementAndGet();
        notes.add("accepted acknowledgement of " + entry.getValue() + " by " + ackedBy + " is missing");
      }
      collectLateness(incident.body(), windowStart, windowEnd, lateness, latenessInWindow);
      for (JsonNode d : incident.body().get("dispatches")) {
        dispatchStates.computeIfAbsent(d.get("agencyId").asText(), a -> new ConcurrentHashMap<>())
            .put(entry.getValue(), d.get("state").asText());
      }
    });
    return new Check(lost.get(), acksLost.get(), duplicates(readers, cc),
        latenessFigures(new ArrayList<>(lateness), new ArrayList<>(latenessInWindow)), dispatchStates);
  }

  record InboxAgreement(Double agreeAfterSeconds, long mismatches) {}

  /**
   * Whether every agency's inbox shows each of its dispatches as the incident does, read again
   * until they agree or {@link #INBOX_AGREEMENT_LIMIT} passes. The read-back above checks the
   * incidents; an agency works from its inbox and stream, which incidents keep current by notices
   * delivered at least once. After a kill those notices once fell minutes behind unseen by this
   * harness (docs/RELIABILITY.md): this is the check that sees it.
   */
  private InboxAgreement inboxesAgree(LocalCluster cluster, Map<String, Map<String, String>> expected) {
    var readers = new LoadClient(servingNodes(cluster), Duration.ofSeconds(10));
    Instant start = Instant.now();
    Instant deadline = start.plus(INBOX_AGREEMENT_LIMIT);
    long mismatches;
    while (true) {
      mismatches = expected.entrySet().stream().mapToLong(e -> inboxMismatches(readers, e.getKey(), e.getValue())).sum();
      if (mismatches == 0) {
        double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
        notes.add("every agency's inbox agreed with the incidents " + seconds + " s after the read-back");
        return new InboxAgreement(seconds, 0);
      }
      if (Instant.now().isAfter(deadline)) {
        notes.add(mismatches + " dispatches still missing from their agency's inbox, or not shown acknowledged there, "
            + INBOX_AGREEMENT_LIMIT.toSeconds() + " s after the read-back");
        return new InboxAgreement(null, mismatches);
      }
      pause(Duration.ofSeconds(1));
    }
  }

  /**
   * Dispatches the agency's inbox is missing, or shows unacknowledged when the incident had them
   * acknowledged (all if the inbox is unreadable). Other states may still move on after the
   * read-back (an unacknowledged dispatch escalates), so only an acknowledgement is compared.
   */
  private long inboxMismatches(LoadClient readers, String agencyId, Map<String, String> states) {
    var inbox = readers.get(token("AGENCY", agencyId), "/api/v1/agencies/" + agencyId + "/dispatches?state=all", 10);
    if (!inbox.ok()) {
      return states.size();
    }
    var shown = new java.util.HashMap<String, String>();
    for (JsonNode d : inbox.body().get("dispatches")) {
      shown.put(d.get("incidentId").asText(), d.get("state").asText());
    }
    return states.entrySet().stream()
        .filter(e -> !shown.containsKey(e.getKey())
            || (e.getValue().equals("ACKNOWLEDGED") && !shown.get(e.getKey()).equals("ACKNOWLEDGED")))
        .count();
  }

  /**
   * The nodes to read back through. If none is serving (the cluster downed itself, e.g. the
   * resolver's down-all on a starved machine), every node is restarted first, as an orchestrator
   * would: the accepted reports are in Cassandra and must all be there afterwards.
   */
  private List<Integer> servingNodes(LocalCluster cluster) {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    while (Instant.now().isBefore(deadline)) {
      var ready = cluster.nodes().stream().filter(nd -> nd.isAlive() && cluster.ready(nd))
          .map(LocalCluster.Node::httpPort).toList();
      if (!ready.isEmpty()) {
        return ready;
      }
      pause(Duration.ofSeconds(2));
    }
    clusterRestarts++;
    notes.add("no node was serving after the " + options.scenario().name().toLowerCase()
        + " (the cluster had downed itself; see the node logs): all nodes were restarted before the read-back");
    cluster.restartAll(Duration.ofMinutes(6));
    return cluster.nodes().stream().map(LocalCluster.Node::httpPort).toList();
  }

  /** Reads back with a few requests at a time: thousands of incidents one by one took minutes. */
  private static <T> void inParallel(List<T> items, java.util.function.Consumer<T> check) {
    ExecutorService readers = Executors.newFixedThreadPool(8);
    try {
      for (var future : readers.invokeAll(items.stream()
          .<java.util.concurrent.Callable<Void>>map(item -> () -> {
            check.accept(item);
            return null;
          }).toList())) {
        future.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("read-back interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("read-back failed", e.getCause());
    } finally {
      readers.shutdownNow();
    }
  }

  private static String state(JsonNode incident, String agencyId) {
    for (JsonNode d : incident.get("dispatches")) {
      if (d.get("agencyId").asText().equals(agencyId)) {
        return d.get("state").asText();
      }
    }
    return "";
  }

  /** How long after a missed deadline the next tier was notified (or the dispatch went unanswered). */
  private static void collectLateness(JsonNode incident, Instant windowStart, Instant windowEnd,
      List<Double> all, List<Double> inWindow) {
    var dispatches = new ArrayList<JsonNode>();
    incident.get("dispatches").forEach(dispatches::add);
    var unansweredAt = new HashMap<String, Instant>();
    for (JsonNode t : incident.get("timeline")) {
      if (t.get("event").asText().equals("unanswered")) {
        unansweredAt.put(t.get("detail").asText().split(" ")[0], Instant.parse(t.get("at").asText()));
      }
    }
    for (JsonNode d : dispatches) {
      String state = d.get("state").asText();
      Instant deadline = Instant.parse(d.get("deadline").asText());
      Instant fired = null;
      if (state.equals("ESCALATED")) {
        for (JsonNode next : dispatches) {
          Instant notified = Instant.parse(next.get("notifiedAt").asText());
          if (next.get("kind").asText().equals(d.get("kind").asText()) && !notified.isBefore(deadline)
              && (fired == null || notified.isBefore(fired))) {
            fired = notified;
          }
        }
      } else if (state.equals("UNANSWERED")) {
        fired = unansweredAt.get(d.get("agencyId").asText());
      }
      if (fired != null) {
        double late = Duration.between(deadline, fired).toMillis() / 1000.0;
        all.add(late);
        if (!deadline.isBefore(windowStart) && deadline.isBefore(windowEnd)) {
          inWindow.add(late);
        }
      }
    }
  }

  private static Map<String, Object> latenessFigures(List<Double> all, List<Double> inWindow) {
    Collections.sort(all);
    var figures = new LinkedHashMap<String, Object>();
    figures.put("escalations", all.size());
    figures.put("p50", all.isEmpty() ? null : all.get(all.size() / 2));
    figures.put("max", all.isEmpty() ? null : all.get(all.size() - 1));
    figures.put("deadlinesInFailureWindow", inWindow.size());
    figures.put("maxInFailureWindow", inWindow.stream().max(Double::compare).orElse(null));
    return figures;
  }

  /** Lists the county's incidents and counts clientRefs that made more than one. */
  private long duplicates(LoadClient readers, String cc) {
    // The list is a projection: wait (bounded) until it has caught up with the accepted reports.
    List<String> listed = new ArrayList<>();
    for (int attempt = 0; attempt < 60; attempt++) {
      listed = listAll(readers, cc);
      if (listed.size() >= accepted.size()) {
        break;
      }
      pause(Duration.ofSeconds(2));
    }
    if (listed.size() < accepted.size()) {
      notes.add("the incident list shows " + listed.size() + " of " + accepted.size() + " accepted reports");
    }
    var byRef = new ConcurrentHashMap<String, Integer>();
    inParallel(listed, id -> {
      var incident = readers.get(cc, "/api/v1/incidents/" + id, 10);
      if (incident.ok()) {
        byRef.merge(incident.body().get("clientRef").asText(), 1, Integer::sum);
      }
    });
    return byRef.values().stream().mapToLong(c -> c - 1).sum();
  }

  private List<String> listAll(LoadClient readers, String cc) {
    var ids = new ArrayList<String>();
    String cursor = null;
    do {
      var page = readers.get(cc, "/api/v1/incidents?region=" + COUNTY + "&limit=200"
          + (cursor == null ? "" : "&cursor=" + cursor), 10);
      if (!page.ok()) {
        notes.add("listing incidents failed: " + page.status() + " " + page.body());
        return ids;
      }
      page.body().get("incidents").forEach(r -> ids.add(r.get("incidentId").asText()));
      cursor = page.body().get("next").isNull() ? null : page.body().get("next").asText();
    } while (cursor != null);
    return ids;
  }

  // --- plumbing -----------------------------------------------------------------------------

  /**
   * A block of {@code count} consecutive free ports below Linux's ephemeral range (32768+): a
   * node restarted on a port in that range can find it taken by some outgoing connection's
   * local port (seen in a rolling restart: "cannot serve HTTP on 127.0.0.1:35040").
   */
  static List<Integer> freePorts(int count) throws IOException {
    var random = new java.util.Random();
    for (int attempt = 0; attempt < 200; attempt++) {
      int base = 20_000 + random.nextInt(12_000 - count);
      if (allFree(base, count)) {
        return java.util.stream.IntStream.range(base, base + count).boxed().toList();
      }
    }
    throw new IOException("no " + count + " consecutive free ports between 20000 and 32000");
  }

  private static boolean allFree(int base, int count) {
    for (int port = base; port < base + count; port++) {
      try (ServerSocket probe = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
        probe.setReuseAddress(true);
      } catch (IOException taken) {
        return false;
      }
    }
    return true;
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void pauseUntil(Instant t) {
    long ms = Duration.between(Instant.now(), t).toMillis();
    if (ms > 0) {
      pause(Duration.ofMillis(ms));
    }
  }

  static final String USAGE = """
      usage: hub failover-test [--scenario kill|rolling|storage|pause|all] [--duration 60s] [--rate 10] [--data DIR] [--out FILE]
        Starts Cassandra and three nodes, sends reports and acknowledgements, then makes the scenario's failure
        and checks that nothing accepted was lost; prints the figures as JSON (docs/RELIABILITY.md).
        --scenario S   kill (a node, SIGKILL; the default), rolling (a rolling restart), storage (Cassandra gone 20 s),
                       pause (a node frozen with SIGSTOP past the downing decision, then woken with SIGCONT), all
        --duration D   how long the load runs, the failure a third of the way in (60s)
        --rate N       reports per second (10)
        --data DIR     where the clusters live (./data/failover)
        --out FILE     also write the JSON to FILE
        Exit status: 0 nothing lost, 1 a check failed or a scenario could not run, 2 bad usage.""";

  private static final List<String> VALUED = List.of("--scenario", "--duration", "--rate", "--data", "--out");

  private static Duration duration(String text) {
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--duration " + e.getMessage(), e);
    }
  }

  /** {@code bin/hub failover-test [--scenario kill|rolling|storage|pause|all] [--duration 60s] [--rate 10] [--out FILE]}. */
  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  /** The command without exiting: returns the exit status. */
  static int run(String[] args, java.io.PrintStream out, java.io.PrintStream err) throws Exception {
    Map<String, String> o = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--help") || args[i].equals("-h")) {
        out.println(USAGE);
        return 0;
      } else if (VALUED.contains(args[i]) && i + 1 < args.length) {
        o.put(args[i], args[++i]);
      } else {
        err.println("hub failover-test: " + (VALUED.contains(args[i]) ? args[i] + " needs a value" : "unexpected argument " + args[i]));
        err.println(USAGE);
        return 2;
      }
    }
    Duration duration;
    int rate;
    List<Scenario> scenarios;
    try {
      duration = duration(o.getOrDefault("--duration", "60s"));
      rate = Integer.parseInt(o.getOrDefault("--rate", "10"));
      String which = o.getOrDefault("--scenario", "kill").toUpperCase();
      if (!which.equals("ALL") && java.util.Arrays.stream(Scenario.values()).noneMatch(v -> v.name().equals(which))) {
        throw new IllegalArgumentException("no scenario '" + o.get("--scenario") + "'");
      }
      scenarios = which.equals("ALL") ? List.of(Scenario.values()) : List.of(Scenario.valueOf(which));
      if (duration.isNegative() || duration.isZero() || rate < 1) {
        throw new IllegalArgumentException("--duration and --rate must be positive");
      }
    } catch (IllegalArgumentException e) {
      err.println("hub failover-test: " + (e instanceof NumberFormatException ? "--rate needs a number, not '"
          + o.get("--rate") + "'" : e.getMessage()));
      err.println(USAGE);
      return 2;
    }
    Path data = Path.of(o.getOrDefault("--data", "./data/failover"));
    var results = new ArrayList<Result>();
    boolean failed = false;
    for (Scenario scenario : scenarios) {
      Path dir = data.resolve(scenario.name().toLowerCase() + "-" + System.currentTimeMillis());
      log.info("failover harness: {} for {} at {} reports/s (data {})", scenario, duration, rate, dir);
      try {
        results.add(run(new Options(scenario, duration, rate, dir)));
      } catch (Exception e) {
        // The other scenarios still run; the exit status says that one could not.
        log.error("failover harness: the {} scenario could not run to its end: {}", scenario, e.toString());
        failed = true;
      }
    }
    var mapper = LoadClient.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT);
    String json = mapper.writeValueAsString(results.size() == 1 ? results.get(0) : results);
    if (o.containsKey("--out")) {
      Files.writeString(Path.of(o.get("--out")), json + "\n");
    }
    out.println(json);
    boolean ok = !failed && results.stream().allMatch(r -> r.lost() == 0 && r.duplicates() == 0 && r.acksLost() == 0
        && r.serverErrors() == 0 && r.clusterRestarts() == 0
        // A frozen node takes requests into its kernel's backlog and never answers them: in the pause
        // scenario, client timeouts are the failure itself, not a fault of the survivors.
        && (r.hangs() == 0 || r.scenario().equals("pause"))
        // One writer per entity: no event written beside a successor's, neither one created after
        // the freeze (the fence) nor one in flight at it (Cassandra's idle close; docs/RELIABILITY.md,
        // "A write in flight at a freeze").
        && (r.twoWriterEntities() == null || r.twoWriterEntities() == 0)
        // Every probed incident answered again within the probes' window.
        && (r.unansweredProbes() == null || r.unansweredProbes() == 0)
        // Every agency's inbox caught up with the incidents (delivered at least once, so eventually).
        && r.agencyInboxMismatches() == 0);
    return ok ? 0 : 1;
  }
}
