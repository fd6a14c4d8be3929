package org.schoolsafety.sim.bench;

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
import java.util.concurrent.atomic.AtomicLong;
import org.schoolsafety.sim.hub.HubHttp;
import org.schoolsafety.sim.hub.SseStream;
import org.schoolsafety.sim.hub.Tokens;

/**
 * Command-center consoles watching the live incident stream of their region
 * ({@code /api/v1/stream/incidents?region=…&mode=EXERCISE}, COMMAND_CENTER token of that region).
 * For every report accepted in the measured phase, each subscriber whose region contains the
 * school's should see its {@code reported} event: the delay from the report's 201 (at the
 * reporting school) to the event's arrival (at the subscriber) goes into one histogram, and
 * every expected event that never came is counted as lost.
 */
final class CommandCenters implements AutoCloseable {

  private record Subscriber(int index, String region) {}

  private final HubHttp http;
  private final Tokens tokens;
  private final String runId;
  private final PrintStream err;
  private final List<Subscriber> subscribers = new ArrayList<>();
  private final List<SseStream> streams = new ArrayList<>();
  private final Object lock = new Object();
  /** Measured incidents: id -> when the 201 came; warmup incidents are in {@code ignored}. */
  private final Map<String, Phase.Accepted> measured = new HashMap<>();
  private final Set<String> ignored = new HashSet<>();
  /** Events that came before their report's answer: incident id -> arrival times. */
  private final Map<String, List<Long>> early = new HashMap<>();
  private final Set<String> delivered = new HashSet<>();
  final Latencies delays = new Latencies();
  final AtomicLong beforeAnswer = new AtomicLong();
  final AtomicInteger reconnects = new AtomicInteger();
  private volatile String refusal;
  private int troubles;

  CommandCenters(HubHttp http, Tokens tokens, String runId, PrintStream err) {
    this.http = http;
    this.tokens = tokens;
    this.runId = runId;
    this.err = err;
  }

  /** Opens {@code count} streams over the regions in turn; returns once all are connected. */
  void open(int count, List<String> regions) {
    for (int i = 0; i < count; i++) {
      var sub = new Subscriber(i, regions.get(i % regions.size()));
      subscribers.add(sub);
      URI uri = http.base().resolve("/api/v1/stream/incidents?region=" + sub.region() + "&mode=EXERCISE");
      streams.add(new SseStream(http.client(), uri, () -> tokens.commandCenter(sub.region()), "cc-" + i,
          new SseStream.Listener() {
            @Override
            public void onEvent(SseStream.Event event) {
              long now = System.nanoTime();
              if ("reported".equals(event.data().path("event").asText()) && runId.equals(event.data().path("drillId").asText())) {
                delivered(sub, event.data().path("incidentId").asText(), now);
              }
            }

            @Override
            public void onConnected(boolean first, boolean resumed) {
              if (!first) {
                reconnects.incrementAndGet();
              }
            }

            @Override
            public void onTrouble(String message) {
              if (message.contains(" answered 429")) {
                refusal = message;
              }
              trouble("command center " + sub.region() + " #" + sub.index() + ": " + message);
            }
          }).start());
    }
    try {
      CompletableFuture.allOf(streams.stream().map(SseStream::connected).toArray(CompletableFuture[]::new))
          .get(90, TimeUnit.SECONDS);
    } catch (Exception e) {
      int perPrincipal = (count + regions.size() - 1) / regions.size();
      throw new BenchFailed("the " + count + " command-center streams did not all connect within 90 s"
          + (refusal != null ? " (" + refusal + "): " + perPrincipal + " streams per region are needed; start the hub with"
              + " -Dhub.http.streams.max-per-principal=" + Math.max(perPrincipal, 64) : ": " + e.getMessage()), e);
    }
  }

  /** A report was accepted: in the measured phase its events are expected at every subscriber of its region. */
  void accepted(Phase.Accepted a, boolean measure) {
    List<Long> arrivals;
    synchronized (lock) {
      if (measure) {
        measured.put(a.incidentId(), a);
      } else {
        ignored.add(a.incidentId());
      }
      arrivals = early.remove(a.incidentId());
    }
    if (measure && arrivals != null) {
      arrivals.forEach(at -> record(a, at));
    }
  }

  private void delivered(Subscriber sub, String incidentId, long at) {
    Phase.Accepted a;
    synchronized (lock) {
      if (ignored.contains(incidentId) || !delivered.add(sub.index() + "|" + incidentId)) {
        return;
      }
      a = measured.get(incidentId);
      if (a == null) {
        early.computeIfAbsent(incidentId, k -> new ArrayList<>()).add(at);
        return;
      }
    }
    record(a, at);
  }

  private void record(Phase.Accepted a, long at) {
    if (at < a.answeredNanos()) {
      beforeAnswer.incrementAndGet(); // the stream beat the HTTP answer: counted as no delay
    }
    delays.recordFrom(a.answeredNanos(), Math.max(at, a.answeredNanos()));
  }

  /** Events every subscriber should have received for the measured reports. */
  long expected() {
    synchronized (lock) {
      long n = 0;
      for (Phase.Accepted a : measured.values()) {
        for (Subscriber s : subscribers) {
          n += a.regionCode().startsWith(s.region()) ? 1 : 0;
        }
      }
      return n;
    }
  }

  /** Events received for the measured reports. */
  long received() {
    synchronized (lock) {
      return delays.count();
    }
  }

  /** Until every expected event came, or {@code limit} passed. */
  void awaitDeliveries(Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline && received() < expected()) {
      BenchHub.pause(Duration.ofMillis(200));
    }
  }

  int size() {
    return subscribers.size();
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
