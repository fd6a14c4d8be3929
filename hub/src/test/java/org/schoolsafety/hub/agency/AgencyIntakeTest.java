package org.schoolsafety.hub.agency;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.hub.HubTestConfig;
import org.schoolsafety.hub.incident.DispatchState;
import org.schoolsafety.hub.incident.IncidentType;
import org.schoolsafety.hub.incident.Level;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.incident.Status;

/** The intake against a stand-in inbox that records what reaches it and answers when told. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgencyIntakeTest {

  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(HubTestConfig.realTime()).build();

  private static DispatchNotice notice(String incidentId) {
    Instant at = Instant.parse("2026-12-02T08:00:00Z");
    return new DispatchNotice(incidentId, "sch-1", "No. 1 Primary", "650102", IncidentType.INJURY,
        Level.IV, Mode.ACTUAL, Status.DISPATCHED, DispatchState.NOTIFIED, at, at.plusSeconds(600), null);
  }

  private record Started(ActorRef<Agency.Command> intake, TestProbe<Agency.Command> inbox) {}

  private Started start(Duration askTimeout) {
    TestProbe<Agency.Command> inbox = testKit.createTestProbe();
    var intake = testKit.spawn(AgencyIntake.create(Behaviors.monitor(Agency.Command.class, inbox.ref(),
        Behaviors.ignore()), askTimeout));
    return new Started(intake, inbox);
  }

  private TestProbe<Done> track(ActorRef<Agency.Command> intake, String incidentId) {
    TestProbe<Done> sender = testKit.createTestProbe();
    intake.tell(new Agency.TrackDispatch(notice(incidentId), sender.ref()));
    return sender;
  }

  @Test
  void noticesArrivingDuringAWriteGoInTheNextWriteAndAreConfirmedOnlyWhenItIsDurable() {
    var started = start(Duration.ofSeconds(30));
    var first = track(started.intake(), "inc-1");
    var write1 = started.inbox().expectMessageClass(Agency.TrackDispatches.class);
    assertThat(write1.notices()).containsExactly(notice("inc-1"));

    var second = track(started.intake(), "inc-2");
    var third = track(started.intake(), "inc-3");
    // Other commands do not wait for the write.
    TestProbe<StatusReply<Agency.State>> reader = testKit.createTestProbe();
    started.intake().tell(new Agency.Get(reader.ref()));
    assertThat(started.inbox().expectMessageClass(Agency.Get.class).replyTo()).isEqualTo(reader.ref());

    write1.replyTo().tell(Done.getInstance());
    first.expectMessage(Done.getInstance());
    var write2 = started.inbox().expectMessageClass(Agency.TrackDispatches.class);
    assertThat(write2.notices()).containsExactly(notice("inc-2"), notice("inc-3"));
    write2.replyTo().tell(Done.getInstance());
    second.expectMessage(Done.getInstance());
    third.expectMessage(Done.getInstance());
  }

  @Test
  void aWriteTakesAtMostItsShareAndTheRestFollowInOrder() {
    var started = start(Duration.ofSeconds(30));
    track(started.intake(), "inc-first");
    var write1 = started.inbox().expectMessageClass(Agency.TrackDispatches.class);
    var senders = new ArrayList<TestProbe<Done>>();
    int count = AgencyIntake.MOST_PER_WRITE * 2 + 7;
    for (int i = 0; i < count; i++) {
      senders.add(track(started.intake(), "inc-" + i));
    }
    write1.replyTo().tell(Done.getInstance());
    var written = new ArrayList<String>();
    for (int expected : List.of(AgencyIntake.MOST_PER_WRITE, AgencyIntake.MOST_PER_WRITE, 7)) {
      var write = started.inbox().expectMessageClass(Agency.TrackDispatches.class);
      assertThat(write.notices()).hasSize(expected);
      write.notices().forEach(n -> written.add(n.incidentId()));
      write.replyTo().tell(Done.getInstance());
    }
    assertThat(written).isEqualTo(java.util.stream.IntStream.range(0, count).mapToObj(i -> "inc-" + i).toList());
    senders.forEach(sender -> sender.expectMessage(Done.getInstance()));
  }

  @Test
  void aWriteNotAnsweredInTimeLeavesItsNoticesUnconfirmedAndTheIntakeGoesOn() {
    var started = start(Duration.ofMillis(300));
    var lost = track(started.intake(), "inc-1");
    started.inbox().expectMessageClass(Agency.TrackDispatches.class); // never answered
    var next = track(started.intake(), "inc-2");
    var write2 = started.inbox().expectMessageClass(Agency.TrackDispatches.class);
    assertThat(write2.notices()).containsExactly(notice("inc-2"));
    write2.replyTo().tell(Done.getInstance());
    next.expectMessage(Done.getInstance());
    // Its incident's own ask times out and it sends the notice again; the intake never confirms it.
    lost.expectNoMessage(Duration.ofMillis(200));
  }
}
