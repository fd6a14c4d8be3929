package org.schoolsafety.sim.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.schoolsafety.sim.hub.HubHttp;
import org.schoolsafety.sim.hub.SseStream;
import org.schoolsafety.sim.hub.Tokens;
import org.schoolsafety.sim.plan.Plan;
import org.schoolsafety.sim.scenario.Scenario;

/**
 * The simulated dispatch systems of the agencies: each watches its own stream
 * ({@code GET /api/v1/agencies/{id}/stream}, with its AGENCY token) and acknowledges every
 * dispatch of this drill after a delay drawn from the scenario's rule for its kind and tier —
 * or, with the rule's {@code noAnswer} probability, never. Dispatches of other incidents (real
 * ones, other drills) are left alone.
 */
final class AgencyDesk implements AutoCloseable {

  /** An agency as the hub describes it. */
  record Agency(String agencyId, String kind, String tier, String jurisdiction) {}

  private static final Map<String, String> ID_PREFIX = Map.of(
      "POLICE", "police", "FIRE", "fire", "HEALTH", "health", "EDUCATION", "edu");

  private final HubHttp http;
  private final Tokens tokens;
  private final Scenario scenario;
  private final long seed;
  private final String drillId;
  private final double speed;
  private final ScheduledExecutorService scheduler;
  private final Tally tally;
  private final Consumer<String> warn;
  private final List<SseStream> streams = new ArrayList<>();
  private final Map<String, Agency> agencies = new LinkedHashMap<>();

  private final Object lock = new Object();
  /** incident id -> planned incident, for this drill's incidents (filled as reports are answered). */
  private final Map<String, Plan.Incident> incidents = new HashMap<>();
  /** Dispatch events that came before the answer to their report: incident id -> (agency, received). */
  private final Map<String, List<Object[]>> parked = new HashMap<>();
  private final Set<String> handled = new HashSet<>();
  private final Set<String> escalationsSeen = new HashSet<>();
  /** Incidents being looked up, and exercises found to belong to someone else. */
  private final Set<String> lookingUp = new HashSet<>();
  private final Set<String> foreign = new HashSet<>();
  private volatile Map<Integer, Plan.Incident> planned = Map.of();
  private final AtomicInteger pending = new AtomicInteger();
  private volatile long lastEventNanos = System.nanoTime();

  AgencyDesk(HubHttp http, Tokens tokens, Scenario scenario, long seed, String drillId, double speed,
      ScheduledExecutorService scheduler, Tally tally, Consumer<String> warn) {
    this.http = http;
    this.tokens = tokens;
    this.scenario = scenario;
    this.seed = seed;
    this.drillId = drillId;
    this.speed = speed;
    this.scheduler = scheduler;
    this.tally = tally;
    this.warn = warn;
  }

  /**
   * The agencies that can be dispatched for these schools: {@code <kind>-<region>} for the
   * county, city and province of each school (the registry's naming, see the demo data), and
   * every agency a scenario rule names. Asked of the hub as an operator; unknown ids are skipped.
   */
  static List<Agency> discover(HubHttp http, java.util.function.Supplier<String> operator,
      java.util.Collection<String> regionCodes, Scenario scenario) {
    var candidates = new java.util.TreeSet<String>();
    for (String region : regionCodes) {
      for (int len : new int[] {6, 4, 2}) {
        for (String prefix : ID_PREFIX.values()) {
          candidates.add(prefix + "-" + region.substring(0, len));
        }
      }
    }
    scenario.agencies().rules().stream().map(Scenario.Response::agency).filter(java.util.Objects::nonNull)
        .forEach(candidates::add);
    var answers = new LinkedHashMap<String, CompletableFuture<HubHttp.Response>>();
    for (String id : candidates) {
      answers.put(id, http.send(HubHttp.Call.get("/api/v1/agencies/" + HubHttp.encode(id), operator, "setup")));
    }
    var found = new ArrayList<Agency>();
    answers.forEach((id, answer) -> {
      HubHttp.Response r = answer.join();
      if (r.ok()) {
        JsonNode a = r.body();
        found.add(new Agency(id, a.get("kind").asText(), a.get("tier").asText(), a.get("jurisdiction").asText()));
      } else if (r.status() != 404) {
        throw new DrillFailed("reading agency " + id + " answered " + r.describe());
      }
    });
    return found;
  }

