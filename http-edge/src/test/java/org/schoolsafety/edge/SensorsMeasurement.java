package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.schoolsafety.edge.Fixtures.created;

import com.datastax.oss.driver.api.core.CqlSession;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * The {@code sensors} figures: readings per second a node on embedded Cassandra accepts, and how
 * many journal events a burst costs. A measurement, not a test of speed: it asserts only that
 * every batch was accepted and that each school's burst opened one incident.
 *
 * <p>Two phases, {@code SCHOOLS} schools with {@code DETECTORS} smoke detectors and as many other
 * devices each, {@code CONCURRENCY} gateways' requests in flight:
 * <ol>
 *   <li>quiet: every device of every school reports below every threshold, one batch per school
 *       and round ({@code 2 × DETECTORS} readings), for {@code ROUNDS} rounds;
 *   <li>burst: every school's detectors read smoke — 40 readings from 10 detectors within a
 *       minute, as four batches — the burst of issue 14.
 * </ol>
 * Journal events are counted in the journal table itself (rows per persistence id), before and
 * after each phase. Run alone: {@code mvn -pl http-edge -am verify -Dtest=SensorsMeasurement
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@ExtendWith(SharedCassandra.class)
class SensorsMeasurement {

  static final String KEYSPACE = "it_sensors_measure";
  static final String COUNTY = "650103";
  static final int SCHOOLS = Integer.getInteger("sensors.schools", 20);
  static final int DETECTORS = 10;
  static final int ROUNDS = Integer.getInteger("sensors.rounds", 30);
  static final int CONCURRENCY = Integer.getInteger("sensors.concurrency", 16);

  @Test
  void readingsPerSecondAndJournalEventsPerBurst() throws Exception {
    try (HubNode node = TestNode.start(KEYSPACE, Map.of(
            "hub.http.rate-limit.burst", 1_000_000, "hub.http.rate-limit.per-second", 1_000_000));
        CqlSession cql = SharedCassandra.session()) {
      HubClient anonymous = new HubClient(node.httpPort());
      Fixtures.registerRegion(anonymous, COUNTY);
      HubClient operator = anonymous.as(Role.OPERATOR, "ops");
      var schools = new ArrayList<String>();
      for (int s = 0; s < SCHOOLS; s++) {
        String id = String.format("sch-%s-%03d", COUNTY, s);
        schools.add(id);
        created(Fixtures.postSchool(operator, Fixtures.school(id, COUNTY)));
        for (int d = 0; d < DETECTORS; d++) {
          created(operator.post("/api/v1/schools/" + id + "/devices", Map.of("deviceId", "smoke-" + d, "kind", "SMOKE",
              "location", Map.of("building", "B", "floor", (d / 4 + 1) + "F"))));
          created(operator.post("/api/v1/schools/" + id + "/devices", Map.of("deviceId", "heat-" + d, "kind", "TEMPERATURE",
              "location", Map.of("building", "C", "floor", (d / 4 + 1) + "F"))));
        }
      }
      ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
      try {
        // --- quiet ---------------------------------------------------------------------------
        Map<String, Long> before = events(cql);
        var quietReadings = new AtomicLong();
        long started = System.nanoTime();
        var futures = new ArrayList<Future<?>>();
        for (int round = 0; round < ROUNDS; round++) {
          for (String school : schools) {
            int r = round;
            futures.add(pool.submit(() -> {
              Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
              var readings = new ArrayList<Map<String, Object>>();
              for (int d = 0; d < DETECTORS; d++) {
                readings.add(SensorsTest.reading("smoke-" + d, "SMOKE", 0.01 + 0.001 * r % 3, at));
                readings.add(SensorsTest.reading("heat-" + d, "TEMPERATURE", 21 + (r % 5) * 0.1, at));
              }
              var answer = anonymous.as(Role.SENSOR_GATEWAY, school).post("/api/v1/sensors/readings",
                  SensorsTest.batch(school, readings));
              assertThat(answer.status()).as(String.valueOf(answer.body())).isEqualTo(202);
              quietReadings.addAndGet(readings.size());
            }));
          }
        }
        for (Future<?> f : futures) {
          f.get();
        }
        double quietSeconds = (System.nanoTime() - started) / 1e9;
        Map<String, Long> afterQuiet = events(cql);

        // --- bursts ---------------------------------------------------------------------------
        futures.clear();
        var burstReadings = new AtomicLong();
        var opened = new HashMap<String, java.util.Set<String>>();
        long burstStarted = System.nanoTime();
        // After the quiet readings (an older reading above would be too late to count): the burst's
        // reading times span 21 s from now (sent at once; within the 1 min future tolerance), so that
        // every detector is sustained (20 s) in the fourth round.
        Instant start = Instant.now().plusSeconds(1).truncatedTo(ChronoUnit.SECONDS);
        for (int round = 0; round < 4; round++) {
          var roundFutures = new ArrayList<Future<?>>();
          for (String school : schools) {
            int r = round;
            roundFutures.add(pool.submit(() -> {
              var readings = new ArrayList<Map<String, Object>>();
              for (int d = 0; d < DETECTORS; d++) {
                readings.add(SensorsTest.reading("smoke-" + d, "SMOKE", 0.2 + d * 0.02, start.plusSeconds(r * 7L).plusMillis(d * 100L)));
              }
              var answer = anonymous.as(Role.SENSOR_GATEWAY, school).post("/api/v1/sensors/readings",
                  SensorsTest.batch(school, readings));
              assertThat(answer.status()).as(String.valueOf(answer.body())).isEqualTo(202);
              burstReadings.addAndGet(readings.size());
              synchronized (opened) {
                answer.body().get("incidents").forEach(t -> opened.computeIfAbsent(school, k -> new java.util.HashSet<>())
                    .add(t.get("incidentId").asText()));
              }
            }));
          }
          for (Future<?> f : roundFutures) {
            f.get();
          }
        }
        double burstSeconds = (System.nanoTime() - burstStarted) / 1e9;
        // Let the incidents take their reports, evidence and dispatches: until the journal holds still
        // for two seconds.
        var last = new java.util.concurrent.atomic.AtomicReference<Map<String, Long>>(Map.of());
        org.awaitility.Awaitility.await("the journal settles after the burst").atMost(java.time.Duration.ofMinutes(2))
            .pollDelay(java.time.Duration.ofSeconds(2)).pollInterval(java.time.Duration.ofSeconds(2))
            .until(() -> events(cql).equals(last.getAndSet(events(cql))));
        Map<String, Long> afterBurst = events(cql);
        assertThat(opened).hasSize(SCHOOLS);
        opened.values().forEach(ids -> assertThat(ids).hasSize(1));

        long quietSchoolEvents = delta(before, afterQuiet, "School|");
        long burstSchoolEvents = delta(afterQuiet, afterBurst, "School|");
        long burstIncidentEvents = delta(afterQuiet, afterBurst, "Incident|");
        long burstAll = delta(afterQuiet, afterBurst, "");
        System.out.printf(
            "%nsensors, one node, embedded Cassandra, %d schools x %d devices, %d gateways' requests in flight:%n"
                + "  quiet: %d readings below every threshold in %.1f s = %.0f readings/s accepted (%.0f batches/s);"
                + " journal events written: %d (school journals)%n"
                + "  burst: %d readings (40 per school: 10 detectors x 4 within a minute) in %.1f s = %.0f readings/s;"
                + " per burst: %.2f school journal events, %.2f incident journal events, %.2f journal events in all"
                + " (agencies' inboxes and the province feed included)%n",
            SCHOOLS, 2 * DETECTORS, CONCURRENCY, quietReadings.get(), quietSeconds, quietReadings.get() / quietSeconds,
            (double) ROUNDS * SCHOOLS / quietSeconds, quietSchoolEvents, burstReadings.get(), burstSeconds,
            burstReadings.get() / burstSeconds, (double) burstSchoolEvents / SCHOOLS,
            (double) burstIncidentEvents / SCHOOLS, (double) burstAll / SCHOOLS);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /** Journal rows per persistence id (every partition), from the journal table. */
  private static Map<String, Long> events(CqlSession cql) {
    var counts = new HashMap<String, Long>();
    for (var row : cql.execute("SELECT persistence_id FROM " + KEYSPACE + ".messages")) {
      counts.merge(row.getString("persistence_id"), 1L, Long::sum);
    }
    return counts;
  }

  private static long delta(Map<String, Long> before, Map<String, Long> after, String prefix) {
    long sum = 0;
    for (var e : after.entrySet()) {
      if (e.getKey().startsWith(prefix)) {
        sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
      }
    }
    return sum;
  }
}
