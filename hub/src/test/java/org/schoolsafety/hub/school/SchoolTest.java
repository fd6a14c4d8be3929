package org.schoolsafety.hub.school;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.hub.HubTestConfig;
import org.schoolsafety.hub.MutableClock;
import org.schoolsafety.hub.Rejection;
import org.schoolsafety.hub.incident.IncidentType;
import org.schoolsafety.hub.incident.Level;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.incident.Status;
import org.schoolsafety.hub.region.RegionCode;

@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchoolTest {

  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(HubTestConfig.realTime()).build();

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T00:00:00Z"));
  private String schoolId;
  private EventSourcedBehaviorTestKit<School.Command, School.Event, School.State> school;

  @BeforeEach
  void setUp() {
    schoolId = "sch-" + UUID.randomUUID();
    school = EventSourcedBehaviorTestKit.create(testKit.system(), School.create(schoolId, clock),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
  }

  private SchoolProfile profile(String name) {
    return new SchoolProfile(schoolId, name, RegionCode.of("650102"), SchoolType.PRIMARY,
        1200, 80, 4, new Location(43.8, 87.6));
  }

  private StatusReply<School.State> register(SchoolProfile p) {
    return school.<StatusReply<School.State>>runCommand(r -> new School.Register(p, "operator:test", r)).reply();
  }

  @Test
  void keepsWorkingAfterAFailedJournalWrite() {
    School.State empty = school.getState();
    school.persistenceTestKit().failNextPersisted();
    // The write fails: no answer, nothing written; the entity restarts after a backoff from
    // the journal (the state asked for meanwhile waits for it).
    var unanswered = testKit.<StatusReply<School.State>>createTestProbe();
    var failed = school.runCommand(new School.Register(profile("No. 1 Primary"), "operator:test", unanswered.ref()));
    assertThat(failed.hasNoEvents()).isTrue();
    assertThat(failed.state()).isEqualTo(empty);

    var retried = register(profile("No. 1 Primary"));
    assertThat(retried.isSuccess()).isTrue();
    assertThat(school.getState().profile().name()).isEqualTo("No. 1 Primary");
    assertThat(school.restart().state().profile().name()).isEqualTo("No. 1 Primary");
  }

  @Test
  void registersOnceIdempotentlyAndRefusesADifferentProfile() {
    var result = school.<StatusReply<School.State>>runCommand(r -> new School.Register(profile("No. 1 Primary"), "operator:test", r));
    assertThat(result.reply().getValue().profile().name()).isEqualTo("No. 1 Primary");
    assertThat(result.event()).isEqualTo(new School.Registered(profile("No. 1 Primary"), clock.instant(), "operator:test"));
    assertThat(result.state().posture()).isEqualTo(Posture.NORMAL);

    var again = school.<StatusReply<School.State>>runCommand(r -> new School.Register(profile("No. 1 Primary"), "operator:test", r));
    assertThat(again.hasNoEvents()).isTrue();
    assertThat(again.reply().isSuccess()).isTrue();

    var other = register(profile("Renamed"));
    assertThat(other.getError()).isInstanceOf(Rejection.Conflict.class).hasMessageContaining(schoolId);
    assertThat(school.getState().profile().name()).isEqualTo("No. 1 Primary");
  }

  @Test
  void recordsDrillsOnceAndKnowsTheMonthsWithAnEvacuationDrill() {
    register(profile("No. 1 Primary"));
    var evacuation = new DrillRecord("drill-1", DrillType.EVACUATION, java.time.LocalDate.parse("2026-11-03"), 12, 850, 190);
    var result = school.<StatusReply<School.State>>runCommand(r -> new School.RecordDrill(evacuation, "operator:test", r));
    assertThat(result.event()).isEqualTo(new School.DrillRecorded(evacuation, clock.instant(), "operator:test"));
    var lockdown = new DrillRecord("drill-2", DrillType.LOCKDOWN, java.time.LocalDate.parse("2026-10-20"), 8, 800, null);
    school.<StatusReply<School.State>>runCommand(r -> new School.RecordDrill(lockdown, "operator:test", r));
    assertThat(school.getState().evacuationMonths()).containsExactly("2026-11");

    var again = school.<StatusReply<School.State>>runCommand(r -> new School.RecordDrill(evacuation, "operator:test", r));
    assertThat(again.hasNoEvents()).isTrue();
    var changed = new DrillRecord("drill-1", DrillType.EVACUATION, java.time.LocalDate.parse("2026-11-03"), 20, 850, 190);
    var conflict = school.<StatusReply<School.State>>runCommand(r -> new School.RecordDrill(changed, "operator:test", r));
    assertThat(conflict.reply().getError()).isInstanceOf(Rejection.Conflict.class);
    school.restart();
    assertThat(school.getState().drills()).containsExactly(evacuation, lockdown);
  }

  @Test
  void unknownSchoolIsNotFound() {
    var result = school.<StatusReply<School.State>>runCommand(School.Get::new);
    assertThat(result.reply().getError()).isInstanceOf(Rejection.NotFound.class).hasMessageContaining(schoolId);
    assertThat(result.hasNoEvents()).isTrue();
  }

  @Test
  void tracksOpenIncidentsUntilTheyEnd() {
    register(profile("No. 1 Primary"));
    var t0 = clock.instant();
    var opened = new IncidentNotice("inc-1", IncidentType.FIRE, Level.III, Mode.ACTUAL, Status.REPORTED, t0);
    var track = school.<Done>runCommand(r -> new School.TrackIncident(opened, r));
    assertThat(track.event()).isEqualTo(new School.IncidentTracked(opened));
    assertThat(track.state().openIncidentList()).containsExactly(opened);

    var same = school.<Done>runCommand(r -> new School.TrackIncident(opened, r));
    assertThat(same.hasNoEvents()).isTrue();

    var closed = new IncidentNotice("inc-1", IncidentType.FIRE, Level.III, Mode.ACTUAL, Status.CLOSED, t0);
    var close = school.<Done>runCommand(r -> new School.TrackIncident(closed, r));
    assertThat(close.state().openIncidents()).isEmpty();

    var lateClosed = new IncidentNotice("inc-2", IncidentType.FIRE, Level.III, Mode.ACTUAL, Status.CANCELLED, t0);
    assertThat(school.<Done>runCommand(r -> new School.TrackIncident(lateClosed, r)).hasNoEvents()).isTrue();

    school.restart();
    assertThat(school.getState().openIncidents()).isEmpty();
    assertThat(school.getState().profile()).isEqualTo(profile("No. 1 Primary"));
  }
}
