package org.schoolsafety.sim.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The failover figure the harness gives from its probes. */
class TakeoverFigureTest {

  @Test
  void whenEveryProbeAnsweredTheFailoverIsTheSlowestAnswer() {
    assertThat(FailoverHarness.failoverOf(19.3, 0)).isEqualTo(19.3);
  }

  @Test
  void whenAProbeNeverAnsweredTheFailoverIsNotGivenAtAll() {
    // A run once reported 12.15 s while 42 of its probed incidents never answered within 120 s.
    assertThat(FailoverHarness.failoverOf(12.15, 42)).isNull();
  }
}
