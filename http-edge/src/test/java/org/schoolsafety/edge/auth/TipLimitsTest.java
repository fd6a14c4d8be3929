package org.schoolsafety.edge.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The open tip endpoints' limits: per source address, per kind, from configuration. */
class TipLimitsTest {

  @Test
  void eachAddressHasItsOwnBucketsAndOverTheBurstMustWait() {
    var limits = new TipLimits(2, 1, Duration.ofHours(1), 3, 3, Duration.ofMinutes(1), Duration.ofHours(1));
    assertThat(limits.tryAcquire(TipLimits.Kind.SUBMIT, "10.0.0.1")).isEmpty();
    assertThat(limits.tryAcquire(TipLimits.Kind.SUBMIT, "10.0.0.1")).isEmpty();
    var wait = limits.tryAcquire(TipLimits.Kind.SUBMIT, "10.0.0.1");
    assertThat(wait).isPresent();
    assertThat(wait.getAsLong()).isBetween(1L, 3600L);
    assertThat(limits.tryAcquire(TipLimits.Kind.SUBMIT, "10.0.0.2")).isEmpty();
    assertThat(limits.tryAcquire(TipLimits.Kind.FOLLOW_UP, "10.0.0.1")).isEmpty();
  }

  @Test
  void theDefaultsComeFromConfiguration() {
    var limits = TipLimits.fromConfig(ConfigFactory.load());
    for (int i = 0; i < 5; i++) {
      assertThat(limits.tryAcquire(TipLimits.Kind.SUBMIT, "192.0.2.1")).isEmpty();
    }
    assertThat(limits.tryAcquire(TipLimits.Kind.SUBMIT, "192.0.2.1")).isPresent();
  }
}
