package org.schoolsafety.sim.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.schoolsafety.sim.hub.HubHttp;
import org.schoolsafety.sim.hub.SseStream;
import org.schoolsafety.sim.hub.Tokens;

/**
 * The agencies' dispatch systems: each follows its own stream ({@code /api/v1/agencies/{id}/stream},
 * AGENCY token) and acknowledges every dispatch of the benchmark's reports as soon as it sees it.
 * An acknowledgement's latency counts from the moment its dispatch arrived. A dispatch can arrive
 * before the report's own 201 (dispatch follows within milliseconds): it waits for that answer,
 * since only then is the incident known to be the benchmark's.
 */
final class AgencyDesks implements AutoCloseable {

  private record Seen(BenchHub.Agency agency, long receivedNanos) {}

  /** A report the hub accepted, with the moment it was due to be sent. */
  private record Tracked(Phase phase, long intendedNanos) {}

  private final HubHttp http;
  private final Tokens tokens;
  private final PrintStream err;
  private final List<SseStream> streams = new ArrayList<>();
  private final Object lock = new Object();
  private final Map<String, Tracked> incidents = new HashMap<>();
  private final Map<String, List<Seen>> early = new HashMap<>();
  private final Set<String> handled = new HashSet<>();
  private final AtomicInteger pending = new AtomicInteger();
  private volatile long lastEventNanos = System.nanoTime();
  private int troubles;

  AgencyDesks(HubHttp http, Tokens tokens, PrintStream err) {
    this.http = http;
    this.tokens = tokens;
    this.err = err;
  }

  /** Opens every agency's stream; returns once all are connected. */
  void open(List<BenchHub.Agency> agencies) {
    for (BenchHub.Agency agency : agencies) {
      // The benchmark's reports are EXERCISE incidents: agency streams show real ones only unless asked.
      URI uri = http.base().resolve("/api/v1/agencies/" + HubHttp.encode(agency.agencyId()) + "/stream?mode=EXERCISE");
      streams.add(new SseStream(http.client(), uri, () -> tokens.agency(agency.agencyId()), agency.agencyId(),
          new SseStream.Listener() {
            @Override
            public void onEvent(SseStream.Event event) {
              onDispatch(agency, event.data().path("dispatch"));
            }

            @Override
            public void onTrouble(String message) {
              trouble("agency " + agency.agencyId() + ": " + message);
            }
          }).start());
    }
    try {
      CompletableFuture.allOf(streams.stream().map(SseStream::connected).toArray(CompletableFuture[]::new))
          .get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new BenchFailed("the agencies' streams did not all connect within 60 s: " + e.getMessage(), e);
    }
  }

  /** A report was accepted: its dispatches are acknowledged from now on (those that came early at once). */
  void accepted(String incidentId, Phase phase, long intendedNanos) {
    List<Seen> waiting;
    var tracked = new Tracked(phase, intendedNanos);
    synchronized (lock) {
      incidents.put(incidentId, tracked);
      waiting = early.remove(incidentId);
    }
    if (waiting != null) {
      waiting.forEach(s -> acknowledge(s.agency(), incidentId, tracked, s.receivedNanos()));
    }
  }

  /** Acknowledgements in flight. */
  int pending() {
    return pending.get();
  }

  /** Dispatches of incidents whose report was never answered as accepted. */
  int unmatched() {
    synchronized (lock) {
      return early.values().stream().mapToInt(List::size).sum();
    }
  }

  /** Until no acknowledgement is in flight and the streams were quiet for a second (at most {@code limit}). */
  boolean settle(Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (pending.get() == 0 && System.nanoTime() - lastEventNanos > TimeUnit.SECONDS.toNanos(1)) {
        return true;
      }
      BenchHub.pause(Duration.ofMillis(100));
    }
    return false;
  }

  private void onDispatch(BenchHub.Agency agency, JsonNode dispatch) {
    long received = System.nanoTime();
    lastEventNanos = received;
    if (!"EXERCISE".equals(dispatch.path("mode").asText()) || !"NOTIFIED".equals(dispatch.path("state").asText())) {
      return; // real incidents are never touched; acknowledged, escalated and closed dispatches need nothing
    }
    String incidentId = dispatch.path("incidentId").asText();
    Tracked tracked;
    synchronized (lock) {
      tracked = incidents.get(incidentId);
      if (tracked == null) {
        early.computeIfAbsent(incidentId, k -> new ArrayList<>()).add(new Seen(agency, received));
        return;
      }
    }
    acknowledge(agency, incidentId, tracked, received);
  }

  private void acknowledge(BenchHub.Agency agency, String incidentId, Tracked tracked, long receivedNanos) {
    synchronized (lock) {
      if (!handled.add(incidentId + "|" + agency.agencyId())) {
        return;
      }
    }
    Phase phase = tracked.phase();
    phase.dispatches.incrementAndGet();
    phase.dispatched.recordFrom(tracked.intendedNanos(), receivedNanos);
    Phase.min(phase.firstDispatchNanos, receivedNanos);
    Phase.max(phase.lastDispatchNanos, receivedNanos);
    pending.incrementAndGet();
    var body = Map.of("agencyId", agency.agencyId(), "note", "benchmark: acknowledged on receipt");
    http.send(new HubHttp.Call("POST", "/api/v1/incidents/" + HubHttp.encode(incidentId) + "/acks", body,
            () -> tokens.agency(agency.agencyId()), "ack", receivedNanos, true))
        .whenComplete((r, failure) -> {
          long now = System.nanoTime();
          if (failure != null) {
            phase.errors.add("ack:" + ErrorKinds.of(failure));
          } else if (!r.ok()) {
            phase.errors.add("ack:http-" + r.status());
          } else {
            phase.acks.recordFrom(receivedNanos, now);
            phase.acknowledged.incrementAndGet();
            Phase.max(phase.lastAckNanos, now);
          }
          pending.decrementAndGet();
        });
  }

  private synchronized void trouble(String message) {
    if (troubles++ < 20) {
      err.println("warning: " + message);
    }
  }

  @Override
  public void close() {
    streams.forEach(SseStream::close);
  }
}
