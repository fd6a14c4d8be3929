package org.schoolsafety.sim.history;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.schoolsafety.sim.hub.ClientStats;
import org.schoolsafety.sim.hub.HubHttp;
import org.schoolsafety.sim.hub.Tokens;

/**
 * Plays a {@link HistoryPlan} against a hub over its API: lists the schools of the scenario's
 * regions, then sends every call, a few at a time. A call answered {@code 200} with
 * {@code Idempotent-Replayed} (imports, investments) found its record there already; {@code 201}
 * recorded it — or, for drills, inspections, trainings and health checks, whose endpoints answer
 * {@code 201} to a repeat of the same item too, found it there unchanged (their entities write
 * nothing then); anything else failed.
 */
public final class HistoryLoad {

  /** The schools of a scenario and what each kind of call came to. */
  public record Result(int schools, Map<String, Map<String, Long>> byKind, long eventsImported, double wallSeconds,
      List<String> failures) {

    public long calls() {
      return byKind.values().stream().flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum();
    }

    public long count(String outcome) {
      return byKind.values().stream().mapToLong(m -> m.getOrDefault(outcome, 0L)).sum();
    }

    public String text() {
      var b = new StringBuilder();
      b.append(String.format(Locale.ROOT, "history: %d schools, %d calls in %.1f s: %d answered 201, %d already there (200), %d failed%n",
          schools, calls(), wallSeconds, count("201"), count("already there"), count("failed")));
      byKind.forEach((kind, outcomes) -> b.append(String.format(Locale.ROOT, "  %-13s %s%n", kind, outcomes)));
      b.append(String.format(Locale.ROOT, "  imported incidents' events written: %d%n", eventsImported));
      failures.stream().limit(5).forEach(f -> b.append("  failed: ").append(f).append('\n'));
      return b.toString();
    }
  }

  private final HistoryScenario scenario;
  private final URI hub;
  private final Tokens tokens;
  private final Clock clock;

  public HistoryLoad(HistoryScenario scenario, URI hub, Path secretFile, Clock clock) {
    this.scenario = scenario;
    this.hub = hub;
    this.tokens = Tokens.fromSecretFile(secretFile);
    this.clock = clock;
  }

  public Result run() {
    long started = System.nanoTime();
    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    try (var http = new HubHttp(hub, scenario.concurrency(), scheduler, new ClientStats())) {
      String operator = tokens.operator("history-loader");
      List<HistoryPlan.School> schools = schools(http, operator);
      var plan = new HistoryPlan(scenario.seed(), scenario.months(), clock.instant());
      var outcomes = new ConcurrentHashMap<String, Map<String, AtomicLong>>();
      var failures = java.util.Collections.synchronizedList(new ArrayList<String>());
      var events = new AtomicLong();
      var sent = new ArrayList<CompletableFuture<?>>();
      for (HistoryPlan.Step step : plan.steps(schools)) {
        String token = step.sender() == HistoryPlan.Sender.OPERATOR ? operator : tokens.school(step.schoolId());
        sent.add(http.send(HubHttp.Call.post(step.path(), step.body(), () -> token, "history-" + step.kind(), true))
            .handle((response, failure) -> {
              String outcome;
              if (failure != null) {
                outcome = "failed";
                failures.add(step.kind() + " " + step.path() + ": " + failure);
              } else if (response.status() == 201) {
                outcome = "201";
                if (step.kind().equals("incident") && response.body() != null && response.body().has("eventCount")) {
                  events.addAndGet(response.body().get("eventCount").asLong());
                }
              } else if (response.status() == 200) {
                outcome = "already there";
              } else {
                outcome = "failed";
                failures.add(step.kind() + " " + step.path() + " " + step.body().getOrDefault("clientRef", "") + ": "
                    + response.describe());
              }
              outcomes.computeIfAbsent(step.kind(), k -> new ConcurrentHashMap<>())
                  .computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
              return null;
            }));
      }
      CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
      var byKind = new TreeMap<String, Map<String, Long>>();
      outcomes.forEach((kind, m) -> {
        var counts = new TreeMap<String, Long>();
        m.forEach((o, n) -> counts.put(o, n.get()));
        byKind.put(kind, counts);
      });
      return new Result(schools.size(), byKind, events.get(), (System.nanoTime() - started) / 1e9, List.copyOf(failures));
    } finally {
      scheduler.shutdownNow();
    }
  }

  /** How long to wait for the school list (a read model) to show the schools just registered. */
  private static final java.time.Duration SETTLE = java.time.Duration.ofSeconds(90);

  /**
   * The registered schools of the scenario's regions, each with its staff (for training sizes).
   * The list is the read side's, a few seconds behind registrations (the dev node runs this right
   * after registering its demo schools): read until it holds schools and two reads two seconds
   * apart agree.
   */
  private List<HistoryPlan.School> schools(HubHttp http, String operator) {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    List<JsonNode> listed = list(http, operator);
    while (System.nanoTime() < deadline) {
      try {
        Thread.sleep(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      List<JsonNode> again = list(http, operator);
      if (!again.isEmpty() && again.size() == listed.size()) {
        break;
      }
      listed = again;
    }
    if (listed.isEmpty()) {
      throw new IllegalStateException("no schools are registered in regions " + scenario.regions()
          + " (waited " + SETTLE.toSeconds() + " s for the school list)");
    }
    var schools = new ArrayList<HistoryPlan.School>();
    for (JsonNode s : listed) {
      String id = s.get("schoolId").asText();
      if (id.startsWith("sch-drill-")) {
        continue; // drills' stand-in schools have no history
      }
      var profile = http.call(HubHttp.Call.get("/api/v1/schools/" + id, () -> operator, "history-setup"));
      int staff = profile.status() == 200 && profile.body().has("staff") ? profile.body().get("staff").asInt() : 50;
      schools.add(new HistoryPlan.School(id, s.get("regionCode").asText(), Math.max(1, staff)));
    }
    schools.sort(java.util.Comparator.comparing(HistoryPlan.School::schoolId));
    return schools;
  }

  private List<JsonNode> list(HubHttp http, String operator) {
    var all = new ArrayList<JsonNode>();
    for (String region : scenario.regions()) {
      var listed = http.call(HubHttp.Call.get("/api/v1/schools?limit=1000&region=" + region, () -> operator, "history-setup"));
      if (listed.status() != 200) {
        throw new IllegalStateException("cannot list the schools of region " + region + ": " + listed.describe());
      }
      listed.body().get("schools").forEach(all::add);
    }
    return all;
  }

  /** Writes the result as JSON beside a report, when asked for. */
  public static void write(Result result, Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      HubHttp.JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), Map.of(
          "schools", result.schools(), "calls", result.calls(), "byKind", result.byKind(),
          "eventsImported", result.eventsImported(), "wallSeconds", result.wallSeconds(), "failures", result.failures()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