  /** Opens every agency's stream and returns once all are connected. */
  void start(List<Agency> list, Duration timeout) {
    for (Agency agency : list) {
      agencies.put(agency.agencyId(), agency);
      // Drills are EXERCISE incidents: an agency stream shows real dispatches only unless asked.
      URI uri = http.base().resolve("/api/v1/agencies/" + HubHttp.encode(agency.agencyId()) + "/stream?mode=EXERCISE");
      var stream = new SseStream(http.client(), uri, () -> tokens.agency(agency.agencyId()), agency.agencyId(),
          new SseStream.Listener() {
            @Override
            public void onEvent(SseStream.Event event) {
              onDispatch(agency, event.data().path("dispatch"));
            }

            @Override
            public void onConnected(boolean first, boolean resumed) {
              if (!first && !resumed) {
                catchUp(agency); // reconnected without an id to resume from: read the inbox once
              }
            }

            @Override
            public void onTrouble(String message) {
              warn.accept("agency " + agency.agencyId() + ": " + message);
            }
          });
      streams.add(stream.start());
    }
    try {
      CompletableFuture.allOf(streams.stream().map(SseStream::connected).toArray(CompletableFuture[]::new))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new DrillFailed("the agencies' streams did not all connect within " + timeout.toSeconds() + " s: " + e, e);
    }
    scheduler.scheduleAtFixedRate(() -> streams.forEach(SseStream::checkIdle), 5, 5, TimeUnit.SECONDS);
  }

  /** The drill's plan, so that an incident can be recognised by its clientRef ({@code <drillId>-<index>}). */
  void plan(Plan plan) {
    var byIndex = new HashMap<Integer, Plan.Incident>();
    plan.incidents().forEach(i -> byIndex.put(i.index(), i));
    planned = byIndex;
  }

  /** A report was answered: its dispatches may be acknowledged now (and those that came early are). */
  void register(String incidentId, Plan.Incident incident) {
    List<Object[]> early;
    synchronized (lock) {
      incidents.put(incidentId, incident);
      early = parked.remove(incidentId);
    }
    if (early != null) {
      for (Object[] e : early) {
        decide((Agency) e[0], incidentId, incident, (Long) e[1]);
      }
    }
  }

  /** Acknowledgements scheduled or in flight. */
  int pending() {
    return pending.get();
  }

  long lastEventNanos() {
    return lastEventNanos;
  }

  private void onDispatch(Agency agency, JsonNode dispatch) {
    lastEventNanos = System.nanoTime();
    if (!"EXERCISE".equals(dispatch.path("mode").asText())) {
      return; // never touch real incidents
    }
    if (dispatch.hasNonNull("drillId") && !drillId.equals(dispatch.get("drillId").asText())) {
      return; // another drill's
    }
    String state = dispatch.path("state").asText();
    if ("ESCALATED".equals(state) || "UNANSWERED".equals(state)) {
      boolean first;
      synchronized (lock) {
        first = escalationsSeen.add(dispatch.path("incidentId").asText() + "|" + agency.agencyId());
      }
      if (first) {
        tally.escalationsSeen.incrementAndGet(); // for the progress line; the report counts the hub's records
      }
      return;
    }
    if (!"NOTIFIED".equals(state)) {
      return;
    }
    String incidentId = dispatch.path("incidentId").asText();
    long received = System.nanoTime();
    Plan.Incident incident;
    boolean lookUp;
    synchronized (lock) {
      if (foreign.contains(incidentId)) {
        return;
      }
      incident = incidents.get(incidentId);
      if (incident == null) {
        // the school has not heard back yet (dispatch follows the report within milliseconds),
        // or it is another drill's: the agency reads the incident to find out
        parked.computeIfAbsent(incidentId, k -> new ArrayList<>()).add(new Object[] {agency, received});
        lookUp = lookingUp.add(incidentId);
      } else {
        lookUp = false;
      }
    }
    if (incident != null) {
      decide(agency, incidentId, incident, received);
    } else if (lookUp) {
      lookUp(agency, incidentId);
    }
  }

