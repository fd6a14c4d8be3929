package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.edge.ClusterFormation.Mode;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * How a node joins: the decision from configuration, and Cluster Bootstrap for real — Pekko
 * Management on loopback, discovery by the {@code config} method (a static list standing in for the
 * Kubernetes API) — until the node is Up and management's /ready (cluster membership + Cassandra)
 * answers 200.
 */
@ExtendWith(SharedCassandra.class)
class ClusterFormationTest {

  @Test
  void defaultsKeepTheDevBehaviour() {
    Config config = HubNode.config(Map.of());
    assertThat(config.getBoolean("hub.cluster.bootstrap")).isFalse();
    assertThat(ClusterFormation.mode(config)).isEqualTo(Mode.SELF_JOIN);
    assertThat(config.getInt("pekko.management.http.port")).isEqualTo(8558);
  }

  @Test
  void seedNodesWithoutBootstrap() {
    Config config = HubNode.config(Map.of("pekko.cluster.seed-nodes", List.of("pekko://hub@10.0.0.1:25520")));
    assertThat(ClusterFormation.mode(config)).isEqualTo(Mode.SEED_NODES);
  }

  @Test
  void bootstrapWithEitherProductionDiscoveryMethod() {
    for (String method : List.of("kubernetes-api", "pekko-dns")) {
      Config config = HubNode.config(Map.of("hub.cluster.bootstrap", "on", "hub.cluster.discovery-method", method));
      assertThat(ClusterFormation.mode(config)).isEqualTo(Mode.BOOTSTRAP);
      // cluster.conf hands the method and the service name on to Cluster Bootstrap
      assertThat(config.getString("pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method"))
          .isEqualTo(method);
      assertThat(config.getString("pekko.management.cluster.bootstrap.contact-point-discovery.service-name"))
          .isEqualTo("school-safety-hub");
    }
  }

  @Test
  void bootstrapAndSeedNodesExcludeEachOther() {
    Config config = HubNode.config(Map.of("hub.cluster.bootstrap", "on",
        "pekko.cluster.seed-nodes", List.of("pekko://hub@10.0.0.1:25520")));
    assertThatThrownBy(() -> ClusterFormation.mode(config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exclude each other");
  }

  @Test
  void unknownDiscoveryMethodIsRefused() {
    Config config = HubNode.config(Map.of("hub.cluster.bootstrap", "on", "hub.cluster.discovery-method", "zookeeper"));
    assertThatThrownBy(() -> ClusterFormation.mode(config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'zookeeper'")
        .hasMessageContaining("kubernetes-api or pekko-dns");
  }

  @Test
  void bootstrapFormsAClusterAndManagementReportsReadiness() throws Exception {
    int managementPort = SharedCassandra.freePorts()[0];
    Config config = HubNode.config(Map.of(
            "hub.cluster.bootstrap", "on",
            "hub.cluster.discovery-method", "config",
            "pekko.management.http.hostname", "127.0.0.1",
            "pekko.management.http.port", managementPort,
            "pekko.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr", 1,
            "pekko.management.cluster.bootstrap.contact-point-discovery.stable-margin", "1s",
            "pekko.remote.artery.canonical.port", 0,
            "pekko.coordinated-shutdown.exit-jvm", "off",
            "pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on",
            "datastax-java-driver.basic.contact-points", List.of(SharedCassandra.contactPoint())),
        ConfigFactory.parseString("pekko.discovery.config.services.school-safety-hub.endpoints = "
                + "[{host = \"127.0.0.1\", port = " + managementPort + "}]")
            .withFallback(ConfigFactory.defaultApplication()));
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "hub", config);
    try {
      assertThat(ClusterFormation.join(system, config)).isEqualTo(Mode.BOOTSTRAP);
      Cluster cluster = Cluster.get(system);
      await().atMost(Duration.ofSeconds(90))
          .until(() -> cluster.selfMember().status() == MemberStatus.up());

      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + managementPort;
      await().atMost(Duration.ofSeconds(30)).until(() -> get(http, base + "/ready").statusCode() == 200);
      assertThat(get(http, base + "/alive").statusCode()).isEqualTo(200);
      assertThat(get(http, base + "/cluster/members").body()).contains("Up");
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  private static HttpResponse<String> get(HttpClient http, String uri) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
