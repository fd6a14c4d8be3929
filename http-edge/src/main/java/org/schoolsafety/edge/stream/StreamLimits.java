package org.schoolsafety.edge.stream;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** How many live streams each principal has open on this node, with a cap per principal. */
public final class StreamLimits {

  private final int maxPerPrincipal;
  private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();
  private final AtomicInteger total = new AtomicInteger();

  public StreamLimits(int maxPerPrincipal) {
    this.maxPerPrincipal = maxPerPrincipal;
  }

  /** Takes a slot for the principal, or answers false when it has all it may have. */
  public boolean tryOpen(String principal) {
    AtomicInteger count = open.computeIfAbsent(principal, p -> new AtomicInteger());
    if (count.incrementAndGet() > maxPerPrincipal) {
      count.decrementAndGet();
      return false;
    }
    total.incrementAndGet();
    return true;
  }

  public void closed(String principal) {
    AtomicInteger count = open.get(principal);
    if (count != null) {
      count.decrementAndGet();
      total.decrementAndGet();
    }
  }

  /** Streams the principal has open now. */
  public int openBy(String principal) {
    AtomicInteger count = open.get(principal);
    return count == null ? 0 : count.get();
  }

  /** Streams open now, all principals together (a gauge for operations). */
  public int total() {
    return total.get();
  }

  public int maxPerPrincipal() {
    return maxPerPrincipal;
  }
}
