package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code bin/hub dev|node}'s command line, without starting anything. */
class MainTest {

  @ParameterizedTest
  @ValueSource(strings = {"dev", "node"})
  void helpPrintsUsageOnStdoutAndSucceeds(String command) throws Exception {
    for (String help : new String[] {"--help", "-h"}) {
      var outcome = CliTesting.run((out, err) -> Main.run(new String[] {command, help}, out, err));
      assertThat(outcome.status()).isZero();
      assertThat(outcome.out()).contains("usage: hub dev").contains("hub node --config FILE").contains("--cassandra-port");
      assertThat(outcome.err()).isEmpty();
    }
  }

  @Test
  void anUnknownOptionIsAClearErrorWithStatus2() throws Exception {
    var outcome = CliTesting.run((out, err) -> Main.run(new String[] {"dev", "--prot", "8080"}, out, err));
    assertThat(outcome.status()).isEqualTo(2);
    assertThat(outcome.err()).contains("unknown or incomplete option: --prot").contains("usage: hub dev");
    assertThat(outcome.out()).isEmpty();
  }

  @Test
  void aMissingCommandIsAnErrorToo() throws Exception {
    var outcome = CliTesting.run((out, err) -> Main.run(new String[] {"--help"}, out, err));
    assertThat(outcome.status()).isEqualTo(2);
    assertThat(outcome.err()).contains("expected a command: dev or node");
  }
}
