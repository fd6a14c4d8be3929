package org.schoolsafety.hub;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The notices an entity owes other entities (agency inboxes, school lists, prevention records),
 * delivered at least once: a notice stays until its receiver confirms it, and a failed one is
 * offered again. One notice per receiver is in flight at a time, and a newer notice for a receiver
 * replaces the one still waiting, so a receiver never sees an older notice after a newer one.
 *
 * <p>Not thread-safe: it lives inside one actor and is used from its message handling only. The
 * entity keeps its own redelivery timer (its command types differ), started by {@code retryLater}.
 *
 * @param <N> the notices' type
 */
public final class NoticeOutbox<N> {

  /** Asks {@code target} to take {@code notice}; false when this setup has no such receiver. */
  @FunctionalInterface
  public interface Sender<N> {
    boolean send(String target, N notice);
  }

  private final Map<String, N> waiting = new LinkedHashMap<>();
  private final Map<String, N> inFlight = new HashMap<>();
  private final Sender<N> sender;
  private final Runnable retryLater;

  public NoticeOutbox(Sender<N> sender, Runnable retryLater) {
    this.sender = sender;
    this.retryLater = retryLater;
  }

  /** Sends, for each receiver, the notice that differs between two descriptions of the entity. */
  public void sendChanges(Map<String, ? extends N> before, Map<String, ? extends N> after) {
    after.forEach((target, notice) -> {
      if (!notice.equals(before.get(target))) {
        waiting.put(target, notice);
      }
    });
    flush();
  }

  /** Sends every notice again (after recovery: one may have been in flight when the entity stopped). */
  public void sendAll(Map<String, ? extends N> notices) {
    waiting.putAll(notices);
    flush();
  }

  /**
   * The receiver answered, or did not in time. Returns true when the notice will be offered again
   * (the entity's redelivery timer was asked for).
   */
  public boolean settled(String target, boolean delivered) {
    N sent = inFlight.remove(target);
    if (!delivered && sent != null) {
      waiting.putIfAbsent(target, sent);
      retryLater.run();
      return true;
    }
    flush();
    return false;
  }

  /** Sends what is waiting to every receiver that has nothing in flight. */
  public void flush() {
    for (String target : List.copyOf(waiting.keySet())) {
      if (!inFlight.containsKey(target)) {
        N notice = waiting.remove(target);
        inFlight.put(target, notice);
        if (!sender.send(target, notice)) {
          inFlight.remove(target);
        }
      }
    }
  }

  public boolean isIdle() {
    return waiting.isEmpty() && inFlight.isEmpty();
  }
}
