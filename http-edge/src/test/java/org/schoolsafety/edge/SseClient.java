package org.schoolsafety.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A real Server-Sent Events client over java.net.http, as a command center would run one. */
final class SseClient implements AutoCloseable {

  /** {@code receivedNanos}: System.nanoTime() when the event had arrived whole. */
  record Event(long id, String type, JsonNode data, long receivedNanos) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final CompletableFuture<HttpResponse<Stream<String>>> response;
  private final CompletableFuture<Void> ended = new CompletableFuture<>();

  SseClient(int port, String path, String token, Long lastEventId) {
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer " + token)
        .header("Accept", "text/event-stream");
    if (lastEventId != null) {
      request.header("Last-Event-ID", String.valueOf(lastEventId));
    }
    response = HttpClient.newHttpClient().sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines());
    response.thenAccept(r -> {
      Thread reader = new Thread(() -> read(r.body()), "sse-reader");
      reader.setDaemon(true);
      reader.start();
    });
  }

  private void read(Stream<String> body) {
    long id = -1;
    String type = "message";
    StringBuilder data = new StringBuilder();
    try {
      for (String line : (Iterable<String>) body::iterator) {
        if (line.isEmpty()) {
          if (data.length() > 0) {
            events.add(new Event(id, type, JSON.readTree(data.toString()), System.nanoTime()));
          }
          type = "message";
          data.setLength(0);
        } else if (line.startsWith("id:")) {
          id = Long.parseLong(line.substring(3).strip());
        } else if (line.startsWith("event:")) {
          type = line.substring(6).strip();
        } else if (line.startsWith("data:")) {
          data.append(line.substring(5).strip());
        }
      }
      ended.complete(null);
    } catch (IOException | RuntimeException e) {
      // closed
      ended.completeExceptionally(e);
    }
  }

  /**
   * Completes when the server has ended the stream: normally when it ended the response cleanly
   * (the last chunk), exceptionally when the connection broke off (or this client closed it).
   */
  CompletableFuture<Void> ended() {
    return ended;
  }

  int status() throws Exception {
    // From the response itself: the callback that records it may not have run yet.
    return response.get(30, TimeUnit.SECONDS).statusCode();
  }

  /** The next {@code count} events, waiting up to {@code timeout} for them. */
  List<Event> take(int count, Duration timeout) throws InterruptedException {
    var taken = new ArrayList<Event>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (taken.size() < count) {
      Event e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (e == null) {
        break;
      }
      taken.add(e);
    }
    return taken;
  }

  /** Events until one satisfies {@code last} (inclusive), or the timeout. */
  List<Event> until(java.util.function.Predicate<Event> last, Duration timeout) throws InterruptedException {
    var taken = new ArrayList<Event>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Event e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (e == null) {
        return taken;
      }
      taken.add(e);
      if (last.test(e)) {
        return taken;
      }
    }
  }

  List<Event> drained() {
    var rest = new ArrayList<Event>();
    events.drainTo(rest);
    return rest;
  }

  @Override
  public void close() {
    HttpResponse<Stream<String>> answered = response.getNow(null);
    if (answered != null) {
      answered.body().close();
    } else {
      response.cancel(true);
    }
  }
}
