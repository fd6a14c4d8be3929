package org.schoolsafety.hub.tip;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * What a tip needs from configuration ({@code hub.tip.*}, defaults in reference.conf): the
 * response deadline per priority (a tip still NEW after it goes to the county education agency),
 * how long a told agency has to acknowledge before the next tier is told, and the bounds of a
 * conversation.
 */
public record TipSettings(
    Map<TipPriority, Duration> responseDeadline,
    Duration ackDeadline,
    int maxMessages,
    Duration askTimeout,
    Duration redeliveryInterval,
    Duration idlePassivation) {

  public static TipSettings fromConfig(Config config) {
    Config hub = config.getConfig("hub");
    var deadlines = new EnumMap<TipPriority, Duration>(TipPriority.class);
    for (TipPriority p : TipPriority.values()) {
      deadlines.put(p, hub.getDuration("tip.response-deadline." + p.name()));
    }
    return new TipSettings(Map.copyOf(deadlines), hub.getDuration("tip.ack-deadline"),
        hub.getInt("tip.max-messages"), hub.getDuration("ask-timeout"),
        hub.getDuration("tip.redelivery-interval"), hub.getDuration("tip.idle-passivation"));
  }

  public Duration deadlineFor(TipPriority priority) {
    return responseDeadline.get(priority);
  }
}
