package org.schoolsafety.sim.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.schoolsafety.sim.hub.ClientStats;
import org.schoolsafety.sim.hub.HubHttp;
import org.schoolsafety.sim.hub.Tokens;

/**
 * Schools sending their reports on an open-loop schedule, each with its own SCHOOL_STAFF token.
 * HubHttp retries a 503 or 429 after Retry-After (a report is safe to resend: it carries its
 * clientRef), and the latency counts from the intended time to the final answer, retries and all;
 * every retry is also counted as an error of its kind, since the hub did refuse that request.
 */
final class Reporter {

  /** What is reported: incident type and level. */
  record Kind(String type, String level) {}

  /** Reports still unanswered this long after the last one was due are given up on (and counted). */
  private static final Duration ANSWER_LIMIT = Duration.ofMinutes(2);

  private final HubHttp http;
  private final Tokens tokens;
  private final AgencyDesks desks;
  private final String runId;
  private final AtomicLong sequence = new AtomicLong();

  Reporter(HubHttp http, Tokens tokens, AgencyDesks desks, String runId) {
    this.http = http;
    this.tokens = tokens;
    this.desks = desks;
    this.runId = runId;
  }

  /**
   * Plays one phase: report i goes out at {@code start + offsets[i]} from {@code schoolOf.apply(i)};
   * returns once every report is answered (or given up on).
   */
  Phase play(String name, double offeredRate, long[] offsets, IntFunction<BenchHub.School> schoolOf,
      IntFunction<Kind> kindOf, Consumer<Phase.Accepted> onAccepted) {
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
    var phase = new Phase(name, offeredRate, start, offsets.length);
    Map<String, Long> retriesBefore = retries();
    var answers = new CompletableFuture<Void>();
    if (offsets.length == 0) {
      answers.complete(null);
    }
    OpenLoop.play(name, start, offsets, (i, intended) -> {
      BenchHub.School school = schoolOf.apply(i);
      Kind kind = kindOf.apply(i);
      var body = ReportBody.of(runId, sequence.incrementAndGet(), school.schoolId(), kind.type(), kind.level(), Instant.now());
      var call = new HubHttp.Call("POST", "/api/v1/incidents", body, () -> tokens.school(school.schoolId()), "report",
          intended, true);
      http.send(call).whenComplete((r, failure) -> {
        long now = System.nanoTime();
        if (failure != null) {
          phase.errors.add("report:" + ErrorKinds.of(failure));
        } else if ((r.status() == 201 || r.status() == 200) && r.body() != null && r.body().hasNonNull("incidentId")) {
          phase.reports.recordFrom(intended, now);
          Phase.max(phase.lastAnswerNanos, now);
          var accepted = new Phase.Accepted(r.body().get("incidentId").asText(), now, school.regionCode());
          phase.accepted.put(accepted.incidentId(), accepted);
          desks.accepted(accepted.incidentId(), phase, intended);
          onAccepted.accept(accepted);
        } else {
          phase.errors.add("report:http-" + r.status());
        }
        if (phase.answered.incrementAndGet() == offsets.length) {
          answers.complete(null);
        }
      });
    });
    long lastDue = start + (offsets.length == 0 ? 0 : offsets[offsets.length - 1]);
    try {
      answers.get(Math.max(0, lastDue - System.nanoTime()) + ANSWER_LIMIT.toNanos(), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      phase.errors.add("report:unanswered", offsets.length - phase.answered.get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchFailed("interrupted");
    } catch (java.util.concurrent.ExecutionException e) {
      throw new BenchFailed("sending reports failed: " + e.getCause(), e.getCause());
    }
    countRetries(http, "report", retriesBefore, phase.errors);
    return phase;
  }

  private Map<String, Long> retries() {
    return retries(http, "report");
  }

  /** Retries of one kind of request so far, by reason. */
  static Map<String, Long> retries(HubHttp http, String label) {
    ClientStats.Kind k = http.stats().byKind().get(label);
    return k == null ? Map.of() : k.retryReasons();
  }

  /** Adds the retries since {@code before} as errors {@code <label>:retried-<reason>}. */
  static void countRetries(HubHttp http, String label, Map<String, Long> before, ErrorKinds errors) {
    retries(http, label).forEach((reason, n) -> errors.add(label + ":retried-" + reason, n - before.getOrDefault(reason, 0L)));
  }
}
