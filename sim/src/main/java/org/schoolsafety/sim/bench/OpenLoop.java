package org.schoolsafety.sim.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * Plays a schedule open loop: request i is handed to {@code send} at {@code start + offsets[i]},
 * whatever became of the earlier ones — a slow hub makes requests queue (and the queueing counts
 * as latency from the intended time), it never makes the schedule later. One thread; sending must
 * not block (HubHttp queues beyond its concurrency).
 */
public final class OpenLoop {

  public interface Send {
    void send(int index, long intendedNanos);
  }

  private OpenLoop() {}

  /** Starts playing; completes once every request has been handed over. */
  public static CompletableFuture<Void> play(String name, long startNanos, long[] offsets, Send send) {
    var done = new CompletableFuture<Void>();
    Thread thread = new Thread(() -> {
      try {
        for (int i = 0; i < offsets.length; i++) {
          long intended = startNanos + offsets[i];
          long wait;
          while ((wait = intended - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
            if (Thread.interrupted()) {
              done.completeExceptionally(new InterruptedException("interrupted at request " + i));
              return;
            }
          }
          send.send(i, intended);
        }
        done.complete(null);
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    }, "open-loop-" + name);
    thread.setDaemon(true);
    thread.start();
    return done;
  }
}
