package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.sharding.ClusterSharding;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * A shard region that stops while its node runs never comes back: the node says it is broken on
 * /health/alive, naming the region, so that an orchestrator restarts it. Pekko stops the local
 * region that way (a graceful shutdown of the region) when a sharding coordinator loses its lease;
 * the test sends the region the same message.
 */
@ExtendWith(SharedCassandra.class)
class ShardRegionWatchTest {

  @Test
  void aRegionThatStopsWhileTheNodeRunsMakesTheNodeBroken() throws Exception {
    HubNode node = TestNode.start("it_region_watch", Map.of());
    try {
      var client = new HubClient(node.httpPort());
      assertThat(client.get("/health/alive").status()).isEqualTo(200);

      var classic = Adapter.toClassic(node.system());
      ClusterSharding.get(classic).shardRegion("SchoolInvestments")
          .tell(ShardRegion.gracefulShutdownInstance(), ActorRef.noSender());

      Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        var alive = client.get("/health/alive");
        assertThat(alive.status()).isEqualTo(503);
        assertThat(alive.body().get("status").asText()).isEqualTo("broken");
        assertThat(alive.body().get("detail").asText()).contains("shard region of SchoolInvestments stopped");
      });
      var metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + node.httpPort() + "/metrics")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.body()).contains("hub_shard_region_lost 1");
    } finally {
      node.system().terminate();
      node.system().getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void regionsStoppedByTheNodesOwnShutdownAreNotABreak() {
    var watch = new ShardRegionWatch();
    watch.regionStopped("Incident", true);
    assertThat(watch.brokenBecause()).isEmpty();
    watch.regionStopped("Incident", false);
    assertThat(watch.brokenBecause()).get().asString().contains("shard region of Incident stopped while the node runs");
  }
}
