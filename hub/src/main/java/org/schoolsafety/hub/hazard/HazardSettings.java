package org.schoolsafety.hub.hazard;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * What a hazard needs from configuration ({@code hub.hazard.*}, defaults in reference.conf):
 * how long each tier has to get an overdue hazard rectified before the next one is told.
 */
public record HazardSettings(
    Duration escalationInterval, Duration askTimeout, Duration redeliveryInterval, Duration idlePassivation) {

  public static HazardSettings fromConfig(Config config) {
    Config hub = config.getConfig("hub");
    return new HazardSettings(
        hub.getDuration("hazard.escalation-interval"),
        hub.getDuration("ask-timeout"),
        hub.getDuration("hazard.redelivery-interval"),
        hub.getDuration("hazard.idle-passivation"));
  }
}
