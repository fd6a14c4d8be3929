package org.schoolsafety.sim.run;

/** The drill cannot go on; the message says why and what to do. */
public final class DrillFailed extends RuntimeException {
  public DrillFailed(String message) {
    super(message);
  }

  public DrillFailed(String message, Throwable cause) {
    super(message, cause);
  }
}
