package org.schoolsafety.sim.bench;

import java.util.ArrayDeque;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * At most {@code limit} operations in flight; the others wait in arrival order. For the open-loop
 * baseline, so that its inserts queue like the hub's requests do in HubHttp.
 */
public final class InFlight {

  private final ArrayDeque<Supplier<? extends CompletionStage<?>>> waiting = new ArrayDeque<>();
  private int available;

  public InFlight(int limit) {
    this.available = limit;
  }

  public void run(Supplier<? extends CompletionStage<?>> operation) {
    synchronized (this) {
      if (available == 0) {
        waiting.add(operation);
        return;
      }
      available--;
    }
    start(operation);
  }

  private void start(Supplier<? extends CompletionStage<?>> operation) {
    CompletionStage<?> running;
    try {
      running = operation.get();
    } catch (RuntimeException e) {
      running = java.util.concurrent.CompletableFuture.failedFuture(e);
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
