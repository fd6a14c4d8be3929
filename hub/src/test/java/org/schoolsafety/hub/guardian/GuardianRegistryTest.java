package org.schoolsafety.hub.guardian;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.hub.HubTestConfig;
import org.schoolsafety.hub.MutableClock;
import org.schoolsafety.hub.Rejection;
import org.schoolsafety.hub.guardian.GuardianRegistry.Enrolment;

/** A school's guardian registry: enrolment once, revocation once (told on every attempt), forgetting, tags. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuardianRegistryTest {

  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(HubTestConfig.withManualTime()).build();

  private static final String SCHOOL = "sch-650102-001";
  private static final String G1 = "gdn-0123456789abcdef";
  private static final String G2 = "gdn-fedcba9876543210";
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T08:00:00Z"));
  private final List<GuardianRegistry.Revoked> told = new CopyOnWriteArrayList<>();

  private EventSourcedBehaviorTestKit<GuardianRegistry.Command, GuardianRegistry.Event, GuardianRegistry.State>
      registry() {
    return EventSourcedBehaviorTestKit.create(testKit.system(), GuardianRegistry.create(SCHOOL, clock, told::add),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
  }

  private static EventSourcedBehaviorTestKit.CommandResultWithReply<GuardianRegistry.Command, GuardianRegistry.Event,
      GuardianRegistry.State, StatusReply<Enrolment>> enrol(
      EventSourcedBehaviorTestKit<GuardianRegistry.Command, GuardianRegistry.Event, GuardianRegistry.State> kit,
      String guardianId, String classId, Instant at) {
    return kit.runCommand(r -> new GuardianRegistry.Enrol(guardianId, classId, at, at.plus(Duration.ofDays(365)), r));
  }

  @Test
  void aGuardianIsEnrolledOnceAndRevokedOnce() {
    var kit = registry();
    Instant redeemed = clock.instant();
    var enrolled = enrol(kit, G1, "7-2", redeemed);
    assertThat(enrolled.event()).isEqualTo(new GuardianRegistry.Enrolled(SCHOOL, G1, "7-2", redeemed,
        redeemed.plus(Duration.ofDays(365))));
    assertThat(enrolled.reply().getValue().isRevoked()).isFalse();
    assertThat(enrolled.reply().getValue().stateAt(clock.instant())).isEqualTo("ACTIVE");
    // the same guardian again is a no-op
    assertThat(enrol(kit, G1, "7-2", redeemed).hasNoEvents()).isTrue();
    enrol(kit, G2, "8-1", redeemed.plusSeconds(60));

    clock.advance(Duration.ofHours(3));
    var revoked = kit.<StatusReply<Enrolment>>runCommand(
        r -> new GuardianRegistry.Revoke(G1, "custody order", "school-staff:" + SCHOOL, r));
    var event = new GuardianRegistry.Revoked(SCHOOL, G1, clock.instant(), "school-staff:" + SCHOOL, "custody order");
    assertThat(revoked.event()).isEqualTo(event);
    assertThat(revoked.reply().getValue().revokedAt()).isEqualTo(clock.instant());
    assertThat(revoked.reply().getValue().stateAt(clock.instant())).isEqualTo("REVOKED");
    assertThat(told).containsExactly(event);

    // again: nothing persisted, the first revocation answered, and told again for nodes that missed it
    clock.advance(Duration.ofMinutes(5));
    var again = kit.<StatusReply<Enrolment>>runCommand(
        r -> new GuardianRegistry.Revoke(G1, "another reason", "school-staff:" + SCHOOL, r));
    assertThat(again.hasNoEvents()).isTrue();
    assertThat(again.reply().getValue().reason()).isEqualTo("custody order");
    assertThat(told).containsExactly(event, event);

    // an unknown guardian (or one of another school) is not found, and nothing is told
    var unknown = kit.<StatusReply<Enrolment>>runCommand(
        r -> new GuardianRegistry.Revoke("gdn-1111111111111111", "x", "school-staff:" + SCHOOL, r));
    assertThat(unknown.hasNoEvents()).isTrue();
    assertThat(unknown.reply().getError()).isInstanceOf(Rejection.NotFound.class);
    assertThat(kit.<StatusReply<Enrolment>>runCommand(r -> new GuardianRegistry.Find("gdn-1111111111111111", r))
        .reply().getError()).isInstanceOf(Rejection.NotFound.class);
    assertThat(told).hasSize(2);

    // the list: newest enrolment first; survives a restart (replay, with a snapshot's serialization)
    var state = kit.<StatusReply<GuardianRegistry.State>>runCommand(GuardianRegistry.Get::new).reply().getValue();
    assertThat(state.newestFirst()).extracting(Enrolment::guardianId).containsExactly(G2, G1);
    assertThat(kit.restart().state()).isEqualTo(kit.getState());
    assertThat(kit.<StatusReply<Enrolment>>runCommand(r -> new GuardianRegistry.Find(G1, r)).reply().getValue()
        .revokedBy()).isEqualTo("school-staff:" + SCHOOL);
  }

  @Test
  void anEnrolmentExpiresAndIsForgottenAMonthAfterItEnded() {
    var kit = registry();
    Instant first = clock.instant();
    kit.runCommand((org.apache.pekko.actor.typed.ActorRef<StatusReply<Enrolment>> r) ->
        new GuardianRegistry.Enrol(G1, "7-2", first, first.plus(Duration.ofDays(10)), r));
    assertThat(kit.getState().guardians().get(G1).stateAt(first.plus(Duration.ofDays(10)))).isEqualTo("EXPIRED");
    // an enrolment 39 days later: G1 ended 29 days ago, still listed
    enrol(kit, G2, "7-2", first.plus(Duration.ofDays(39)));
    assertThat(kit.getState().guardians()).containsKeys(G1, G2);
    // 41 days later: G1 ended 31 days ago, forgotten (the decision follows the event's own time)
    enrol(kit, "gdn-2222222222222222", "7-2", first.plus(Duration.ofDays(41)));
    assertThat(kit.getState().guardians()).doesNotContainKey(G1).containsKey(G2);
    assertThat(kit.restart().state()).isEqualTo(kit.getState());
  }

  @Test
  void onlyRevocationsAreTagged() {
    var registry = (GuardianRegistry) GuardianRegistry.create(SCHOOL, clock, r -> {});
    assertThat(registry.tagsFor(new GuardianRegistry.Revoked(SCHOOL, G1, clock.instant(), "x", "y")))
        .containsExactly(GuardianRegistry.REVOKED_TAG);
    assertThat(registry.tagsFor(new GuardianRegistry.Enrolled(SCHOOL, G1, "7-2", clock.instant(), clock.instant())))
        .isEmpty();
  }
}
