package org.schoolsafety.edge.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Buckets by role, on a clock that only moves when the test moves it. */
class RateLimitsTest {

  /** A clock standing still until {@link #advance} moves it. */
  static final class ManualTime implements TimeMeter {
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Override
    public long currentTimeNanos() {
      return nanos.get();
    }

    @Override
    public boolean isWallClockBased() {
      return false;
    }

    void advance(Duration d) {
      nanos.addAndGet(d.toNanos());
    }
  }

  private final ManualTime time = new ManualTime();

  private static Config config(String rateLimit) {
    return ConfigFactory.parseString("hub.http.rate-limit { " + rateLimit + " }");
  }

  /** How many requests in a row the principal gets before the first refusal (at most {@code max}). */
  private static int admitted(RateLimits limits, Principal principal, int max) {
    for (int i = 0; i < max; i++) {
      if (limits.tryAcquire(principal).isPresent()) {
        return i;
      }
    }
    return max;
  }

  @Test
  void aRoleWithItsOwnEntryGetsItsOwnBucket() {
    var limits = RateLimits.fromConfig(config("burst = 3, per-second = 1, roles { AGENCY { burst = 7, per-second = 2 } }"), time);
    var agency = new Principal(Role.AGENCY, "fire-650102");

    assertThat(limits.limitFor(Role.AGENCY)).isEqualTo(new RateLimits.Limit(7, 2));
    assertThat(admitted(limits, agency, 100)).isEqualTo(7);
    assertThat(limits.tryAcquire(agency)).hasValue(1);
    time.advance(Duration.ofSeconds(1));
    assertThat(admitted(limits, agency, 100)).as("refilled at 2 per second").isEqualTo(2);
  }

  @Test
  void aRoleWithoutAnEntryFallsBackToTheDefault() {
    var limits = RateLimits.fromConfig(config("burst = 3, per-second = 1, roles { AGENCY { burst = 7, per-second = 2 } }"), time);
    var staff = new Principal(Role.SCHOOL_STAFF, "sch-650102-001");

    assertThat(limits.limitFor(Role.SCHOOL_STAFF)).isEqualTo(new RateLimits.Limit(3, 1));
    assertThat(admitted(limits, staff, 100)).isEqualTo(3);
    assertThat(limits.tryAcquire(staff)).hasValue(1);
    assertThat(admitted(limits, new Principal(Role.SCHOOL_STAFF, "sch-650102-002"), 100))
        .as("another principal of the role has a bucket of its own").isEqualTo(3);
    time.advance(Duration.ofSeconds(1));
    assertThat(admitted(limits, staff, 100)).isEqualTo(1);
  }

  @Test
  void anEntryOnlyRaisesARoleAndMayNameOneKey() {
    var limits = RateLimits.fromConfig(config(
        "burst = 50, per-second = 10, roles { SENSOR_GATEWAY { burst = 20, per-second = 30 }, AGENCY { burst = 80 } }"), time);

    assertThat(limits.limitFor(Role.SENSOR_GATEWAY)).isEqualTo(new RateLimits.Limit(50, 30));
    assertThat(limits.limitFor(Role.AGENCY)).isEqualTo(new RateLimits.Limit(80, 10));
    assertThat(admitted(limits, new Principal(Role.SENSOR_GATEWAY, "sch-650102-001"), 100)).isEqualTo(50);
  }

  @Test
  void theShippedConfigurationRaisesAgenciesCommandCentersAndSensorGateways() {
    var limits = RateLimits.fromConfig(ConfigFactory.load(), time);

    assertThat(limits.limitFor(Role.SCHOOL_STAFF)).isEqualTo(new RateLimits.Limit(100, 20));
    assertThat(limits.limitFor(Role.OPERATOR)).isEqualTo(new RateLimits.Limit(100, 20));
    assertThat(limits.limitFor(Role.AGENCY)).isEqualTo(new RateLimits.Limit(1000, 200));
    assertThat(limits.limitFor(Role.COMMAND_CENTER)).isEqualTo(new RateLimits.Limit(2000, 400));
    assertThat(limits.limitFor(Role.SENSOR_GATEWAY)).isEqualTo(new RateLimits.Limit(300, 60));
    var commandCenter = new Principal(Role.COMMAND_CENTER, "65");
    assertThat(admitted(limits, commandCenter, 5000)).isEqualTo(2000);
  }

  @Test
  void anUnknownRoleIsAConfigurationError() {
    assertThatThrownBy(() -> RateLimits.fromConfig(config("burst = 3, per-second = 1, roles { POLICE { burst = 9 } }"), time))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hub.http.rate-limit.roles.POLICE");
  }
}
