package org.schoolsafety.persistence.readside;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.testkit.javadsl.ProjectionTestKit;
import org.apache.pekko.projection.testkit.javadsl.TestProjection;
import org.apache.pekko.projection.testkit.javadsl.TestSourceProvider;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.hub.incident.IncidentEvent;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.secret.ServerKey;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * The incident projection's handler run by Pekko's ProjectionTestKit against the real embedded
 * Cassandra: groups of events of several incidents, interleaved, then replays — from the start
 * with an empty memory, and from the middle — that must leave the tables exactly as they were.
 */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IncidentSummaryWriterTest {

  private static final String KS = "it_projection_read";
  private ActorSystem<Void> system;
  private CassandraSession session;
  private IncidentQueries queries;
  private final AtomicInteger projections = new AtomicInteger();

  private final List<IncidentEvent> a = IncidentEvents.fullLife("inc-a");
  private final List<IncidentEvent> b = IncidentEvents.falseAlarm("inc-b", Mode.EXERCISE);
  private final List<IncidentEvent> c = IncidentEvents.fullLife("inc-c").subList(0, 3);

  @BeforeAll
  void setUp() {
    system = ReadSideTesting.system("projection-test", "it_projection", KS);
    session = ReadSide.session(system);
    queries = new IncidentQueries(session, KS,
        ServerKey.of("projection-test-key-of-32-bytes!".getBytes(StandardCharsets.US_ASCII)));
  }

  @AfterAll
  void tearDown() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** The journal's order, cut into groups the way the projection might receive them. */
  private List<List<EventEnvelope<IncidentEvent>>> groups() {
    var seqs = new HashMap<String, Long>();
    var all = new ArrayList<EventEnvelope<IncidentEvent>>();
    int[][] order = {{0, 0}, {0, 1}, {1, 0}, {2, 0}, {1, 1}, {0, 2}, {2, 1}, {0, 3}, {0, 4}, {1, 2}, {0, 5},
        {2, 2}, {0, 6}, {0, 7}, {0, 8}};
    List<List<IncidentEvent>> lives = List.of(a, b, c);
    for (int[] step : order) {
      IncidentEvent e = lives.get(step[0]).get(step[1]);
      long seq = seqs.merge(e.incidentId(), 1L, Long::sum);
      all.add(EventEnvelope.create(Offset.sequence(all.size() + 1), "Incident|" + e.incidentId(), seq, e,
          e.at().toEpochMilli()));
    }
    int[] cuts = {2, 3, 6, 7, 9, 12, 15};
    var groups = new ArrayList<List<EventEnvelope<IncidentEvent>>>();
    int from = 0;
    for (int cut : cuts) {
      groups.add(List.copyOf(all.subList(from, cut)));
      from = cut;
    }
    return groups;
  }

  private void run(List<List<EventEnvelope<IncidentEvent>>> groups, Runnable assertions) {
    var source = TestSourceProvider.<Offset, List<EventEnvelope<IncidentEvent>>>create(Source.from(groups),
        group -> group.get(group.size() - 1).offset());
    var projection = TestProjection.create(ProjectionId.of("incident-summaries-test", "p" + projections.incrementAndGet()),
        source, () -> new IncidentSummaryWriter(session, KS, "incident-0"));
    ProjectionTestKit.create(system).run(projection, Duration.ofSeconds(30), assertions::run);
  }

  private Map<String, IncidentSummary> listed(String region, boolean openOnly) {
    var filter = new IncidentQueries.IncidentFilter(region, null, openOnly, null, Set.of("ACTUAL", "EXERCISE"), null,
        LocalDate.of(2026, 11, 24), LocalDate.of(2026, 11, 30), 200, null);
    var byId = new HashMap<String, IncidentSummary>();
    queries.incidents(filter).toCompletableFuture().join().items().forEach(s -> byId.put(s.incidentId(), s));
    return byId;
  }

  private Map<String, DispatchRecord> history(String agencyId) {
    var byId = new HashMap<String, DispatchRecord>();
    queries.dispatches(agencyId, new IncidentQueries.DispatchFilter(Set.of("ACTUAL", "EXERCISE"), null), 200, null)
        .toCompletableFuture().join().items().forEach(d -> byId.put(d.incidentId(), d));
    return byId;
  }

  private void assertTables() {
    for (String region : List.of("65", "6501", "650102")) {
      var all = listed(region, false);
      assertThat(all.keySet()).containsExactlyInAnyOrder("inc-a", "inc-b", "inc-c");
      assertThat(all.get("inc-a").status()).isEqualTo("CLOSED");
      assertThat(all.get("inc-a").level()).isEqualTo("I");
      assertThat(all.get("inc-a").acknowledged()).isEqualTo(2);
      assertThat(all.get("inc-a").escalated()).isEqualTo(1);
      assertThat(all.get("inc-a").unanswered()).isEqualTo(1);
      assertThat(all.get("inc-b").status()).isEqualTo("CANCELLED");
      assertThat(all.get("inc-b").mode()).isEqualTo("EXERCISE");
      assertThat(all.get("inc-b").drillId()).isEqualTo("drill-1");
      assertThat(all.get("inc-c").status()).isEqualTo("DISPATCHED");
      assertThat(all.get("inc-c").acknowledged()).isEqualTo(1);
      assertThat(listed(region, true).keySet()).containsExactly("inc-c");
      // The true totals, counted from the events: inc-c alone is open (level III, 2 dispatches waiting, 1 acknowledged).
      var totals = queries.openTotals(region, Set.of("ACTUAL", "EXERCISE")).toCompletableFuture().join();
      assertThat(totals.open()).isEqualTo(1);
      assertThat(totals.byLevel()).containsEntry("III", 1).containsEntry("I", 0).containsEntry("IV", 0);
      assertThat(totals.drillsByLevel().values()).containsOnly(0);
      assertThat(totals.dispatches()).containsEntry("notified", 2).containsEntry("acknowledged", 1)
          .containsEntry("escalated", 0).containsEntry("unanswered", 0);
      assertThat(queries.openTotals(region, Set.of("EXERCISE")).toCompletableFuture().join().open()).isZero();
    }
    var healthCity = history("health-6501");
    assertThat(healthCity.keySet()).containsExactly("inc-a");
    assertThat(healthCity.get("inc-a").state()).isEqualTo("ACKNOWLEDGED");
    assertThat(healthCity.get("inc-a").incidentStatus()).isEqualTo("CLOSED");
    assertThat(healthCity.get("inc-a").level()).isEqualTo("I");
    var fire = history("fire-650102");
    assertThat(fire.keySet()).containsExactlyInAnyOrder("inc-a", "inc-b", "inc-c");
    assertThat(fire.get("inc-c").state()).isEqualTo("ACKNOWLEDGED");
    assertThat(fire.get("inc-c").incidentStatus()).isEqualTo("DISPATCHED");
    assertThat(history("edu-650102").get("inc-a").state()).isEqualTo("UNANSWERED");
    // The school's open incidents in the list of schools: the one still open, no drill (cancelled).
    var school = session.selectOne("SELECT open_ids, open_exercise_ids FROM " + KS + ".schools_by_province "
        + "WHERE province = ? AND school_id = ?", "65", IncidentEvents.SCHOOL.schoolId()).toCompletableFuture().join();
    assertThat(school).isPresent();
    assertThat(school.get().getSet("open_ids", String.class)).containsExactly("inc-c");
    assertThat(school.get().getSet("open_exercise_ids", String.class)).isEmpty();
    assertThat(history("health-650102").get("inc-a").state()).isEqualTo("ESCALATED");
  }

  @Test
  void groupsOfInterleavedIncidentsThenReplaysFromTheStartAndFromTheMiddle() {
    var groups = groups();
    run(groups, this::assertTables);
    // A rebuild: every event again, by a handler that remembers nothing.
    run(groups, this::assertTables);
    // A restart after a crash: the last groups again, on rows that already have them.
    run(groups.subList(3, groups.size()), this::assertTables);
  }
}
