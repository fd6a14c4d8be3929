package org.schoolsafety.edge.api;

import java.util.concurrent.CompletableFuture;

/** What the routes need to know about storage: whether writes can be made durable now. */
public interface StorageStatus {

  /** True while storage is known to be unavailable. */
  boolean isDown();

  /**
   * A future that completes (with the reason) if storage goes down before {@link #unwatch} is
   * called with it; completed already when storage is down now.
   */
  CompletableFuture<String> watch();

  /** Stops watching: the request is answered. */
  void unwatch(CompletableFuture<String> watch);
}
