package org.schoolsafety.hub.school;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
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
import org.schoolsafety.hub.Rejection;
import org.schoolsafety.hub.agency.Agency;
import org.schoolsafety.hub.agency.AgencyKind;
import org.schoolsafety.hub.agency.AgencyProfile;
import org.schoolsafety.hub.agency.DeviceNotice;
import org.schoolsafety.hub.agency.Tier;
import org.schoolsafety.hub.device.Batch;
import org.schoolsafety.hub.device.CameraLabel;
import org.schoolsafety.hub.device.Device;
import org.schoolsafety.hub.device.DeviceRecord;
import org.schoolsafety.hub.device.DeviceState;
import org.schoolsafety.hub.device.Ingested;
import org.schoolsafety.hub.device.Place;
import org.schoolsafety.hub.device.Reading;
import org.schoolsafety.hub.device.SensorKind;
import org.schoolsafety.hub.device.SensorSettings;
import org.schoolsafety.hub.directory.AgencyDirectory;
import org.schoolsafety.hub.incident.IncidentCommand;
import org.schoolsafety.hub.incident.IncidentState;
import org.schoolsafety.hub.incident.IncidentType;
import org.schoolsafety.hub.incident.Level;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.incident.Status;
import org.schoolsafety.hub.region.RegionCode;

