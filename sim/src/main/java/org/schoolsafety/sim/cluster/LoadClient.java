package org.schoolsafety.sim.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The failover harness's HTTP client: every request goes to one of the nodes, and a request
 * that fails in a retriable way (connection refused, timeout, 503) is retried on the next node
 * with the same body (so the same clientRef) until it succeeds or runs out of attempts. Every
 * outcome is counted by kind.
 */
final class LoadClient {

  static final ObjectMapper JSON = new ObjectMapper();

  record Answer(int status, JsonNode body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final List<Integer> ports;
  private final Duration requestTimeout;
  private final AtomicInteger next = new AtomicInteger();
  final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
  final AtomicLong hangs = new AtomicLong();
  /** The slowest 503 answer: how fast the hub says "not now" while storage is gone. */
  final AtomicLong slowest503Nanos = new AtomicLong();

  LoadClient(List<Integer> ports, Duration requestTimeout) {
    this.ports = ports;
    this.requestTimeout = requestTimeout;
  }

  Answer get(String token, String path, int attempts) {
    return send(token, "GET", path, null, attempts);
  }

  Answer post(String token, String path, Object body, int attempts) {
    return send(token, "POST", path, body, attempts);
  }

  private Answer send(String token, String method, String path, Object body, int attempts) {
    Answer last = new Answer(0, null);
    for (int attempt = 0; attempt < attempts; attempt++) {
      int port = ports.get(Math.floorMod(next.getAndIncrement(), ports.size()));
      last = once(port, token, method, path, body);
      if (last.status() == 429) {
        // Over the principal's rate limit (20/s after a burst of 100): it refills within a second.
        backoff(10);
        continue;
      }
      if (last.status() != 0 && last.status() != 503) {
        return last;
      }
      backoff(attempt);
    }
    return last;
  }

  private Answer once(int port, String token, String method, String path, Object body) {
    long started = System.nanoTime();
    try {
      var builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(requestTimeout)
          .header("Authorization", "Bearer " + token);
      if (body == null) {
        builder.GET();
      } else {
        builder.header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      }
      var response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
      count(response.statusCode() >= 200 && response.statusCode() < 300 ? "2xx" : String.valueOf(response.statusCode()));
      if (response.statusCode() == 503) {
        slowest503Nanos.accumulateAndGet(System.nanoTime() - started, Math::max);
      }
      JsonNode json = response.body().isEmpty() ? null : JSON.readTree(response.body());
      return new Answer(response.statusCode(), json);
    } catch (HttpConnectTimeoutException | ConnectException e) {
      count("connection-refused");
    } catch (HttpTimeoutException e) {
      count("client-timeout");
      if (System.nanoTime() - started > requestTimeout.toNanos()) {
        hangs.incrementAndGet();
      }
    } catch (IOException e) {
      count("connection-closed");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return new Answer(0, null);
  }

  private void count(String kind) {
    outcomes.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
  }

  private static void backoff(int attempt) {
    try {
      Thread.sleep(Math.min(2000, 100L << Math.min(attempt, 5)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
