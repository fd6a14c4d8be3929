package org.schoolsafety.hub.hazard;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.hub.Entities;
import org.schoolsafety.hub.HubMetrics;
import org.schoolsafety.hub.HubTestConfig;
import org.schoolsafety.hub.MutableClock;
import org.schoolsafety.hub.Rejection;
import org.schoolsafety.hub.agency.Agency;
import org.schoolsafety.hub.agency.AgencyKind;
import org.schoolsafety.hub.agency.AgencyProfile;
import org.schoolsafety.hub.agency.Tier;
import org.schoolsafety.hub.directory.AgencyDirectory;
import org.schoolsafety.hub.prevention.Prevention;
import org.schoolsafety.hub.region.RegionCode;

/** A hazard's life, its notices to the education agencies and its deadline, with manual time. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HazardTest {

  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(HubTestConfig.withManualTime()).build();

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T00:00:00Z"));
  private final HazardSettings settings = HazardSettings.fromConfig(ConfigFactory.load());
  private final Map<String, ActorRef<Agency.Command>> agencies = new HashMap<>();
  private final Map<String, ActorRef<Prevention.Command>> preventions = new HashMap<>();
  private ManualTime manualTime;
  private Entities entities;
  private String hazardId;
  private EventSourcedBehaviorTestKit<HazardCommand, HazardEvent, HazardState> hazard;

  static final List<AgencyProfile> EDUCATION = List.of(
      new AgencyProfile("edu-650102", "Tianshan Education", AgencyKind.EDUCATION, Tier.COUNTY, "650102"),
      new AgencyProfile("edu-6501", "Urumqi Education", AgencyKind.EDUCATION, Tier.CITY, "6501"),
      new AgencyProfile("edu-65", "Xinjiang Education", AgencyKind.EDUCATION, Tier.PROVINCE, "65"));

  @BeforeAll
  void entities() {
    manualTime = ManualTime.get(testKit.system());
    var directory = testKit.spawn(AgencyDirectory.create("65"));
    for (AgencyProfile profile : EDUCATION) {
      var agency = testKit.spawn(Agency.create(profile.agencyId(), clock));
      agencies.put(profile.agencyId(), agency);
      var p1 = testKit.<StatusReply<Agency.State>>createTestProbe();
      agency.tell(new Agency.Register(profile, "operator:test", p1.ref()));
      p1.receiveMessage();
      var p2 = testKit.<StatusReply<org.apache.pekko.Done>>createTestProbe();
      directory.tell(new AgencyDirectory.Enlist(profile, p2.ref()));
      p2.receiveMessage();
    }
    var prevention = testKit.spawn(Prevention.create("sch-650102-001", Prevention.Settings.fromConfig(ConfigFactory.load()), clock));
    preventions.put("sch-650102-001", prevention);
    entities = new Entities(id -> null, agencies::get, p -> directory, p -> null).withPreventions(preventions::get);
  }

  @BeforeEach
  void newHazard() {
    hazardId = NewHazard.idOf("sch-650102-001", "insp-" + UUID.randomUUID(), 1);
    hazard = EventSourcedBehaviorTestKit.create(testKit.system(),
        Hazard.create(hazardId, entities, settings, clock, null, HubMetrics.NONE),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
  }

  private NewHazard hazard(Severity severity, Duration deadlineIn) {
    return new NewHazard(hazardId, "sch-650102-001", "Tianshan No. 1 Primary", RegionCode.of("650102"), "insp-1",
        LocalDate.of(2026, 11, 28), HazardCategory.FIRE_SAFETY, severity, "building B stairwell",
        "fire door blocked by furniture",
        new RectificationPlan("Li Ming", "clear the stairwell, fit a closer", 1200, clock.instant().plus(deadlineIn),
            "door marked, teacher on duty"));
  }

  private StatusReply<HazardState> open(NewHazard h) {
    return hazard.<StatusReply<HazardState>>runCommand(r -> new HazardCommand.Open(h, "school-staff:sch-650102-001", r)).reply();
  }

  private List<String> inbox(String agencyId) {
    var probe = testKit.<StatusReply<Agency.State>>createTestProbe();
    agencies.get(agencyId).tell(new Agency.Get(probe.ref()));
    return probe.receiveMessage().getValue().hazardInbox(true).stream()
        .filter(n -> n.hazardId().equals(hazardId)).map(n -> n.reason() + "/" + n.status()).toList();
  }

  @Test
  void aMajorHazardIsNotifiedToTheCountyEducationAgencyAtOnce() {
    assertThat(open(hazard(Severity.MAJOR, Duration.ofDays(10))).getValue().status()).isEqualTo(HazardStatus.OPEN);
    eventually(() -> assertThat(inbox("edu-650102")).containsExactly("MAJOR/OPEN"));
    assertThat(inbox("edu-6501")).isEmpty();
  }

  @Test
  void aGeneralHazardIsNotNotifiedUntilItGoesOverdueThenEscalatesTierByTier() {
    open(hazard(Severity.GENERAL, Duration.ofDays(2)));
    assertThat(hazard.getState().chain()).isNull();
    passTime(Duration.ofDays(2));
    eventually(() -> assertThat(inbox("edu-650102")).containsExactly("OVERDUE/OVERDUE"));
    assertThat(hazard.getState().status()).isEqualTo(HazardStatus.OVERDUE);
    assertThat(inbox("edu-6501")).isEmpty();
    passTime(settings.escalationInterval());
    eventually(() -> assertThat(inbox("edu-6501")).containsExactly("OVERDUE/OVERDUE"));
    passTime(settings.escalationInterval());
    eventually(() -> assertThat(inbox("edu-65")).containsExactly("OVERDUE/OVERDUE"));
  }

  @Test
  void aDeadlineYearsAheadIsAcceptedAndStillFiresWhenItComes() {
    // beyond the scheduler's longest delay (about 248 days): the timer wakes early and re-arms
    // instead of failing the hazard after its event is persisted. (Wall-clock time only: long
    // manual-time jumps would time out other tests' journal calls.)
    Duration far = Duration.ofDays(3 * 365);
    assertThat(open(hazard(Severity.GENERAL, far)).getValue().status()).isEqualTo(HazardStatus.OPEN);
    assertThat(hazard.<StatusReply<HazardState>>runCommand(HazardCommand.Get::new).reply().getValue().status())
        .isEqualTo(HazardStatus.OPEN);
    clock.advance(Duration.ofDays(365));
    hazard.restart();
    manualTime.timePasses(Duration.ofMillis(1));
    assertThat(hazard.<StatusReply<HazardState>>runCommand(HazardCommand.Get::new).reply().getValue().status())
        .isEqualTo(HazardStatus.OPEN);
    clock.advance(far);
    hazard.restart();
    manualTime.timePasses(Duration.ofMillis(1));
    eventually(() -> assertThat(hazard.getState().status()).isEqualTo(HazardStatus.OVERDUE));
  }

  @Test
  void aDeadlineThatFellWhileTheNodeWasDownFiresOnRecovery() {
    open(hazard(Severity.GENERAL, Duration.ofDays(1)));
    clock.advance(Duration.ofDays(2)); // the node is down: only wall-clock time passes
    hazard.restart();
    manualTime.timePasses(Duration.ofMillis(1));
    eventually(() -> assertThat(hazard.getState().status()).isEqualTo(HazardStatus.OVERDUE));
    eventually(() -> assertThat(inbox("edu-650102")).containsExactly("OVERDUE/OVERDUE"));
  }

  @Test
  void rectifiedThenRejectedThenRectifiedAndVerified() {
    open(hazard(Severity.MAJOR, Duration.ofDays(10)));
    var rectified = hazard.<StatusReply<HazardState>>runCommand(r -> new HazardCommand.Rectify("door cleared", "school-staff:x", r));
    assertThat(rectified.reply().getValue().status()).isEqualTo(HazardStatus.RECTIFIED);
    var noReason = hazard.<StatusReply<HazardState>>runCommand(r -> new HazardCommand.Verify(false, " ", "agency:edu-650102", r));
    assertThat(noReason.reply().getError()).isInstanceOf(Rejection.Invalid.class);
    assertThat(noReason.hasNoEvents()).isTrue();
    var rejected = hazard.<StatusReply<HazardState>>runCommand(r -> new HazardCommand.Verify(false, "closer missing", "agency:edu-650102", r));
    assertThat(rejected.reply().getValue().status()).isEqualTo(HazardStatus.OPEN);
    hazard.<StatusReply<HazardState>>runCommand(r -> new HazardCommand.Rectify("closer fitted", "school-staff:x", r));
    var verified = hazard.<StatusReply<HazardState>>runCommand(r -> new HazardCommand.Verify(true, "checked on site", "agency:edu-650102", r));
    assertThat(verified.reply().getValue().status()).isEqualTo(HazardStatus.VERIFIED);
    assertThat(verified.reply().getValue().timeline()).extracting(t -> t.event())
        .contains("opened", "rectified", "rejected", "verified");
    var again = hazard.<StatusReply<HazardState>>runCommand(r -> new HazardCommand.Rectify("x", "school-staff:x", r));
    assertThat(again.reply().getError()).isInstanceOf(Rejection.Conflict.class);
    eventually(() -> assertThat(inbox("edu-650102")).containsExactly("MAJOR/VERIFIED"));
    // a verified hazard never goes overdue
    passTime(Duration.ofDays(11));
    assertThat(hazard.getState().status()).isEqualTo(HazardStatus.VERIFIED);
    assertThat(hazard.restart().state().status()).isEqualTo(HazardStatus.VERIFIED);
  }

  @Test
  void openingIsIdempotentAndRefusesOtherContentUnderTheSameId() {
    NewHazard h = hazard(Severity.GENERAL, Duration.ofDays(10));
    open(h);
    var again = hazard.<StatusReply<HazardState>>runCommand(r -> new HazardCommand.Open(h, "school-staff:x", r));
    assertThat(again.hasNoEvents()).isTrue();
    assertThat(again.reply().isSuccess()).isTrue();
    var other = new NewHazard(h.hazardId(), h.schoolId(), h.schoolName(), h.region(), h.inspectionId(), h.inspectedOn(),
        HazardCategory.ELECTRICAL, h.severity(), h.location(), h.description(), h.plan());
    var refused = hazard.<StatusReply<HazardState>>runCommand(r -> new HazardCommand.Open(other, "school-staff:x", r));
    assertThat(refused.reply().getError()).isInstanceOf(Rejection.Conflict.class);
    var unknown = EventSourcedBehaviorTestKit.<HazardCommand, HazardEvent, HazardState>create(testKit.system(),
        Hazard.create("hz-00000000000000000000-1", entities, settings, clock, null, HubMetrics.NONE));
    assertThat(unknown.<StatusReply<HazardState>>runCommand(HazardCommand.Get::new).reply().getError())
        .isInstanceOf(Rejection.NotFound.class);
  }

  @Test
  void theSchoolsPreventionRecordHearsOfTheHazard() {
    open(hazard(Severity.MAJOR, Duration.ofDays(10)));
    eventually(() -> {
      var probe = testKit.<StatusReply<Prevention.State>>createTestProbe();
      preventions.get("sch-650102-001").tell(new Prevention.Get(probe.ref()));
      assertThat(probe.receiveMessage().getValue().hazards()).containsKey(hazardId);
    });
  }

  private void eventually(Runnable assertion) {
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
      assertion.run();
      return null;
    });
  }

  private void passTime(Duration duration) {
    clock.advance(duration);
    manualTime.timePasses(duration);
  }
}
