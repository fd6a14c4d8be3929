package org.schoolsafety.edge.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** One request's entity waits share one ask-timeout, with a floor for the last ask. */
class ApiContextTest {

  private final ApiContext api = new ApiContext(null, null, null, null, null, null, null,
      Duration.ofSeconds(15), Duration.ofSeconds(5), Clock.systemUTC());

  @Test
  void aFreshRequestHasAtMostTheWholeAskTimeout() {
    Duration left = api.askTimeoutLeft(System.nanoTime());
    assertThat(left).isLessThanOrEqualTo(Duration.ofSeconds(5)).isGreaterThanOrEqualTo(ApiContext.LAST_ASK_FLOOR);
  }

  @Test
  void whatTheFirstAskUsedIsGoneForTheSecond() {
    long started = System.nanoTime() - Duration.ofSeconds(2).toNanos();
    assertThat(api.askTimeoutLeft(started)).isLessThanOrEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void aRequestPastItsBudgetStillGivesTheLastAskTheFloor() {
    long started = System.nanoTime() - Duration.ofSeconds(9).toNanos();
    assertThat(api.askTimeoutLeft(started)).isEqualTo(ApiContext.LAST_ASK_FLOOR);
  }
}
