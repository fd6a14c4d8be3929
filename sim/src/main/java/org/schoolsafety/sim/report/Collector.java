package org.schoolsafety.sim.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.schoolsafety.sim.hub.HubHttp;
import org.schoolsafety.sim.hub.Tokens;

/**
 * Reads a drill back from the hub. The drill's incidents are those the hub lists for it
 * ({@code GET /api/v1/incidents?region=<province>&mode=EXERCISE&drillId=<id>}, as an operator);
 * as the lists lag the entities by a few seconds, the collector waits (up to a limit) until the
 * list holds every incident the hub accepted during the drill. Each incident is then read whole
 * ({@code GET /api/v1/incidents/{id}}) with its own school's staff token — the school's view of
 * its incident, which spreads the reads over many principals' rate limits.
 */
public final class Collector {

  private final HubHttp http;
  private final Tokens tokens;
  private final Supplier<String> operator;
  private final Consumer<String> say;

  public Collector(HubHttp http, Tokens tokens, Supplier<String> operator, Consumer<String> say) {
    this.http = http;
    this.tokens = tokens;
    this.operator = operator;
    this.say = say;
  }

  /**
   * @param provinces  2-digit prefixes of the participating schools
   * @param created    ids the hub accepted during the drill (what the list should come to hold)
   * @param schools    participating schools, for their drill records (null: none to read)
   */
  public DrillRecord collect(String drillId, Collection<String> provinces, Instant start, Set<String> created,
      Collection<String> schools, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, JsonNode> rows;
    boolean hubFiltered;
    while (true) {
      Listing listing = list(drillId, provinces, start, created);
      rows = listing.rows();
      hubFiltered = listing.hubFiltered();
      if (rows.keySet().containsAll(created) || System.nanoTime() > deadline) {
        break;
      }
      pause(Duration.ofSeconds(1));
    }
    Set<String> missing = new TreeSet<>(created);
    missing.removeAll(rows.keySet());
    if (!missing.isEmpty()) {
      say.accept("warning: after " + timeout.toSeconds() + " s the hub's drill list still lacks " + missing.size()
          + " incident(s) it accepted, e.g. " + missing.iterator().next());
    }

    // every listed incident, plus the accepted ones the list lacks (still hub records)
    var ids = new TreeSet<>(rows.keySet());
    ids.addAll(created);
    var answers = new LinkedHashMap<String, CompletableFuture<HubHttp.Response>>();
    for (String id : ids) {
      JsonNode row = rows.get(id);
      Supplier<String> token = row != null ? () -> tokens.school(row.get("schoolId").asText()) : operator;
      answers.put(id, http.send(HubHttp.Call.get("/api/v1/incidents/" + HubHttp.encode(id), token, "read-back")));
    }
    var incidents = new TreeMap<String, JsonNode>();
    var unreadable = new ArrayList<String>();
    answers.forEach((id, answer) -> {
      try {
        HubHttp.Response r = answer.join();
        if (r.ok() && r.body() != null) {
          incidents.put(id, r.body());
        } else {
          unreadable.add(id + " (" + r.describe() + ")");
        }
      } catch (RuntimeException e) {
        unreadable.add(id + " (" + e.getMessage() + ")");
      }
    });

    var drills = new TreeMap<String, List<JsonNode>>();
    if (schools != null) {
      var drillAnswers = new LinkedHashMap<String, CompletableFuture<HubHttp.Response>>();
      for (String school : schools) {
        drillAnswers.put(school, http.send(HubHttp.Call.get("/api/v1/schools/" + HubHttp.encode(school) + "/drills",
            () -> tokens.school(school), "read-back")));
      }
      drillAnswers.forEach((school, answer) -> {
        HubHttp.Response r = answer.join();
        var mine = new ArrayList<JsonNode>();
        if (r.ok() && r.body() != null) {
          for (JsonNode d : r.body().path("drills")) {
            if (drillId.equals(d.path("drillId").asText())) {
              mine.add(d);
            }
          }
        }
        drills.put(school, mine);
      });
    }
    return new DrillRecord(incidents, rows.keySet(), hubFiltered ? "hub" : "client", unreadable, drills, Instant.now());
  }

  private record Listing(Map<String, JsonNode> rows, boolean hubFiltered) {}

  private Listing list(String drillId, Collection<String> provinces, Instant start, Set<String> created) {
    LocalDate from = LocalDate.ofInstant(start, ZoneOffset.UTC);
    LocalDate to = LocalDate.now(ZoneOffset.UTC);
    if (from.plusDays(92).isBefore(to)) {
      from = to.minusDays(92);
    }
    var rows = new LinkedHashMap<String, JsonNode>();
    boolean hubFiltered = true;
    for (String province : new TreeSet<>(provinces)) {
      String cursor = null;
      do {
        String path = "/api/v1/incidents?region=" + province + "&mode=EXERCISE&drillId=" + HubHttp.encode(drillId)
            + "&from=" + from + "&to=" + to + "&limit=200" + (cursor == null ? "" : "&cursor=" + HubHttp.encode(cursor));
        HubHttp.Response r = http.call(HubHttp.Call.get(path, operator, "read-back"));
        if (!r.ok()) {
          throw new IllegalStateException("listing the drill's incidents answered " + r.describe());
        }
        for (JsonNode row : r.body().path("incidents")) {
          String id = row.path("incidentId").asText();
          if (row.has("drillId")) {
            if (drillId.equals(row.path("drillId").asText())) {
              rows.put(id, row);
            }
          } else {
            hubFiltered = false; // a hub without drill ids in its lists: keep what this drill created
            if (created.contains(id)) {
              rows.put(id, row);
            }
          }
        }
        JsonNode next = r.body().get("next");
        cursor = next == null || next.isNull() ? null : next.asText();
      } while (cursor != null);
    }
    return new Listing(rows, hubFiltered);
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The 2-digit province prefixes of some region codes. */
  public static Set<String> provinces(Collection<String> regionCodes) {
    var set = new HashSet<String>();
    regionCodes.forEach(r -> set.add(r.substring(0, 2)));
    return set;
  }
}
