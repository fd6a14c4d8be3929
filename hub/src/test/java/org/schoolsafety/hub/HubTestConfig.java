package org.schoolsafety.hub;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;

/** Config for entity unit tests: in-memory journal, manual time, the real serialization setup. */
public final class HubTestConfig {

  private HubTestConfig() {}

  /**
   * The in-memory journal's circuit breaker times each write out on the actor system's scheduler,
   * which is the manual one here: a test that passes a day while an entity's write is still in
   * flight made that write fail ("Circuit Breaker Timed out"), and the entity restart with an
   * empty state (TipTest failed so, about one run in three). Manual time never times them out.
   */
  private static final Config WRITES_NEVER_TIME_OUT = ConfigFactory.parseString(
      "pekko.persistence.testkit.journal.circuit-breaker.call-timeout = 1000d\n"
          + "pekko.persistence.testkit.snapshotstore.pluginid.circuit-breaker.call-timeout = 1000d");

  public static Config withManualTime() {
    return WRITES_NEVER_TIME_OUT
        .withFallback(EventSourcedBehaviorTestKit.config())
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
