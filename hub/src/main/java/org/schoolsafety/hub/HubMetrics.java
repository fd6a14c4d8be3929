package org.schoolsafety.hub;

import java.time.Duration;

/**
 * What the domain reports for operations. The hub module knows no metrics library: the node
 * passes an implementation (Prometheus via Micrometer); tests and tools use {@link #NONE}.
 */
public interface HubMetrics {

  HubMetrics NONE = new HubMetrics() {};

  /** An entity's command reached the journal: from handling the command to the event being durable. */
  default void persisted(String entityType, Duration latency) {}

  /** A deadline passed and the next tier was notified. */
  default void escalated() {}

  /** A deadline passed at the top tier. */
  default void unanswered() {}
}
