package org.schoolsafety.edge;

import java.util.concurrent.atomic.AtomicReference;
import org.schoolsafety.edge.api.HealthRoutes;

/**
 * The "startup" readiness check: closed while whoever started the node still has work to do
 * before clients may come (the dev node registers the demo data and writes the dev tokens),
 * open for good afterwards. A node started without such work is open from the start.
 */
public final class StartupGate {

  /** What the node waits for; null once open. */
  private final AtomicReference<String> waitingFor;

  private StartupGate(String waitingFor) {
    this.waitingFor = new AtomicReference<>(waitingFor);
  }

  /** Open from the start: nothing to wait for. */
  public static StartupGate opened() {
    return new StartupGate(null);
  }

  /** Closed until {@link #open()}; {@code waitingFor} says why, in /health/ready. */
  public static StartupGate closedUntil(String waitingFor) {
    return new StartupGate(waitingFor);
  }

  /** The starter is done: the node may say it is ready. */
  public void open() {
    waitingFor.set(null);
  }

  public boolean isOpen() {
    return waitingFor.get() == null;
  }

  HealthRoutes.Check check() {
    String pending = waitingFor.get();
    return new HealthRoutes.Check("startup", pending == null, pending == null ? "complete" : "waiting for " + pending);
  }
}
