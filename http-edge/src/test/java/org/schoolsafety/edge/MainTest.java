package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@code bin/hub node}'s command line (the production node's, as the image runs it), without
 * starting anything. The dev launcher's ({@code bin/hub dev}) is tested in module dev.
 */
class MainTest {

  @Test
  void helpPrintsUsageOnStdoutAndSucceeds() throws Exception {
    for (String help : new String[] {"--help", "-h"}) {
      var outcome = CliTesting.run((out, err) -> Main.run(new String[] {"node", help}, out, err));
      assertThat(outcome.status()).isZero();
      assertThat(outcome.out()).contains("usage: hub node --config FILE");
      assertThat(outcome.err()).isEmpty();
    }
  }

  @Test
  void anUnknownOptionIsAClearErrorWithStatus2() throws Exception {
    var outcome = CliTesting.run((out, err) -> Main.run(new String[] {"node", "--conifg", "x.conf"}, out, err));
    assertThat(outcome.status()).isEqualTo(2);
    assertThat(outcome.err()).contains("unknown or incomplete option: --conifg").contains("usage: hub node");
    assertThat(outcome.out()).isEmpty();
  }

  @Test
  void aMissingCommandOrConfigIsAnErrorToo() throws Exception {
    var none = CliTesting.run((out, err) -> Main.run(new String[] {"--help"}, out, err));
    assertThat(none.status()).isEqualTo(2);
    assertThat(none.err()).contains("expected a command: node");

    var noConfig = CliTesting.run((out, err) -> Main.run(new String[] {"node"}, out, err));
    assertThat(noConfig.status()).isEqualTo(2);
    assertThat(noConfig.err()).contains("node needs --config FILE");
  }

  @Test
  void theDevPiecesAreNotPartOfTheProductionNode() throws Exception {
    var dev = CliTesting.run((out, err) -> Main.run(new String[] {"dev"}, out, err));
    assertThat(dev.status()).isEqualTo(2);
    assertThat(dev.err()).contains("bin/hub dev");

    var demo = CliTesting.run((out, err) -> Main.run(new String[] {"node", "--config", "x.conf", "--demo"}, out, err));
    assertThat(demo.status()).isEqualTo(2);
    assertThat(demo.err()).contains("--demo: the demo data is dev tooling");
  }
}
