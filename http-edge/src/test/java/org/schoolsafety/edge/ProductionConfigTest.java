package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.schoolsafety.edge.ClusterFormation.Mode;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * {@code deploy/production.conf} read the way {@code bin/hub node --config} reads it, with the
 * environment the Deployment gives the pod: what it configures, and that a node started with it
 * against a Cassandra that does not answer (a free loopback port) fails with a clear message.
 */
class ProductionConfigTest {

  static final Path DEPLOY = Path.of("..", "deploy");

  /** What Main.node does with --config, plus the pod's environment variables. */
  static Config production(Map<String, Object> more) {
    Map<String, Object> env = new HashMap<>(Map.of(
        "POD_IP", "127.0.0.1",
        "CASSANDRA_USERNAME", "hub",
        "CASSANDRA_PASSWORD", "secret",
        "HUB_TLS_KEYSTORE_PASSWORD", "changeit"));
    env.putAll(more);
    return HubNode.config(env, ConfigFactory.parseFile(new File(DEPLOY.resolve("production.conf").toString()))
        .withFallback(ConfigFactory.defaultApplication()));
  }

  /** A node with keyspaces of its own (each test class's) keeps the schema of those, not the defaults. */
  @Test
  void theDriverFollowsTheNodesOwnKeyspaces() {
    assertThat(HubNode.config(Map.of("hub.cassandra.journal-keyspace", "it_own",
            "hub.cassandra.snapshot-keyspace", "it_own_snapshot"))
        .getStringList("datastax-java-driver.advanced.metadata.schema.refreshed-keyspaces"))
        .containsExactly("it_own", "it_own_snapshot", "it_own_read");
  }

  @Test
  void productionSettings() {
    Config config = production(Map.of());
    assertThat(config.getBoolean("hub.cassandra.embedded")).isFalse();
    assertThat(config.getBoolean("hub.cassandra.autocreate")).isFalse();
    assertThat(config.getBoolean("pekko.persistence.cassandra.journal.keyspace-autocreate")).isFalse();
    assertThat(config.getBoolean("pekko.persistence.cassandra.journal.tables-autocreate")).isFalse();
    assertThat(config.getBoolean("pekko.persistence.cassandra.snapshot.tables-autocreate")).isFalse();
    assertThat(config.getStringList("datastax-java-driver.basic.contact-points"))
        .containsExactly("cassandra.cassandra.svc.cluster.local:9042");
    assertThat(config.getString("pekko.persistence.cassandra.journal.keyspace")).isEqualTo("school_safety");
    assertThat(config.getString("pekko.persistence.cassandra.snapshot.keyspace")).isEqualTo("school_safety_snapshot");
    assertThat(config.getString("pekko.projection.cassandra.offset-store.keyspace")).isEqualTo("school_safety_read");
    // the driver keeps (and reloads on a schema change) the schema of these keyspaces only
    assertThat(config.getStringList("datastax-java-driver.advanced.metadata.schema.refreshed-keyspaces"))
        .containsExactly("school_safety", "school_safety_snapshot", "school_safety_read");
    // journal at QUORUM: the plugin's profile, and the one the journal uses
    assertThat(config.getString("pekko.persistence.cassandra.write-profile"))
        .isEqualTo("pekko-persistence-cassandra-profile");
    assertThat(config.getString("pekko.persistence.cassandra.read-profile"))
        .isEqualTo("pekko-persistence-cassandra-profile");
    assertThat(config.getString(
        "datastax-java-driver.profiles.pekko-persistence-cassandra-profile.basic.request.consistency"))
        .isEqualTo("QUORUM");
    assertThat(config.getString("datastax-java-driver.basic.request.consistency")).isEqualTo("QUORUM");

    assertThat(ClusterFormation.mode(config)).isEqualTo(Mode.BOOTSTRAP);
    assertThat(config.getString("pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method"))
        .isEqualTo("kubernetes-api");
    assertThat(config.getString("pekko.discovery.kubernetes-api.pod-label-selector")).isEqualTo("app=%s");
    assertThat(config.getString("pekko.management.cluster.bootstrap.contact-point-discovery.service-name"))
        .isEqualTo("school-safety-hub");
    assertThat(config.getString("pekko.remote.artery.canonical.hostname")).isEqualTo("127.0.0.1");
    assertThat(config.getString("pekko.management.http.hostname")).isEqualTo("127.0.0.1");
    assertThat(config.getInt("pekko.management.http.port")).isEqualTo(8558);
    assertThat(config.getString("pekko.cluster.split-brain-resolver.active-strategy")).isEqualTo("keep-majority");
    assertThat(config.getString("pekko.cluster.downing-provider-class")).contains("SplitBrainResolverProvider");
    assertThat(config.getDuration("pekko.cluster.split-brain-resolver.stable-after")).hasSeconds(10);
    assertThat(config.getDuration("pekko.cluster.down-removal-margin")).hasSeconds(10);
    assertThat(config.getString("pekko.cluster.split-brain-resolver.down-all-when-unstable")).isEqualTo("20s");
    // shards hold the Cassandra lease, in the journal's keyspace, with serial consistency across datacenters
    assertThat(config.getString("pekko.cluster.sharding.use-lease")).isEqualTo("hub.lease.cassandra");
    assertThat(config.getString("hub.lease.cassandra.lease-class"))
        .isEqualTo(org.schoolsafety.persistence.lease.CassandraLease.class.getName());
    assertThat(config.getString("hub.lease.cassandra.serial-consistency")).isEqualTo("SERIAL");
    assertThat(org.schoolsafety.persistence.lease.CassandraLease.keyspacesInUse(config)).containsExactly("school_safety");

    assertThat(config.getString("hub.auth.jwks-file")).isNotBlank();
    assertThat(config.getString("hub.auth.hs256-secret")).isEmpty();
    assertThat(config.getString("hub.auth.hs256-secret-file")).isEmpty();
    assertThat(config.getBoolean("hub.http.tls.enabled")).isTrue();
    assertThat(config.getString("hub.http.tls.keystore-password")).isEqualTo("changeit");
    assertThat(config.getString("hub.http.host")).isEqualTo("0.0.0.0");
  }

