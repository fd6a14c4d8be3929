package org.schoolsafety.hub.prevention;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Set;
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
import org.schoolsafety.hub.hazard.HazardCategory;
import org.schoolsafety.hub.hazard.HazardNotice;
import org.schoolsafety.hub.hazard.HazardStatus;
import org.schoolsafety.hub.hazard.Severity;
import org.schoolsafety.hub.incident.IncidentType;
import org.schoolsafety.hub.incident.Level;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.incident.Status;
import org.schoolsafety.hub.region.RegionCode;
import org.schoolsafety.hub.risk.RiskLevel;
import org.schoolsafety.hub.risk.RiskScore;
import org.schoolsafety.hub.school.IncidentNotice;

/** A school's prevention record, with serialization checks: clusters, scores and warnings decided in the command path. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PreventionTest {

  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(HubTestConfig.realTime()).build();

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T08:00:00Z"));
  private final SchoolInfo school = new SchoolInfo("sch-650102-001", "Tianshan No. 1 Primary", RegionCode.of("650102"), 1200, 80);
  private EventSourcedBehaviorTestKit<Prevention.Command, Prevention.Event, Prevention.State> record;

  @BeforeEach
  void setUp() {
    record = EventSourcedBehaviorTestKit.create(testKit.system(),
        Prevention.create("sch-" + UUID.randomUUID(), Prevention.Settings.fromConfig(ConfigFactory.load()), clock),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<Prevention.Command, Prevention.Event, Prevention.State,
      StatusReply<Prevention.State>> check(String day, String session, int fever) {
    var c = new HealthCheck(LocalDate.parse(day), session, "3-2", 38, fever, Map.of(Symptom.FEVER, fever));
    return record.runCommand(r -> new Prevention.RecordHealthCheck(school, c, "school-staff:x", r));
  }

  @Test
  void aClusterIsDecidedOnceRaisesAWarningAndIsAcknowledged() {
    var first = check("2026-11-28", "MORNING", 2);
    assertThat(first.events()).noneMatch(e -> e instanceof Prevention.ClusterSuspected);
    var second = check("2026-11-28", "NOON", 1);
    assertThat(second.events()).filteredOn(e -> e instanceof Prevention.ClusterSuspected).hasSize(1);
    var warning = second.state().warningList().stream().filter(w -> w.cause().equals("HEALTH_CLUSTER")).findFirst().orElseThrow();
    assertThat(warning.state()).isEqualTo("RAISED");
    assertThat(warning.audience()).isEqualTo("HEALTH,EDUCATION");
    // the same check again changes nothing; other figures under the same key are refused
    assertThat(check("2026-11-28", "NOON", 1).hasNoEvents()).isTrue();
    assertThat(check("2026-11-28", "NOON", 4).reply().getError()).isInstanceOf(Rejection.Conflict.class);
    // the next day's case belongs to the same outbreak: no second cluster
    assertThat(check("2026-11-29", "MORNING", 1).events()).noneMatch(e -> e instanceof Prevention.ClusterSuspected);
    var ack = record.<StatusReply<Warning>>runCommand(r -> new Prevention.AcknowledgeWarning(warning.warningId(), "agency:health-650102", r));
    assertThat(ack.reply().getValue().state()).isEqualTo("ACKNOWLEDGED");
    assertThat(record.restart().state()).isEqualTo(record.getState());
  }

  @Test
  void aClusterWarningClearsAfterThreeCleanDaysEvenIfTheOutbreakTailedOffFirst() {
    check("2026-11-20", "MORNING", 3);
    Warning cluster = record.getState().warningList().stream().filter(w -> w.cause().equals("HEALTH_CLUSTER"))
        .findFirst().orElseThrow();
    check("2026-11-21", "MORNING", 1); // one more case after the cluster
    check("2026-11-22", "MORNING", 0);
    check("2026-11-23", "MORNING", 0);
    assertThat(record.getState().warnings().get(cluster.warningId()).state()).as("two clean days").isEqualTo("RAISED");
    var third = check("2026-11-24", "MORNING", 0);
    assertThat(third.state().warnings().get(cluster.warningId()).state()).as("three clean days").isEqualTo("CLEARED");
  }

  @Test
  void aCaseOnOneOfTheLastThreeDaysKeepsTheClusterWarning() {
    check("2026-11-20", "MORNING", 3);
    check("2026-11-21", "MORNING", 0);
    check("2026-11-22", "MORNING", 1);
    check("2026-11-23", "MORNING", 0);
    assertThat(record.getState().warningList()).filteredOn(w -> w.cause().equals("HEALTH_CLUSTER"))
        .extracting(Warning::state).containsExactly("RAISED");
  }

  @Test
  void aClusterWarningIsLinkedToOneIncidentOnly() {
    check("2026-11-28", "MORNING", 3);
    Warning cluster = record.getState().warningList().stream().filter(w -> w.cause().equals("HEALTH_CLUSTER"))
        .findFirst().orElseThrow();
    assertThat(record.getState().cluster(cluster.causeId())).isPresent();
    var linked = record.<StatusReply<Warning>>runCommand(r ->
        new Prevention.LinkIncident(cluster.warningId(), "inc-1", "school-staff:x", r));
    assertThat(linked.reply().getValue().incidentId()).isEqualTo("inc-1");
    assertThat(linked.event()).isInstanceOf(Prevention.WarningChanged.class);
    // again: nothing new; another incident for the same warning: refused
    var again = record.<StatusReply<Warning>>runCommand(r ->
        new Prevention.LinkIncident(cluster.warningId(), "inc-1", "agency:education-650102", r));
    assertThat(again.hasNoEvents()).isTrue();
    assertThat(again.reply().getValue().incidentId()).isEqualTo("inc-1");
    assertThat(record.<StatusReply<Warning>>runCommand(r ->
        new Prevention.LinkIncident(cluster.warningId(), "inc-2", "school-staff:x", r)).reply().getError())
        .isInstanceOf(Rejection.Conflict.class);
    assertThat(record.<StatusReply<Warning>>runCommand(r ->
        new Prevention.LinkIncident("wr-99-nowhere", "inc-1", "school-staff:x", r)).reply().getError())
        .isInstanceOf(Rejection.NotFound.class);
    // acknowledging keeps the link
    var ack = record.<StatusReply<Warning>>runCommand(r ->
        new Prevention.AcknowledgeWarning(cluster.warningId(), "agency:health-650102", r));
    assertThat(ack.reply().getValue().incidentId()).isEqualTo("inc-1");
    assertThat(record.restart().state()).isEqualTo(record.getState());
  }

  @Test
  void onlyAHealthClusterWarningIsLinkedToAnIncident() {
    var major = new HazardNotice("hz-9", school.schoolId(), school.name(), "650102", HazardCategory.ELECTRICAL,
        Severity.MAJOR, HazardStatus.OPEN, clock.instant().plusSeconds(86400), clock.instant(), null, null, null);
    record.<StatusReply<Prevention.State>>runCommand(r -> new Prevention.RecordTraining(school, new Training("t-9", LocalDate.parse("2026-11-01"),
        "FIRE", "STAFF", 10, 1.0), "school-staff:x", r));
    record.<Done>runCommand(r -> new Prevention.TrackHazard(major, r));
    Warning hazard = record.getState().warningList().stream().filter(w -> w.cause().equals("MAJOR_HAZARD"))
        .findFirst().orElseThrow();
    assertThat(record.<StatusReply<Warning>>runCommand(r ->
        new Prevention.LinkIncident(hazard.warningId(), "inc-1", "school-staff:x", r)).reply().getError())
        .isInstanceOf(Rejection.Conflict.class);
  }

  @Test
  void trainingsCarryTheSchoolForTheReadSideAndAreTagged() {
    var result = record.<StatusReply<Prevention.State>>runCommand(r -> new Prevention.RecordTraining(school,
        new Training("t-1", LocalDate.parse("2026-11-01"), "FIRE", "STAFF", 30, 2.0), "school-staff:x", r));
    var recorded = result.events().stream().filter(e -> e instanceof Prevention.TrainingRecorded).findFirst().orElseThrow();
    assertThat(((Prevention.TrainingRecorded) recorded).school()).isEqualTo(school);
    assertThat(tagsOf(recorded)).containsExactly(Prevention.TAG);
  }

  @Test
  void incidentsCarryWhenTheyHappenedAndALateInitialReportCountsAgainstExecution() {
    record.<StatusReply<Prevention.State>>runCommand(r -> new Prevention.RecordTraining(school, new Training("t-1", LocalDate.parse("2026-11-01"),
        "FIRE", "STAFF", 80, 2.0), "school-staff:x", r));
    Instant reported = clock.instant().minusSeconds(3600);
    var onTime = new IncidentNotice("inc-1", IncidentType.INJURY,
        Level.IV, Mode.ACTUAL,
        Status.REPORTED, reported, null, reported.minusSeconds(1800));
    var late = new IncidentNotice("inc-2", IncidentType.INJURY,
        Level.IV, Mode.ACTUAL,
        Status.REPORTED, reported, null, reported.minusSeconds(7200));
    record.<Done>runCommand(r -> new Prevention.TrackIncident(onTime, r));
    double before = record.getState().risk().dimensions().get("execution");
    record.<Done>runCommand(r -> new Prevention.TrackIncident(late, r));
    var score = record.getState().risk();
    assertThat(score.dimensions().get("execution")).isEqualTo(before + 10.0);
    assertThat(score.factors()).filteredOn(f -> f.code().equals("late-initial-reports"))
        .extracting(RiskScore.Factor::detail).singleElement().asString().contains("inc-2");
    assertThat(record.restart().state()).isEqualTo(record.getState());
  }

  private static Set<String> tagsOf(Prevention.Event event) {
    return ((Prevention) Prevention.create("sch-x", Prevention.Settings.fromConfig(ConfigFactory.load()),
        Clock.systemUTC())).tagsFor(event);
  }

  @Test
  void hazardsMoveTheScoreAndRaiseAndClearWarnings() {
    var open = new HazardNotice("hz-1", school.schoolId(), school.name(), "650102", HazardCategory.TRAFFIC, Severity.MAJOR,
        HazardStatus.OPEN, clock.instant().plusSeconds(86400), clock.instant(), null, null, null);
    record.<StatusReply<Prevention.State>>runCommand(r -> new Prevention.RecordTraining(school, new Training("t-1", LocalDate.parse("2026-11-01"),
        "FIRE", "STAFF", 80, 2.0), "school-staff:x", r));
    var tracked = record.<Done>runCommand(r -> new Prevention.TrackHazard(open, r));
    assertThat(tracked.events()).anyMatch(e -> e instanceof Prevention.RiskAssessed);
    assertThat(tracked.state().risk().dimensions().get("traffic")).isEqualTo(25.0);
    assertThat(tracked.state().warningList()).extracting(Warning::cause).contains("MAJOR_HAZARD");
    var overdue = new HazardNotice("hz-1", open.schoolId(), open.schoolName(), "650102", HazardCategory.TRAFFIC,
        Severity.MAJOR, HazardStatus.OVERDUE, open.deadline(), open.recordedAt(), null, null, null);
    var late = record.<Done>runCommand(r -> new Prevention.TrackHazard(overdue, r));
    assertThat(late.state().risk().dimensions().get("traffic")).isEqualTo(37.5);
    assertThat(late.state().warningList()).extracting(Warning::cause).contains("OVERDUE_HAZARD");
    var verified = new HazardNotice("hz-1", open.schoolId(), open.schoolName(), "650102", HazardCategory.TRAFFIC,
        Severity.MAJOR, HazardStatus.VERIFIED, open.deadline(), open.recordedAt(), clock.instant(), null, null);
    var done = record.<Done>runCommand(r -> new Prevention.TrackHazard(verified, r));
    assertThat(done.state().risk().dimensions().get("traffic")).isEqualTo(0.0);
    assertThat(done.state().warningList()).allMatch(w -> w.state().equals("CLEARED") || w.cause().equals("RISK_LEVEL"));
    assertThat(done.state().risk().level()).isIn(RiskLevel.BLUE, RiskLevel.YELLOW);
    assertThat(record.restart().state()).isEqualTo(record.getState());
  }
}
