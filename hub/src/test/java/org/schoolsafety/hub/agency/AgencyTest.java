package org.schoolsafety.hub.agency;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
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
import org.schoolsafety.hub.feed.IncidentFeedTest;
import org.schoolsafety.hub.hazard.HazardCategory;
import org.schoolsafety.hub.hazard.HazardNotice;
import org.schoolsafety.hub.hazard.HazardStatus;
import org.schoolsafety.hub.hazard.Severity;
import org.schoolsafety.hub.incident.DispatchState;
import org.schoolsafety.hub.incident.IncidentType;
import org.schoolsafety.hub.incident.Level;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.incident.Status;
import org.schoolsafety.hub.prevention.WarningNotice;
import org.schoolsafety.hub.tip.TipCategory;
import org.schoolsafety.hub.tip.TipNotice;
import org.schoolsafety.hub.tip.TipPriority;
import org.schoolsafety.hub.tip.TipStatus;

@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgencyTest {

  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(HubTestConfig.realTime()).build();

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T00:00:00Z"));
  private String agencyId;
  private EventSourcedBehaviorTestKit<Agency.Command, Agency.Event, Agency.State> agency;

  @BeforeEach
  void setUp() {
    agencyId = "fire-" + UUID.randomUUID();
    agency = EventSourcedBehaviorTestKit.create(testKit.system(), Agency.create(agencyId, clock),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
  }

  private AgencyProfile profile() {
    return new AgencyProfile(agencyId, "Tianshan Fire", AgencyKind.FIRE, Tier.COUNTY, "650102");
  }

  private DispatchNotice notice(String incidentId, Status status, DispatchState state, Instant at) {
    return new DispatchNotice(incidentId, "sch-1", "No. 1 Primary", "650102", IncidentType.FIRE,
        Level.III, Mode.ACTUAL, status, state, at, at.plus(Duration.ofMinutes(10)), null);
  }

  @Test
  void keepsTheNewestVersionOfEachWarningAndPublishesItForTheStream() {
    var published = new ConcurrentLinkedQueue<DispatchEntry>();
    EventSourcedBehaviorTestKit<Agency.Command, Agency.Event, Agency.State> desk = EventSourcedBehaviorTestKit.create(testKit.system(),
        Agency.create("health-" + UUID.randomUUID(), clock, published::add),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
    Instant at = clock.instant();
    var raised = desk.<Done>runCommand(r -> new Agency.TrackWarning(
        IncidentFeedTest.warning("wr-1-s", "RAISED", 5, at), r));
    assertThat(raised.events()).hasSize(1);
    assertThat(raised.state().warningInbox(false)).extracting(WarningNotice::warningId).containsExactly("wr-1-s");
    assertThat(published).singleElement().satisfies(e -> {
      assertThat(e.isWarning()).isTrue();
      assertThat(e.seq()).isEqualTo(1L);
      assertThat(e.notice()).isNull();
    });
    // a replay, or an older change arriving late: ignored
    assertThat(desk.<Done>runCommand(r -> new Agency.TrackWarning(IncidentFeedTest.warning("wr-1-s", "RAISED", 5, at), r))
        .hasNoEvents()).isTrue();
    var cleared = desk.<Done>runCommand(r -> new Agency.TrackWarning(
        IncidentFeedTest.warning("wr-1-s", "CLEARED", 8, at), r));
    assertThat(cleared.state().warningInbox(false)).isEmpty();
    assertThat(cleared.state().warningInbox(true)).extracting(n -> n.warning().state()).containsExactly("CLEARED");
    assertThat(desk.<Done>runCommand(r -> new Agency.TrackWarning(IncidentFeedTest.warning("wr-1-s", "RAISED", 5, at), r))
        .hasNoEvents()).isTrue();
    assertThat(desk.restart().state()).isEqualTo(desk.getState());
  }

  @Test
  void keepsWorkingAfterAFailedJournalWrite() {
    Agency.State empty = agency.getState();
    agency.persistenceTestKit().failNextPersisted();
    // The write fails: no answer, nothing written; the entity restarts after a backoff from
    // the journal (the state asked for meanwhile waits for it).
    var unanswered = testKit.<StatusReply<Agency.State>>createTestProbe();
    var failed = agency.runCommand(new Agency.Register(profile(), "operator:test", unanswered.ref()));
    assertThat(failed.hasNoEvents()).isTrue();
    assertThat(failed.state()).isEqualTo(empty);

    var retried = agency.<StatusReply<Agency.State>>runCommand(r -> new Agency.Register(profile(), "operator:test", r));
    assertThat(retried.event()).isEqualTo(new Agency.Registered(profile(), clock.instant(), "operator:test"));
    assertThat(retried.reply().isSuccess()).isTrue();
    assertThat(agency.restart().state().profile()).isEqualTo(profile());
  }

  @Test
  void registersIdempotentlyAndRefusesChanges() {
    var result = agency.<StatusReply<Agency.State>>runCommand(r -> new Agency.Register(profile(), "operator:test", r));
    assertThat(result.event()).isEqualTo(new Agency.Registered(profile(), clock.instant(), "operator:test"));
    assertThat(agency.<StatusReply<Agency.State>>runCommand(r -> new Agency.Register(profile(), "operator:test", r)).hasNoEvents()).isTrue();

    var changed = new AgencyProfile(agencyId, "Tianshan Fire", AgencyKind.POLICE, Tier.COUNTY, "650102");
    var refused = agency.<StatusReply<Agency.State>>runCommand(r -> new Agency.Register(changed, "operator:test", r));
    assertThat(refused.reply().getError()).isInstanceOf(Rejection.Conflict.class);
    assertThat(refused.hasNoEvents()).isTrue();
  }

  @Test
  void unknownAgencyIsNotFound() {
    var result = agency.<StatusReply<Agency.State>>runCommand(Agency.Get::new);
    assertThat(result.reply().getError()).isInstanceOf(Rejection.NotFound.class);
  }

  @Test
  void itsProfileAloneComesWithoutTheInbox() {
    assertThat(agency.<StatusReply<Agency.State>>runCommand(Agency.GetProfile::new).reply().getError())
        .isInstanceOf(Rejection.NotFound.class);
    agency.<StatusReply<Agency.State>>runCommand(r -> new Agency.Register(profile(), "operator:test", r));
    var open = notice("inc-1", Status.DISPATCHED, DispatchState.NOTIFIED, clock.instant());
    agency.<Done>runCommand(r -> new Agency.TrackDispatch(open, r));

    var profileOnly = agency.<StatusReply<Agency.State>>runCommand(Agency.GetProfile::new);
    assertThat(profileOnly.hasNoEvents()).isTrue();
    assertThat(profileOnly.reply().getValue().profile()).isEqualTo(profile());
    assertThat(profileOnly.reply().getValue().isRegistered()).isTrue();
    assertThat(profileOnly.reply().getValue().dispatches()).isEmpty();
    assertThat(agency.<StatusReply<Agency.State>>runCommand(Agency.Get::new).reply().getValue().dispatches())
        .containsOnlyKeys("inc-1");
  }

  @Test
  void theInboxComesInPagesThatTogetherAreTheWholeInboxInItsOrder() {
    assertThat(agency.<StatusReply<InboxPage>>runCommand(r -> new Agency.GetInbox(
        new InboxQuery(false, Set.of(Mode.ACTUAL), null, 10, null, true), r)).reply().getError())
        .isInstanceOf(Rejection.NotFound.class);
    agency.<StatusReply<Agency.State>>runCommand(r -> new Agency.Register(profile(), "operator:test", r));
    Instant t0 = clock.instant();
    var notices = new java.util.ArrayList<DispatchNotice>();
    for (int i = 0; i < 7; i++) {  // two pairs notified at the same instant: the incident id orders them
      notices.add(notice("inc-" + i, Status.DISPATCHED, DispatchState.NOTIFIED, t0.plusSeconds(i / 2)));
    }
    notices.add(notice("inc-closed", Status.CLOSED, DispatchState.ACKNOWLEDGED, t0.plusSeconds(9)));
    notices.add(new DispatchNotice("inc-drill", "sch-1", "No. 1 Primary", "650102", IncidentType.FIRE, Level.III,
        Mode.EXERCISE, Status.DISPATCHED, DispatchState.NOTIFIED, t0.plusSeconds(8), t0.plusSeconds(600), null));
    notices.add(new DispatchNotice("inc-elsewhere", "sch-9", "No. 9 Middle", "650103", IncidentType.FIRE, Level.III,
        Mode.ACTUAL, Status.DISPATCHED, DispatchState.NOTIFIED, t0.plusSeconds(7), t0.plusSeconds(600), null));
    agency.<Done>runCommand(r -> new Agency.TrackDispatches(List.copyOf(notices), r));
    var silent = new DeviceNotice("sch-1", "No. 1 Primary", "650102", "smoke-1", "SMOKE", "B 3F lab", "OFFLINE", t0, t0);
    agency.<Done>runCommand(r -> new Agency.TrackDeviceNotice(silent, r));

    var expected = agency.getState().inbox(false).stream().filter(n -> n.mode() == Mode.ACTUAL).toList();
    assertThat(expected).hasSize(8);
    var query = new InboxQuery(false, Set.of(Mode.ACTUAL), null, 3, null, true);
    var read = new java.util.ArrayList<DispatchNotice>();
    int pages = 0;
    InboxPage page;
    do {
      var q = query;
      page = agency.<StatusReply<InboxPage>>runCommand(r -> new Agency.GetInbox(q, r)).reply().getValue();
      new SerializationTestKit(testKit.system()).verifySerialization(page, true);
      assertThat(page.dispatches()).hasSizeLessThanOrEqualTo(3);
      assertThat(page.profile()).isEqualTo(profile());
      // the other inboxes when asked for (a client's every page), not when not (the pages a node gathers after the first)
      assertThat(page.deviceNotices()).isEqualTo(pages == 0 ? List.of(silent) : List.of());
      read.addAll(page.dispatches());
      pages++;
      var position = page.next();
      query = new InboxQuery(false, Set.of(Mode.ACTUAL), null, 3, position, false);
    } while (page.next() != null);
    assertThat(pages).isEqualTo(3);
    assertThat(read).containsExactlyElementsOf(expected);
    assertThat(read.get(0).incidentId()).isEqualTo("inc-elsewhere");
    assertThat(read.subList(1, 3)).extracting(DispatchNotice::incidentId).containsExactly("inc-6", "inc-4");

    var county = agency.<StatusReply<InboxPage>>runCommand(r -> new Agency.GetInbox(
        new InboxQuery(true, Set.of(Mode.ACTUAL, Mode.EXERCISE), "650102", 100, null, true), r)).reply().getValue();
    assertThat(county.dispatches()).extracting(DispatchNotice::incidentId)
        .containsExactly("inc-closed", "inc-drill", "inc-6", "inc-4", "inc-5", "inc-2", "inc-3", "inc-0", "inc-1");
    assertThat(county.next()).isNull();
  }

  @Test
  void theOtherInboxesComeInPagesThatTogetherAreEachInboxInItsOrder() {
    assertThat(agency.<StatusReply<NoticePage>>runCommand(r -> new Agency.GetNotices(NoticeQuery.first(false), r))
        .reply().getError()).isInstanceOf(Rejection.NotFound.class);
    agency.<StatusReply<Agency.State>>runCommand(r -> new Agency.Register(profile(), "operator:test", r));
    Instant t0 = clock.instant();
    for (int i = 0; i < 3; i++) {
      var hazard = new HazardNotice("hz-" + i, "sch-1", "No. 1 Primary", "650102", HazardCategory.ELECTRICAL,
          Severity.MAJOR, i == 2 ? HazardStatus.VERIFIED : HazardStatus.OPEN, t0.plusSeconds(86400), t0, null,
          "MAJOR", t0.plusSeconds(i));
      agency.<Done>runCommand(r -> new Agency.TrackHazard(hazard, r));
    }
    for (int i = 0; i < 5; i++) {  // pairs silent since the same instant: the device's key orders them
      var device = new DeviceNotice("sch-" + (i % 2), "No. 1 Primary", "650102", "smoke-" + i, "SMOKE", "B 3F lab",
          "OFFLINE", t0.plusSeconds(i / 2), t0);
      agency.<Done>runCommand(r -> new Agency.TrackDeviceNotice(device, r));
    }
    agency.<Done>runCommand(r -> new Agency.TrackWarning(IncidentFeedTest.warning("wr-1-s", "RAISED", 5, t0), r));
    var tip = new TipNotice("tip-1", "sch-1", "No. 1 Primary", "650102", TipCategory.WEAPON, TipPriority.HIGH,
        TipStatus.NEW, t0, t0.plusSeconds(3600), null, false, null, "WEAPON", t0.plusSeconds(1), null, null);
    agency.<Done>runCommand(r -> new Agency.TrackTip(tip, r));
    var state = agency.getState();
    long position = agency.<Long>runCommand(Agency.GetPosition::new).reply();
    assertThat(position).isPositive();

    var hazards = new java.util.ArrayList<HazardNotice>();
    var devices = new java.util.ArrayList<DeviceNotice>();
    var warnings = new java.util.ArrayList<WarningNotice>();
    var tips = new java.util.ArrayList<TipNotice>();
    var query = new NoticeQuery(false, 2, null);
    int pages = 0;
    NoticePage page;
    do {
      var q = query;
      var read = agency.<StatusReply<NoticePage>>runCommand(r -> new Agency.GetNotices(q, r));
      assertThat(read.hasNoEvents()).isTrue();
      page = read.reply().getValue();
      new SerializationTestKit(testKit.system()).verifySerialization(q, true);
      new SerializationTestKit(testKit.system()).verifySerialization(page, true);
      assertThat(page.asOf()).as("every page is read at the agency's journal position").isEqualTo(position);
      tips.addAll(page.tips());
      assertThat(page.size()).isBetween(1, 2);
      hazards.addAll(page.hazards());
      devices.addAll(page.deviceNotices());
      warnings.addAll(page.warnings());
      pages++;
      query = query.after(page.next());
    } while (page.next() != null);
    assertThat(pages).isEqualTo(5);  // 2 open hazards, 5 devices, 1 warning, 1 tip: 9 notices, 2 a page
    assertThat(hazards).containsExactlyElementsOf(state.hazardInbox(false));
    assertThat(hazards).extracting(HazardNotice::hazardId).containsExactly("hz-1", "hz-0");
    assertThat(devices).containsExactlyElementsOf(state.deviceInbox(false));
    assertThat(devices).extracting(DeviceNotice::deviceId).containsExactly("smoke-4", "smoke-2", "smoke-3", "smoke-0",
        "smoke-1");
    assertThat(warnings).containsExactlyElementsOf(state.warningInbox(false));
    assertThat(tips).containsExactly(tip);

    // pages joined: in order, none twice, and MIXED once they were read at different journal positions
    var first = agency.<StatusReply<NoticePage>>runCommand(r -> new Agency.GetNotices(new NoticeQuery(false, 3, null), r))
        .reply().getValue();
    var second = agency.<StatusReply<NoticePage>>runCommand(r -> new Agency.GetNotices(new NoticeQuery(false, 3, first.next()), r))
        .reply().getValue();
    assertThat(first.then(second).deviceNotices()).containsExactlyElementsOf(state.deviceInbox(false).subList(0, 4));
    assertThat(first.then(second).asOf()).isEqualTo(first.asOf());
    assertThat(first.then(first).hazards()).as("a notice already joined is not added again")
        .containsExactlyElementsOf(first.hazards());
    var back = new DeviceNotice("sch-0", "No. 1 Primary", "650102", "smoke-4", "SMOKE", "B 3F lab", "ACTIVE",
        t0.plusSeconds(60), t0.plusSeconds(60));
    agency.<Done>runCommand(r -> new Agency.TrackDeviceNotice(back, r));
    var afterAWrite = agency.<StatusReply<NoticePage>>runCommand(r -> new Agency.GetNotices(new NoticeQuery(false, 3, first.next()), r))
        .reply().getValue();
    assertThat(first.then(afterAWrite).asOf()).isEqualTo(NoticePage.MIXED);

    var all = agency.<StatusReply<NoticePage>>runCommand(r -> new Agency.GetNotices(NoticeQuery.first(true), r))
        .reply().getValue();
    assertThat(all.hazards()).extracting(HazardNotice::hazardId).containsExactly("hz-2", "hz-1", "hz-0");
    assertThat(all.deviceNotices()).hasSize(5);
    assertThat(all.next()).isNull();
  }

  @Test
  void theSummaryCountsOpenDispatchesAndFindDispatchesAnswersOnlyForItsOwn() {
    assertThat(agency.<StatusReply<Agency.Summary>>runCommand(Agency.GetSummary::new).reply().getError())
        .isInstanceOf(Rejection.NotFound.class);
    agency.<StatusReply<Agency.State>>runCommand(r -> new Agency.Register(profile(), "operator:test", r));
    Instant t0 = clock.instant();
    agency.<Done>runCommand(r -> new Agency.TrackDispatches(List.of(
        notice("inc-1", Status.DISPATCHED, DispatchState.NOTIFIED, t0),
        notice("inc-2", Status.CLOSED, DispatchState.ACKNOWLEDGED, t0),
        notice("inc-3", Status.ACKNOWLEDGED, DispatchState.ACKNOWLEDGED, t0)), r));

    // registering again (a retried registration) answers with the profile, not the whole inbox
    var again = agency.<StatusReply<Agency.State>>runCommand(r -> new Agency.Register(profile(), "operator:test", r));
    assertThat(again.hasNoEvents()).isTrue();
    assertThat(again.reply().getValue().profile()).isEqualTo(profile());
    assertThat(again.reply().getValue().dispatches()).isEmpty();
    assertThat(agency.getState().dispatches()).hasSize(3);

    var summary = agency.<StatusReply<Agency.Summary>>runCommand(Agency.GetSummary::new).reply().getValue();
    new SerializationTestKit(testKit.system()).verifySerialization(summary, true);
    assertThat(summary.profile()).isEqualTo(profile());
    assertThat(summary.openDispatches()).isEqualTo(2);

    var found = agency.<StatusReply<Agency.FoundDispatches>>runCommand(r -> new Agency.FindDispatches(
        Set.of("inc-1", "inc-2", "inc-elsewhere"), r));
    assertThat(found.hasNoEvents()).isTrue();
    new SerializationTestKit(testKit.system()).verifySerialization(found.reply().getValue(), true);
    assertThat(found.reply().getValue().incidentIds()).containsExactlyInAnyOrder("inc-1", "inc-2");
    assertThat(found.reply().getValue().profile()).isEqualTo(profile());
  }

  @Test
  void inboxKeepsOpenDispatchesAndHidesFinishedOnesUnlessAskedForAll() {
    agency.<StatusReply<Agency.State>>runCommand(r -> new Agency.Register(profile(), "operator:test", r));
    Instant t0 = clock.instant();
    var first = notice("inc-1", Status.DISPATCHED, DispatchState.NOTIFIED, t0);
    var second = notice("inc-2", Status.DISPATCHED, DispatchState.NOTIFIED, t0.plusSeconds(5));
    assertThat(agency.<Done>runCommand(r -> new Agency.TrackDispatch(first, r)).event()).isEqualTo(new Agency.DispatchTracked(first));
    agency.<Done>runCommand(r -> new Agency.TrackDispatch(second, r));
    assertThat(agency.<Done>runCommand(r -> new Agency.TrackDispatch(second, r)).hasNoEvents()).isTrue();
    assertThat(agency.getState().inbox(false)).containsExactly(second, first);

    var closed = notice("inc-1", Status.CLOSED, DispatchState.ACKNOWLEDGED, t0);
    agency.<Done>runCommand(r -> new Agency.TrackDispatch(closed, r));
    assertThat(agency.getState().inbox(false)).containsExactly(second);
    assertThat(agency.getState().inbox(true)).containsExactly(second, closed);

    agency.restart();
    assertThat(agency.getState().inbox(true)).containsExactly(second, closed);
  }

  @Test
  void keepsOnlyTheMostRecentFinishedDispatches() {
    agency.<StatusReply<Agency.State>>runCommand(r -> new Agency.Register(profile(), "operator:test", r));
    Instant t0 = clock.instant();
    for (int i = 0; i < Agency.FINISHED_KEPT + 5; i++) {
      var n = notice("inc-" + i, Status.CLOSED, DispatchState.ACKNOWLEDGED, t0.plusSeconds(i));
      agency.<Done>runCommand(r -> new Agency.TrackDispatch(n, r));
    }
    var all = agency.getState().inbox(true);
    assertThat(all).hasSize(Agency.FINISHED_KEPT);
    assertThat(all.get(all.size() - 1).incidentId()).isEqualTo("inc-5");
  }

  @Test
  void writesGatheredNoticesInOneWriteSkippingWhatItHoldsAndPublishesEachAtItsPosition() {
    var published = new ConcurrentLinkedQueue<DispatchEntry>();
    EventSourcedBehaviorTestKit<Agency.Command, Agency.Event, Agency.State> desk = EventSourcedBehaviorTestKit.create(testKit.system(),
        Agency.create("health-" + UUID.randomUUID(), clock, published::add),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
    Instant t0 = clock.instant();
    var first = notice("inc-1", Status.DISPATCHED, DispatchState.NOTIFIED, t0);
    desk.<Done>runCommand(r -> new Agency.TrackDispatch(first, r));
    var acked = notice("inc-1", Status.ACKNOWLEDGED, DispatchState.ACKNOWLEDGED, t0);
    var other = notice("inc-2", Status.DISPATCHED, DispatchState.NOTIFIED, t0.plusSeconds(1));
    // first is held already; acked arrives twice (a notice sent again after a timed-out ask)
    var batch = desk.<Done>runCommand(r -> new Agency.TrackDispatches(java.util.List.of(first, acked, other, acked), r));
    assertThat(batch.events()).containsExactly(new Agency.DispatchTracked(acked), new Agency.DispatchTracked(other));
    assertThat(batch.reply()).isEqualTo(Done.getInstance());
    assertThat(batch.state().inbox(false)).containsExactly(other, acked);
    assertThat(published).extracting(DispatchEntry::seq).containsExactly(1L, 2L, 3L);
    assertThat(published).extracting(DispatchEntry::notice).containsExactly(first, acked, other);

    var nothingNew = desk.<Done>runCommand(r -> new Agency.TrackDispatches(java.util.List.of(acked, other), r));
    assertThat(nothingNew.hasNoEvents()).isTrue();
    assertThat(nothingNew.reply()).isEqualTo(Done.getInstance());
    assertThat(desk.restart().state()).isEqualTo(desk.getState());
  }
}
