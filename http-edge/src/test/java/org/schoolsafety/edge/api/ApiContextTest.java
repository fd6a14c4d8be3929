package org.schoolsafety.edge.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** One request's entity waits share one ask-timeout, with a floor for the last ask. */
class ApiContextTest {

  private final ApiContext api = new ApiContext(null, null, null, null, null, null, null,
      Duration.ofSeconds(15), Duration.ofSeconds(5), Clock.systemUTC(), null, null, null);

  @Test
  void aFreshRequestHasTheWholeAskTimeout() {
    assertThat(api.askTimeoutLeftAfter(Duration.ZERO)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void whatTheFirstAskUsedIsGoneForTheSecond() {
    assertThat(api.askTimeoutLeftAfter(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void aRequestPastItsBudgetStillGivesTheLastAskTheFloor() {
    assertThat(api.askTimeoutLeftAfter(Duration.ofSeconds(9))).isEqualTo(ApiContext.LAST_ASK_FLOOR);
    assertThat(api.askTimeoutLeftAfter(Duration.ofMillis(4_500))).isEqualTo(ApiContext.LAST_ASK_FLOOR);
  }
}
