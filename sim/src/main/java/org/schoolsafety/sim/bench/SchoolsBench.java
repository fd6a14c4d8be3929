package org.schoolsafety.sim.bench;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.schoolsafety.sim.hub.HubHttp;

/**
 * {@code bench schools}: how much heap a live school costs. Registers {@code --schools} schools of
 * its own ({@code sch-scale-<county>-<nnnnnn>}, round-robin over the demo counties; a later run finds
 * them again), reads each one back so that every School entity is awake on the node, waits until the
 * node's own gauge ({@code hub_entities_alive{type="School"}}) counts them, and takes the node's live
 * heap before and after from a class histogram ({@code jcmd <pid> GC.class_histogram}, which runs a
 * full GC first, so both figures are GC-settled). Heap per school = (after - before) / schools woken;
 * the classes that grew most are listed. The node is a process on this machine (the hub URL is a
 * loopback address): found by its command line ({@code --port}), or given with {@code --node-pid}.
 */
final class SchoolsBench {

  static final String PREFIX = "sch-scale";
  private static final int CHUNK = 2_000;

  private SchoolsBench() {}

  static BenchResult run(BenchOptions options, PrintStream err) {
    try (var s = new Session(options, err)) {
      s.hub.awaitReady();
      long pid = options.nodePid() != null ? options.nodePid() : NodeProcess.find(options.hubPort());
      s.say("the node's JVM: pid " + pid + " (" + NodeProcess.heapFlags(pid) + ")");
      List<String> counties = counties(s);

      s.say("live heap before (full GC) ...");
      Map<String, long[]> before = NodeProcess.histogram(pid);
      long schoolsAliveBefore = aliveSchools(s);

      int n = options.schools();
      var ids = new ArrayList<String>(n);
      for (int i = 0; i < n; i++) {
        String county = counties.get(i % counties.size());
        ids.add(String.format(Locale.ROOT, "%s-%s-%06d", PREFIX, county, i / counties.size() + 1));
      }
      var register = new Latencies();
      var errors = new ConcurrentHashMap<String, Long>();
      long t0 = System.nanoTime();
      s.say("registering " + n + " schools (" + PREFIX + "-<county>-<n>) over " + counties.size() + " counties ...");
      each(s, ids, id -> {
        String county = id.substring(PREFIX.length() + 1, PREFIX.length() + 7);
        var body = new LinkedHashMap<String, Object>();
        body.put("schoolId", id);
        body.put("name", "Scale School " + id.substring(PREFIX.length() + 1));
        body.put("regionCode", county);
        body.put("type", "PRIMARY");
        body.put("students", 800);
        body.put("staff", 60);
        body.put("floors", 3);
        body.put("location", Map.of("lat", 43.8, "lon", 87.6));
        return HubHttp.Call.post("/api/v1/schools", body, s.hub.operator(), "register", true);
      }, register, errors, "register");
      double registerSeconds = (System.nanoTime() - t0) / 1e9;

      var touch = new Latencies();
      long t1 = System.nanoTime();
      s.say("reading every school back (wakes any that is not in memory) ...");
      each(s, ids, id -> HubHttp.Call.get("/api/v1/schools/" + id, s.hub.operator(), "touch"), touch, errors, "touch");
      double touchSeconds = (System.nanoTime() - t1) / 1e9;

      long alive = awaitAlive(s, schoolsAliveBefore, n);
      s.say("live heap after (full GC) ...");
      Map<String, long[]> after = NodeProcess.histogram(pid);
      Map<String, Long> heap = heapMetrics(s);

      long liveBefore = before.get(NodeProcess.TOTAL)[1];
      long liveAfter = after.get(NodeProcess.TOTAL)[1];
      long woken = Math.max(1, alive - schoolsAliveBefore);
      double perSchool = (liveAfter - liveBefore) / (double) woken;

      var touchSummary = touch.summary();
      var result = BenchResult.of(Workload.SCHOOLS, "hub bench schools: " + n + " schools, " + alive
              + " School entities alive on the node", null, n / touchSeconds, touchSummary, errors)
          .put("schools", n)
          .put("registerRate", BenchResult.round(n / registerSeconds))
          .put("registerLatency", register.summary())
          .put("schoolEntitiesAliveBefore", schoolsAliveBefore)
          .put("schoolEntitiesAlive", alive)
          .put("liveHeapBeforeBytes", liveBefore)
          .put("liveHeapAfterBytes", liveAfter)
          .put("heapPerSchoolBytes", Math.round(perSchool))
          .put("heapMaxBytes", heap.get("max"))
          .put("heapCommittedBytes", heap.get("committed"))
          .put("nodeHeapFlags", NodeProcess.heapFlags(pid))
          .put("machine", s.machine);
      result.row("schools registered", n + " at " + BenchResult.fmt(n / registerSeconds) + " /s (p50 "
          + BenchResult.fmt(register.summary().p50Ms()) + " ms, p99 " + BenchResult.fmt(register.summary().p99Ms()) + " ms)");
      result.row("School entities alive", schoolsAliveBefore + " before, " + alive + " after");
      result.row("live heap (after a full GC)", mb(liveBefore) + " before, " + mb(liveAfter) + " after");
      result.row("heap per live school", String.format(Locale.ROOT, "%.0f bytes (%.2f KiB)", perSchool, perSchool / 1024));
      result.row("node heap max / committed", mb(heap.get("max")) + " / " + mb(heap.get("committed")));
      var top = grown(before, after);
      result.put("grownClasses", top);
      var b = new StringBuilder("  classes that grew most (bytes per school woken)\n");
      top.forEach((cls, bytes) -> b.append(String.format(Locale.ROOT, "    %-80s %8.0f%n", cls, bytes / (double) woken)));
      result.block(b.toString().stripTrailing());
      result.row("(latency above)", "reading a school back, GET /api/v1/schools/{id}, closed loop, concurrency "
          + options.concurrency());
      return result;
    }
  }

