package org.schoolsafety.hub.directive;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
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
import org.schoolsafety.hub.agency.Tier;
import org.schoolsafety.hub.directory.AgencyDirectory;
import org.schoolsafety.hub.feed.IncidentFeed;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.region.RegionCode;
import org.schoolsafety.hub.school.Location;
import org.schoolsafety.hub.school.Posture;
import org.schoolsafety.hub.school.School;
import org.schoolsafety.hub.school.SchoolProfile;
import org.schoolsafety.hub.school.SchoolType;

@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DirectiveTest {

  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(HubTestConfig.withManualTime()).build();

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T00:00:00Z"));
  private final Map<String, ActorRef<School.Command>> schools = new HashMap<>();
  private final Map<String, ActorRef<Agency.Command>> agencies = new HashMap<>();
  private final Map<String, ActorRef<AgencyDirectory.Command>> directories = new HashMap<>();
  private ManualTime manualTime;
  private Entities entities;

  static final TargetSchool A = new TargetSchool("sch-650102-001", "Tianshan No. 1 Primary", RegionCode.of("650102"), 100, 10);
  static final TargetSchool B = new TargetSchool("sch-650102-002", "Tianshan No. 2 Primary", RegionCode.of("650102"), 50, 5);
  static final AgencyProfile EDU = new AgencyProfile("edu-650102", "Tianshan Education", AgencyKind.EDUCATION, Tier.COUNTY, "650102");

  private String directiveId;
  private EventSourcedBehaviorTestKit<Directive.Command, Directive.Event, Directive.State> directive;

  @BeforeAll
  void entities() {
    manualTime = ManualTime.get(testKit.system());
    directories.put("65", testKit.spawn(AgencyDirectory.create("65")));
    var edu = testKit.spawn(Agency.create(EDU.agencyId(), clock));
    agencies.put(EDU.agencyId(), edu);
    askOk(edu, (ActorRef<StatusReply<Agency.State>> r) -> new Agency.Register(EDU, "operator:test", r));
    askOk(directories.get("65"), (ActorRef<StatusReply<org.apache.pekko.Done>> r) -> new AgencyDirectory.Enlist(EDU, r));
    for (TargetSchool t : List.of(A, B)) {
      var school = testKit.spawn(School.create(t.schoolId(), clock));
      schools.put(t.schoolId(), school);
      askOk(school, (ActorRef<StatusReply<School.State>> r) -> new School.Register(new SchoolProfile(t.schoolId(), t.name(),
          t.region(), SchoolType.PRIMARY, t.students(), t.staff(), 3, new Location(43.8, 87.6)), "operator:test", r));
    }
    Map<String, ActorRef<IncidentFeed.Command>> feeds = Map.of();
    entities = new Entities(schools::get, agencies::get, directories::get, feeds::get);
  }

  @BeforeEach
  void newDirective() {
    directiveId = "dir-" + UUID.randomUUID();
    directive = EventSourcedBehaviorTestKit.create(testKit.system(), Directive.create(directiveId, entities, clock),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
  }

  private static DirectiveSpec spec(Posture posture, Mode mode, TargetSchool... targets) {
    return new DirectiveSpec(posture, "Stay indoors, close windows", mode, "6501", List.of(targets),
        Duration.ofMinutes(10), "direct");
  }

  private <C, T> T askOk(RecipientRef<C> target, Function<ActorRef<StatusReply<T>>, C> command) {
    return AskPattern.askWithStatus(target, command::apply, Duration.ofSeconds(3), testKit.system().scheduler())
        .toCompletableFuture().join();
  }

  private void eventually(java.util.function.BooleanSupplier condition) {
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(3), () -> {
      assertThat(condition.getAsBoolean()).isTrue();
      return null;
    });
  }

  private Posture postureOf(TargetSchool t) {
    return this.<School.Command, School.State>askOk(schools.get(t.schoolId()), School.Get::new).posture();
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<Directive.Command, Directive.Event, Directive.State, StatusReply<Directive.State>> issue(DirectiveSpec spec) {
    return directive.runCommand(r -> new Directive.Issue(spec, "command-center:6501", r));
  }

  @Test
  void setsThePostureOfItsSchoolsUntilLiftedAndCountsAcknowledgementsAndPeople() {
    var issued = issue(spec(Posture.SHELTER, Mode.ACTUAL, A, B));
    assertThat(issued.event()).isInstanceOf(Directive.Issued.class);
    assertThat(issued.reply().getValue().totals().schools()).isEqualTo(2);
    eventually(() -> postureOf(A) == Posture.SHELTER && postureOf(B) == Posture.SHELTER);

    var acked = directive.<StatusReply<Directive.State>>runCommand(r -> new Directive.Acknowledge(A.schoolId(), "school-staff:a", r));
    assertThat(acked.event()).isInstanceOf(Directive.Acknowledged.class);
    assertThat(directive.<StatusReply<Directive.State>>runCommand(r -> new Directive.Acknowledge(A.schoolId(), "school-staff:a", r))
        .hasNoEvents()).isTrue();
    // The silent school comes first.
    assertThat(directive.getState().progress()).extracting(p -> p.school().schoolId()).containsExactly(B.schoolId(), A.schoolId());

    var report = new Accountability(new Headcount(95, 3, 2), new Headcount(10, 0, 0), null);
    var reported = directive.<StatusReply<Directive.State>>runCommand(r -> new Directive.Report(A.schoolId(), report, "school-staff:a", r));
    SchoolProgress a = reported.reply().getValue().schools().get(A.schoolId());
    assertThat(a.accounted()).isEqualTo(107);
    assertThat(a.missing()).isEqualTo(3);
    assertThat(a.accountedPercent()).isEqualTo(97.3);
    // A report from a school that had not acknowledged acknowledges it too.
    directive.<StatusReply<Directive.State>>runCommand(r -> new Directive.Report(B.schoolId(),
        new Accountability(new Headcount(50, 0, 0), new Headcount(5, 0, 0), null), "school-staff:b", r));
    Directive.Totals totals = directive.getState().totals();
    assertThat(totals.acknowledged()).isEqualTo(2);
    assertThat(totals.accounted()).isEqualTo(162);
    assertThat(totals.expected()).isEqualTo(165);
    assertThat(totals.students()).isEqualTo(new Headcount(145, 3, 2));

    var lifted = directive.<StatusReply<Directive.State>>runCommand(r -> new Directive.Lift("all clear", "command-center:6501", r));
    assertThat(lifted.event()).isInstanceOf(Directive.Lifted.class);
    eventually(() -> postureOf(A) == Posture.NORMAL && postureOf(B) == Posture.NORMAL);
    assertThat(directive.<StatusReply<Directive.State>>runCommand(r -> new Directive.Lift("again", "command-center:6501", r))
        .hasNoEvents()).isTrue();
    var late = directive.<StatusReply<Directive.State>>runCommand(r -> new Directive.Report(A.schoolId(), report, "school-staff:a", r));
    assertThat(late.reply().getError()).isInstanceOf(Rejection.Conflict.class);
    assertThat(late.hasNoEvents()).isTrue();

    assertThat(directive.restart().state()).isEqualTo(lifted.state());
  }

  @Test
  void aSchoolTakesThePostureOfItsMostRecentDirectiveInForce() {
    var school = EventSourcedBehaviorTestKit.<School.Command, School.Event, School.State>create(testKit.system(),
        School.create("sch-" + UUID.randomUUID(), clock), EventSourcedBehaviorTestKit.enabledSerializationSettings());
    var first = school.<org.apache.pekko.Done>runCommand(r -> new School.DirectPosture("dir-1", Posture.SHELTER, r));
    assertThat(first.event()).isEqualTo(new School.PostureDirected("dir-1", Posture.SHELTER, Posture.SHELTER, clock.instant()));
    assertThat(school.<org.apache.pekko.Done>runCommand(r -> new School.DirectPosture("dir-1", Posture.SHELTER, r))
        .hasNoEvents()).isTrue();
    school.<org.apache.pekko.Done>runCommand(r -> new School.DirectPosture("dir-2", Posture.LOCKDOWN, r));
    assertThat(school.getState().posture()).isEqualTo(Posture.LOCKDOWN);
    var liftedSecond = school.<org.apache.pekko.Done>runCommand(r -> new School.DirectPosture("dir-2", Posture.NORMAL, r));
    assertThat(liftedSecond.event()).isEqualTo(new School.PostureDirected("dir-2", Posture.NORMAL, Posture.SHELTER, clock.instant()));
    // Releasing a directive the school never took changes nothing.
    assertThat(school.<org.apache.pekko.Done>runCommand(r -> new School.DirectPosture("dir-3", Posture.NORMAL, r))
        .hasNoEvents()).isTrue();
    school.<org.apache.pekko.Done>runCommand(r -> new School.DirectPosture("dir-1", Posture.NORMAL, r));
    assertThat(school.restart().state().posture()).isEqualTo(Posture.NORMAL);
    assertThat(school.getState().directed()).isEmpty();
  }

  @Test
  void aRealIntrusionLocksItsSchoolDownWhileItIsInProgress() {
    var school = EventSourcedBehaviorTestKit.<School.Command, School.Event, School.State>create(testKit.system(),
        School.create("sch-" + UUID.randomUUID(), clock), EventSourcedBehaviorTestKit.enabledSerializationSettings());
    Instant at = clock.instant();
    var reported = new org.schoolsafety.hub.school.IncidentNotice("inc-1", org.schoolsafety.hub.incident.IncidentType.INTRUSION,
        org.schoolsafety.hub.incident.Level.UNGRADED, Mode.ACTUAL, org.schoolsafety.hub.incident.Status.REPORTED, at);
    var first = school.<org.apache.pekko.Done>runCommand(r -> new School.TrackIncident(reported, r));
    assertThat(first.events()).contains(new School.PostureDirected("incident:inc-1", Posture.LOCKDOWN, Posture.LOCKDOWN, at));
    assertThat(school.getState().posture()).isEqualTo(Posture.LOCKDOWN);
    var dispatched = new org.schoolsafety.hub.school.IncidentNotice("inc-1", org.schoolsafety.hub.incident.IncidentType.INTRUSION,
        org.schoolsafety.hub.incident.Level.III, Mode.ACTUAL, org.schoolsafety.hub.incident.Status.DISPATCHED, at);
    assertThat(school.<org.apache.pekko.Done>runCommand(r -> new School.TrackIncident(dispatched, r)).events())
        .noneMatch(e -> e instanceof School.PostureDirected);
    var closed = new org.schoolsafety.hub.school.IncidentNotice("inc-1", org.schoolsafety.hub.incident.IncidentType.INTRUSION,
        org.schoolsafety.hub.incident.Level.III, Mode.ACTUAL, org.schoolsafety.hub.incident.Status.CLOSED, at);
    school.<org.apache.pekko.Done>runCommand(r -> new School.TrackIncident(closed, r));
    assertThat(school.getState().posture()).isEqualTo(Posture.NORMAL);
    // A drill's intrusion, or a fire, changes no posture.
    var drill = new org.schoolsafety.hub.school.IncidentNotice("inc-2", org.schoolsafety.hub.incident.IncidentType.INTRUSION,
        org.schoolsafety.hub.incident.Level.III, Mode.EXERCISE, org.schoolsafety.hub.incident.Status.REPORTED, at);
    school.<org.apache.pekko.Done>runCommand(r -> new School.TrackIncident(drill, r));
    var fire = new org.schoolsafety.hub.school.IncidentNotice("inc-3", org.schoolsafety.hub.incident.IncidentType.FIRE,
        org.schoolsafety.hub.incident.Level.III, Mode.ACTUAL, org.schoolsafety.hub.incident.Status.REPORTED, at);
    school.<org.apache.pekko.Done>runCommand(r -> new School.TrackIncident(fire, r));
    assertThat(school.restart().state().posture()).isEqualTo(Posture.NORMAL);
  }

  @Test
  void exerciseDirectivesLeaveThePostureAlone() {
    issue(spec(Posture.EVACUATE, Mode.EXERCISE, A));
    directive.<StatusReply<Directive.State>>runCommand(r -> new Directive.Acknowledge(A.schoolId(), "school-staff:a", r));
    testKit.createTestProbe().expectNoMessage(Duration.ofMillis(200));
    assertThat(postureOf(A)).isEqualTo(Posture.NORMAL);
  }

  @Test
  void issuingIsIdempotentAndADifferentSpecIsAConflict() {
    issue(spec(Posture.HOLD, Mode.EXERCISE, A));
    assertThat(issue(spec(Posture.HOLD, Mode.EXERCISE, A)).hasNoEvents()).isTrue();
    var changed = issue(spec(Posture.LOCKDOWN, Mode.EXERCISE, A));
    assertThat(changed.reply().getError()).isInstanceOf(Rejection.Conflict.class);
    assertThat(changed.hasNoEvents()).isTrue();
  }

  @Test
  void refusesWhatItCannotTake() {
    assertThat(issue(spec(Posture.NORMAL, Mode.EXERCISE, A)).reply().getError()).isInstanceOf(Rejection.Invalid.class);
    var unknown = directive.<StatusReply<Directive.State>>runCommand(r -> new Directive.Acknowledge(A.schoolId(), "x", r));
    assertThat(unknown.reply().getError()).isInstanceOf(Rejection.NotFound.class);
    issue(spec(Posture.HOLD, Mode.EXERCISE, A));
    var stranger = directive.<StatusReply<Directive.State>>runCommand(r -> new Directive.Acknowledge(B.schoolId(), "x", r));
    assertThat(stranger.reply().getError()).isInstanceOf(Rejection.Invalid.class);
    var both = directive.<StatusReply<Directive.State>>runCommand(r -> new Directive.Report(A.schoolId(),
        new Accountability(Headcount.NONE, null, Map.of("1A", Headcount.NONE)), "x", r));
    assertThat(both.reply().getError()).isInstanceOf(Rejection.Invalid.class);
    var negative = directive.<StatusReply<Directive.State>>runCommand(r -> new Directive.Report(A.schoolId(),
        new Accountability(new Headcount(-1, 0, 0), null, null), "x", r));
    assertThat(negative.reply().getError()).isInstanceOf(Rejection.Invalid.class);
    assertThat(negative.hasNoEvents()).isTrue();
  }

  @Test
  void classesAreMergedAndSummed() {
    issue(spec(Posture.EVACUATE, Mode.EXERCISE, A));
    directive.<StatusReply<Directive.State>>runCommand(r -> new Directive.Report(A.schoolId(),
        new Accountability(null, null, Map.of("1A", new Headcount(30, 1, 0), "1B", new Headcount(28, 0, 1))), "x", r));
    var second = directive.<StatusReply<Directive.State>>runCommand(r -> new Directive.Report(A.schoolId(),
        new Accountability(null, new Headcount(10, 0, 0), Map.of("1A", new Headcount(31, 0, 0), "2A", new Headcount(40, 0, 0))), "x", r));
    SchoolProgress a = second.reply().getValue().schools().get(A.schoolId());
    assertThat(a.students()).isEqualTo(new Headcount(99, 0, 1));
    assertThat(a.classes()).containsOnlyKeys("1A", "1B", "2A");
    assertThat(a.accounted()).isEqualTo(110);
    assertThat(a.accountedPercent()).isEqualTo(100.0);
  }

  @Test
  void aSchoolSilentAtTheDeadlineIsEscalatedToItsEducationAgencyOnce() {
    issue(spec(Posture.LOCKDOWN, Mode.EXERCISE, A, B));
    directive.<StatusReply<Directive.State>>runCommand(r -> new Directive.Acknowledge(A.schoolId(), "school-staff:a", r));
    clock.advance(Duration.ofMinutes(10));
    manualTime.timePasses(Duration.ofMinutes(10));
    eventually(() -> directive.getState().schools().get(B.schoolId()).escalated());
    SchoolProgress b = directive.getState().schools().get(B.schoolId());
    assertThat(b.escalatedTo()).isEqualTo(EDU.agencyId());
    assertThat(directive.getState().schools().get(A.schoolId()).escalated()).isFalse();
    eventually(() ->
        this.<Agency.Command, Agency.State>askOk(agencies.get(EDU.agencyId()), Agency.Get::new).directives()
            .containsKey(directiveId + "/" + B.schoolId()));
    var notice = this.<Agency.Command, Agency.State>askOk(agencies.get(EDU.agencyId()), Agency.Get::new)
        .directives().get(directiveId + "/" + B.schoolId());
    assertThat(notice.deadline()).isEqualTo(directive.getState().deadline());
    // Nothing more to escalate: the timer is not re-armed, a restart escalates nothing again.
    directive.restart();
    manualTime.timePasses(Duration.ofMinutes(10));
    testKit.createTestProbe().expectNoMessage(Duration.ofMillis(200));
    assertThat(directive.getState().schools().get(B.schoolId()).escalatedAt()).isEqualTo(b.escalatedAt());
  }

  @Test
  void aDeadlineThatPassedWhileTheDirectiveWasDownFiresOnRecovery() {
    issue(spec(Posture.HOLD, Mode.EXERCISE, A));
    clock.advance(Duration.ofMinutes(30)); // the node is down: only wall-clock time passes
    directive.restart();
    manualTime.timePasses(Duration.ofMillis(1));
    eventually(() -> directive.getState().schools().get(A.schoolId()).escalated());
  }

  @Test
  void sumsAreExactWhenManySchoolsReportAtOnce() {
    int count = 200;
    var targets = new ArrayList<TargetSchool>();
    for (int i = 0; i < count; i++) {
      targets.add(new TargetSchool("sch-" + i, "School " + i, RegionCode.of("650102"), 100, 10));
    }
    var spec = new DirectiveSpec(Posture.SHELTER, "Shelter", Mode.EXERCISE, "65", targets, Duration.ofMinutes(10), "direct");
    var ref = testKit.spawn(Directive.create("dir-" + UUID.randomUUID(), entities, clock));
    askOk(ref, (ActorRef<StatusReply<Directive.State>> r) -> new Directive.Issue(spec, "command-center:65", r));
    var replies = new ArrayList<CompletableFuture<Directive.State>>();
    var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < count; i++) {
          String schoolId = "sch-" + i;
          // Each school's last report says 90 present, 1 missing, 2 injured students; staff all present.
          Headcount students = round == 2 ? new Headcount(90, 1, 2) : new Headcount(round * 10, 50, 0);
          replies.add(CompletableFuture.supplyAsync(() -> null, pool).thenCompose(x -> ask(ref, schoolId, students)));
        }
        CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).join();
      }
    } finally {
      pool.shutdown();
    }
    Directive.State state = askOk(ref, Directive.Get::new);
    Directive.Totals totals = state.totals();
    assertThat(totals.acknowledged()).isEqualTo(count);
    assertThat(totals.students()).isEqualTo(new Headcount(90 * count, count, 2 * count));
    assertThat(totals.staff()).isEqualTo(new Headcount(10 * count, 0, 0));
    assertThat(totals.accounted()).isEqualTo(102L * count);
    assertThat(totals.expected()).isEqualTo(110L * count);
  }

  private CompletionStage<Directive.State> ask(ActorRef<Directive.Command> ref, String schoolId, Headcount students) {
    return AskPattern.askWithStatus(ref,
        (ActorRef<StatusReply<Directive.State>> r) -> new Directive.Report(schoolId,
            new Accountability(students, new Headcount(10, 0, 0), null), "school-staff:" + schoolId, r),
        Duration.ofSeconds(10), testKit.system().scheduler());
  }
}