/**
 * A school's devices through the School entity (in-memory journal, serialization checks on,
 * manual time): registry, one incident per danger, dedup after recovery, false alarms, the
 * offline timer, and what it costs in journal events. The incidents are a probe that answers
 * like the Incident entity; the education agency and the directory are real entities.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchoolDevicesTest {

  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(HubTestConfig.withManualTime()).build();

  static final SensorSettings SETTINGS = SensorSettings.fromConfig(ConfigFactory.load());
  static final String GATEWAY = "gw-B";
  static final String BY = "sensor-gateway:school";

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T08:00:00Z"));
  private ManualTime manualTime;
  private ActorRef<Agency.Command> education;
  private ActorRef<AgencyDirectory.Command> directory;
  private TestProbe<IncidentCommand> incidents;
  private String schoolId;
  private EventSourcedBehaviorTestKit<School.Command, School.Event, School.State> school;

  @BeforeAll
  void agencies() {
    manualTime = ManualTime.get(testKit.system());
    directory = testKit.spawn(AgencyDirectory.create("65"));
    var edu = new AgencyProfile("edu-650102", "Tianshan Education", AgencyKind.EDUCATION, Tier.COUNTY, "650102");
    education = testKit.spawn(Agency.create(edu.agencyId(), clock));
    ask(education, (ActorRef<StatusReply<Agency.State>> r) -> new Agency.Register(edu, "operator:test", r));
    ask(directory, (ActorRef<StatusReply<Done>> r) -> new AgencyDirectory.Enlist(edu, r));
  }

  @BeforeEach
  void newSchool() {
    schoolId = "sch-" + UUID.randomUUID();
    incidents = testKit.createTestProbe();
    // Captured, not read from the field at send time: an earlier test's school may still retry
    // its reports, and they must not land in this test's probe.
    ActorRef<IncidentCommand> probe = incidents.getRef();
    Function<String, RecipientRef<IncidentCommand>> incidentRefs = id -> probe;
    var entities = new Entities(id -> null, id -> education, province -> directory, province -> null)
        .withIncidents(incidentRefs);
    school = EventSourcedBehaviorTestKit.create(testKit.system(),
        School.create(schoolId, clock, entities, SETTINGS, null),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
    school.<StatusReply<School.State>>runCommand(r -> new School.Register(new SchoolProfile(schoolId, "No. 1 Middle",
        RegionCode.of("650102"), SchoolType.JUNIOR, 900, 70, 4, new Location(43.8, 87.6)), "operator:test", r));
  }

  private <C, R> R ask(RecipientRef<C> target, Function<ActorRef<StatusReply<R>>, C> command) {
    TestProbe<StatusReply<R>> probe = testKit.createTestProbe();
    target.tell(command.apply(probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(5)).getValue();
  }

  private DeviceRecord register(String id, SensorKind kind, String building) {
    var result = school.<StatusReply<DeviceRecord>>runCommand(
        r -> new School.RegisterDevice(new Device(id, kind, new Place(building, "3F", "lab", null), GATEWAY), "operator:test", r));
    return result.reply().getValue();
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<School.Command, School.Event, School.State, StatusReply<Ingested>>
      ingest(Mode mode, Reading... readings) {
    return school.runCommand(r -> new School.Ingest(new Batch(GATEWAY, mode, null, List.of(readings)), BY, r));
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<School.Command, School.Event, School.State, StatusReply<Ingested>>
      ingest(Reading... readings) {
    return ingest(Mode.ACTUAL, readings);
  }

  private Instant at(int second) {
    return clock.instant().plusSeconds(second);
  }

  /** Answers the probe's next message like the Incident entity would; returns it. */
  private IncidentCommand answerNext(Status status, List<String> falseAlarmDevices, boolean accept) {
    IncidentCommand msg = incidents.receiveMessage(Duration.ofSeconds(5));
    if (msg instanceof IncidentCommand.Report report) {
      report.replyTo().tell(StatusReply.success(new IncidentCommand.Accepted(IncidentState.empty("x"), false)));
    } else if (msg instanceof IncidentCommand.AddEvidence add) {
      add.replyTo().tell(StatusReply.success(new IncidentCommand.EvidenceReply(accept, status, falseAlarmDevices)));
    } else if (msg instanceof IncidentCommand.NoteFlaggedDevices note) {
      note.replyTo().tell(StatusReply.success(Done.getInstance()));
    }
    return msg;
  }

  // --- registry -----------------------------------------------------------------------------

  @Test
  void deviceEventsNameTheSchoolsRegionForTheReadSide() {
    var registered = school.<StatusReply<DeviceRecord>>runCommand(r -> new School.RegisterDevice(
        new Device("smoke-R-1", SensorKind.SMOKE, Place.UNKNOWN, GATEWAY), "operator:test", r));
    assertThat(registered.eventOfType(School.DeviceRegistered.class).regionCode()).isEqualTo("650102");
    var fault = ingest(Reading.of("smoke-R-1", SensorKind.GAS, 1, at(0)));  // a smoke sensor reporting gas: FAULT
    assertThat(fault.events()).filteredOn(School.DeviceStatesChanged.class::isInstance)
        .singleElement().extracting(e -> ((School.DeviceStatesChanged) e).regionCode()).isEqualTo("650102");
  }

  @Test
  void registersDevicesIdempotentlyAndRefusesADifferentOneUnderTheSameId() {
    DeviceRecord d = register("smoke-B3-01", SensorKind.SMOKE, "B");
    assertThat(d.state()).isEqualTo(DeviceState.ACTIVE);
    assertThat(d.registered()).isTrue();
    var again = school.<StatusReply<DeviceRecord>>runCommand(r -> new School.RegisterDevice(
        new Device("smoke-B3-01", SensorKind.SMOKE, new Place("B", "3F", "lab", null), GATEWAY), "operator:test", r));
    assertThat(again.hasNoEvents()).isTrue();
    var moved = school.<StatusReply<DeviceRecord>>runCommand(r -> new School.RegisterDevice(
        new Device("smoke-B3-01", SensorKind.SMOKE, new Place("C", "1F", "hall", null), GATEWAY), "operator:test", r));
    assertThat(moved.reply().getError()).isInstanceOf(Rejection.Conflict.class).hasMessageContaining("smoke-B3-01");
  }

  @Test
  void readingsOfAnUnknownSchoolAreRefused() {
    var other = EventSourcedBehaviorTestKit.<School.Command, School.Event, School.State>create(testKit.system(),
        School.create("sch-nobody", clock), EventSourcedBehaviorTestKit.enabledSerializationSettings());
    var result = other.<StatusReply<Ingested>>runCommand(r -> new School.Ingest(
        new Batch(GATEWAY, Mode.ACTUAL, null, List.of(Reading.of("x", SensorKind.SMOKE, 0.01, at(0)))), BY, r));
    assertThat(result.reply().getError()).isInstanceOf(Rejection.NotFound.class);
    assertThat(result.hasNoEvents()).isTrue();
  }

  @Test
  void readingsOfUnregisteredDevicesAreAcceptedListedAndStillRaiseAlarms() {
    var result = ingest(Reading.of("panic-new", SensorKind.PANIC, 1, at(0)));
    assertThat(result.reply().getValue().unregistered()).containsExactly("panic-new");
    assertThat(result.reply().getValue().incidents()).hasSize(1);
    DeviceRecord listed = school.getState().fleet().devices().get("panic-new");
    assertThat(listed.registered()).isFalse();
    assertThat(listed.alarms()).isEqualTo(1);
    // Registered later: it keeps what it did.
    DeviceRecord registered = register("panic-new", SensorKind.PANIC, "A");
    assertThat(registered.registered()).isTrue();
    assertThat(registered.alarms()).isEqualTo(1);
  }

  @Test
  void aDeviceReportingAKindItIsNotIsFaultUntilItReportsItsOwnAgain() {
    register("heat-1", SensorKind.TEMPERATURE, "B");
    ingest(Reading.of("heat-1", SensorKind.SMOKE, 0.01, at(0)));
    assertThat(school.getState().fleet().devices().get("heat-1").state()).isEqualTo(DeviceState.FAULT);
    ingest(new Reading("heat-1", SensorKind.HEARTBEAT, null, null, null, at(5)));
    assertThat(school.getState().fleet().devices().get("heat-1").state()).isEqualTo(DeviceState.FAULT);
    ingest(Reading.of("heat-1", SensorKind.TEMPERATURE, 21, at(10)));
    assertThat(school.getState().fleet().devices().get("heat-1").state()).isEqualTo(DeviceState.ACTIVE);
  }

  // --- one incident per danger ----------------------------------------------------------------

  @Test
  void fortySmokeReadingsFromTenDetectorsInOneMinuteAreOneIncident() {
    for (int i = 0; i < 10; i++) {
      register("smoke-B-" + i, SensorKind.SMOKE, "B");
    }
    var opened = new ArrayList<School.Event>();
    var touched = new ArrayList<Ingested.Touched>();
    // Four readings per detector, 0-45 s, in four batches of ten (one per round of the gateway).
    for (int round = 0; round < 4; round++) {
      var batch = new ArrayList<Reading>();
      for (int i = 0; i < 10; i++) {
        batch.add(Reading.of("smoke-B-" + i, SensorKind.SMOKE, 0.2 + 0.01 * i, at(round * 15 + i)));
      }
      var result = ingest(batch.toArray(Reading[]::new));
      opened.addAll(result.events());
      touched.addAll(result.reply().getValue().incidents());
    }
    List<School.DeviceIncidentOpened> incidentsOpened = opened.stream()
        .filter(School.DeviceIncidentOpened.class::isInstance).map(School.DeviceIncidentOpened.class::cast).toList();
    assertThat(incidentsOpened).hasSize(1);
    String id = incidentsOpened.get(0).incident().incidentId();
    assertThat(incidentsOpened.get(0).incident().type()).isEqualTo(IncidentType.FIRE);
    assertThat(touched).extracting(Ingested.Touched::incidentId).containsOnly(id);
    var open = school.getState().fleet().openFor(IncidentType.FIRE, Mode.ACTUAL).orElseThrow();
    assertThat(open.evidence()).extracting(e -> e.deviceId()).hasSize(10).doesNotHaveDuplicates();
    // The whole burst: a handful of journal events, not forty.
    assertThat(opened.size()).as("events of the burst: " + opened).isLessThanOrEqualTo(5);
    assertThat(school.getState().fleet().devices().values()).allSatisfy(d -> assertThat(d.alarms()).isEqualTo(1));

    var report = (IncidentCommand.Report) answerNext(Status.REPORTED, List.of(), true);
    assertThat(report.incident().origin().gatewayId()).isEqualTo(GATEWAY);
    assertThat(report.incident().initial().reporter().name()).isEqualTo(GATEWAY);
    assertThat(report.incident().origin().escalateNotBefore())
        .isEqualTo(incidentsOpened.get(0).incident().openedAt().plus(SETTINGS.falseAlarmGrace()));
  }

  @Test
  void readingsBelowEveryThresholdAreNotJournaledOneByOne() {
    register("smoke-B-1", SensorKind.SMOKE, "B");
    register("gas-B-1", SensorKind.GAS, "B");
    var first = ingest(Reading.of("smoke-B-1", SensorKind.SMOKE, 0.01, at(0)), Reading.of("gas-B-1", SensorKind.GAS, 2, at(0)));
    assertThat(first.events()).singleElement().isInstanceOf(School.DevicesSeen.class);
    for (int s = 10; s < 240; s += 10) {
      var quiet = ingest(Reading.of("smoke-B-1", SensorKind.SMOKE, 0.02, at(s)), Reading.of("gas-B-1", SensorKind.GAS, 3, at(s)));
      assertThat(quiet.hasNoEvents()).as("a quiet batch at +" + s + " s").isTrue();
      assertThat(quiet.reply().getValue().accepted()).isEqualTo(2);
    }
  }

  @Test
  void theOpenIncidentIsStillFoundAfterTheSchoolIsRecovered() {
    register("panic-1", SensorKind.PANIC, "A");
    register("panic-2", SensorKind.PANIC, "A");
    String id = ingest(Reading.of("panic-1", SensorKind.PANIC, 1, at(0))).reply().getValue().incidents().get(0).incidentId();
    answerNext(Status.REPORTED, List.of(), true);

    school.restart();
    // After recovery the school reports its open incident again (the incident drops the retry).
    var again = answerNext(Status.REPORTED, List.of(), true);
    assertThat(again).isInstanceOf(IncidentCommand.Report.class);
    var result = ingest(Reading.of("panic-2", SensorKind.PANIC, 1, at(5)));
    assertThat(result.events()).singleElement().isInstanceOfSatisfying(School.EvidenceAttached.class,
        e -> assertThat(e.incidentId()).isEqualTo(id));
    assertThat(result.reply().getValue().incidents()).singleElement()
        .satisfies(t -> assertThat(t.opened()).isFalse());
  }

  @Test
  void aDrillsAlarmsOpenAnExerciseIncidentApartFromRealOnes() {
    register("panic-1", SensorKind.PANIC, "A");
    var real = ingest(Mode.ACTUAL, Reading.of("panic-1", SensorKind.PANIC, 1, at(0)));
    ingest(Mode.ACTUAL, Reading.of("panic-1", SensorKind.PANIC, 0, at(1)));
    var drill = ingest(Mode.EXERCISE, Reading.of("panic-1", SensorKind.PANIC, 1, at(2)));
    assertThat(drill.reply().getValue().incidents().get(0).opened()).isTrue();
    assertThat(drill.reply().getValue().incidents().get(0).incidentId())
        .isNotEqualTo(real.reply().getValue().incidents().get(0).incidentId());
  }

  @Test
  void anIncidentThatEndedOpensTheNextOneForTheSameDanger() {
    register("panic-1", SensorKind.PANIC, "A");
    String first = ingest(Reading.of("panic-1", SensorKind.PANIC, 1, at(0))).reply().getValue().incidents().get(0).incidentId();
    var closed = new IncidentNotice(first, IncidentType.INTRUSION, Level.UNGRADED, Mode.ACTUAL, Status.RESOLVED, at(0));
    var ended = school.<Done>runCommand(r -> new School.TrackIncident(closed, r));
    assertThat(ended.events()).anySatisfy(e -> assertThat(e).isInstanceOf(School.DeviceIncidentEnded.class));
    ingest(Reading.of("panic-1", SensorKind.PANIC, 0, at(1)));
    var next = ingest(Reading.of("panic-1", SensorKind.PANIC, 1, at(2)));
    assertThat(next.reply().getValue().incidents().get(0).opened()).isTrue();
    assertThat(next.reply().getValue().incidents().get(0).incidentId()).isNotEqualTo(first);
  }

  @Test
  void evidenceRefusedByAnIncidentThatEndedMeanwhileOpensANewIncident() {
    register("panic-1", SensorKind.PANIC, "A");
    register("panic-2", SensorKind.PANIC, "A");
    String first = ingest(Reading.of("panic-1", SensorKind.PANIC, 1, at(0))).reply().getValue().incidents().get(0).incidentId();
    answerNext(Status.REPORTED, List.of(), true);
    ingest(Reading.of("panic-2", SensorKind.PANIC, 1, at(3)));
    // Staff cancelled the first as a false alarm a moment before: the incident refuses the evidence.
    var add = answerNext(Status.CANCELLED, List.of("panic-1"), false);
    assertThat(add).isInstanceOf(IncidentCommand.AddEvidence.class);
    var report = (IncidentCommand.Report) answerNext(Status.REPORTED, List.of(), true);
    assertThat(report.incident().origin().first().deviceId()).isEqualTo("panic-2");
    var fleet = school.getState().fleet();
    String second = fleet.openFor(IncidentType.INTRUSION, Mode.ACTUAL).orElseThrow().incidentId();
    assertThat(second).isNotEqualTo(first);
    assertThat(fleet.devices().get("panic-1").falseAlarms()).isEqualTo(1);
    assertThat(fleet.devices().get("panic-2").falseAlarms()).isZero();
    assertThat(fleet.devices().get("panic-2").alarms()).isEqualTo(1);
  }

  // --- false alarms -------------------------------------------------------------------------

  @Test
  void aFalseAlarmCancelCountsOnEveryContributingDeviceAndFlagsThoseOverTheBound() {
    register("panic-1", SensorKind.PANIC, "A");
    register("panic-2", SensorKind.PANIC, "A");
    String first = ingest(Reading.of("panic-1", SensorKind.PANIC, 1, at(0)), Reading.of("panic-2", SensorKind.PANIC, 1, at(1)))
        .reply().getValue().incidents().get(0).incidentId();
    var cancelled = new IncidentNotice(first, IncidentType.INTRUSION, Level.UNGRADED, Mode.ACTUAL, Status.CANCELLED,
        at(0), List.of("panic-1", "panic-2"));
    var result = school.<Done>runCommand(r -> new School.TrackIncident(cancelled, r));
    assertThat(result.events()).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(School.DeviceIncidentEnded.class, x -> {
      assertThat(x.falseAlarmDevices()).containsExactly("panic-1", "panic-2");
      assertThat(x.flagged()).isEmpty(); // one alarm each: below flag-min-alarms
    }));
    assertThat(school.getState().fleet().devices().get("panic-1").falseAlarmRate()).isEqualTo(1.0);
    // The same notice again changes nothing.
    assertThat(school.<Done>runCommand(r -> new School.TrackIncident(cancelled, r)).hasNoEvents()).isTrue();

    ingest(Reading.of("panic-1", SensorKind.PANIC, 0, at(10)));
    String second = ingest(Reading.of("panic-1", SensorKind.PANIC, 1, at(20))).reply().getValue().incidents().get(0).incidentId();
    var again = new IncidentNotice(second, IncidentType.INTRUSION, Level.UNGRADED, Mode.ACTUAL, Status.CANCELLED, at(20),
        List.of("panic-1"));
    var flagged = school.<Done>runCommand(r -> new School.TrackIncident(again, r));
    assertThat(flagged.events()).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(School.DeviceIncidentEnded.class,
        x -> assertThat(x.flagged()).containsExactly("panic-1")));
    DeviceRecord d = school.getState().fleet().devices().get("panic-1");
    assertThat(d.flagged()).isTrue();
    assertThat(d.incidents()).containsExactly(first, second);
    // The incident is told, for its timeline and the command centers' streams.
    var messages = new ArrayList<IncidentCommand>();
    while (messages.size() < 6 && messages.stream().noneMatch(IncidentCommand.NoteFlaggedDevices.class::isInstance)) {
      messages.add(answerNext(Status.CANCELLED, List.of(), true));
    }
    assertThat(messages).anySatisfy(m -> assertThat(m).isInstanceOfSatisfying(IncidentCommand.NoteFlaggedDevices.class,
        n -> assertThat(n.detail()).contains("panic-1").contains("2 false alarms of 2")));
  }

  @Test
  void aCancelForAnotherReasonCountsNoFalseAlarm() {
    register("panic-1", SensorKind.PANIC, "A");
    String id = ingest(Reading.of("panic-1", SensorKind.PANIC, 1, at(0))).reply().getValue().incidents().get(0).incidentId();
    var cancelled = new IncidentNotice(id, IncidentType.INTRUSION, Level.UNGRADED, Mode.ACTUAL, Status.CANCELLED, at(0));
    school.<Done>runCommand(r -> new School.TrackIncident(cancelled, r));
    assertThat(school.getState().fleet().devices().get("panic-1").falseAlarms()).isZero();
    assertThat(school.getState().fleet().open()).isEmpty();
  }

  // --- offline --------------------------------------------------------------------------------

  @Test
  void aSilentDeviceTurnsOfflineTheAgencyIsToldAndItComesBackByItself() {
    register("smoke-B-1", SensorKind.SMOKE, "B");
    register("cam-B-1", SensorKind.CAMERA, "B");
    ingest(Reading.of("smoke-B-1", SensorKind.SMOKE, 0.01, at(0)), Reading.camera("cam-B-1", CameraLabel.CROWDING, 0.1, at(0)));
    // The camera's interval is 2 min; the detector keeps reporting.
    for (int s = 60; s <= 180; s += 60) {
      clock.advance(Duration.ofSeconds(60));
      manualTime.timePasses(Duration.ofSeconds(60));
      ingest(Reading.of("smoke-B-1", SensorKind.SMOKE, 0.01, clock.instant()));
    }
    assertThat(school.getState().fleet().devices().get("cam-B-1").state()).isEqualTo(DeviceState.OFFLINE);
    assertThat(school.getState().fleet().devices().get("smoke-B-1").state()).isEqualTo(DeviceState.ACTIVE);
    DeviceNotice notice = awaitNotice("cam-B-1", "OFFLINE");
    assertThat(notice.schoolId()).isEqualTo(schoolId);
    assertThat(notice.place()).contains("B");

    ingest(Reading.camera("cam-B-1", CameraLabel.CROWDING, 0.1, clock.instant()));
    assertThat(school.getState().fleet().devices().get("cam-B-1").state()).isEqualTo(DeviceState.ACTIVE);
    awaitNotice("cam-B-1", "ACTIVE");
  }

  @Test
  void aDeviceThatNeverReportsGoesOfflineOneIntervalAfterItWasRegistered() {
    register("gas-1", SensorKind.GAS, "B");
    clock.advance(SETTINGS.offlineAfter(SensorKind.GAS).minusSeconds(1));
    manualTime.timePasses(SETTINGS.offlineAfter(SensorKind.GAS).minusSeconds(1));
    assertThat(school.getState().fleet().devices().get("gas-1").state()).isEqualTo(DeviceState.ACTIVE);
    clock.advance(Duration.ofSeconds(1));
    manualTime.timePasses(Duration.ofSeconds(1));
    awaitState("gas-1", DeviceState.OFFLINE);
  }

  @Test
  void afterARestartADeviceIsNotDeclaredOfflineForReadingsOnlyInTheLostMemory() {
    register("smoke-B-1", SensorKind.SMOKE, "B");
    ingest(Reading.of("smoke-B-1", SensorKind.SMOKE, 0.01, at(0))); // written: the first write
    for (int s = 30; s <= 240; s += 30) {
      clock.advance(Duration.ofSeconds(30));
      ingest(Reading.of("smoke-B-1", SensorKind.SMOKE, 0.01, clock.instant())); // memory only
    }
    school.restart();
    // 5 min after the written reading, but only ~1 min after the last one: still ACTIVE.
    clock.advance(Duration.ofSeconds(61));
    manualTime.timePasses(Duration.ofSeconds(61));
    assertThat(school.getState().fleet().devices().get("smoke-B-1").state()).isEqualTo(DeviceState.ACTIVE);
  }

  private void awaitState(String deviceId, DeviceState state) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (school.getState().fleet().devices().get(deviceId).state() != state) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(deviceId + " did not turn " + state);
      }
      manualTime.timePasses(Duration.ofMillis(1));
    }
  }

  private DeviceNotice awaitNotice(String deviceId, String state) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      Agency.State agency = ask(education, Agency.Get::new);
      DeviceNotice n = agency.deviceNotices().get(schoolId + "/" + deviceId);
      if (n != null && n.state().equals(state)) {
        return n;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + state + " notice for " + deviceId + ": " + agency.deviceNotices());
      }
      manualTime.timePasses(Duration.ofMillis(10));
    }
  }
}
