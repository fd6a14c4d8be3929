package org.schoolsafety.sim.run;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.schoolsafety.sim.hub.HubHttp;
import org.schoolsafety.sim.hub.Tokens;
import org.schoolsafety.sim.plan.Plan;

/**
 * Sends the plan's requests at their times (open loop). Every request's intended time is fixed
 * up front — drill start + planned drill time / speed — and it is scheduled for that time no
 * matter how long earlier requests took; latency is measured from it. Per incident the
 * follow-ups go out in order (like one person at the school would send them): one that falls
 * due while the previous is still unanswered waits for it, and that wait counts as latency.
 */
final class Play {

  private final HubHttp http;
  private final Tokens tokens;
  private final Supplier<String> operator;
  private final AgencyDesk desk;
  private final Tally tally;
  private final DrillRunner.Warnings warnings;
  private final String drillId;
  private final double speed;
  private final long startNanos;
  private final Instant start;
  private final Map<String, String> regionOf;
  private final ScheduledExecutorService scheduler;
  private final Set<String> created;
  private final AtomicInteger reportsFailed = new AtomicInteger();
  private final AtomicInteger remaining = new AtomicInteger();
  private final CompletableFuture<Void> done = new CompletableFuture<>();

  Play(HubHttp http, Tokens tokens, Supplier<String> operator, AgencyDesk desk, Tally tally, DrillRunner.Warnings warnings,
      String drillId, double speed, long startNanos, Instant start, Map<String, String> regionOf,
      ScheduledExecutorService scheduler, Set<String> created) {
    this.http = http;
    this.tokens = tokens;
    this.operator = operator;
    this.desk = desk;
    this.tally = tally;
    this.warnings = warnings;
    this.drillId = drillId;
    this.speed = speed;
    this.startNanos = startNanos;
    this.start = start;
    this.regionOf = regionOf;
    this.scheduler = scheduler;
    this.created = created;
  }

  int reportsFailed() {
    return reportsFailed.get();
  }

  /** Schedules every request; completes when all have been answered (or given up). */
  CompletableFuture<Void> schedule(Plan plan) {
    remaining.set(plan.requests());
    if (plan.requests() == 0) {
      done.complete(null);
    }
    for (Plan.Incident incident : plan.incidents()) {
      CompletableFuture<String> incidentId = due(incident.reportAt()).thenCompose(intended -> report(incident, intended));
      incidentId.whenComplete((id, failure) -> {
        tally.reportsDone.incrementAndGet();
        finished();
      });
      CompletableFuture<String> chain = incidentId;
      for (Plan.FollowUp followUp : incident.followUps()) {
        CompletableFuture<Long> due = due(followUp.at());
        chain = chain.thenCombine(due, (id, intended) -> new Object[] {id, intended})
            .thenCompose(p -> followUp(incident, followUp, (String) p[0], (Long) p[1]).handle((r, e) -> (String) p[0]));
        chain.whenComplete((id, failure) -> {
          tally.followUpsDone.incrementAndGet();
          finished();
        });
      }
    }
    return done;
  }

  /** Completes with the intended System.nanoTime() once it has come. */
  private CompletableFuture<Long> due(Duration drillTime) {
    long intended = startNanos + (long) (drillTime.toNanos() / speed);
    var future = new CompletableFuture<Long>();
    scheduler.schedule(() -> future.complete(intended), Math.max(0, intended - System.nanoTime()), TimeUnit.NANOSECONDS);
    return future;
  }

  private Instant wall(Duration drillTime) {
    return start.plusNanos((long) (drillTime.toNanos() / speed)).truncatedTo(ChronoUnit.MILLIS);
  }

  private CompletableFuture<String> report(Plan.Incident incident, long intended) {
    var body = new LinkedHashMap<String, Object>();
    body.put("schoolId", incident.schoolId());
    body.put("type", incident.type());
    body.put("level", incident.level());
    body.put("mode", "EXERCISE");
    body.put("occurredAt", wall(incident.occurredAt()).toString());
    body.put("summary", incident.summary());
    body.put("casualties", incident.casualties());
    if (incident.measures() != null) {
      body.put("measures", incident.measures());
    }
    body.put("reporter", incident.reporter());
    body.put("clientRef", drillId + "-" + incident.index());
    body.put("drillId", drillId);
    body.put("timeScale", speed);
    var call = new HubHttp.Call("POST", "/api/v1/incidents", body, () -> tokens.school(incident.schoolId()), "report",
        intended, true);
    return http.send(call).handle((r, failure) -> {
      if (failure == null && (r.status() == 201 || r.status() == 200) && r.body() != null) {
        String id = r.body().path("incidentId").asText();
        created.add(id);
        desk.register(id, incident);
        return id;
      }
      reportsFailed.incrementAndGet();
      tally.errors.incrementAndGet();
      String why = failure != null ? failure.toString() : r.describe();
      warnings.warn("report " + incident.index() + " of school " + incident.schoolId() + " was not accepted: " + why);
      throw new java.util.concurrent.CompletionException(new IllegalStateException(why));
    });
  }

  private CompletableFuture<HubHttp.Response> followUp(Plan.Incident incident, Plan.FollowUp f, String id, long intended) {
    String base = "/api/v1/incidents/" + HubHttp.encode(id);
    HubHttp.Call call = switch (f.step()) {
      case CONTINUATION -> new HubHttp.Call("POST", base + "/reports", f.body(), () -> tokens.school(incident.schoolId()),
          "continuation", intended, false);
      case FINAL -> new HubHttp.Call("POST", base + "/reports", f.body(), () -> tokens.school(incident.schoolId()),
          "final", intended, false);
      case CLOSE -> new HubHttp.Call("POST", base + "/close", f.body(), closer(incident, f), "close", intended, true);
      case CANCEL -> new HubHttp.Call("POST", base + "/cancel", f.body(), closer(incident, f), "cancel", intended, true);
    };
    return http.send(call).whenComplete((r, failure) -> {
      if (failure != null || !r.ok()) {
        tally.errors.incrementAndGet();
        warnings.warn(f.step().name().toLowerCase() + " of " + id + ": "
            + (failure != null ? failure.toString() : r.describe()));
      }
    });
  }

  /**
   * Closing and cancelling: the school's province command center, or the drill's operator. Only
   * command centers of the tier that leads an incident's level or above may close or cancel it
   * (the hub's handling authority by level: IV county, III city, I and II province); the province
   * is above every lead tier, whatever level a drill's incident has reached by then.
   */
  private Supplier<String> closer(Plan.Incident incident, Plan.FollowUp f) {
    if ("OPERATOR".equals(f.by())) {
      return operator;
    }
    String province = regionOf.get(incident.schoolId()).substring(0, 2);
    return () -> tokens.commandCenter(province);
  }

  private void finished() {
    tally.requestsDone.incrementAndGet();
    if (remaining.decrementAndGet() == 0) {
      done.complete(null);
    }
  }
}
