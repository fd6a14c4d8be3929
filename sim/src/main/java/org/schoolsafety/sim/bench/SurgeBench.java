package org.schoolsafety.sim.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.schoolsafety.sim.hub.HubHttp;

/**
 * {@code bench surge}: an earthquake morning. Every school of one province — its registered
 * schools, topped up with the benchmark's own to {@code --schools} — reports a natural disaster
 * once within {@code --duration}, most right after the shock and in bursts ({@link Arrivals#surge});
 * agencies acknowledge as dispatches arrive. Figures: report latency, the time until the last
 * dispatch reached its agency, and — read back from the hub incident by incident — that nothing
 * accepted was lost: every accepted report is an incident, dispatched, its dispatches acknowledged.
 */
final class SurgeBench {

  private SurgeBench() {}

  static BenchResult run(BenchOptions o, java.io.PrintStream err) {
    try (Session s = new Session(o, err)) {
      List<BenchHub.School> schools = new ArrayList<>(s.setUp(List.of(o.province()), o.schools(), true));
      var random = new Random(o.seed());
      Collections.shuffle(schools, random);
      var kinds = new Reporter.Kind[schools.size()];
      for (int i = 0; i < kinds.length; i++) {
        double d = random.nextDouble(); // a few schools badly hit, most with damage to check
        kinds[i] = new Reporter.Kind("NATURAL_DISASTER", d < 0.02 ? "I" : d < 0.10 ? "II" : "III");
      }
      long[] offsets = Arrivals.surge(schools.size(), o.duration(), random.nextLong());
      s.say(String.format(Locale.ROOT, "surge: %d schools of province %s report within %s ...", schools.size(),
          o.province(), ReportsBench.fmt(o.duration())));
      Map<String, Long> ackRetries = Reporter.retries(s.http, "ack");
      Phase p = s.reporter.play("surge", schools.size() / (o.duration().toNanos() / 1e9), offsets, schools::get,
          i -> kinds[i], a -> {});
      boolean settled = s.desks.settle(Duration.ofMinutes(2));
      Reporter.countRetries(s.http, "ack", ackRetries, p.errors);
      if (!settled) {
        p.errors.add("run:unsettled");
      }
      s.say("reading back " + p.accepted.size() + " incidents ...");
      ReadBack back = readBack(s, p);
      long notAccepted = p.planned - p.accepted.size();
      long lost = notAccepted + back.missing + back.notDispatched;
      p.errors.add("lost:missing-incident", back.missing);
      p.errors.add("lost:never-dispatched", back.notDispatched);
      p.errors.add("ack:dispatch-unacknowledged", back.unacknowledged);
      p.errors.add("readback:failed", back.unreadable);

      double lastDispatch = p.lastDispatchNanos.get() == 0 ? 0 : (p.lastDispatchNanos.get() - p.startNanos) / 1e9;
      double lastAck = p.lastAckNanos.get() == 0 ? 0 : (p.lastAckNanos.get() - p.startNanos) / 1e9;
      double lastDue = offsets.length == 0 ? 0 : offsets[offsets.length - 1] / 1e9;
      String title = String.format(Locale.ROOT, "bench surge — %d schools of province %s within %s (bursty), against %s,"
          + " concurrency %d, %s", schools.size(), o.province(), ReportsBench.fmt(o.duration()), o.hub(), o.concurrency(), s.runId);
      Latencies.Summary acks = p.acks.summary();
      return BenchResult.of(Workload.SURGE, title, p.offeredRate, p.achievedRate(), p.reports.summary(), p.errors.byKind())
          .row("reports accepted / sent", p.accepted.size() + " / " + p.planned)
          .row("last report due / last dispatch out / last ack", String.format(Locale.ROOT, "%.1f s / %.1f s / %.1f s after"
              + " the first report was due", lastDue, lastDispatch, lastAck))
          .row("dispatches seen by agencies / in the hub", p.dispatches.get() + " / " + back.dispatches)
          .row("acknowledgement p50 / p99 / max", acks.p50Ms() + " / " + acks.p99Ms() + " / " + acks.maxMs() + " ms")
          .row("lost (not accepted + missing + never dispatched)", lost == 0 ? "0 — nothing lost"
              : lost + " LOST (" + notAccepted + " + " + back.missing + " + " + back.notDispatched + ")")
          .row("incidents by status", back.byStatus.toString())
          .put("runId", s.runId)
          .put("startedAt", s.startedAt.toString())
          .put("hub", o.hub().toString())
          .put("province", o.province())
          .put("schools", schools.size())
          .put("windowSeconds", o.duration().toNanos() / 1e9)
          .put("concurrency", o.concurrency())
          .put("accepted", p.accepted.size())
          .put("sent", p.planned)
          .put("lastReportDueSeconds", BenchResult.round(lastDue))
          .put("lastDispatchSeconds", BenchResult.round(lastDispatch))
          .put("lastAckSeconds", BenchResult.round(lastAck))
          .put("dispatchesSeen", p.dispatches.get())
          .put("dispatchesInHub", back.dispatches)
          .put("acks", Map.of("acknowledged", p.acknowledged.get(), "p50Ms", acks.p50Ms(), "p95Ms", acks.p95Ms(),
              "p99Ms", acks.p99Ms(), "maxMs", acks.maxMs()))
          .put("lost", lost)
          .put("lostDetail", Map.of("notAccepted", notAccepted, "missing", back.missing, "neverDispatched", back.notDispatched))
          .put("unacknowledgedDispatches", back.unacknowledged)
          .put("incidentsByStatus", back.byStatus)
          .put("machine", s.machine);
    }
  }

  private static final class ReadBack {
    long missing;
    long notDispatched;
    long unacknowledged;
    long unreadable;
    long dispatches;
    final Map<String, Long> byStatus = new TreeMap<>();
  }

  /** Every accepted incident as the hub has it now (read as an operator: they are exercises). */
  private static ReadBack readBack(Session s, Phase p) {
    var answers = new LinkedHashMap<String, CompletableFuture<HubHttp.Response>>();
    for (String id : p.accepted.keySet()) {
      answers.put(id, s.http.send(HubHttp.Call.get("/api/v1/incidents/" + HubHttp.encode(id),
          () -> s.tokens.operator("bench-readback"), "readback")));
    }
    var back = new ReadBack();
    answers.forEach((id, answer) -> {
      HubHttp.Response r;
      try {
        r = answer.join();
      } catch (RuntimeException e) {
        back.unreadable++;
        return;
      }
      if (r.status() == 404) {
        back.missing++;
        return;
      }
      if (!r.ok() || r.body() == null) {
        back.unreadable++;
        return;
      }
      JsonNode incident = r.body();
      back.byStatus.merge(incident.path("status").asText(), 1L, Long::sum);
      if (incident.path("dispatches").isEmpty()) {
        back.notDispatched++;
      }
      for (JsonNode d : incident.path("dispatches")) {
        back.dispatches++;
        if (!"ACKNOWLEDGED".equals(d.path("state").asText())) {
          back.unacknowledged++;
        }
      }
    });
    return back;
  }
}
