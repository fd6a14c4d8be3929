package org.schoolsafety.sim.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code bin/hub failover-test}'s command line, without starting a cluster. */
class FailoverHarnessCliTest {

  @Test
  void helpPrintsUsageOnStdoutAndSucceeds() throws Exception {
    var outcome = CliTesting.run((out, err) -> FailoverHarness.run(new String[] {"--help"}, out, err));
    assertThat(outcome.status()).isZero();
    assertThat(outcome.out()).startsWith("usage: hub failover-test").contains("--scenario");
    assertThat(outcome.err()).isEmpty();
  }

  @Test
  void anUnknownOptionIsAClearErrorWithStatus2() throws Exception {
    var outcome = CliTesting.run((out, err) -> FailoverHarness.run(new String[] {"--secnario", "kill"}, out, err));
    assertThat(outcome.status()).isEqualTo(2);
    assertThat(outcome.err()).contains("unexpected argument --secnario").contains("usage: hub failover-test");
    assertThat(outcome.out()).isEmpty();
  }

  @Test
  void anUnknownScenarioIsAClearErrorWithStatus2() throws Exception {
    var outcome = CliTesting.run((out, err) -> FailoverHarness.run(new String[] {"--scenario", "flood"}, out, err));
    assertThat(outcome.status()).isEqualTo(2);
    assertThat(outcome.err()).contains("no scenario 'flood'");
  }
}
