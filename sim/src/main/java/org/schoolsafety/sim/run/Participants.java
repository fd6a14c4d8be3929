package org.schoolsafety.sim.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.schoolsafety.sim.hub.HubHttp;
import org.schoolsafety.sim.scenario.Scenario;

/**
 * The schools that take part, from the hub's registry (as an operator reads it), topped up with
 * schools the drill registers itself when the scenario asks for more than the region has.
 */
final class Participants {

  /** A participating school and its 6-digit region code. */
  record School(String schoolId, String regionCode, boolean provisioned) {}

  private Participants() {}

  /** The participants in the order waves pick them (seeded shuffle). */
  static List<School> resolve(HubHttp http, Supplier<String> operator, Scenario.Schools spec, long seed,
      java.util.function.Consumer<String> say) {
    Random random = new Random(seed);
    if (!spec.list().isEmpty()) {
      var schools = new ArrayList<School>();
      var missing = new ArrayList<String>();
      var answers = new ArrayList<CompletableFuture<HubHttp.Response>>();
      for (String id : spec.list()) {
        answers.add(http.send(HubHttp.Call.get("/api/v1/schools/" + HubHttp.encode(id), operator, "setup")));
      }
      for (int i = 0; i < answers.size(); i++) {
        HubHttp.Response r = answers.get(i).join();
        if (r.status() == 404) {
          missing.add(spec.list().get(i));
        } else if (!r.ok()) {
          throw new DrillFailed("reading school " + spec.list().get(i) + " answered " + r.describe());
        } else {
          schools.add(new School(spec.list().get(i), r.body().get("regionCode").asText(), false));
        }
      }
      if (!missing.isEmpty()) {
        throw new DrillFailed("schools.list names schools the hub does not know: " + missing);
      }
      return schools;
    }

    Map<String, JsonNode> registered = list(http, operator, spec.region());
    var existing = new ArrayList<School>();
    registered.forEach((id, row) -> existing.add(new School(id, row.get("regionCode").asText(), false)));
    Collections.shuffle(existing, random);
    int wanted = spec.count() == null ? existing.size() : spec.count();
    if (existing.size() >= wanted) {
      if (wanted == 0) {
        throw new DrillFailed("region " + spec.region() + " has no registered schools; add schools.provision");
      }
      return List.copyOf(existing.subList(0, wanted));
    }
    if (spec.provision() == null) {
      throw new DrillFailed("region " + spec.region() + " has " + existing.size() + " registered schools, the scenario"
          + " wants " + wanted + ": add schools.provision, or lower schools.count");
    }
    var participants = new ArrayList<>(existing);
    participants.addAll(provision(http, operator, spec, registered, wanted - existing.size(), say));
    Collections.shuffle(participants, random);
    return List.copyOf(participants);
  }

  /** The region's registered schools, by id (paged). */
  static Map<String, JsonNode> list(HubHttp http, Supplier<String> operator, String region) {
    var schools = new TreeMap<String, JsonNode>();
    String cursor = null;
    do {
      String path = "/api/v1/schools?region=" + region + "&limit=1000" + (cursor == null ? "" : "&cursor=" + HubHttp.encode(cursor));
      HubHttp.Response r = http.call(HubHttp.Call.get(path, operator, "setup"));
      if (!r.ok()) {
        throw new DrillFailed("listing the schools of region " + region + " answered " + r.describe());
      }
      for (JsonNode row : r.body().get("schools")) {
        schools.put(row.get("schoolId").asText(), row);
      }
      JsonNode next = r.body().get("next");
      cursor = next == null || next.isNull() ? null : next.asText();
    } while (cursor != null);
    return schools;
  }

  /** Registers {@code needed} schools named {@code <prefix>-<county>-<nnnn>} not yet listed; idempotent. */
  private static List<School> provision(HubHttp http, Supplier<String> operator, Scenario.Schools spec,
      Map<String, JsonNode> registered, int needed, java.util.function.Consumer<String> say) {
    Scenario.Provision p = spec.provision();
    var counties = new ArrayList<>(p.counties());
    if (counties.isEmpty()) {
      var seen = new LinkedHashSet<String>();
      registered.values().forEach(row -> seen.add(row.get("regionCode").asText()));
      counties.addAll(new java.util.TreeSet<>(seen));
    }
    if (counties.isEmpty()) {
      throw new DrillFailed("schools.provision needs counties: region " + spec.region()
          + " has no registered school to take them from");
    }
    // Where the region's schools are, roughly: provisioned schools are placed there.
    double lat = registered.values().stream().mapToDouble(r -> r.path("location").path("lat").asDouble()).average().orElse(0);
    double lon = registered.values().stream().mapToDouble(r -> r.path("location").path("lon").asDouble()).average().orElse(0);
    var created = new ArrayList<School>();
    var pending = new ArrayList<CompletableFuture<HubHttp.Response>>();
    var counters = new LinkedHashMap<String, Integer>();
    int k = 0;
    while (created.size() < needed) {
      String county = counties.get(k++ % counties.size());
      int n = counters.merge(county, 1, Integer::sum);
      String id = String.format("%s-%s-%04d", p.prefix(), county, n);
      if (registered.containsKey(id)) {
        continue; // already listed, so already counted among the existing schools
      }
      var body = new LinkedHashMap<String, Object>();
      body.put("schoolId", id);
      body.put("name", "Drill School " + county + "-" + n);
      body.put("regionCode", county);
      body.put("type", p.type());
      body.put("students", p.students());
      body.put("staff", p.staff());
      body.put("floors", p.floors());
      body.put("location", Map.of("lat", lat, "lon", lon));
      pending.add(http.send(HubHttp.Call.post("/api/v1/schools", body, operator, "setup", true)));
      created.add(new School(id, county, true));
    }
    say.accept("registering " + created.size() + " drill schools (" + p.prefix() + "-<county>-<n>) in " + counties);
    for (int i = 0; i < pending.size(); i++) {
      HubHttp.Response r = pending.get(i).join();
      if (!r.ok()) {
        throw new DrillFailed("registering school " + created.get(i).schoolId() + " answered " + r.describe());
      }
    }
    return created;
  }
}
