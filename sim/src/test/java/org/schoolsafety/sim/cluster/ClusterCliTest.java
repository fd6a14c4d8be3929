package org.schoolsafety.sim.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code bin/hub cluster}'s command line, without starting a cluster. */
class ClusterCliTest {

  @Test
  void helpPrintsUsageOnStdoutAndSucceeds() throws Exception {
    var outcome = CliTesting.run((out, err) -> ClusterCli.run(new String[] {"--nodes", "3", "--help"}, out, err));
    assertThat(outcome.status()).isZero();
    assertThat(outcome.out()).startsWith("usage: hub cluster").contains("--storage-port");
    assertThat(outcome.err()).isEmpty();
  }

  @Test
  void anUnknownOptionIsAClearErrorWithStatus2() throws Exception {
    var outcome = CliTesting.run((out, err) -> ClusterCli.run(new String[] {"--node", "3"}, out, err));
    assertThat(outcome.status()).isEqualTo(2);
    assertThat(outcome.err()).contains("unexpected argument --node").contains("usage: hub cluster");
    assertThat(outcome.out()).isEmpty();
  }

  @Test
  void aNumberThatIsNotOneIsAClearErrorWithStatus2() throws Exception {
    var outcome = CliTesting.run((out, err) -> ClusterCli.run(new String[] {"--nodes", "three"}, out, err));
    assertThat(outcome.status()).isEqualTo(2);
    assertThat(outcome.err()).contains("--nodes needs a number, not 'three'");
  }
}
