package org.schoolsafety.sim.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.schoolsafety.sim.hub.HubHttp;
import org.schoolsafety.sim.hub.Tokens;

/**
 * The hub as the benchmark sets it up, over its public API only: readiness, the benchmark's own
 * schools ({@code sch-bench-<county>-<nnnn>}, registered once and found again by later runs), and
 * the agencies that answer for them (found by the registry's naming convention, as the drills do).
 */
final class BenchHub {

  /** A school taking part and its 6-digit region code. */
  record School(String schoolId, String regionCode) {}

  /** An agency as the hub describes it. */
  record Agency(String agencyId, String kind, String tier) {}

  static final String SCHOOL_PREFIX = "sch-bench";
  private static final List<String> AGENCY_PREFIXES = List.of("police", "fire", "health", "edu");
  /** Setup requests are spread over a few operators so one principal's rate limit does not pace them. */
  private static final int SETUP_OPERATORS = 16;

  private final HubHttp http;
  private final Tokens tokens;
  private final PrintStream err;
  private int setupCalls;

  BenchHub(HubHttp http, Tokens tokens, PrintStream err) {
    this.http = http;
    this.tokens = tokens;
    this.err = err;
  }

  Supplier<String> operator() {
    int k = setupCalls++ % SETUP_OPERATORS;
    return () -> tokens.operator("bench-setup-" + k);
  }

  /** Waits up to a minute for {@code /health/ready}. */
  void awaitReady() {
    http.awaitReady(Duration.ofSeconds(60)).ifPresent(last -> {
      throw new BenchFailed("the hub at " + http.base() + " is not ready (" + last + "); start it with bin/hub dev");
    });
  }

  /**
   * {@code count} schools spread round-robin over the counties of the provinces' registered
   * schools: the benchmark's own first, registering those not there yet; then, for a province
   * that has them, its demo schools make up the count (surge: "every school of the province").
   */
  List<School> schools(Collection<String> provinces, int count, boolean includeOthers) {
    var registered = new TreeMap<String, JsonNode>();
    for (String province : provinces) {
      registered.putAll(listSchools(province));
    }
    var counties = new TreeSet<String>();
    registered.values().forEach(row -> counties.add(row.path("regionCode").asText()));
    if (counties.isEmpty()) {
      throw new BenchFailed("provinces " + provinces + " have no registered school to take counties from: the benchmark"
          + " needs the dev node's demo data (bin/hub dev without --no-demo)");
    }
    var chosen = new ArrayList<School>();
    if (includeOthers) {
      registered.forEach((id, row) -> {
        if (!id.startsWith(SCHOOL_PREFIX + "-") && chosen.size() < count) {
          chosen.add(new School(id, row.path("regionCode").asText()));
        }
      });
    }
    double lat = registered.values().stream().mapToDouble(r -> r.path("location").path("lat").asDouble()).average().orElse(0);
    double lon = registered.values().stream().mapToDouble(r -> r.path("location").path("lon").asDouble()).average().orElse(0);
    var countyList = List.copyOf(counties);
    var pending = new LinkedHashMap<String, CompletableFuture<HubHttp.Response>>();
    for (int n = 0; chosen.size() < count; n++) {
      String county = countyList.get(n % countyList.size());
      String id = String.format("%s-%s-%04d", SCHOOL_PREFIX, county, n / countyList.size() + 1);
      chosen.add(new School(id, county));
      if (!registered.containsKey(id)) {
        var body = new LinkedHashMap<String, Object>();
        body.put("schoolId", id);
        body.put("name", "Benchmark School " + county + "-" + (n / countyList.size() + 1));
        body.put("regionCode", county);
        body.put("type", "PRIMARY");
        body.put("students", 800);
        body.put("staff", 60);
        body.put("floors", 3);
        body.put("location", Map.of("lat", lat, "lon", lon));
        pending.put(id, http.send(HubHttp.Call.post("/api/v1/schools", body, operator(), "setup", true)));
      }
    }
    if (!pending.isEmpty()) {
      err.println("registering " + pending.size() + " benchmark schools (" + SCHOOL_PREFIX + "-<county>-<n>) in "
          + counties + " ...");
    }
    pending.forEach((id, answer) -> {
      HubHttp.Response r = answer.join();
      if (!r.ok()) {
        throw new BenchFailed("registering school " + id + " answered " + r.describe());
      }
    });
    return List.copyOf(chosen);
  }

  /** A province's registered schools by id, waiting (up to a minute) for a fresh node's list to fill. */
  private Map<String, JsonNode> listSchools(String province) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      var schools = new TreeMap<String, JsonNode>();
      String cursor = null;
      do {
        String path = "/api/v1/schools?region=" + province + "&limit=1000" + (cursor == null ? "" : "&cursor=" + HubHttp.encode(cursor));
        HubHttp.Response r = http.call(HubHttp.Call.get(path, operator(), "setup"));
        if (!r.ok()) {
          throw new BenchFailed("listing the schools of province " + province + " answered " + r.describe());
        }
        r.body().path("schools").forEach(row -> schools.put(row.path("schoolId").asText(), row));
        JsonNode next = r.body().get("next");
        cursor = next == null || next.isNull() ? null : next.asText();
      } while (cursor != null);
      if (!schools.isEmpty() || System.nanoTime() > deadline) {
        return schools;
      }
      pause(Duration.ofSeconds(1)); // the list is a read-side table: a node that just started may not have it yet
    }
  }

  /** The agencies named {@code <police|fire|health|edu>-<prefix>} for each county, its city and its province. */
  List<Agency> agencies(Collection<String> counties) {
    var candidates = new TreeSet<String>();
    for (String county : counties) {
      for (int len : new int[] {6, 4, 2}) {
        AGENCY_PREFIXES.forEach(p -> candidates.add(p + "-" + county.substring(0, len)));
      }
    }
    var answers = new LinkedHashMap<String, CompletableFuture<HubHttp.Response>>();
    candidates.forEach(id -> answers.put(id, http.send(HubHttp.Call.get("/api/v1/agencies/" + HubHttp.encode(id),
        operator(), "setup"))));
    var found = new ArrayList<Agency>();
    answers.forEach((id, answer) -> {
      HubHttp.Response r = answer.join();
      if (r.ok()) {
        found.add(new Agency(id, r.body().path("kind").asText(), r.body().path("tier").asText()));
      } else if (r.status() != 404) {
        throw new BenchFailed("reading agency " + id + " answered " + r.describe());
      }
    });
    if (found.isEmpty()) {
      throw new BenchFailed("no agency answers for counties " + counties + ": the benchmark needs the demo data's agencies");
    }
    return found;
  }

  static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchFailed("interrupted");
    }
  }
}
