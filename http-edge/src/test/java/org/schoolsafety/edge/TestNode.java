package org.schoolsafety.edge;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.schoolsafety.edge.auth.Principal;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.edge.auth.TokenIssuer;
import org.schoolsafety.persistence.FirstTimeBucket;
import org.schoolsafety.persistence.lease.ShardingLayout;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * Starts real hub nodes on the shared embedded Cassandra for integration tests: free HTTP (unless
 * {@code extra} names one) and remoting ports, no JVM exit on shutdown, and a keyspace of the test class's own so that
 * classes never see each other's journals or remembered entities.
 */
final class TestNode {

  /** The HS256 secret test nodes accept (base64 of 32 bytes). */
  static final String SECRET = java.util.Base64.getEncoder()
      .encodeToString("integration-test-secret-32-bytes".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  static final TokenIssuer ISSUER =
      new TokenIssuer(java.util.Base64.getDecoder().decode(SECRET), "school-safety-hub", "school-safety-hub-api");

  private TestNode() {}

  /** The incident id test nodes give a report with this clientRef from this principal. */
  static String incidentId(String schoolId, org.schoolsafety.hub.incident.Mode mode, Role role, String subject,
      String clientRef) {
    var serverKey = org.schoolsafety.edge.auth.ServerKeys.fromConfig(com.typesafe.config.ConfigFactory
        .parseMap(Map.of("hub.auth.hs256-secret", SECRET)).withFallback(ConfigFactory.load()));
    return new org.schoolsafety.hub.incident.IncidentIds(serverKey)
        .forReport(schoolId, mode, new Principal(role, subject).id(), clientRef);
  }

  /** The id of an ACTUAL report by the school's own staff. */
  static String staffIncidentId(String schoolId, String clientRef) {
    return incidentId(schoolId, org.schoolsafety.hub.incident.Mode.ACTUAL, Role.SCHOOL_STAFF, schoolId, clientRef);
  }

  /** A guardian's token as the test node issues them on redemption (under its server key). */
  static String guardianToken(String guardianId, String schoolId, String classId) {
    return guardianToken(guardianId, schoolId, classId, java.time.Instant.now());
  }

  /** The same, issued at {@code issuedAt} (and living an hour from then). */
  static String guardianToken(String guardianId, String schoolId, String classId, java.time.Instant issuedAt) {
    var serverKey = org.schoolsafety.edge.auth.ServerKeys.fromConfig(com.typesafe.config.ConfigFactory
        .parseMap(Map.of("hub.auth.hs256-secret", SECRET)).withFallback(ConfigFactory.load()));
    return new org.schoolsafety.edge.auth.GuardianTokens(serverKey, "school-safety-hub", "school-safety-hub-api",
        java.time.Duration.ofHours(1)).issue(Principal.guardian(guardianId, schoolId, classId), issuedAt);
  }

  static String token(Role role, String subject) {
    return ISSUER.issue(new Principal(role, subject), java.time.Duration.ofHours(1));
  }

  static Config config(String keyspace, Map<String, Object> extra) {
    Map<String, Object> overrides = new HashMap<>(extra);
    overrides.putIfAbsent("hub.http.port", 0);
    // Every test talks from 127.0.0.1: the open tip endpoints' per-address limits would make them
    // depend on each other. TipFlowTest and TipLimitsTest check the limits themselves.
    overrides.putIfAbsent("hub.http.tips.rate-limit.submit.burst", 100_000);
    overrides.putIfAbsent("hub.http.tips.rate-limit.follow-up.burst", 100_000);
    overrides.put("pekko.remote.artery.canonical.port", 0);
    overrides.put("pekko.coordinated-shutdown.exit-jvm", "off");
    // A test node stopped a moment after it started can still hold messages for a sharded daemon
    // process (a projection) whose shard was not yet allocated: its region then waits the phase's
    // full 10 s before it stops anyway, with nothing to hand off in a one-node cluster.
    overrides.putIfAbsent("pekko.coordinated-shutdown.phases.cluster-sharding-shutdown-region.timeout", "2s");
    overrides.put("pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on");
    overrides.put("datastax-java-driver.basic.contact-points", List.of(SharedCassandra.contactPoint()));
    overrides.put("hub.cassandra.journal-keyspace", keyspace);
    overrides.put("hub.cassandra.snapshot-keyspace", keyspace + "_snapshot");
    // The keyspace is new: projections start at the hour before this test run, not a month back.
    overrides.putIfAbsent(FirstTimeBucket.KEY, SharedCassandra.firstTimeBucket());
    // and is laid out in as many shards as new storage of a dev node or local cluster
    overrides.putIfAbsent(ShardingLayout.KEY, ShardingLayout.FOR_NEW_STORAGE);
    overrides.put("hub.auth.hs256-secret", SECRET);
    // HubNode.config resolves after applying the overrides, so the plugins' keyspaces (and the
    // read side's, derived from the journal's) follow them.
    return HubNode.config(overrides);
  }

  static HubNode start(String keyspace, Map<String, Object> extra) {
    return HubNode.start(config(keyspace, extra));
  }

  /** A node whose readiness also waits for {@code startup} to be opened. */
  static HubNode start(String keyspace, Map<String, Object> extra, StartupGate startup) {
    return HubNode.start(config(keyspace, extra), startup);
  }
}
