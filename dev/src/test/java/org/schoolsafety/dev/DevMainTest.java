package org.schoolsafety.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.schoolsafety.persistence.FirstTimeBucket;
import org.schoolsafety.persistence.lease.ShardingLayout;

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
  void projectionsOnANewDataDirectoryStartAtTheHourBeforeItsStorage(@TempDir Path data) throws Exception {
    Path secret = data.resolve("auth").resolve("dev-secret");
    Instant before = Instant.now();
    var fresh = DevMain.devConfig(DevMain.CommandLine.parse(new String[] {"dev"}), data, secret);
    String bucket = fresh.getString(FirstTimeBucket.KEY);
    assertThat(bucket).isIn(FirstTimeBucket.before(before), FirstTimeBucket.before(Instant.now()))
        .isEqualTo(fresh.getString("pekko.persistence.cassandra.events-by-tag.first-time-bucket"));
    assertThat(data.resolve(FirstTimeBucket.FILE)).hasContent(bucket);
    assertThat(fresh.getInt(ShardingLayout.KEY)).isEqualTo(ShardingLayout.FOR_NEW_STORAGE);
    assertThat(data.resolve(ShardingLayout.FILE)).hasContent(String.valueOf(ShardingLayout.FOR_NEW_STORAGE));

    // The storage now exists (Cassandra made its data directory): a later start keeps the record.
    Files.createDirectories(data.resolve("cassandra").resolve("data"));
    Files.writeString(data.resolve(FirstTimeBucket.FILE), "20261115T08:00\n");
    var kept = DevMain.devConfig(DevMain.CommandLine.parse(new String[] {"dev"}), data, secret);
    assertThat(kept.getString(FirstTimeBucket.KEY)).isEqualTo("20261115T08:00");
    assertThat(kept.getInt(ShardingLayout.KEY)).isEqualTo(ShardingLayout.FOR_NEW_STORAGE);
  }

  @Test
  void storageFromBeforeTheRecordKeepsTheDefault(@TempDir Path data) throws Exception {
    Files.createDirectories(data.resolve("cassandra").resolve("data"));
    var kept = DevMain.devConfig(DevMain.CommandLine.parse(new String[] {"dev"}), data, data.resolve("secret"));
    assertThat(kept.getString(FirstTimeBucket.KEY)).isEqualTo("20261101T00:00");
    assertThat(data.resolve(FirstTimeBucket.FILE)).doesNotExist();
    // and the number of shards it was made with (the node checks it against the journal's record)
    assertThat(kept.getInt(ShardingLayout.KEY)).isEqualTo(ShardingLayout.BEFORE_THE_RECORD);
    assertThat(data.resolve(ShardingLayout.FILE)).doesNotExist();
  }

  @Test
  void aMissingCommandIsAnErrorToo() throws Exception {
    var outcome = CliTesting.run((out, err) -> DevMain.run(new String[] {"--help"}, out, err));
    assertThat(outcome.status()).isEqualTo(2);
    assertThat(outcome.err()).contains("expected a command: dev or node");
  }
}