  /** The alternative in production.conf's comments is on the classpath and configured as documented. */
  @Test
  void kubernetesLeaseIsAvailableAsTheAlternative() throws Exception {
    Config config = production(Map.of());
    String leaseClass = config.getString("pekko.coordination.lease.kubernetes.lease-class");
    assertThat(Class.forName(leaseClass).getName()).isEqualTo("org.apache.pekko.coordination.lease.kubernetes.KubernetesLease");
    assertThat(Class.forName("org.apache.pekko.coordination.lease.kubernetes.NativeKubernetesLease")).isNotNull();
  }

  @Test
  void environmentOverridesContactPointAndDatacenter() {
    Config config = production(Map.of("CASSANDRA_CONTACT_POINT", "cassandra-dc2.example:9042",
        "CASSANDRA_LOCAL_DATACENTER", "dc2"));
    assertThat(config.getStringList("datastax-java-driver.basic.contact-points"))
        .containsExactly("cassandra-dc2.example:9042");
    assertThat(config.getString("datastax-java-driver.basic.load-balancing-policy.local-datacenter")).isEqualTo("dc2");
  }

  @Test
  void manifestsMountWhatTheConfigReads() throws Exception {
    Config config = production(Map.of());
    String manifests = Files.readString(DEPLOY.resolve("kubernetes.yaml"));
    assertThat(manifests)
        .contains("app: school-safety-hub")
        .contains("mountPath: " + Path.of(config.getString("hub.http.tls.keystore")).getParent())
        .contains("mountPath: " + Path.of(config.getString("hub.auth.jwks-file")).getParent())
        .contains("containerPort: " + config.getInt("hub.http.port"))
        .contains("containerPort: " + config.getInt("pekko.remote.artery.canonical.port"))
        .contains("containerPort: " + config.getInt("pekko.management.http.port"))
        .contains("path: /health/ready")
        .contains("path: /health/alive");
    assertThat(config.getString("pekko.management.cluster.bootstrap.contact-point-discovery.service-name"))
        .isEqualTo("school-safety-hub");
  }

  @Test
  void nodeFailsClearlyWhenCassandraDoesNotAnswer() {
    String nobody = "127.0.0.1:" + SharedCassandra.freePorts()[0];
    Config config = production(Map.of(
        "CASSANDRA_CONTACT_POINT", nobody,
        "hub.cassandra.schema-timeout", "3s",
        "pekko.remote.artery.canonical.port", 0,
        "pekko.coordinated-shutdown.exit-jvm", "off",
        "pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on"));
    assertThatThrownBy(() -> HubNode.start(config))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Cassandra did not answer within 3 s")
        .hasMessageContaining("[" + nobody + "]")
        .hasMessageContaining("'DATACENTER_NAME'");
  }
}