  /** The demo counties (6-digit region codes of the registered schools of provinces 11 and 65). */
  private static List<String> counties(Session s) {
    var counties = new TreeSet<String>();
    for (String province : List.of("11", "65")) {
      HubHttp.Response r = s.http.call(HubHttp.Call.get("/api/v1/schools?region=" + province + "&limit=1000",
          s.hub.operator(), "setup"));
      if (!r.ok()) {
        throw new BenchFailed("listing the schools of province " + province + " answered " + r.describe());
      }
      r.body().path("schools").forEach(row -> counties.add(row.path("regionCode").asText()));
    }
    if (counties.isEmpty()) {
      throw new BenchFailed("no registered school to take counties from: the benchmark needs the dev node's demo data");
    }
    return List.copyOf(counties);
  }

  interface CallFor {
    HubHttp.Call of(String id);
  }

  /** One call per id, at most --concurrency in flight (closed loop): latency from sending to the answer. */
  private static void each(Session s, List<String> ids, CallFor call, Latencies latencies, Map<String, Long> errors,
      String kind) {
    var done = new AtomicLong();
    var window = new Semaphore(s.options.concurrency());
    long started = System.nanoTime();
    for (int from = 0; from < ids.size(); from += CHUNK) {
      var answers = new ArrayList<CompletableFuture<HubHttp.Response>>();
      for (String id : ids.subList(from, Math.min(ids.size(), from + CHUNK))) {
        window.acquireUninterruptibly();
        long sent = System.nanoTime();
        answers.add(s.http.send(call.of(id)).whenComplete((r, failure) -> {
          window.release();
          latencies.record(System.nanoTime() - sent);
          if (failure != null) {
            errors.merge(kind + ":" + failure.getClass().getSimpleName(), 1L, Long::sum);
          } else {
            if (!r.ok()) {
              errors.merge(kind + ":http-" + r.status(), 1L, Long::sum);
            }
            if (r.attempts() > 1) {
              errors.merge(kind + ":retried", (long) r.attempts() - 1, Long::sum);
            }
          }
          done.incrementAndGet();
        }));
      }
      answers.forEach(a -> a.exceptionally(t -> null).join());
      if ((from / CHUNK) % 5 == 4 || from + CHUNK >= ids.size()) {
        double secs = (System.nanoTime() - started) / 1e9;
        s.say(String.format(Locale.ROOT, "  %s: %d / %d (%.0f /s)", kind, done.get(), ids.size(), done.get() / secs));
      }
    }
  }

  private static final Pattern ALIVE = Pattern.compile("^hub_entities_alive\\{type=\"School\",?\\}\\s+([0-9.eE+]+)", Pattern.MULTILINE);
  private static final Pattern HEAP = Pattern.compile(
      "^jvm_memory_(max|committed)_bytes\\{area=\"heap\",id=\"[^\"]+\",?\\}\\s+([0-9.eE+-]+)", Pattern.MULTILINE);

  private static String metrics(Session s) {
    try {
      HttpResponse<String> r = s.http.client().send(HttpRequest.newBuilder(URI.create(s.options.hub() + "/metrics"))
          .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new BenchFailed("GET /metrics answered " + r.statusCode());
      }
      return r.body();
    } catch (java.io.IOException e) {
      throw new BenchFailed("GET /metrics failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchFailed("interrupted");
    }
  }

  private static long aliveSchools(Session s) {
    Matcher m = ALIVE.matcher(metrics(s));
    if (!m.find()) {
      throw new BenchFailed("the node's /metrics has no hub_entities_alive{type=\"School\"}");
    }
    return (long) Double.parseDouble(m.group(1));
  }

  /** The node counts its entities every 10 s: waits (up to a minute) until it counts the woken schools. */
  private static long awaitAlive(Session s, long before, int n) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    long alive = aliveSchools(s);
    while (alive < before + n && alive < n && System.nanoTime() < deadline) {
      BenchHub.pause(Duration.ofSeconds(2));
      alive = aliveSchools(s);
    }
    s.say("School entities alive on the node: " + alive);
    return alive;
  }

  private static Map<String, Long> heapMetrics(Session s) {
    String text = metrics(s);
    Matcher m = HEAP.matcher(text);
    long max = 0;
    long committed = 0;
    while (m.find()) {
      long v = (long) Double.parseDouble(m.group(2));
      if (m.group(1).equals("max")) {
        max += Math.max(0, v);
      } else {
        committed += v;
      }
    }
    return Map.of("max", max, "committed", committed);
  }

  /** The 15 classes whose live bytes grew most. */
  private static Map<String, Long> grown(Map<String, long[]> before, Map<String, long[]> after) {
    var growth = new TreeMap<String, Long>();
    after.forEach((cls, v) -> {
      if (!cls.equals(NodeProcess.TOTAL)) {
        long was = before.getOrDefault(cls, new long[2])[1];
        growth.put(cls, v[1] - was);
      }
    });
    var top = new LinkedHashMap<String, Long>();
    growth.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(15)
        .forEach(e -> top.put(e.getKey(), e.getValue()));
    return top;
  }

  static String mb(Long bytes) {
    return bytes == null ? "-" : String.format(Locale.ROOT, "%.1f MiB", bytes / 1024.0 / 1024.0);
  }
}
