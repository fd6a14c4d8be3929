package org.schoolsafety.sim.bench;

/** The benchmark could not run (hub not ready, setup refused, storage unreachable); exit status 1. */
public final class BenchFailed extends RuntimeException {
  public BenchFailed(String message) {
    super(message);
  }

  public BenchFailed(String message, Throwable cause) {
    super(message, cause);
  }
}
