package org.schoolsafety.hub.guardian;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.hub.HubTestConfig;
import org.schoolsafety.hub.MutableClock;
import org.schoolsafety.hub.Rejection;
import org.schoolsafety.hub.guardian.GuardianNotice.Kind;
import org.schoolsafety.hub.incident.IncidentType;
import org.schoolsafety.hub.incident.Level;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.incident.Status;
import org.schoolsafety.hub.school.DrillRecord;
import org.schoolsafety.hub.school.DrillType;
import org.schoolsafety.hub.school.IncidentNotice;
import org.schoolsafety.hub.school.Posture;
import org.schoolsafety.hub.school.School;
import org.schoolsafety.hub.secret.ServerKey;

/** Invitation codes (once, before expiry), guardians' messages, and notices derived from school events. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuardianTest {

  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(HubTestConfig.withManualTime()).build();

  private static final String SCHOOL = "sch-650102-001";
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T08:00:00Z"));
  private final GuardianCodes codes = new GuardianCodes(ServerKey.of(new byte[32]));

  private EventSourcedBehaviorTestKit<GuardianInvitation.Command, GuardianInvitation.Event, GuardianInvitation.State>
      invitation(String code) {
    return EventSourcedBehaviorTestKit.create(testKit.system(), GuardianInvitation.create(codes.hash(code), clock),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
  }

  /** A new code of {@link #SCHOOL}'s class 7-2, issued until {@code expires}. */
  private EventSourcedBehaviorTestKit<GuardianInvitation.Command, GuardianInvitation.Event, GuardianInvitation.State>
      issued(Instant expires) {
    var kit = invitation(codes.newCode());
    kit.<StatusReply<GuardianInvitation.State>>runCommand(
        r -> new GuardianInvitation.Issue(SCHOOL, "7-2", expires, "staff", r));
    return kit;
  }

  @Test
  void aCodeIsRedeemedOnceBeforeItExpires() {
    String code = codes.newCode();
    var kit = invitation(code);
    Instant expires = clock.instant().plus(Duration.ofDays(14));
    var issued = kit.<StatusReply<GuardianInvitation.State>>runCommand(
        r -> new GuardianInvitation.Issue(SCHOOL, "7-2", expires, "school-staff:" + SCHOOL, r));
    assertThat(issued.reply().isSuccess()).isTrue();
    assertThat(issued.event()).isEqualTo(new GuardianInvitation.Issued(SCHOOL, "7-2", expires, clock.instant(),
        "school-staff:" + SCHOOL));
    // the same issue again changes nothing; a different one under the same code is refused
    assertThat(kit.<StatusReply<GuardianInvitation.State>>runCommand(
        r -> new GuardianInvitation.Issue(SCHOOL, "7-2", expires, "x", r)).hasNoEvents()).isTrue();
    assertThat(kit.<StatusReply<GuardianInvitation.State>>runCommand(
        r -> new GuardianInvitation.Issue(SCHOOL, "7-3", expires, "x", r)).reply().getError())
        .isInstanceOf(Rejection.Conflict.class);

    var redeemed = kit.<StatusReply<GuardianInvitation.State>>runCommand(
        r -> new GuardianInvitation.Redeem("gdn-0123456789abcdef", r));
    assertThat(redeemed.reply().getValue().guardianId()).isEqualTo("gdn-0123456789abcdef");
    assertThat(redeemed.reply().getValue().schoolId()).isEqualTo(SCHOOL);
    assertThat(redeemed.reply().getValue().classId()).isEqualTo("7-2");

    var again = kit.<StatusReply<GuardianInvitation.State>>runCommand(
        r -> new GuardianInvitation.Redeem("gdn-fedcba9876543210", r));
    assertThat(again.hasNoEvents()).isTrue();
    assertThat(again.reply().getError()).isInstanceOf(Rejection.Conflict.class);

    // after a restart the redemption is still there
    kit.restart();
    assertThat(kit.<StatusReply<GuardianInvitation.State>>runCommand(
        r -> new GuardianInvitation.Redeem("gdn-fedcba9876543210", r)).reply().getError())
        .isInstanceOf(Rejection.Conflict.class);
  }

  @Test
  void anExpiredOrUnknownCodeIsRefused() {
    var kit = issued(clock.instant().plus(Duration.ofHours(1)));
    clock.advance(Duration.ofHours(1));
    var late = kit.<StatusReply<GuardianInvitation.State>>runCommand(
        r -> new GuardianInvitation.Redeem("gdn-0123456789abcdef", r));
    assertThat(late.hasNoEvents()).isTrue();
    assertThat(late.reply().getError()).isInstanceOf(Rejection.Gone.class);

    var unknown = invitation(codes.newCode()).<StatusReply<GuardianInvitation.State>>runCommand(
        r -> new GuardianInvitation.Redeem("gdn-0123456789abcdef", r));
    assertThat(unknown.hasNoEvents()).isTrue();
    assertThat(unknown.reply().getError()).isInstanceOf(Rejection.NotFound.class)
        .hasMessage(GuardianInvitation.UNKNOWN);
  }

  @Test
  void theSchoolWithdrawsAnUnusedCodeOnlyItsOwnAndNeverAUsedOne() {
    Instant expires = clock.instant().plus(Duration.ofDays(7));
    var kit = issued(expires);
    // another school's staff cannot tell it from a code nobody issued
    var foreign = kit.<StatusReply<GuardianInvitation.State>>runCommand(
        r -> new GuardianInvitation.Withdraw("sch-110101-001", "lost", "school-staff:sch-110101-001", r));
    assertThat(foreign.hasNoEvents()).isTrue();
    assertThat(foreign.reply().getError()).isInstanceOf(Rejection.NotFound.class).hasMessage(GuardianInvitation.UNKNOWN);

    var withdrawn = kit.<StatusReply<GuardianInvitation.State>>runCommand(
        r -> new GuardianInvitation.Withdraw(SCHOOL, "sheet lost on the bus", "school-staff:" + SCHOOL, r));
    assertThat(withdrawn.event()).isEqualTo(new GuardianInvitation.Withdrawn("sheet lost on the bus", clock.instant(),
        "school-staff:" + SCHOOL));
    assertThat(withdrawn.reply().getValue().isWithdrawn()).isTrue();
    assertThat(kit.<StatusReply<GuardianInvitation.State>>runCommand(
        r -> new GuardianInvitation.Withdraw(SCHOOL, "again", "x", r)).hasNoEvents()).as("idempotent").isTrue();
    var refused = kit.<StatusReply<GuardianInvitation.State>>runCommand(
        r -> new GuardianInvitation.Redeem("gdn-0123456789abcdef", r));
    assertThat(refused.hasNoEvents()).isTrue();
    assertThat(refused.reply().getError()).isInstanceOf(Rejection.Gone.class).hasMessageContaining("withdrawn");
    kit.restart();
    assertThat(kit.getState().isWithdrawn()).as("after recovery").isTrue();

    var other = issued(expires);
    other.<StatusReply<GuardianInvitation.State>>runCommand(r -> new GuardianInvitation.Redeem("gdn-0123456789abcdef", r));
    var tooLate = other.<StatusReply<GuardianInvitation.State>>runCommand(
        r -> new GuardianInvitation.Withdraw(SCHOOL, "lost", "staff", r));
    assertThat(tooLate.hasNoEvents()).isTrue();
    assertThat(tooLate.reply().getError()).isInstanceOf(Rejection.Conflict.class).hasMessageContaining("revoke");
  }

  @Test
  void codesAreHashedTheSameHoweverTheyAreTyped() {
    String code = codes.newCode();
    assertThat(code).matches("([0-9A-Z]{4}-){4}[0-9A-Z]{4}");
    assertThat(codes.hash(code.toLowerCase().replace("-", " "))).isEqualTo(codes.hash(code));
    assertThat(codes.hash(code)).doesNotContain(code.replace("-", "")).hasSize(64);
    assertThat(GuardianCodes.wellFormed(code)).isTrue();
    assertThat(GuardianCodes.wellFormed("UUUU-UUUU-UUUU-UUUU-UUUU")).isFalse();
    assertThat(GuardianCodes.wellFormed(code + "0")).isFalse();
    assertThat(codes.newGuardianId()).matches("gdn-[0-9a-f]{16}");
  }

  @Test
  void messagesAreKeptNewestAndPostedOnce() {
    var kit = EventSourcedBehaviorTestKit.<GuardianMessages.Command, GuardianMessages.Event, GuardianMessages.State>create(
        testKit.system(), GuardianMessages.create(SCHOOL, 2), EventSourcedBehaviorTestKit.enabledSerializationSettings());
    for (int i = 1; i <= 3; i++) {
      var m = new GuardianMessage("gmsg-" + i, SCHOOL, "7-2", "gdn-0123456789abcdef", GuardianTopic.HEALTH,
          i == 1 ? null : "小明", "message " + i, clock.instant());
      var result = kit.<StatusReply<GuardianMessage>>runCommand(r -> new GuardianMessages.Post(m, r));
      assertThat(result.event()).isEqualTo(new GuardianMessages.Posted(m));
      assertThat(kit.<StatusReply<GuardianMessage>>runCommand(r -> new GuardianMessages.Post(m, r)).hasNoEvents())
          .isTrue();
    }
    var state = kit.<StatusReply<GuardianMessages.State>>runCommand(GuardianMessages.Get::new).reply().getValue();
    assertThat(state.newestFirst()).extracting(GuardianMessage::messageId).containsExactly("gmsg-3", "gmsg-2");
    var elsewhere = new GuardianMessage("gmsg-x", "sch-other", "7-2", "gdn-0123456789abcdef", GuardianTopic.OTHER,
        null, "x", clock.instant());
    assertThat(kit.<StatusReply<GuardianMessage>>runCommand(r -> new GuardianMessages.Post(elsewhere, r)).reply()
        .getError()).isInstanceOf(Rejection.Invalid.class);
  }

  @Test
  void noticesComeFromTheSchoolsOwnEventsAndNameNobody() {
    Instant at = clock.instant();
    var fire = new IncidentNotice("inc-1", IncidentType.FIRE, Level.III, Mode.ACTUAL, Status.DISPATCHED, at);
    var n = GuardianNotices.of(new School.IncidentTracked(fire), 7).orElseThrow();
    assertThat(n.kind()).isEqualTo(Kind.INCIDENT);
    assertThat(n.seq()).isEqualTo(7);
    assertThat(n.type()).isEqualTo(IncidentType.FIRE);
    assertThat(n.advice()).isEqualTo("INCIDENT_ACTIVE");
    var drill = new IncidentNotice("inc-2", IncidentType.FIRE, Level.III, Mode.EXERCISE, Status.REPORTED, at);
    assertThat(GuardianNotices.of(new School.IncidentTracked(drill), 8).orElseThrow().kind()).isEqualTo(Kind.DRILL);
    var over = new IncidentNotice("inc-1", IncidentType.FIRE, Level.III, Mode.ACTUAL, Status.CANCELLED, at);
    assertThat(GuardianNotices.of(new School.IncidentTracked(over), 9).orElseThrow().advice())
        .isEqualTo("INCIDENT_FALSE_ALARM");
    var lockdown = GuardianNotices.of(new School.PostureDirected("dir-1", Posture.LOCKDOWN, Posture.LOCKDOWN, at), 10)
        .orElseThrow();
    assertThat(lockdown.posture()).isEqualTo(Posture.LOCKDOWN);
    assertThat(lockdown.adviceText()).contains("Do not come to the school");
    var held = GuardianNotices.of(new School.DrillRecorded(new DrillRecord("d-1", DrillType.EVACUATION,
        LocalDate.of(2026, 11, 20), 20, 900, 180), at, "staff"), 11).orElseThrow();
    assertThat(held.kind()).isEqualTo(Kind.DRILL_HELD);
    assertThat(held.drillType()).isEqualTo(DrillType.EVACUATION);
    // a posture event names the school's resulting posture, not the directive's
    assertThat(GuardianNotices.of(new School.PostureDirected("dir-1", Posture.NORMAL, Posture.SHELTER, at), 12)
        .orElseThrow().posture()).isEqualTo(Posture.SHELTER);
    // nothing else in the school's journal becomes a notice
    assertThat(GuardianNotices.of(new School.DeviceStatesChanged(Map.of(), at, null), 13)).isEmpty();
    assertThat(School.concernsGuardians(new School.DeviceStatesChanged(Map.of(), at, null))).isFalse();
    assertThat(School.concernsGuardians(new School.IncidentTracked(fire))).isTrue();
    // the record has no field for names, reporters, casualties or text
    assertThat(List.of(GuardianNotice.class.getRecordComponents()))
        .extracting(java.lang.reflect.RecordComponent::getName)
        .doesNotContain("reporter", "casualties", "summary", "name", "phone");
  }

  @Test
  void theSchoolPublishesWhatGuardiansAreToldAtItsJournalPositions() {
    TestProbe<School.Published> published = testKit.createTestProbe();
    var school = EventSourcedBehaviorTestKit.<School.Command, School.Event, School.State>create(testKit.system(),
        School.create(SCHOOL, clock, null, org.schoolsafety.hub.device.SensorSettings.fromConfig(
            com.typesafe.config.ConfigFactory.load()), null, published.getRef()::tell),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
    school.<StatusReply<School.State>>runCommand(r -> new School.Register(new org.schoolsafety.hub.school.SchoolProfile(
        SCHOOL, "No. 1 Middle School", new org.schoolsafety.hub.region.RegionCode("650102"),
        org.schoolsafety.hub.school.SchoolType.JUNIOR, 1200, 80, 5,
        new org.schoolsafety.hub.school.Location(43.8, 87.6)), "ops", r));
    published.expectNoMessage(Duration.ofMillis(50));
    school.<org.apache.pekko.Done>runCommand(r -> new School.DirectPosture("dir-1", Posture.LOCKDOWN, r));
    School.Published p = published.receiveMessage();
    assertThat(p.seq()).isEqualTo(2);
    assertThat(p.schoolId()).isEqualTo(SCHOOL);
    assertThat(p.event()).isInstanceOf(School.PostureDirected.class);
    assertThat(school.<Long>runCommand(School.GetPosition::new).reply()).isEqualTo(2L);
  }
}
