package org.schoolsafety.hub.incident;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.hub.Entities;
import org.schoolsafety.hub.HubTestConfig;
import org.schoolsafety.hub.MutableClock;
import org.schoolsafety.hub.Rejection;
import org.schoolsafety.hub.agency.Agency;
import org.schoolsafety.hub.agency.AgencyKind;
import org.schoolsafety.hub.agency.AgencyProfile;
import org.schoolsafety.hub.agency.Tier;
import org.schoolsafety.hub.directory.AgencyDirectory;
import org.schoolsafety.hub.feed.FeedEntry;
import org.schoolsafety.hub.feed.IncidentFeed;
import org.schoolsafety.hub.incident.IncidentCommand.*;
import org.schoolsafety.hub.incident.IncidentEvent.*;
import org.schoolsafety.hub.region.RegionCode;
import org.schoolsafety.hub.school.Location;
import org.schoolsafety.hub.school.School;
import org.schoolsafety.hub.school.SchoolProfile;
import org.schoolsafety.hub.school.SchoolType;

/**
 * The incident against real directory, agency and school entities (in-memory journal), with
 * Pekko's manual time and a hand-moved clock so that deadlines can pass on demand.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IncidentTest {

  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(HubTestConfig.withManualTime()).build();

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T00:00:00Z"));
  private final IncidentSettings settings = IncidentSettings.fromConfig(ConfigFactory.load());
  private final Map<String, ActorRef<Agency.Command>> agencies = new HashMap<>();
  private final Map<String, ActorRef<AgencyDirectory.Command>> directories = new HashMap<>();
  private final Map<String, ActorRef<School.Command>> schools = new HashMap<>();
  private final Map<String, ActorRef<IncidentFeed.Command>> feeds = new HashMap<>();
  private final java.util.concurrent.ConcurrentLinkedQueue<FeedEntry> published = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private ManualTime manualTime;
  private Entities entities;

  private String incidentId;
  private EventSourcedBehaviorTestKit<IncidentCommand, IncidentEvent, IncidentState> incident;

  static final SchoolRef URUMQI_SCHOOL = new SchoolRef("sch-650102-001", "Tianshan No. 1 Primary", RegionCode.of("650102"));
  static final SchoolRef BEIJING_SCHOOL = new SchoolRef("sch-110105-001", "Chaoyang No. 1 Primary", RegionCode.of("110105"));

  static final List<AgencyProfile> XINJIANG = List.of(
      new AgencyProfile("fire-650102", "Tianshan Fire", AgencyKind.FIRE, Tier.COUNTY, "650102"),
      new AgencyProfile("fire-6501", "Urumqi Fire", AgencyKind.FIRE, Tier.CITY, "6501"),
      new AgencyProfile("fire-65", "Xinjiang Fire", AgencyKind.FIRE, Tier.PROVINCE, "65"),
      new AgencyProfile("police-650102", "Tianshan Police", AgencyKind.POLICE, Tier.COUNTY, "650102"),
      new AgencyProfile("health-650102", "Tianshan Health", AgencyKind.HEALTH, Tier.COUNTY, "650102"),
      new AgencyProfile("edu-650102", "Tianshan Education", AgencyKind.EDUCATION, Tier.COUNTY, "650102"),
      new AgencyProfile("edu-6501", "Urumqi Education", AgencyKind.EDUCATION, Tier.CITY, "6501"));

  @BeforeAll
  void entities() {
    manualTime = ManualTime.get(testKit.system());
    directories.put("65", testKit.spawn(AgencyDirectory.create("65")));
    directories.put("11", testKit.spawn(AgencyDirectory.create("11")));
    for (AgencyProfile profile : XINJIANG) {
      var agency = testKit.spawn(Agency.create(profile.agencyId(), clock));
      agencies.put(profile.agencyId(), agency);
      this.<Agency.Command, Agency.State>askOk(agency, r -> new Agency.Register(profile, "operator:test", r));
      this.<AgencyDirectory.Command, org.apache.pekko.Done>askOk(directories.get("65"), r -> new AgencyDirectory.Enlist(profile, r));
    }
    for (SchoolRef ref : List.of(URUMQI_SCHOOL, BEIJING_SCHOOL)) {
      var school = testKit.spawn(School.create(ref.schoolId(), clock));
      schools.put(ref.schoolId(), school);
      this.<School.Command, School.State>askOk(school, r -> new School.Register(new SchoolProfile(ref.schoolId(), ref.name(), ref.region(),
          SchoolType.PRIMARY, 800, 60, 3, new Location(43.8, 87.6)), "operator:test", r));
    }
    for (String province : List.of("65", "11")) {
      feeds.put(province, testKit.spawn(IncidentFeed.create(province, clock, published::add)));
    }
    entities = new Entities(schools::get, agencies::get, directories::get, feeds::get);
  }

  @BeforeEach
  void newIncident() {
    incidentId = "inc-" + UUID.randomUUID();
    incident = EventSourcedBehaviorTestKit.create(testKit.system(),
        Incident.create(incidentId, entities, settings, clock, null),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
  }

  // --- reporting and dispatch -----------------------------------------------------------

  @Test
  void reportIsAcceptedAndDispatchedToTheMostSpecificAgencyOfEachPlannedKind() {
    var result = report(URUMQI_SCHOOL, IncidentType.FIRE, Level.III, "ref-1");
    assertThat(result.reply().getValue().replayed()).isFalse();
    // The report waited for its region's agencies and was written with its dispatch, in one write.
    assertThat(result.events()).hasExactlyElementsOfTypes(Reported.class, Dispatched.class);
    assertThat(result.reply().getValue().incident().status()).isEqualTo(Status.DISPATCHED);

    IncidentState state = awaitStatus(Status.DISPATCHED);
    assertThat(state.dispatches()).extracting(Dispatch::agencyId)
        .containsExactlyInAnyOrder("fire-650102", "health-650102", "edu-650102");
    assertThat(state.dispatches()).allSatisfy(d -> {
      assertThat(d.state()).isEqualTo(DispatchState.NOTIFIED);
      assertThat(d.agency().tier()).isEqualTo(Tier.COUNTY);
      assertThat(d.deadline()).isEqualTo(clock.instant().plus(Duration.ofMinutes(10)));
    });
    assertThat(state.standby().get(AgencyKind.FIRE)).extracting(AgencyProfile::agencyId)
        .containsExactly("fire-6501", "fire-65");
    assertThat(state.timeline()).extracting(TimelineEntry::event).containsExactly("reported", "dispatched");

    awaitInbox("fire-650102", notices -> assertThat(notices).anySatisfy(n -> {
      assertThat(n.incidentId()).isEqualTo(incidentId);
      assertThat(n.state()).isEqualTo(DispatchState.NOTIFIED);
    }));
    awaitOpenIncidents(URUMQI_SCHOOL, ids -> assertThat(ids).contains(incidentId));
  }

  @Test
  void aReportWhoseDirectoryCannotAnswerIsWrittenAloneAndDispatchedWhenTheDirectoryAnswers() {
    // The province's directory fails the first lookup (as while it moves to another node), then answers.
    var lookups = new java.util.concurrent.atomic.AtomicInteger();
    ActorRef<AgencyDirectory.Command> flaky = testKit.spawn(org.apache.pekko.actor.typed.javadsl.Behaviors.receiveMessage(
        (AgencyDirectory.Command c) -> {
          if (c instanceof AgencyDirectory.FindChains find && lookups.getAndIncrement() == 0) {
            find.replyTo().tell(StatusReply.error("the directory is moving"));
          } else {
            directories.get("65").tell(c);
          }
          return org.apache.pekko.actor.typed.javadsl.Behaviors.same();
        }));
    var withFlakyDirectory = new Entities(schools::get, agencies::get, province -> flaky, feeds::get);
    incident = EventSourcedBehaviorTestKit.create(testKit.system(),
        Incident.create(incidentId, withFlakyDirectory, settings, clock, null),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());

    var result = report(URUMQI_SCHOOL, IncidentType.FIRE, Level.III, "ref-flaky");
    // The reply is the state after the write: the report alone (the dispatch may follow so fast
    // that the testkit already counts it among this command's events).
    assertThat(result.reply().getValue().incident().status()).isEqualTo(Status.REPORTED);
    assertThat(result.events().get(0)).isInstanceOf(Reported.class);
    IncidentState state = awaitStatus(Status.DISPATCHED);
    assertThat(state.dispatches()).extracting(Dispatch::agencyId)
        .containsExactlyInAnyOrder("fire-650102", "health-650102", "edu-650102");
    assertThat(lookups).hasValue(2);
  }

  @Test
  void withoutWaitingForAgenciesTheReportIsWrittenFirstAndDispatchedAfter() {
    var writeAlone = new IncidentSettings(settings.plan(), settings.deadlines(), settings.askTimeout(),
        settings.idlePassivation(), settings.redeliveryInterval(), settings.resendAtOnceWithin(),
        settings.resendSpread(), Duration.ZERO);
    incident = EventSourcedBehaviorTestKit.create(testKit.system(),
        Incident.create(incidentId, entities, writeAlone, clock, null),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());

    var result = report(URUMQI_SCHOOL, IncidentType.FIRE, Level.III, "ref-alone");
    assertThat(result.reply().getValue().incident().status()).isEqualTo(Status.REPORTED);
    assertThat(awaitStatus(Status.DISPATCHED).timeline()).extracting(TimelineEntry::event)
        .containsExactly("reported", "dispatched");
  }

  @Test
  void aRetriedReportAnswersWithTheSameIncidentAndPersistsNothing() {
    report(URUMQI_SCHOOL, IncidentType.INJURY, Level.IV, "ref-2");
    awaitStatus(Status.DISPATCHED); // the testkit counts events persisted between commands too
    var retry = report(URUMQI_SCHOOL, IncidentType.INJURY, Level.IV, "ref-2");
    assertThat(retry.hasNoEvents()).isTrue();
    assertThat(retry.reply().getValue().replayed()).isTrue();
    assertThat(retry.reply().getValue().incident().incidentId()).isEqualTo(incidentId);

    var different = report(URUMQI_SCHOOL, IncidentType.FIRE, Level.I, "ref-2");
    assertThat(incident.getState().incident().type()).isEqualTo(IncidentType.INJURY);
    assertThat(different.hasNoEvents()).isTrue();
    assertThat(different.reply().getError()).isInstanceOf(Rejection.Conflict.class).hasMessageContaining("ref-2");
  }

  @Test
  void aReportWithTheSameReferenceButOtherFiguresIsRefusedNotSilentlyReplayed() {
    report(URUMQI_SCHOOL, IncidentType.INJURY, Level.IV, "ref-2b");
    awaitStatus(Status.DISPATCHED);
    var initial = new IncidentReport(ReportKind.INITIAL, null, null, clock.instant().minusSeconds(60),
        "smoke from the chemistry lab", new Casualties(5, 40, 3), "evacuating building B", null,
        new Reporter("Li Lei", "teacher", "+86 139 0000 0000"), null, null);
    var correction = incident.runCommand((ActorRef<StatusReply<Accepted>> r) -> new Report(
        new NewIncident(URUMQI_SCHOOL, IncidentType.INJURY, Level.IV, Mode.ACTUAL, initial, "ref-2b"),
        "school:" + URUMQI_SCHOOL.schoolId(), r));
    assertThat(correction.hasNoEvents()).isTrue();
    assertThat(correction.reply().getError()).isInstanceOf(Rejection.Conflict.class)
        .hasMessageContaining("CONTINUATION");
    assertThat(incident.getState().casualties()).isEqualTo(new Casualties(0, 2, 0));
  }

  @Test
  void theFingerprintCoversEveryFieldOfTheReport() {
    var base = new IncidentReport(ReportKind.INITIAL, null, null, clock.instant(), "smoke",
        new Casualties(0, 2, 0), "evacuated", null, new Reporter("Wang Fang", "principal", "+86 1"), null, null);
    var reference = new NewIncident(URUMQI_SCHOOL, IncidentType.FIRE, Level.III, Mode.ACTUAL, base, "r").fingerprint();
    var variants = List.of(
        new IncidentReport(ReportKind.INITIAL, null, null, clock.instant(), "smoke",
            new Casualties(0, 3, 0), "evacuated", null, new Reporter("Wang Fang", "principal", "+86 1"), null, null),
        new IncidentReport(ReportKind.INITIAL, null, null, clock.instant(), "smoke",
            new Casualties(0, 2, 0), "sheltering", null, new Reporter("Wang Fang", "principal", "+86 1"), null, null),
        new IncidentReport(ReportKind.INITIAL, null, null, clock.instant(), "smoke",
            new Casualties(0, 2, 0), "evacuated", null, new Reporter("Li Lei", "principal", "+86 1"), null, null),
        new IncidentReport(ReportKind.INITIAL, null, null, clock.instant(), "smoke",
            new Casualties(0, 2, 0), "evacuated", null, new Reporter("Wang Fang", "principal", "+86 2"), null, null));
    for (IncidentReport variant : variants) {
      assertThat(new NewIncident(URUMQI_SCHOOL, IncidentType.FIRE, Level.III, Mode.ACTUAL, variant, "r").fingerprint())
          .as(variant.toString()).isNotEqualTo(reference);
    }
    assertThat(new NewIncident(URUMQI_SCHOOL, IncidentType.FIRE, Level.III, Mode.ACTUAL, base, "r").fingerprint())
        .isEqualTo(reference);
  }

  @Test
  void onlyTheLeadingCommandCenterMayLowerTheLevelOthersMayRaiseIt() {
    report(URUMQI_SCHOOL, IncidentType.FIRE, Level.I, "ref-lower");
    awaitStatus(Status.DISPATCHED);
    for (Level lower : List.of(Level.II, Level.IV, Level.UNGRADED)) {
      var refused = incident.runCommand((ActorRef<StatusReply<IncidentState>> r) -> new AddReport(IncidentReport.followUp(ReportKind.CONTINUATION,
          "calmer", null, null, lower, null, null), "agency:fire-650102", false, r));
      assertThat(refused.hasNoEvents()).isTrue();
      assertThat(refused.reply().getError()).isInstanceOf(Rejection.Forbidden.class).hasMessageContaining("lower");
    }
    var same = incident.runCommand((ActorRef<StatusReply<IncidentState>> r) -> new AddReport(IncidentReport.followUp(ReportKind.CONTINUATION,
        "still burning", null, null, Level.I, null, null), "agency:fire-650102", false, r));
    assertThat(same.reply().isSuccess()).isTrue();
    var lowered = incident.runCommand((ActorRef<StatusReply<IncidentState>> r) -> new AddReport(IncidentReport.followUp(ReportKind.CONTINUATION,
        "contained", null, null, Level.III, null, null), "command-center:65", true, r));
    assertThat(lowered.state().level()).isEqualTo(Level.III);
    var raised = incident.runCommand((ActorRef<StatusReply<IncidentState>> r) -> new AddReport(IncidentReport.followUp(ReportKind.CONTINUATION,
        "flaring up", null, null, Level.II, null, null), "gateway:sch-650102-001", false, r));
    assertThat(raised.state().level()).isEqualTo(Level.II);
  }

  @Test
  void kindsWithoutAnyAgencyAreRecordedAsUncovered() {
    report(BEIJING_SCHOOL, IncidentType.MISSING_STUDENT, Level.II, "ref-3");
    eventually(() -> assertThat(incident.getState().uncovered())
        .containsExactlyInAnyOrder(AgencyKind.POLICE, AgencyKind.EDUCATION));
    IncidentState state = incident.getState();
    assertThat(state.dispatches()).isEmpty();
    assertThat(state.status()).isEqualTo(Status.REPORTED);
    assertThat(state.timeline().get(1).detail()).contains("no agency covers");
  }

  // --- escalation -----------------------------------------------------------------------

  @Test
  void unacknowledgedDispatchEscalatesCountyCityProvinceThenGoesUnanswered() {
    report(URUMQI_SCHOOL, IncidentType.FIRE, Level.I, "ref-4");
    awaitStatus(Status.DISPATCHED);

    passTime(Duration.ofMinutes(2));
    eventually(() -> assertThat(dispatch("fire-6501").state()).isEqualTo(DispatchState.NOTIFIED));
    assertThat(dispatch("fire-650102").state()).isEqualTo(DispatchState.ESCALATED);
    assertThat(dispatch("fire-6501").deadline()).isEqualTo(clock.instant().plus(Duration.ofMinutes(2)));
    // No police above the county: its dispatch goes unanswered at the first deadline.
    assertThat(dispatch("police-650102").state()).isEqualTo(DispatchState.UNANSWERED);

    passTime(Duration.ofMinutes(2));
    eventually(() -> assertThat(dispatch("fire-65").state()).isEqualTo(DispatchState.NOTIFIED));
    assertThat(dispatch("fire-6501").state()).isEqualTo(DispatchState.ESCALATED);

    passTime(Duration.ofMinutes(2));
    eventually(() -> assertThat(dispatch("fire-65").state()).isEqualTo(DispatchState.UNANSWERED));
    assertThat(incident.getState().timeline()).extracting(TimelineEntry::event)
        .contains("escalated", "unanswered");
    awaitInbox("fire-6501", notices -> assertThat(notices).anySatisfy(n ->
        assertThat(n.state()).isEqualTo(DispatchState.ESCALATED)));
  }

  @Test
  void anAcknowledgementStopsEscalationOfItsKind() {
    report(URUMQI_SCHOOL, IncidentType.FIRE, Level.III, "ref-5");
    awaitStatus(Status.DISPATCHED);
    var ack = acknowledge("fire-650102");
    assertThat(ack.event()).isInstanceOf(Acknowledged.class);
    assertThat(ack.reply().getValue().dispatchOf("fire-650102").get().ackAt()).isEqualTo(clock.instant());

    passTime(Duration.ofMinutes(10));
    eventually(() -> assertThat(dispatch("edu-6501").state()).isEqualTo(DispatchState.NOTIFIED));
    IncidentState state = incident.getState();
    assertThat(dispatch("fire-650102").state()).isEqualTo(DispatchState.ACKNOWLEDGED);
    assertThat(state.dispatchOf("fire-6501")).isEmpty();
    assertThat(dispatch("health-650102").state()).isEqualTo(DispatchState.UNANSWERED);

    var again = acknowledge("fire-650102");
    assertThat(again.hasNoEvents()).isTrue();
    assertThat(again.reply().isSuccess()).isTrue();
  }

  @Test
  void incidentIsAcknowledgedWhenEveryDispatchedKindHasAnswered() {
    report(URUMQI_SCHOOL, IncidentType.INJURY, Level.III, "ref-6");
    awaitStatus(Status.DISPATCHED);
    acknowledge("health-650102");
    assertThat(incident.getState().status()).isEqualTo(Status.DISPATCHED);
    acknowledge("edu-650102");
    assertThat(incident.getState().status()).isEqualTo(Status.ACKNOWLEDGED);
  }

  @Test
  void aDrillRunFasterThanRealTimeScalesItsDeadlines() {
    var initial = new IncidentReport(ReportKind.INITIAL, null, null, clock.instant(), "drill: fire in lab", Casualties.NONE,
        null, null, new Reporter("Drill Runner", "operator", null), null, null);
    var drill = new NewIncident(URUMQI_SCHOOL, IncidentType.FIRE, Level.I, Mode.EXERCISE, initial, "drill-ref", "drill-7", 60.0);
    incident.<StatusReply<Accepted>>runCommand(r -> new Report(drill, "operator:drills", r));
    awaitStatus(Status.DISPATCHED);
    // Level I allows 2 minutes; sixty times faster that is 2 seconds.
    assertThat(dispatch("fire-650102").deadline()).isEqualTo(clock.instant().plusSeconds(2));
    passTime(Duration.ofSeconds(2));
    eventually(() -> assertThat(dispatch("fire-650102").state()).isEqualTo(DispatchState.ESCALATED));
    assertThat(incident.getState().incident().drillId()).isEqualTo("drill-7");
  }

  @Test
  void deadlinesAreReArmedAfterRestart() {
    report(URUMQI_SCHOOL, IncidentType.FIRE, Level.I, "ref-7");
    awaitStatus(Status.DISPATCHED);
    incident.restart();
    passTime(Duration.ofMinutes(2));
    eventually(() -> assertThat(dispatch("fire-650102").state()).isEqualTo(DispatchState.ESCALATED));
  }

  @Test
  void aDeadlineThatFellWhileTheIncidentWasDownFiresOnRecovery() {
    report(URUMQI_SCHOOL, IncidentType.FIRE, Level.I, "ref-8");
    awaitStatus(Status.DISPATCHED);
    clock.advance(Duration.ofMinutes(5)); // the node is down: only wall-clock time passes
    incident.restart();
    manualTime.timePasses(Duration.ofMillis(1));
    eventually(() -> assertThat(dispatch("fire-6501").state()).isEqualTo(DispatchState.NOTIFIED));
    assertThat(dispatch("fire-6501").notifiedAt()).isEqualTo(clock.instant());
  }

  // --- reports and lifecycle ------------------------------------------------------------

  @Test
  void aContinuationThatRaisesTheLevelDispatchesTheKindsTheNewLevelNeeds() {
    report(URUMQI_SCHOOL, IncidentType.FIRE, Level.III, "ref-9");
    awaitStatus(Status.DISPATCHED);
    var result = addReport(IncidentReport.followUp(ReportKind.CONTINUATION, "spreading to the library",
        new Casualties(0, 5, 1), "evacuated", Level.I, null, null));
    assertThat(result.event()).isInstanceOf(ReportAdded.class);
    assertThat(result.state().level()).isEqualTo(Level.I);
    assertThat(result.state().casualties()).isEqualTo(new Casualties(0, 5, 1));
    eventually(() -> assertThat(incident.getState().dispatchOf("police-650102")).isPresent());
    assertThat(dispatch("police-650102").deadline()).isEqualTo(clock.instant().plus(Duration.ofMinutes(2)));
  }

  @Test
  void finalReportResolvesThenCloseEndsItAndNothingFurtherIsAccepted() {
    report(URUMQI_SCHOOL, IncidentType.FIRE, Level.III, "ref-10");
    awaitStatus(Status.DISPATCHED);
    acknowledge("fire-650102");

    var closeTooEarly = close();
    assertThat(closeTooEarly.reply().getError()).isInstanceOf(Rejection.Conflict.class).hasMessageContaining("FINAL");

    var noCause = addReport(IncidentReport.followUp(ReportKind.FINAL, "out", null, null, null, null, "extinguished"));
    assertThat(noCause.reply().getError()).isInstanceOf(Rejection.Invalid.class).hasMessageContaining("cause");
    assertThat(noCause.hasNoEvents()).isTrue();

    var initial = addReport(IncidentReport.followUp(ReportKind.INITIAL, "again", null, null, null, null, null));
    assertThat(initial.reply().getError()).isInstanceOf(Rejection.Invalid.class);

    var fin = addReport(IncidentReport.followUp(ReportKind.FINAL, "fire out", Casualties.NONE, "site secured",
        null, "faulty wiring in lab 2", "no injuries; lab closed for repair"));
    assertThat(fin.event()).isInstanceOf(Resolved.class);
    assertThat(fin.state().status()).isEqualTo(Status.RESOLVED);

    assertThat(acknowledge("health-650102").reply().getError()).isInstanceOf(Rejection.Conflict.class).hasMessageContaining("RESOLVED");
    assertThat(addReport(IncidentReport.followUp(ReportKind.CONTINUATION, "late", null, null, null, null, null))
        .reply().getError()).isInstanceOf(Rejection.Conflict.class);
    assertThat(cancel().reply().getError()).isInstanceOf(Rejection.Conflict.class);

    var closed = close();
    assertThat(closed.event()).isInstanceOf(Closed.class);
    assertThat(closed.state().status()).isEqualTo(Status.CLOSED);
    assertThat(close().hasNoEvents()).isTrue();

    // Nothing escalates after the end, however much time passes.
    passTime(Duration.ofHours(1));
    assertThat(dispatch("health-650102").state()).isEqualTo(DispatchState.NOTIFIED);
    awaitOpenIncidents(URUMQI_SCHOOL, ids -> assertThat(ids).doesNotContain(incidentId));
    awaitInbox("fire-650102", notices -> assertThat(notices).noneMatch(n -> n.incidentId().equals(incidentId)));
    assertThat(incident.getState().timeline()).extracting(TimelineEntry::event)
        .containsExactly("reported", "dispatched", "acknowledged", "resolved", "closed");
  }

  @Test
  void aFalseAlarmIsCancelledOnceAndStaysCancelled() {
    report(URUMQI_SCHOOL, IncidentType.INTRUSION, Level.II, "ref-11");
    awaitStatus(Status.DISPATCHED); // else the dispatch may land among the cancel's events
    var cancelled = cancel();
    assertThat(cancelled.event()).isInstanceOf(Cancelled.class);
    assertThat(cancelled.state().status()).isEqualTo(Status.CANCELLED);
    assertThat(cancel().hasNoEvents()).isTrue();
    assertThat(close().reply().getError()).isInstanceOf(Rejection.Conflict.class);
    assertThat(incident.getState().ending().text()).isEqualTo("false alarm: drill bell");
  }

  @Test
  void onlyDispatchedAgenciesMayAcknowledge() {
    report(URUMQI_SCHOOL, IncidentType.INJURY, Level.III, "ref-12");
    awaitStatus(Status.DISPATCHED);
    var stranger = acknowledge("fire-650102");
    assertThat(stranger.reply().getError()).isInstanceOf(Rejection.Conflict.class).hasMessageContaining("fire-650102");
    assertThat(stranger.hasNoEvents()).isTrue();
  }

  @Test
  void toAnAgencyAskingForItselfWithoutADispatchTheIncidentIsNotFound() {
    report(URUMQI_SCHOOL, IncidentType.INJURY, Level.III, "ref-13");
    awaitStatus(Status.DISPATCHED);
    var stranger = incident.<StatusReply<IncidentState>>runCommand(
        r -> new Acknowledge("fire-650102", "on our way", "agency:fire-650102", true, r));
    assertThat(stranger.reply().getError()).isInstanceOf(Rejection.NotFound.class)
        .hasMessage("no incident with id '" + incident.getState().incidentId() + "'");
    assertThat(stranger.hasNoEvents()).isTrue();

    var own = incident.<StatusReply<IncidentState>>runCommand(
        r -> new Acknowledge("health-650102", "on our way", "agency:health-650102", true, r));
    assertThat(own.reply().isSuccess()).isTrue();
    assertThat(dispatch("health-650102").state()).isEqualTo(DispatchState.ACKNOWLEDGED);
  }

  @Test
  void anIncidentThatWasNeverReportedIsNotFound() {
    assertThat(incident.<StatusReply<IncidentState>>runCommand(Get::new).reply().getError())
        .isInstanceOf(Rejection.NotFound.class);
    assertThat(acknowledge("fire-650102").reply().getError()).isInstanceOf(Rejection.NotFound.class);
    assertThat(close().reply().getError()).isInstanceOf(Rejection.NotFound.class);
    assertThat(cancel().reply().getError()).isInstanceOf(Rejection.NotFound.class);
    assertThat(incident.getState().isReported()).isFalse();
  }

  @Test
  void everyEventReachesTheProvinceFeedOnceAndInOrderEvenAfterARestart() {
    report(URUMQI_SCHOOL, IncidentType.FIRE, Level.III, "ref-feed");
    awaitStatus(Status.DISPATCHED);
    acknowledge("fire-650102");
    incident.restart(); // recovery sends everything again; the feed must drop what it has
    acknowledge("health-650102");
    eventually(() -> assertThat(itemsOf(incidentId)).extracting(org.schoolsafety.hub.feed.FeedItem::event)
        .containsExactly("reported", "dispatched", "acknowledged", "acknowledged"));
    var entries = published.stream().filter(e -> e.item().incidentId().equals(incidentId)).toList();
    assertThat(entries).extracting(e -> e.item().incidentSeqNr()).containsExactly(1L, 2L, 3L, 4L);
    assertThat(entries.get(3).item().status()).isEqualTo(Status.DISPATCHED);
    assertThat(entries.get(0).item().regionCode()).isEqualTo("650102");
    // Entry sequence numbers increase with the feed's journal.
    for (int i = 1; i < entries.size(); i++) {
      assertThat(entries.get(i).seq()).isGreaterThan(entries.get(i - 1).seq());
    }
  }

  @Test
  void afterRecoveryAFreshIncidentTellsItsSchoolAtOnceAndAnOldOneWithinTheSpread() {
    TestProbe<School.Command> school = testKit.createTestProbe();
    incident = EventSourcedBehaviorTestKit.create(testKit.system(),
        Incident.create(incidentId, watchedSchool(school), settings, clock, null),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
    report(URUMQI_SCHOOL, IncidentType.FIRE, Level.IV, "ref-resend");
    confirm(school.expectMessageClass(School.TrackIncident.class));
    awaitStatus(Status.DISPATCHED);
    drain(school);

    incident.restart(); // changed a moment ago: a notice may be missing, so at once
    confirm(school.expectMessageClass(School.TrackIncident.class));

    clock.advance(settings.resendAtOnceWithin().plusSeconds(1)); // down a while: nothing changed since
    incident.restart();
    school.expectNoMessage(Duration.ofMillis(300)); // manual time: only timePasses fires the timer
    manualTime.timePasses(settings.resendSpread());
    var notice = school.expectMessageClass(School.TrackIncident.class);
    assertThat(notice.notice().incidentId()).isEqualTo(incidentId);
    assertThat(notice.notice().status()).isEqualTo(Status.DISPATCHED);
    confirm(notice);
  }

  /** The real entities, except that the Urumqi school is a probe. */
  private Entities watchedSchool(TestProbe<School.Command> school) {
    return new Entities(
        id -> id.equals(URUMQI_SCHOOL.schoolId()) ? school.ref() : schools.get(id),
        agencies::get, directories::get, feeds::get);
  }

  private static void confirm(School.TrackIncident track) {
    track.replyTo().tell(org.apache.pekko.Done.getInstance());
  }

  private static void drain(TestProbe<School.Command> school) {
    while (true) {
      try {
        confirm(school.expectMessageClass(School.TrackIncident.class, Duration.ofMillis(300)));
      } catch (AssertionError none) {
        return;
      }
    }
  }

  private List<org.schoolsafety.hub.feed.FeedItem> itemsOf(String id) {
    return published.stream().map(FeedEntry::item).filter(i -> i.incidentId().equals(id)).toList();
  }

  @Test
  void rejectionsKeepTheirKindWhenRepliesCrossNodes() {
    var serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    StatusReply<Object> reply = StatusReply.error(new Rejection.Conflict("it is CLOSED"));
    byte[] bytes = serialization.serialize(reply).get();
    var serializer = serialization.findSerializerFor(reply);
    Object back = serialization.deserialize(bytes, serializer.identifier(),
        org.apache.pekko.serialization.Serializers.manifestFor(serializer, reply)).get();
    assertThat(((StatusReply<?>) back).getError()).isInstanceOf(Rejection.Conflict.class).hasMessage("it is CLOSED");
    StatusReply<Object> forbidden = StatusReply.error(new Rejection.Forbidden("not yours"));
    Object forbiddenBack = serialization.deserialize(serialization.serialize(forbidden).get(), serializer.identifier(),
        org.apache.pekko.serialization.Serializers.manifestFor(serializer, forbidden)).get();
    assertThat(((StatusReply<?>) forbiddenBack).getError()).isInstanceOf(Rejection.Forbidden.class).hasMessage("not yours");
  }

  // --- helpers --------------------------------------------------------------------------

  private EventSourcedBehaviorTestKit.CommandResultWithReply<IncidentCommand, IncidentEvent, IncidentState, StatusReply<Accepted>>
      report(SchoolRef school, IncidentType type, Level level, String clientRef) {
    var initial = new IncidentReport(ReportKind.INITIAL, null, null, clock.instant().minusSeconds(60),
        "smoke from the chemistry lab", new Casualties(0, 2, 0), "evacuating building B", null,
        new Reporter("Wang Fang", "principal", "+86 138 0000 0000"), null, null);
    var newIncident = new NewIncident(school, type, level, Mode.ACTUAL, initial, clientRef);
    return incident.runCommand(r -> new Report(newIncident, "school:" + school.schoolId(), r));
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<IncidentCommand, IncidentEvent, IncidentState, StatusReply<IncidentState>> acknowledge(String agencyId) {
    return incident.runCommand(r -> new Acknowledge(agencyId, "on our way", "agency:" + agencyId, r));
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<IncidentCommand, IncidentEvent, IncidentState, StatusReply<IncidentState>> addReport(IncidentReport report) {
    return incident.runCommand(r -> new AddReport(report, "school:sch-650102-001", true, r));
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<IncidentCommand, IncidentEvent, IncidentState, StatusReply<IncidentState>> close() {
    return incident.runCommand(r -> new Close("all clear", "command-center:65", r));
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<IncidentCommand, IncidentEvent, IncidentState, StatusReply<IncidentState>> cancel() {
    return incident.runCommand(r -> new Cancel("false alarm: drill bell", "school:sch-650102-001", r));
  }

  private Dispatch dispatch(String agencyId) {
    return incident.getState().dispatchOf(agencyId).orElseThrow(() -> new AssertionError("no dispatch to " + agencyId));
  }

  private void passTime(Duration duration) {
    clock.advance(duration);
    manualTime.timePasses(duration);
  }

  private IncidentState awaitStatus(Status status) {
    eventually(() -> assertThat(incident.getState().status()).isEqualTo(status));
    return incident.getState();
  }

  private void awaitInbox(String agencyId, java.util.function.Consumer<List<org.schoolsafety.hub.agency.DispatchNotice>> check) {
    eventually(() -> check.accept(this.<Agency.Command, Agency.State>askOk(agencies.get(agencyId), Agency.Get::new).inbox(false)));
  }

  private void awaitOpenIncidents(SchoolRef school, java.util.function.Consumer<java.util.Set<String>> check) {
    eventually(() -> check.accept(this.<School.Command, School.State>askOk(schools.get(school.schoolId()), School.Get::new).openIncidents().keySet()));
  }

  private void eventually(Runnable assertion) {
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(Duration.ofSeconds(10), () -> {
      assertion.run();
      return null;
    });
  }

  private <C, R> R askOk(RecipientRef<C> target, java.util.function.Function<ActorRef<StatusReply<R>>, C> command) {
    TestProbe<StatusReply<R>> probe = testKit.createTestProbe();
    target.tell(command.apply(probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(5)).getValue();
  }
}
