package org.schoolsafety.sim.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalClusterTest {

  @Test
  void projectionsOnNewClusterStorageStartAtTheHourBefore() {
    assertThat(LocalCluster.hourBefore(java.time.Instant.parse("2026-12-01T07:42:13Z"))).isEqualTo("20261201T06:00");
    assertThat(LocalCluster.hourBefore(java.time.Instant.parse("2026-12-01T00:00:00Z"))).isEqualTo("20261130T23:00");
  }

  @Test
  void newClusterStorageRecordsItsNumberOfShardsAndKeptStorageKeepsIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve(LocalCluster.SHARDS_FILE);
    assertThat(LocalCluster.numberOfShards(file, false)).as("storage from before the record").isEmpty();
    assertThat(LocalCluster.numberOfShards(file, true)).contains(LocalCluster.NEW_STORAGE_SHARDS);
    Files.writeString(file, "40\n");
    assertThat(LocalCluster.numberOfShards(file, false)).contains(40);
  }

  @Test
  void aRestartedNodeIsNotTheFirstSeedNode() {
    assertThat(LocalCluster.seedNodes(3, 25520, 0)).isEqualTo(
        "\"pekko://hub@127.0.0.1:25520\", \"pekko://hub@127.0.0.1:25521\", \"pekko://hub@127.0.0.1:25522\"");
    assertThat(LocalCluster.seedNodes(3, 25520, 1)).isEqualTo(
        "\"pekko://hub@127.0.0.1:25521\", \"pekko://hub@127.0.0.1:25522\", \"pekko://hub@127.0.0.1:25520\"");
    assertThat(LocalCluster.seedNodes(3, 25520, 3)).startsWith("\"pekko://hub@127.0.0.1:25520\"")
        .endsWith("\"pekko://hub@127.0.0.1:25522\"");
  }

  @Test
  void onlyTheSeedNodesLineIsRewritten() {
    String conf = "hub.http.port = 8081\npekko.cluster.seed-nodes = [\"a\", \"b\"]\nhub.cassandra.embedded = off\n";
    assertThat(LocalCluster.withSeedNodes(conf, "\"b\", \"a\""))
        .isEqualTo("hub.http.port = 8081\npekko.cluster.seed-nodes = [\"b\", \"a\"]\nhub.cassandra.embedded = off\n");
  }

  @Test
  void theHarnessPortsAreConsecutiveFreeAndBelowTheEphemeralRange() throws Exception {
    var ports = FailoverHarness.freePorts(8);
    assertThat(ports).hasSize(8);
    for (int i = 1; i < ports.size(); i++) {
      assertThat(ports.get(i)).isEqualTo(ports.get(0) + i);
    }
    assertThat(ports.get(7)).isLessThan(32768);
    for (int port : ports) {
      try (var socket = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
        assertThat(socket.getLocalPort()).isEqualTo(port);
      }
    }
  }
}
