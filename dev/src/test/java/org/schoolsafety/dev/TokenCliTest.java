package org.schoolsafety.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/hub token}'s command line. */
class TokenCliTest {

  @Test
  void helpPrintsUsageOnStdoutAndSucceeds() throws Exception {
    var outcome = CliTesting.run((out, err) -> TokenCli.run(new String[] {"--help"}, out, err));
    assertThat(outcome.status()).isZero();
    assertThat(outcome.out()).startsWith("usage: hub token --role").contains("--subject ID");
    assertThat(outcome.err()).isEmpty();
  }

  @Test
  void anUnknownOptionIsAClearErrorWithStatus2() throws Exception {
    var outcome = CliTesting.run((out, err) -> TokenCli.run(
        new String[] {"--role", "OPERATOR", "--subjet", "me"}, out, err));
    assertThat(outcome.status()).isEqualTo(2);
    assertThat(outcome.err()).contains("unexpected argument: --subjet").contains("usage: hub token");
    assertThat(outcome.out()).isEmpty();
  }

  @Test
  void aTokenIsPrintedAloneOnStdout(@TempDir Path data) throws Exception {
    var outcome = CliTesting.run((out, err) -> TokenCli.run(
        new String[] {"--role", "OPERATOR", "--subject", "me", "--data", data.toString(), "--ttl", "5m"}, out, err));
    assertThat(outcome.status()).isZero();
    assertThat(outcome.out().strip()).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
  }
}
