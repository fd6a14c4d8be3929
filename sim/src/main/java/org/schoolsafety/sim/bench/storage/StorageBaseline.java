package org.schoolsafety.sim.bench.storage;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.schoolsafety.sim.bench.Arrivals;
import org.schoolsafety.sim.bench.ErrorKinds;
import org.schoolsafety.sim.bench.Latencies;
import org.schoolsafety.sim.bench.OpenLoop;
import org.schoolsafety.sim.hub.HubHttp;

/**
 * The storage limit the hub is measured against: single-row inserts of a report's size, straight
 * into the hub's Cassandra node through the CQL driver, at the journal's consistency level and the
 * benchmark's concurrency. Nothing else happens per row — no actor, no HTTP, no tags, no read
 * side — so the ratio of the hub's report rate to this rate is what the hub's own work costs.
 *
 * <p>Closed loop (no rate): {@code concurrency} inserts are always in flight, as fast as the node
 * takes them; the latencies are corrected for coordinated omission with the interval each worker
 * was seen to need during the warmup. Open loop (a rate): Poisson arrivals, latency from the
 * intended time, at most {@code concurrency} in flight and the rest queued.
 */
public final class StorageBaseline {

  /** Inserts one row. */
  interface Table {
    CompletionStage<?> insert(String id, ByteBuffer payload);
  }

  /** {@code offeredRate} null for the closed loop. */
  public record Result(Double offeredRate, double achievedRate, long rows, double seconds, Latencies.Summary latency,
      Map<String, Long> errors, int payloadBytes, int concurrency, String consistency) {}

  /** Ids cycle through a million rows, so repeated runs overwrite instead of growing the table. */
  private static final int ID_SPACE = 1_000_000;

  private StorageBaseline() {}

  public static Result run(CassandraNode node, int payloadBytes, int concurrency, Duration warmup, Duration duration,
      Double rate, long seed) {
    Table table = node.baselineTable();
    byte[] bytes = new byte[payloadBytes];
    new Random(seed).nextBytes(bytes); // incompressible, like a serialized event would roughly be
    ByteBuffer payload = ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    return rate == null
        ? closedLoop(table, payload, concurrency, warmup, duration)
        : openLoop(table, payload, concurrency, warmup, duration, rate, seed);
  }

  private static Result closedLoop(Table table, ByteBuffer payload, int concurrency, Duration warmup, Duration duration) {
    long begin = System.nanoTime();
    var run = new ClosedLoop(table, payload, begin + warmup.toNanos(), begin + warmup.toNanos() + duration.toNanos(),
        concurrency);
    if (!warmup.isZero()) {
      // calibrate: the interval a worker needs per insert at full speed, for the omission correction
      run.start(begin + warmup.toNanos(), concurrency);
      run.await();
      double warmupRate = run.warmupRows.get() / (warmup.toNanos() / 1e9);
      run.expectedIntervalNanos = warmupRate > 0 ? (long) (concurrency * 1e9 / warmupRate) : 0;
    }
    run.start(run.end, concurrency);
    run.await();
    double seconds = Math.max(1e-9, (run.lastAnswer.get() - run.measureFrom) / 1e9);
    long rows = run.measuredRows.get();
    return new Result(null, rows / seconds, rows, seconds, run.latencies.summary(), run.errors.byKind(),
        payload.remaining(), concurrency, CassandraNode.JOURNAL_CONSISTENCY);
  }

  /** {@code concurrency} workers, each inserting again as soon as its last insert is answered. */
  private static final class ClosedLoop {
    final Table table;
    final ByteBuffer payload;
    final long measureFrom;
    final long end;
    final Latencies latencies = new Latencies();
    final ErrorKinds errors = new ErrorKinds();
    final AtomicLong sequence = new AtomicLong();
    final AtomicLong warmupRows = new AtomicLong();
    final AtomicLong measuredRows = new AtomicLong();
    final AtomicLong lastAnswer = new AtomicLong();
    volatile long expectedIntervalNanos;
    volatile long until;
    volatile CountDownLatch running;

    ClosedLoop(Table table, ByteBuffer payload, long measureFrom, long end, int concurrency) {
      this.table = table;
      this.payload = payload;
      this.measureFrom = measureFrom;
      this.end = end;
      this.lastAnswer.set(measureFrom);
    }

    void start(long until, int workers) {
      this.until = until;
      this.running = new CountDownLatch(workers);
      for (int i = 0; i < workers; i++) {
        work();
      }
    }

    void await() {
      try {
        if (!running.await(until - System.nanoTime() + TimeUnit.SECONDS.toNanos(60), TimeUnit.NANOSECONDS)) {
          errors.add("baseline:unfinished");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** One worker: loops while answers come synchronously, continues in the callback otherwise. */
    void work() {
      while (true) {
        long started = System.nanoTime();
        if (started >= until) {
          running.countDown();
          return;
        }
        String id = "r" + (sequence.getAndIncrement() % ID_SPACE);
        CompletableFuture<?> insert;
        try {
          insert = table.insert(id, payload).toCompletableFuture();
        } catch (RuntimeException e) {
          insert = CompletableFuture.failedFuture(e);
        }
        if (!insert.isDone()) {
          insert.whenComplete((ok, failure) -> {
            answered(started, failure);
            work();
          });
          return;
        }
        Throwable failure = null;
        try {
          insert.join();
        } catch (RuntimeException e) {
          failure = e;
        }
        answered(started, failure);
      }
    }

    void answered(long started, Throwable failure) {
      long now = System.nanoTime();
      if (failure != null) {
        errors.add("insert:" + ErrorKinds.of(failure));
        return;
      }
      if (started < measureFrom) {
        warmupRows.incrementAndGet();
        return;
      }
      measuredRows.incrementAndGet();
      lastAnswer.accumulateAndGet(now, Math::max);
      long interval = expectedIntervalNanos;
      if (interval > 0) {
        latencies.recordExpecting(now - started, interval);
      } else {
        latencies.recordFrom(started, now);
      }
    }
  }

  private static Result openLoop(Table table, ByteBuffer payload, int concurrency, Duration warmup, Duration duration,
      double rate, long seed) {
    long[] offsets = Arrivals.poisson(rate, warmup.plus(duration), seed);
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
    long measureFrom = start + warmup.toNanos();
    var latencies = new Latencies();
    var errors = new ErrorKinds();
    var limit = new HubHttp.Limiter(concurrency);
    var rows = new AtomicLong();
    var lastAnswer = new AtomicLong(measureFrom);
    var pending = new CountDownLatch(offsets.length);
    OpenLoop.play("baseline", start, offsets, (i, intended) -> limit.run(() -> {
      CompletionStage<?> insert = table.insert("r" + (i % ID_SPACE), payload);
      return insert.whenComplete((ok, failure) -> {
        long now = System.nanoTime();
        if (failure != null) {
          errors.add("insert:" + ErrorKinds.of(failure));
        } else if (intended >= measureFrom) {
          rows.incrementAndGet();
          latencies.recordFrom(intended, now);
          lastAnswer.accumulateAndGet(now, Math::max);
        }
        pending.countDown();
      });
    })).join();
    try {
      if (!pending.await(60, TimeUnit.SECONDS)) {
        errors.add("insert:unanswered", pending.getCount());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    double seconds = Math.max(duration.toNanos(), lastAnswer.get() - measureFrom) / 1e9;
    return new Result(rate, rows.get() / seconds, rows.get(), seconds, latencies.summary(), errors.byKind(),
        payload.remaining(), concurrency, CassandraNode.JOURNAL_CONSISTENCY);
  }
}
