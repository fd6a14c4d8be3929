package org.schoolsafety.hub.webhook;

import com.typesafe.config.Config;
import java.time.Duration;

/** What webhook delivery needs from configuration ({@code hub.webhooks.*}, defaults in reference.conf). */
public record WebhookSettings(
    Duration pollInterval,
    int batchSize,
    int maxInFlight,
    int maxPerAgency,
    int deadLettersKept,
    Duration minBackoff,
    Duration maxBackoff,
    double randomFactor,
    Duration retryFor,
    Duration idlePassivation) {

  public static WebhookSettings fromConfig(Config config) {
    Config w = config.getConfig("hub.webhooks");
    return new WebhookSettings(w.getDuration("poll-interval"), w.getInt("batch-size"), w.getInt("max-in-flight"),
        w.getInt("max-per-agency"), w.getInt("dead-letters-kept"), w.getDuration("retry.min-backoff"),
        w.getDuration("retry.max-backoff"), w.getDouble("retry.random-factor"), w.getDuration("retry.retry-for"),
        w.getDuration("idle-passivation"));
  }

  /** The wait after the {@code failures}-th failed attempt: doubling from min to max, with jitter. */
  public Duration backoff(int failures, double random) {
    double base = minBackoff.toMillis() * Math.pow(2, Math.min(30, Math.max(0, failures - 1)));
    double capped = Math.min(base, maxBackoff.toMillis());
    return Duration.ofMillis((long) (capped * (1 + randomFactor * random)));
  }
}
