package org.schoolsafety.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The dev launcher's command line ({@code bin/hub dev}, {@code bin/hub node --demo}), without starting anything. */
class DevMainTest {

  @ParameterizedTest
  @ValueSource(strings = {"dev", "node"})
  void helpPrintsUsageOnStdoutAndSucceeds(String command) throws Exception {
    for (String help : new String[] {"--help", "-h"}) {
      var outcome = CliTesting.run((out, err) -> DevMain.run(new String[] {command, help}, out, err));
      assertThat(outcome.status()).isZero();
      assertThat(outcome.out()).contains("usage: hub dev").contains("hub node --config FILE").contains("--cassandra-port");
      assertThat(outcome.err()).isEmpty();
    }
  }

  @Test
  void anUnknownOptionIsAClearErrorWithStatus2() throws Exception {
    var outcome = CliTesting.run((out, err) -> DevMain.run(new String[] {"dev", "--prot", "8080"}, out, err));
    assertThat(outcome.status()).isEqualTo(2);
    assertThat(outcome.err()).contains("unknown or incomplete option: --prot").contains("usage: hub dev");
    assertThat(outcome.out()).isEmpty();
  }

  @Test
  void theDevNodesStoragePortFollowsItsCqlPort() {
    Path data = Path.of("target", "main-test-data").toAbsolutePath();
    Path secret = data.resolve("auth").resolve("dev-secret");
    var defaults = DevMain.devConfig(DevMain.CommandLine.parse(new String[] {"dev"}), data, secret);
    assertThat(defaults.getInt("hub.cassandra.port")).isEqualTo(9042);
    assertThat(defaults.getInt("hub.cassandra.storage-port")).isEqualTo(7000);

    var second = DevMain.devConfig(DevMain.CommandLine.parse(new String[] {"dev", "--cassandra-port", "19042"}), data, secret);
    assertThat(second.getInt("hub.cassandra.port")).isEqualTo(19042);
    assertThat(second.getInt("hub.cassandra.storage-port")).isEqualTo(17000);
    assertThat(second.getString("hub.cassandra.data-dir")).isEqualTo(data.resolve("cassandra").toString());

    assertThat(DevMain.storagePortFor(9043)).isEqualTo(7001);
    assertThat(DevMain.storagePortFor(3066)).isEqualTo(1024);
    assertThat(DevMain.storagePortFor(3065)).as("not a privileged port").isEqualTo(5107);
  }

  @Test
  void aMissingCommandIsAnErrorToo() throws Exception {
    var outcome = CliTesting.run((out, err) -> DevMain.run(new String[] {"--help"}, out, err));
    assertThat(outcome.status()).isEqualTo(2);
    assertThat(outcome.err()).contains("expected a command: dev or node");
  }
}
