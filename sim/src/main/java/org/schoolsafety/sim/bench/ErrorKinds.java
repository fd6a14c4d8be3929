package org.schoolsafety.sim.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Errors counted by kind, e.g. {@code report:http-503}, {@code ack:timeout}, {@code stream:lost-event}. */
public final class ErrorKinds {

  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  public void add(String kind) {
    add(kind, 1);
  }

  public void add(String kind, long n) {
    if (n > 0) {
      counts.computeIfAbsent(kind, k -> new LongAdder()).add(n);
    }
  }

  public long total() {
    return counts.values().stream().mapToLong(LongAdder::sum).sum();
  }

  public Map<String, Long> byKind() {
    var copy = new TreeMap<String, Long>();
    counts.forEach((k, v) -> copy.put(k, v.sum()));
    return copy;
  }

  /** The kind of a failed request: what the hub answered, or why there was no answer. */
  public static String of(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof java.net.http.HttpTimeoutException) {
      return "timeout";
    }
    if (t instanceof java.net.ConnectException) {
      return "connect";
    }
    if (t instanceof java.io.IOException) {
      return "io";
    }
    return t.getClass().getSimpleName();
  }
}
