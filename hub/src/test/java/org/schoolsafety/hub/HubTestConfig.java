package org.schoolsafety.hub;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;

/** Config for entity unit tests: in-memory journal, manual time, the real serialization setup. */
public final class HubTestConfig {

  private HubTestConfig() {}

  public static Config withManualTime() {
    return EventSourcedBehaviorTestKit.config()
        .withFallback(ManualTime.config())
        .withFallback(ConfigFactory.parseResources("serialization.conf"))
        .withFallback(ConfigFactory.load());
  }

  public static Config realTime() {
    return EventSourcedBehaviorTestKit.config()
        .withFallback(ConfigFactory.parseResources("serialization.conf"))
        .withFallback(ConfigFactory.load());
  }
}
