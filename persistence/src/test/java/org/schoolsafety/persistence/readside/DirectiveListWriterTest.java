package org.schoolsafety.persistence.readside;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
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
import org.schoolsafety.hub.directive.Directive;
import org.schoolsafety.hub.directive.DirectiveSpec;
import org.schoolsafety.hub.directive.TargetSchool;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.region.RegionCode;
import org.schoolsafety.hub.school.Posture;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * The list of directives' handler, run by Pekko's ProjectionTestKit against the real embedded
 * Cassandra: issued, revised to more schools (one in another county), lifted; an exercise left
 * in force; then the same events again (a projection restarted from an earlier offset), which
 * must leave the list exactly as it was.
 */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DirectiveListWriterTest {

  private static final String KS = "it_directive_list";
  private static final Instant T0 = Instant.parse("2026-11-30T08:00:00Z");
  private ActorSystem<Void> system;
  private CassandraSession session;
  private DirectiveQueries queries;
  private final AtomicInteger projections = new AtomicInteger();

  @BeforeAll
  void setUp() {
    system = ReadSideTesting.system("directive-list-test", "it_directive_list_journal", KS);
    session = ReadSide.session(system);
    queries = new DirectiveQueries(session, KS);
  }

  @AfterAll
  void tearDown() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static TargetSchool school(String id, String region) {
    return new TargetSchool(id, "School " + id, RegionCode.of(region), 1000, 80);
  }

  private static DirectiveSpec spec(Posture posture, Mode mode, String scope, List<TargetSchool> schools) {
    return new DirectiveSpec(posture, "Sandstorm: stay indoors", mode, scope, schools, Duration.ofMinutes(10), "direct");
  }

  private static List<EventEnvelope<Directive.Event>> events() {
    var a1 = school("sch-650102-001", "650102");
    var a2 = school("sch-650102-002", "650102");
    var b1 = school("sch-650104-001", "650104");
    List<Object[]> journal = List.of(
        new Object[] {"dir-a", new Directive.Issued(spec(Posture.SHELTER, Mode.ACTUAL, "650102", List.of(a1, a2)), T0, "command-center:6501")},
        new Object[] {"dir-x", new Directive.Issued(spec(Posture.EVACUATE, Mode.EXERCISE, "650104", List.of(b1)),
            T0.plusSeconds(60), "operator:ops")},
        new Object[] {"dir-a", new Directive.Revised(spec(Posture.LOCKDOWN, Mode.ACTUAL, "6501", List.of(a1, a2, b1)),
            "cap,alert-1,2026-11-30T08:05:00Z", T0.plusSeconds(300), "alert-source:cap")},
        new Object[] {"dir-a", new Directive.Lifted("the storm has passed", T0.plusSeconds(3600), "command-center:6501")});
    var seqs = new HashMap<String, Long>();
    var envelopes = new ArrayList<EventEnvelope<Directive.Event>>();
    for (Object[] entry : journal) {
      String id = (String) entry[0];
      long seq = seqs.merge(id, 1L, Long::sum);
      envelopes.add(EventEnvelope.create(Offset.sequence(envelopes.size() + 1), "Directive|" + id, seq,
          (Directive.Event) entry[1], T0.toEpochMilli()));
    }
    return envelopes;
  }

  private void run(List<EventEnvelope<Directive.Event>> envelopes, Runnable assertions) {
    var source = TestSourceProvider.<Offset, EventEnvelope<Directive.Event>>create(Source.from(envelopes),
        EventEnvelope::offset);
    var projection = TestProjection.create(ProjectionId.of("directive-list-test", "p" + projections.incrementAndGet()),
        source, () -> new DirectiveListWriter(session, KS));
    ProjectionTestKit.create(system).run(projection, Duration.ofSeconds(30), assertions::run);
  }

  private List<Map<String, Object>> list(String region, Set<String> modes, DirectiveQueries.Which which) {
    return queries.ofRegion(region, modes, which, 100).toCompletableFuture().join();
  }

  private static List<Object> ids(List<Map<String, Object>> rows) {
    return rows.stream().map(r -> r.get("directiveId")).toList();
  }

  private void assertList() {
    Set<String> both = Set.of("ACTUAL", "EXERCISE");
    // lifted: gone from the active list, there with its reason among the lifted ones
    assertThat(ids(list("65", both, DirectiveQueries.Which.ACTIVE))).containsExactly("dir-x");
    var lifted = list("65", both, DirectiveQueries.Which.LIFTED);
    assertThat(ids(lifted)).containsExactly("dir-a");
    Map<String, Object> a = lifted.get(0);
    assertThat(a).containsEntry("posture", "LOCKDOWN").containsEntry("scope", "6501").containsEntry("schools", 3)
        .containsEntry("state", "LIFTED").containsEntry("liftReason", "the storm has passed")
        .containsEntry("issuedAt", T0.toString()).containsEntry("issuedBy", "command-center:6501")
        .containsEntry("revisedAt", T0.plusSeconds(300).toString())
        .containsEntry("liftedAt", T0.plusSeconds(3600).toString());
    // newest first; the revision added a school of county 650104, which now lists it too
    assertThat(ids(list("6501", both, DirectiveQueries.Which.ALL))).containsExactly("dir-x", "dir-a");
    assertThat(ids(list("650104", both, DirectiveQueries.Which.ALL))).containsExactly("dir-x", "dir-a");
    assertThat(ids(list("650102", both, DirectiveQueries.Which.ALL))).containsExactly("dir-a");
    assertThat(ids(list("650101", both, DirectiveQueries.Which.ALL))).isEmpty();
    // modes
    assertThat(ids(list("65", Set.of("ACTUAL"), DirectiveQueries.Which.ALL))).containsExactly("dir-a");
    assertThat(ids(list("65", Set.of("EXERCISE"), DirectiveQueries.Which.ACTIVE))).containsExactly("dir-x");
    // another province knows nothing of them
    assertThat(list("11", both, DirectiveQueries.Which.ALL)).isEmpty();
  }

  @Test
  void issuedRevisedAndLiftedDirectivesAreListedAndAReplayChangesNothing() {
    run(events(), this::assertList);
    run(events(), this::assertList);
    run(events().subList(2, 4), this::assertList);
    assertThat(session.selectAll("SELECT directive_id FROM " + KS + ".directives_by_province WHERE province = ?", "65")
        .toCompletableFuture().join()).hasSize(2);
  }
}
