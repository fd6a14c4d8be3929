package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The node's JVM runs CompletableFuture callbacks on the common pool, never on a new thread each. */
class CommonPoolTest {

  @Test
  void theCommonPoolHasAtLeastTwoThreadsSoAsyncCallbacksRunOnIt() throws Exception {
    // The test JVMs get the flag as bin/hub's JVMs do (argLine in the root pom).
    assertThat(CommonPool.warnIfThreadPerCallback(System.err)).isTrue();
    assertThat(ForkJoinPool.getCommonPoolParallelism()).isGreaterThanOrEqualTo(2);
    // With a parallelism of 1 the JDK's default executor is a new thread per task, whose threads
    // are not fork-join workers.
    var ranOn = new AtomicReference<Thread>();
    CompletableFuture.runAsync(() -> ranOn.set(Thread.currentThread())).get();
    assertThat(ranOn.get()).isInstanceOf(java.util.concurrent.ForkJoinWorkerThread.class);
  }
}
