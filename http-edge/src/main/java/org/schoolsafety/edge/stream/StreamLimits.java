package org.schoolsafety.edge.stream;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many live streams each principal has open on this node, with a cap per principal.
 *
 * <p>A slot is taken when the request is admitted, before the response starts; a connection
 * reset in between means the stream never runs, so nothing would ever end it. Every slot is
 * therefore a {@link Slot} that is released exactly once: when its stream ends, or by the
 * node's timer when its stream has not started within {@code startWithin}.
 */
public final class StreamLimits {

  private final int maxPerPrincipal;
  private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();
  private final AtomicInteger total = new AtomicInteger();

  public StreamLimits(int maxPerPrincipal) {
    this.maxPerPrincipal = maxPerPrincipal;
  }

  /** A principal's hold on one stream. */
  public final class Slot {
    private final String principal;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean released = new AtomicBoolean();

    private Slot(String principal) {
      this.principal = principal;
    }

    /** The stream is running: from now on only its end releases the slot. */
    public void started() {
      started.set(true);
    }

    /** Releases the slot unless its stream is running (called when the start deadline passes). */
    public void releaseIfNotStarted() {
      if (!started.get()) {
        release();
      }
    }

    /** Gives the slot back; a second call does nothing. */
    public void release() {
      if (released.compareAndSet(false, true)) {
        open.get(principal).decrementAndGet();
        total.decrementAndGet();
      }
    }
  }

  /** Takes a slot for the principal, or nothing when it has all it may have. */
  public Optional<Slot> tryOpen(String principal) {
    AtomicInteger count = open.computeIfAbsent(principal, p -> new AtomicInteger());
    if (count.incrementAndGet() > maxPerPrincipal) {
      count.decrementAndGet();
      return Optional.empty();
    }
    total.incrementAndGet();
    return Optional.of(new Slot(principal));
  }

  /** How long a stream may take from admission to running before its slot is taken back. */
  public static final Duration START_WITHIN = Duration.ofSeconds(10);

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
