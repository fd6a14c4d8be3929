package org.schoolsafety.sim.hub;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A Server-Sent Events subscription that stays up: it reconnects after any failure and resumes
 * with {@code Last-Event-ID}, so no event is lost or seen twice (docs/API.md, "Live streams").
 * One reader thread per stream.
 */
public final class SseStream implements AutoCloseable {

  public record Event(long id, String type, JsonNode data) {}

  /** What the stream tells its owner besides events. */
  public interface Listener {
    void onEvent(Event event);

    /** Connected (again); {@code resumed}: with Last-Event-ID, so nothing was missed. */
    default void onConnected(boolean first, boolean resumed) {}

    default void onTrouble(String message) {}
  }

  private static final Duration IDLE_LIMIT = Duration.ofSeconds(45); // heartbeats come every 15 s

  private final HttpClient client;
  private final URI uri;
  private final Supplier<String> token;
  private final Listener listener;
  private final Thread reader;
  private final CompletableFuture<Void> connected = new CompletableFuture<>();
  private volatile boolean closed;
  private volatile InputStream current;
  private volatile long lastId = -1;
  private volatile long lastLineNanos = System.nanoTime();
  private int connects;

  public SseStream(HttpClient client, URI uri, Supplier<String> token, String name, Listener listener) {
    this.client = client;
    this.uri = uri;
    this.token = token;
    this.listener = listener;
    this.reader = new Thread(this::run, "sse-" + name);
    this.reader.setDaemon(true);
  }

  public SseStream start() {
    reader.start();
    return this;
  }

  /** Completes once the first connection is open (the hub has fixed where the stream starts). */
  public CompletableFuture<Void> connected() {
    return connected;
  }

  /** Closes the connection when nothing, not even a heartbeat, came for a while; it then reconnects. */
  public void checkIdle() {
    InputStream in = current;
    if (in != null && System.nanoTime() - lastLineNanos > IDLE_LIMIT.toNanos()) {
      listener.onTrouble(uri.getPath() + ": nothing received for " + IDLE_LIMIT.toSeconds() + " s, reconnecting");
      closeQuietly(in);
    }
  }

  private void run() {
    Duration backoff = Duration.ofMillis(250);
    while (!closed) {
      try {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(30)) // until the answer's headers
            .header("Authorization", "Bearer " + token.get())
            .header("Accept", "text/event-stream");
        boolean resuming = lastId >= 0;
        if (resuming) {
          request.header("Last-Event-ID", String.valueOf(lastId));
        }
        HttpResponse<InputStream> response = client.send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
          String body = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
          response.body().close();
          listener.onTrouble(uri.getPath() + " answered " + response.statusCode() + " " + body);
          if (response.statusCode() == 401 || response.statusCode() == 403 || response.statusCode() == 404) {
            connected.completeExceptionally(new IllegalStateException(
                uri.getPath() + " answered " + response.statusCode() + ": " + body));
            return;
          }
          pause(response.statusCode() == 429 ? Duration.ofSeconds(5) : backoff);
          backoff = next(backoff);
          continue;
        }
        current = response.body();
        lastLineNanos = System.nanoTime();
        connects++;
        listener.onConnected(connects == 1, resuming);
        connected.complete(null);
        backoff = Duration.ofMillis(250);
        read(response.body());
      } catch (IOException e) {
        if (!closed) {
          listener.onTrouble(uri.getPath() + ": " + e);
        }
      } catch (InterruptedException e) {
        return;
      } finally {
        InputStream in = current;
        current = null;
        if (in != null) {
          closeQuietly(in);
        }
      }
      if (!closed) {
        pause(backoff);
        backoff = next(backoff);
      }
    }
  }

  private void read(InputStream body) throws IOException {
    var lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    long id = -1;
    String type = "message";
    var data = new StringBuilder();
    String line;
    while (!closed && (line = lines.readLine()) != null) {
      lastLineNanos = System.nanoTime();
      if (line.isEmpty()) {
        if (data.length() > 0) {
          JsonNode json;
          try {
            json = HubHttp.JSON.readTree(data.toString());
          } catch (IOException e) {
            listener.onTrouble(uri.getPath() + ": unreadable event " + id + ": " + e.getMessage());
            json = null;
          }
          if (json != null) {
            listener.onEvent(new Event(id, type, json));
          }
          if (id >= 0) {
            lastId = id;
          }
        }
        id = -1;
        type = "message";
        data.setLength(0);
      } else if (line.startsWith(":")) {
        // heartbeat
      } else if (line.startsWith("id:")) {
        try {
          id = Long.parseLong(line.substring(3).strip());
        } catch (NumberFormatException e) {
          id = -1;
        }
      } else if (line.startsWith("event:")) {
        type = line.substring(6).strip();
      } else if (line.startsWith("data:")) {
        if (data.length() > 0) {
          data.append('\n');
        }
        data.append(line.substring(5).strip());
      }
    }
  }

  private static Duration next(Duration backoff) {
    return backoff.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : backoff.multipliedBy(2);
  }

  private void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException | RuntimeException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    closed = true;
    InputStream in = current;
    if (in != null) {
      closeQuietly(in);
    }
    reader.interrupt();
    if (!connected.isDone()) {
      connected.completeExceptionally(new IllegalStateException("closed"));
    }
  }
}
