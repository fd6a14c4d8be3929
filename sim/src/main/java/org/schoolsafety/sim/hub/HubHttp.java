package org.schoolsafety.sim.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The simulator's HTTP client of the hub (java.net.http, HTTP/1.1). At most {@code concurrency}
 * requests are in flight; the rest wait in order, so that thousands of scheduled reports do not
 * open thousands of connections. Answers 429 (for up to ten minutes) and 503 (up to eight
 * attempts) are retried after {@code Retry-After};
 * network failures and timeouts are retried for requests that are safe to repeat (a report
 * carries its clientRef, acknowledging and closing twice are no-ops). Latency is measured from
 * the request's intended time.
 */
public final class HubHttp implements AutoCloseable {

  private static final int MAX_ATTEMPTS = 8;
  /** A 429 changed nothing and says when to come back: retried for this long, however often. */
  private static final long RATE_LIMITED_BUDGET_NANOS = TimeUnit.MINUTES.toNanos(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  public static final ObjectMapper JSON = new ObjectMapper();

  /** An answer; {@code body} is null when it was not JSON. */
  public record Response(int status, JsonNode body, Map<String, String> headers, int attempts) {
    public boolean ok() {
      return status >= 200 && status < 300;
    }

    public String header(String name) {
      return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    /** The problem's detail, or the status. */
    public String describe() {
      String detail = body != null && body.hasNonNull("detail") ? body.get("detail").asText() : "";
      return status + (detail.isEmpty() ? "" : " " + detail);
    }
  }

  /**
   * One request. {@code label} groups it in the client statistics; {@code intendedNanos} is the
   * System.nanoTime() it was scheduled for; {@code safeToRepeat}: may be resent after a timeout.
   */
  public record Call(String method, String path, Object body, Supplier<String> token, String label,
      long intendedNanos, boolean safeToRepeat) {

    public static Call get(String path, Supplier<String> token, String label) {
      return new Call("GET", path, null, token, label, System.nanoTime(), true);
    }

    public static Call post(String path, Object body, Supplier<String> token, String label, boolean safeToRepeat) {
      return new Call("POST", path, body, token, label, System.nanoTime(), safeToRepeat);
    }

    public Call at(long intendedNanos) {
      return new Call(method, path, body, token, label, intendedNanos, safeToRepeat);
    }
  }

  private final URI base;
  private final HttpClient client;
  private final ScheduledExecutorService scheduler;
  private final ClientStats stats;
  private final Limiter limiter;

  public HubHttp(URI base, int concurrency, ScheduledExecutorService scheduler, ClientStats stats) {
    this.base = base;
    this.scheduler = scheduler;
    this.stats = stats;
    this.limiter = new Limiter(concurrency);
    this.client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  public URI base() {
    return base;
  }

  public HttpClient client() {
    return client;
  }

  public ClientStats stats() {
    return stats;
  }

  /** Requests waiting for a free slot. */
  public int queued() {
    return limiter.waiting();
  }

  public static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** Sends the call (with retries) and completes with its final answer, whatever the status. */
  public CompletableFuture<Response> send(Call call) {
    byte[] body;
    try {
      body = call.body() == null ? null
          : call.body() instanceof byte[] bytes ? bytes : JSON.writeValueAsBytes(call.body());
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    var result = new CompletableFuture<Response>();
    attempt(call, body, 1, System.nanoTime(), result);
    return result;
  }

  /** Sends and waits; for setup and read-back. */
  public Response call(Call call) {
    try {
      return send(call).join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new HubUnreachable(call.method() + " " + call.path() + " failed: " + cause, cause);
    }
  }

  private void attempt(Call call, byte[] body, int attempt, long firstNanos, CompletableFuture<Response> result) {
    limiter.run(() -> {
      try {
        return sendOnce(call, body, attempt, firstNanos, result);
      } catch (RuntimeException e) {
        stats.failed(call.label());
        result.completeExceptionally(e);
        return CompletableFuture.completedFuture(null);
      }
    });
  }

  private CompletableFuture<?> sendOnce(Call call, byte[] body, int attempt, long firstNanos,
      CompletableFuture<Response> result) {
    {
      HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(call.path()))
          .timeout(REQUEST_TIMEOUT)
          .header("Authorization", "Bearer " + call.token().get())
          .header("Accept", "application/json");
      if (body != null) {
        request.header("Content-Type", "application/json").method(call.method(), HttpRequest.BodyPublishers.ofByteArray(body));
      } else {
        request.method(call.method(), HttpRequest.BodyPublishers.noBody());
      }
      return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray())
          .handle((response, failure) -> {
            if (failure != null) {
              Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
              boolean retryable = cause instanceof ConnectException
                  || (call.safeToRepeat() && (cause instanceof IOException));
              if (retryable && attempt < MAX_ATTEMPTS) {
                stats.retried(call.label(), cause.getClass().getSimpleName());
                retryLater(call, body, attempt, firstNanos, result, backoff(attempt));
              } else {
                stats.failed(call.label());
                result.completeExceptionally(cause);
              }
              return null;
            }
            int status = response.statusCode();
            boolean retry = status == 429 ? System.nanoTime() - firstNanos < RATE_LIMITED_BUDGET_NANOS
                : status == 503 && attempt < MAX_ATTEMPTS;
            if (retry) {
              stats.retried(call.label(), "http-" + status);
              retryLater(call, body, attempt, firstNanos, result,
                  retryAfter(response).orElse(backoff(Math.min(attempt, MAX_ATTEMPTS))));
              return null;
            }
            stats.answered(call.label(), status, System.nanoTime() - call.intendedNanos());
            result.complete(new Response(status, parse(response), headers(response), attempt));
            return null;
          });
    }
  }

  private void retryLater(Call call, byte[] body, int attempt, long firstNanos, CompletableFuture<Response> result,
      Duration delay) {
    scheduler.schedule(() -> attempt(call, body, attempt + 1, firstNanos, result), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static Duration backoff(int attempt) {
    return Duration.ofMillis(Math.min(5_000, 250L << Math.min(attempt - 1, 5)));
  }

  private static Optional<Duration> retryAfter(HttpResponse<?> response) {
    return response.headers().firstValue("Retry-After").flatMap(v -> {
      try {
        long seconds = Long.parseLong(v.strip());
        return Optional.of(Duration.ofMillis(Math.max(100, Math.min(10_000, seconds * 1000))));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    });
  }

  private static JsonNode parse(HttpResponse<byte[]> response) {
    String type = response.headers().firstValue("Content-Type").orElse("");
    if (!type.contains("json") || response.body().length == 0) {
      return null;
    }
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      return null;
    }
  }

  private static Map<String, String> headers(HttpResponse<?> response) {
    var headers = new LinkedHashMap<String, String>();
    response.headers().map().forEach((name, values) -> {
      if (!values.isEmpty()) {
        headers.put(name.toLowerCase(java.util.Locale.ROOT), values.get(0));
      }
    });
    return headers;
  }

  /** Whether a failure is a timeout (for messages). */
  /**
   * Waits up to {@code within} for {@code /health/ready} to answer 200. Empty once the hub is
   * ready; otherwise the last thing it answered (or why it did not).
   */
  public Optional<String> awaitReady(Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      try {
        Response r = send(Call.get("/health/ready", () -> "none", "setup")).get(15, TimeUnit.SECONDS);
        if (r.status() == 200) {
          return Optional.empty();
        }
        last = "status " + r.status();
      } catch (Exception e) {
        last = e.getCause() != null ? e.getCause().toString() : e.toString();
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.of("interrupted");
      }
    }
    return Optional.of(last);
  }

  public static boolean isTimeout(Throwable t) {
    return t instanceof HttpTimeoutException;
  }

  @Override
  public void close() {
    // java.net.http's client has no close before JDK 21; its threads are daemons
  }

  /** The hub did not answer at all (after retries). */
  public static final class HubUnreachable extends RuntimeException {
    HubUnreachable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * At most {@code permits} tasks in flight; the others start in arrival order as slots free up.
   * The hub client queues its requests with one, the storage baseline its inserts, so that both
   * queue alike under an open-loop schedule.
   */
  public static final class Limiter {
    private final ArrayDeque<Supplier<? extends CompletionStage<?>>> waiting = new ArrayDeque<>();
    private int available;

    public Limiter(int permits) {
      this.available = permits;
    }

    public void run(Supplier<? extends CompletionStage<?>> task) {
      synchronized (this) {
        if (available == 0) {
          waiting.add(task);
          return;
        }
        available--;
      }
      start(task);
    }

    synchronized int waiting() {
      return waiting.size();
    }

    private void start(Supplier<? extends CompletionStage<?>> task) {
      CompletionStage<?> running;
      try {
        running = task.get();
      } catch (RuntimeException e) {
        running = CompletableFuture.failedFuture(e);
      }
      running.whenComplete((ok, failure) -> release());
    }

    private void release() {
      Supplier<? extends CompletionStage<?>> next;
      synchronized (this) {
        next = waiting.poll();
        if (next == null) {
          available++;
          return;
        }
      }
      start(next);
    }
  }
}