  /** Reads the incident as the agency: one of this drill's (by drillId and clientRef), or not. */
  private void lookUp(Agency agency, String incidentId) {
    http.send(HubHttp.Call.get("/api/v1/incidents/" + HubHttp.encode(incidentId), () -> tokens.agency(agency.agencyId()),
            "agency-read"))
        .whenComplete((r, failure) -> {
          Plan.Incident incident = null;
          if (failure == null && r.ok() && r.body() != null && drillId.equals(r.body().path("drillId").asText())) {
            String ref = r.body().path("clientRef").asText("");
            if (ref.startsWith(drillId + "-")) {
              try {
                incident = planned.get(Integer.parseInt(ref.substring(drillId.length() + 1)));
              } catch (NumberFormatException e) {
                incident = null;
              }
            }
          }
          if (incident != null) {
            register(incidentId, incident);
            return;
          }
          synchronized (lock) {
            lookingUp.remove(incidentId);
            if (failure == null && r.ok()) {
              foreign.add(incidentId); // someone else's exercise: leave it alone
              parked.remove(incidentId);
            }
            // on failure the report's answer will still register it
          }
        });
  }

  private void decide(Agency agency, String incidentId, Plan.Incident incident, long receivedNanos) {
    synchronized (lock) {
      if (!handled.add(incidentId + "|" + agency.agencyId())) {
        return; // seen before (e.g. on the inbox after a reconnect)
      }
    }
    Scenario.Response rule = scenario.agencies().forAgency(agency.agencyId(), agency.kind(), agency.tier());
    // the same drill seed gives every (incident, agency) the same draw, whatever order events come in
    Random random = new Random(seed * 7_919L + incident.index() * 104_729L + agency.agencyId().hashCode());
    if (random.nextDouble() < rule.noAnswer()) {
      tally.withheld.incrementAndGet();
      return;
    }
    Duration delay = rule.ackDelay().sample(random);
    long intended = receivedNanos + (long) (delay.toNanos() / speed);
    pending.incrementAndGet();
    tally.acksScheduled.incrementAndGet();
    long wait = Math.max(0, intended - System.nanoTime());
    scheduler.schedule(() -> acknowledge(agency, incidentId, rule, intended), wait, TimeUnit.NANOSECONDS);
  }

  private void acknowledge(Agency agency, String incidentId, Scenario.Response rule, long intended) {
    var body = Map.of("agencyId", agency.agencyId(), "note", rule.note());
    http.send(new HubHttp.Call("POST", "/api/v1/incidents/" + incidentId + "/acks", body,
            () -> tokens.agency(agency.agencyId()), "ack", intended, true))
        .whenComplete((r, failure) -> {
          pending.decrementAndGet();
          tally.acksSent.incrementAndGet();
          if (failure != null || (!r.ok() && r.status() != 409)) {
            tally.errors.incrementAndGet();
            warn.accept("ack of " + incidentId + " by " + agency.agencyId() + ": "
                + (failure != null ? failure.toString() : r.describe()));
          }
        });
  }

  /** After a reconnect that could not resume: the open inbox holds what the stream may have missed. */
  private void catchUp(Agency agency) {
    http.send(HubHttp.Call.get("/api/v1/agencies/" + HubHttp.encode(agency.agencyId()) + "/dispatches?state=open",
            () -> tokens.agency(agency.agencyId()), "inbox"))
        .thenAccept(r -> {
          if (r.ok()) {
            for (JsonNode d : r.body().path("dispatches")) {
              onDispatch(agency, d);
            }
          }
        });
  }

  @Override
  public void close() {
    streams.forEach(SseStream::close);
    synchronized (lock) {
      parked.clear();
    }
  }
}
