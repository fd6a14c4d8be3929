package org.schoolsafety.edge;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;

/**
 * Whether {@code CompletableFuture} starts a thread per callback in this JVM.
 *
 * <p>Pekko's Java API hands out Scala's {@code CompletableFuture} wrappers, which run every
 * callback ({@code thenApply}, {@code whenComplete}, ...) asynchronously on the JDK's default
 * executor. That executor is the common fork-join pool only when the pool's parallelism is above
 * 1; the JDK sets it to cores - 1, so on a 2-core machine (this project's CI, a pod with 2 CPUs)
 * every such callback got a new thread: 13,113 threads in 60 s of the 20 reports/s benchmark
 * (docs/PERFORMANCE.md). The JDK fixes the choice before {@code main} runs, so it can only be
 * made on the command line: {@code bin/hub} passes {@value #PARALLELISM} (at least 2), and the
 * node warns at start when it runs without.
 */
public final class CommonPool {

  public static final String PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

  private CommonPool() {}

  /** Says on {@code err} when callbacks get a thread each; returns whether they run on the pool. */
  public static boolean warnIfThreadPerCallback(java.io.PrintStream err) {
    boolean pooled = callbacksRunOnThePool();
    if (!pooled) {
      err.println("warning: CompletableFuture callbacks start a thread each in this JVM (common pool parallelism "
          + ForkJoinPool.getCommonPoolParallelism() + ", " + Runtime.getRuntime().availableProcessors()
          + " cores); start it with -D" + PARALLELISM + "=2 (bin/hub does)");
    }
    return pooled;
  }

  /** Whether asynchronous CompletableFuture callbacks run on the common pool (not a new thread each). */
  public static boolean callbacksRunOnThePool() {
    return new CompletableFuture<Void>().defaultExecutor() instanceof ForkJoinPool;
  }
}
