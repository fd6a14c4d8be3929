package org.schoolsafety.hub.incident;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.hub.Entities;
import org.schoolsafety.hub.HubTestConfig;
import org.schoolsafety.hub.MutableClock;
import org.schoolsafety.hub.agency.Agency;
import org.schoolsafety.hub.agency.AgencyKind;
import org.schoolsafety.hub.agency.AgencyProfile;
import org.schoolsafety.hub.agency.Tier;
import org.schoolsafety.hub.directory.AgencyDirectory;
import org.schoolsafety.hub.feed.IncidentFeed;
import org.schoolsafety.hub.incident.IncidentCommand.*;
import org.schoolsafety.hub.incident.IncidentEvent.*;
import org.schoolsafety.hub.region.RegionCode;
import org.schoolsafety.hub.school.IncidentNotice;
import org.schoolsafety.hub.school.Location;
import org.schoolsafety.hub.school.School;
import org.schoolsafety.hub.school.SchoolProfile;
import org.schoolsafety.hub.school.SchoolType;

/**
 * The incident side of device alarms: evidence on the timeline, escalation held during the
 * false-alarm grace, a false-alarm cancel naming the contributing devices to the school, and
 * flagged devices on the timeline (and so on the command centers' streams).
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeviceRaisedIncidentTest {

  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(HubTestConfig.withManualTime()).build();

  static final SchoolRef SCHOOL = new SchoolRef("sch-650102-001", "Tianshan No. 1 Primary", RegionCode.of("650102"));
  static final List<AgencyProfile> AGENCIES = List.of(
      new AgencyProfile("police-650102", "Tianshan Police", AgencyKind.POLICE, Tier.COUNTY, "650102"),
      new AgencyProfile("police-6501", "Urumqi Police", AgencyKind.POLICE, Tier.CITY, "6501"),
      new AgencyProfile("health-650102", "Tianshan Health", AgencyKind.HEALTH, Tier.COUNTY, "650102"),
      new AgencyProfile("edu-650102", "Tianshan Education", AgencyKind.EDUCATION, Tier.COUNTY, "650102"));

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T08:00:00Z"));
  private final IncidentSettings settings = IncidentSettings.fromConfig(ConfigFactory.load());
  private final Map<String, ActorRef<Agency.Command>> agencies = new HashMap<>();
  private ManualTime manualTime;
  private Entities entities;
  private EventSourcedBehaviorTestKit<IncidentCommand, IncidentEvent, IncidentState> incident;

  @BeforeAll
  void entities() {
    manualTime = ManualTime.get(testKit.system());
    ActorRef<AgencyDirectory.Command> directory = testKit.spawn(AgencyDirectory.create("65"));
    for (AgencyProfile p : AGENCIES) {
      var agency = testKit.spawn(Agency.create(p.agencyId(), clock));
      agencies.put(p.agencyId(), agency);
      this.<Agency.Command, Agency.State>askOk(agency, r -> new Agency.Register(p, "operator:test", r));
      this.<AgencyDirectory.Command, Done>askOk(directory, r -> new AgencyDirectory.Enlist(p, r));
    }
    ActorRef<School.Command> school = testKit.spawn(School.create(SCHOOL.schoolId(), clock));
    this.<School.Command, School.State>askOk(school, r -> new School.Register(new SchoolProfile(SCHOOL.schoolId(),
        SCHOOL.name(), SCHOOL.region(), SchoolType.PRIMARY, 800, 60, 3, new Location(43.8, 87.6)), "operator:test", r));
    ActorRef<IncidentFeed.Command> feed = testKit.spawn(IncidentFeed.create("65", clock, entry -> {}));
    entities = new Entities(id -> school, agencies::get, province -> directory, province -> feed);
  }

  @BeforeEach
  void newIncident() {
    incident = EventSourcedBehaviorTestKit.create(testKit.system(),
        Incident.create("inc-" + UUID.randomUUID(), entities, settings, clock, null),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
  }

  private Evidence evidence(String device, int second) {
    return new Evidence(device, "PANIC", 1.0, "0/1", null, "A, 2F, office", "A", clock.instant().plusSeconds(second));
  }

  private StatusReply<Accepted> reportFromDevices(Level level) {
    Evidence first = evidence("panic-1", 0);
    var initial = new IncidentReport(ReportKind.INITIAL, null, null, first.at(), "PANIC alarm: " + first.describe(),
        Casualties.NONE, null, level, new Reporter("gw-A", "sensor gateway", null), null, null);
    var origin = new DeviceAlarm("gw-A", first, clock.instant().plus(Duration.ofMinutes(3)));
    var n = new NewIncident(SCHOOL, IncidentType.INTRUSION, level, Mode.ACTUAL, initial, null, null, null, origin);
    return incident.<StatusReply<Accepted>>runCommand(r -> new Report(n, "sensor-gateway:" + SCHOOL.schoolId(), r)).reply();
  }

  private StatusReply<EvidenceReply> addEvidence(Evidence... evidence) {
    return incident.<StatusReply<EvidenceReply>>runCommand(
        r -> new AddEvidence(List.of(evidence), "sensor-gateway:" + SCHOOL.schoolId(), r)).reply();
  }

  @Test
  void aDeviceRaisedIncidentStartsWithItsFirstAlarmAndCollectsEvidenceOnItsTimeline() {
    assertThat(reportFromDevices(Level.III).getValue().incident().evidence()).extracting(Evidence::deviceId)
        .containsExactly("panic-1");
    assertThat(incident.getState().timeline().get(0).detail()).contains("panic-1").contains("A, 2F, office").contains("gw-A");
    var reply = addEvidence(evidence("panic-1", 0), evidence("panic-2", 4), evidence("panic-3", 5));
    assertThat(reply.getValue().accepted()).isTrue();
    assertThat(incident.getState().evidence()).extracting(Evidence::deviceId)
        .containsExactly("panic-1", "panic-2", "panic-3");
    // The dispatch (its agency lookup runs meanwhile) may land after the evidence: find the entry.
    List<TimelineEntry> added = incident.getState().timeline().stream()
        .filter(e -> e.event().equals("evidence-added")).toList();
    assertThat(added).hasSize(1);
    assertThat(added.get(0).detail()).contains("panic-2").contains("panic-3");
    // The same evidence again: nothing new.
    var again = incident.<StatusReply<EvidenceReply>>runCommand(
        r -> new AddEvidence(List.of(evidence("panic-2", 4)), "sensor-gateway:x", r));
    assertThat(again.events()).noneMatch(EvidenceAdded.class::isInstance);
    assertThat(incident.restart().state().evidence()).hasSize(3);
  }

  @Test
  void noEscalationGoesOutDuringTheFalseAlarmGrace() {
    reportFromDevices(Level.I); // level I: 2 min to acknowledge, but the grace is 3 min
    eventually(() -> assertThat(incident.getState().dispatches()).hasSize(3));
    Instant graceEnds = incident.getState().incident().origin().escalateNotBefore();
    assertThat(incident.getState().dispatches()).allSatisfy(d -> assertThat(d.deadline()).isEqualTo(graceEnds));
    passTime(Duration.ofMinutes(2).plusSeconds(30));
    assertThat(incident.getState().dispatches()).noneMatch(d -> d.state() == DispatchState.ESCALATED);
    passTime(Duration.ofSeconds(31));
    eventually(() -> assertThat(incident.getState().dispatchOf("police-6501")).isPresent());
  }

  @Test
  void aFalseAlarmCancelTellsTheSchoolWhichDevicesContributed() {
    reportFromDevices(Level.III);
    addEvidence(evidence("panic-2", 3));
    var cancelled = incident.<StatusReply<IncidentState>>runCommand(
        r -> new Cancel("FALSE_ALARM: a pupil leaned on the button", "school-staff:" + SCHOOL.schoolId(), r));
    assertThat(cancelled.reply().getValue().isFalseAlarm()).isTrue();
    IncidentNotice notice = (IncidentNotice) Courier.noticesOf(incident.getState()).get("school:" + SCHOOL.schoolId());
    assertThat(notice.status()).isEqualTo(Status.CANCELLED);
    assertThat(notice.falseAlarmDevices()).containsExactly("panic-1", "panic-2");
    // Evidence that comes after the end is refused, with how it ended.
    var late = addEvidence(evidence("panic-3", 9));
    assertThat(late.getValue().accepted()).isFalse();
    assertThat(late.getValue().status()).isEqualTo(Status.CANCELLED);
    assertThat(late.getValue().falseAlarmDevices()).containsExactly("panic-1", "panic-2");
  }

  @Test
  void aCancelForAnotherReasonIsNoFalseAlarm() {
    reportFromDevices(Level.III);
    incident.<StatusReply<IncidentState>>runCommand(r -> new Cancel("duplicate of a staff report", "school-staff:x", r));
    IncidentNotice notice = (IncidentNotice) Courier.noticesOf(incident.getState()).get("school:" + SCHOOL.schoolId());
    assertThat(notice.falseAlarmDevices()).isNull();
    assertThat(Cancellation.isFalseAlarm("FALSE_ALARMS")).isFalse();
    assertThat(Cancellation.isFalseAlarm("FALSE_ALARM")).isTrue();
  }

  @Test
  void flaggedDevicesAreNotedOnTheTimelineOnce() {
    reportFromDevices(Level.III);
    incident.<StatusReply<IncidentState>>runCommand(r -> new Cancel("FALSE_ALARM", "school-staff:x", r));
    var note = incident.<StatusReply<Done>>runCommand(r -> new NoteFlaggedDevices(List.of("panic-1"),
        "flagged for false alarms: panic-1 (A, 2F, office): 2 false alarms of 2 (100 %)", "school:x", r));
    assertThat(note.events()).singleElement().isInstanceOf(DevicesFlagged.class);
    assertThat(incident.getState().timeline().get(incident.getState().timeline().size() - 1).event())
        .isEqualTo("devices-flagged");
    var again = incident.<StatusReply<Done>>runCommand(r -> new NoteFlaggedDevices(List.of("panic-1"),
        "flagged for false alarms: panic-1 (A, 2F, office): 2 false alarms of 2 (100 %)", "school:x", r));
    assertThat(again.hasNoEvents()).isTrue();
  }

  @Test
  void aReportByPeopleKeepsItsFingerprint() {
    var initial = new IncidentReport(ReportKind.INITIAL, null, null, clock.instant(), "smoke", Casualties.NONE, null,
        null, new Reporter("Wang Fang", "principal", "+86 1"), null, null);
    var eight = new NewIncident(SCHOOL, IncidentType.FIRE, Level.III, Mode.ACTUAL, initial, "r", null, null);
    var nine = new NewIncident(SCHOOL, IncidentType.FIRE, Level.III, Mode.ACTUAL, initial, "r", null, null, null);
    assertThat(eight.fingerprint()).isEqualTo(nine.fingerprint());
    assertThat(eight.deviceRaised()).isFalse();
  }

  private void passTime(Duration duration) {
    clock.advance(duration);
    manualTime.timePasses(duration);
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
