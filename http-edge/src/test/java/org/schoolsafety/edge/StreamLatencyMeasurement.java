package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.schoolsafety.edge.Fixtures.created;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * Measures report-to-stream latency on a node with embedded Cassandra and prints p50/p95/max:
 * from sending the report (and from receiving its 201) to a connected command center's stream
 * delivering the "reported" event. A measurement, not a test of speed: it asserts only that
 * every report arrived.
 *
 * <p>Run alone: {@code mvn -pl http-edge -am verify -Dtest=StreamLatencyMeasurement
 * -Dsurefire.failIfNoSpecifiedTests=false}; it also runs in the suite.
 */
@ExtendWith(SharedCassandra.class)
class StreamLatencyMeasurement {

  static final int WARMUP = 20;
  static final int REPORTS = Integer.getInteger("latency.reports", 200);

  @Test
  void reportToStreamLatency() throws Exception {
    try (HubNode node = TestNode.start("it_latency", Map.of())) {
      HubClient anonymous = new HubClient(node.httpPort());
      Fixtures.registerRegion(anonymous, "330106");
      created(Fixtures.postSchool(anonymous.as(Role.OPERATOR, "ops"), Fixtures.school("sch-330106", "330106")));
      HubClient school = anonymous.as(Role.SCHOOL_STAFF, "sch-330106");
      var fromSend = new Histogram(60_000_000_000L, 3);
      var fromAccept = new Histogram(60_000_000_000L, 3);
      try (SseClient stream = new SseClient(node.httpPort(), "/api/v1/stream/incidents?region=33",
          TestNode.token(Role.COMMAND_CENTER, "33"), null)) {
        assertThat(stream.status()).isEqualTo(200);
        Map<String, long[]> sent = new HashMap<>();
        for (int i = 0; i < WARMUP + REPORTS; i++) {
          long before = System.nanoTime();
          var response = created(school.post("/api/v1/incidents",
              Fixtures.incident("sch-330106", "INJURY", "IV", "latency-" + i)));
          long accepted = System.nanoTime();
          sent.put(response.body().get("incidentId").asText(), new long[] {before, accepted, i});
        }
        int arrived = 0;
        while (arrived < sent.size()) {
          var events = stream.take(1, Duration.ofSeconds(30));
          assertThat(events).as("reports still missing: %d", sent.size() - arrived).isNotEmpty();
          var e = events.get(0);
          if (!e.data().get("event").asText().equals("reported")) {
            continue;
          }
          long[] t = sent.get(e.data().get("incidentId").asText());
          arrived++;
          if (t[2] >= WARMUP) {
            fromSend.recordValue(Math.max(0, e.receivedNanos() - t[0]));
            fromAccept.recordValue(Math.max(0, e.receivedNanos() - t[1]));
          }
        }
      }
      System.out.printf("%nreport-to-stream latency over %d reports (after %d warm-up), one node, embedded Cassandra:%n",
          REPORTS, WARMUP);
      print("from sending the report", fromSend);
      print("from its 201 answer     ", fromAccept);
    }
  }

  private static void print(String what, Histogram h) {
    System.out.printf("  %s: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms%n", what,
        h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(95) / 1e6,
        h.getValueAtPercentile(99) / 1e6, h.getMaxValue() / 1e6);
  }
}
