package org.schoolsafety.hub.incident;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
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
import org.schoolsafety.hub.incident.IncidentCommand.Accepted;
import org.schoolsafety.hub.incident.IncidentCommand.Import;
import org.schoolsafety.hub.incident.IncidentEvent.Acknowledged;
import org.schoolsafety.hub.incident.IncidentEvent.Closed;
import org.schoolsafety.hub.incident.IncidentEvent.Dispatched;
import org.schoolsafety.hub.incident.IncidentEvent.Escalated;
import org.schoolsafety.hub.incident.IncidentEvent.ReportAdded;
import org.schoolsafety.hub.incident.IncidentEvent.Reported;
import org.schoolsafety.hub.incident.IncidentEvent.Resolved;
import org.schoolsafety.hub.prevention.Prevention;
import org.schoolsafety.hub.region.RegionCode;
import org.schoolsafety.hub.reporting.ReportingDeadline;
import org.schoolsafety.hub.reporting.ReportingDeadlines;
import org.schoolsafety.hub.reporting.ReportingRules;
import org.schoolsafety.hub.school.School;

/**
 * Importing a closed incident from a previous system (issue 18): the ordinary events at their
 * historical times, in one write; nothing dispatched, timed or told live except the school's
 * risk inputs; retries replay; bad or open records change nothing. Serialization checks on.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IncidentImportTest {

  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(HubTestConfig.realTime()).build();

  private static final Instant NOW = Instant.parse("2026-11-29T00:00:00Z");
  private static final Instant OCCURRED = Instant.parse("2026-06-10T02:00:00Z");
  private static final SchoolRef SCHOOL = new SchoolRef("sch-650102-001", "Tianshan No. 1 Primary", RegionCode.of("650102"));

  static final Map<AgencyKind, List<AgencyProfile>> CHAINS = Map.of(
      AgencyKind.FIRE, List.of(
          new AgencyProfile("fire-650102", "Tianshan Fire", AgencyKind.FIRE, Tier.COUNTY, "650102"),
          new AgencyProfile("fire-6501", "Urumqi Fire", AgencyKind.FIRE, Tier.CITY, "6501"),
          new AgencyProfile("fire-65", "Xinjiang Fire", AgencyKind.FIRE, Tier.PROVINCE, "65")),
      AgencyKind.EDUCATION, List.of(
          new AgencyProfile("edu-650102", "Tianshan Education", AgencyKind.EDUCATION, Tier.COUNTY, "650102")));

  private final IncidentSettings settings = IncidentSettings.fromConfig(ConfigFactory.load());
  private TestProbe<School.Command> schools;
  private TestProbe<Agency.Command> agencies;
  private TestProbe<AgencyDirectory.Command> directories;
  private TestProbe<IncidentFeed.Command> feeds;
  private TestProbe<Prevention.Command> preventions;
  private EventSourcedBehaviorTestKit<IncidentCommand, IncidentEvent, IncidentState> incident;

  @BeforeEach
  void fresh() {
    schools = testKit.createTestProbe();
    agencies = testKit.createTestProbe();
    directories = testKit.createTestProbe();
    feeds = testKit.createTestProbe();
    preventions = testKit.createTestProbe();
    var entities = new Entities(id -> schools.ref(), id -> agencies.ref(), id -> directories.ref(), id -> feeds.ref())
        .withPreventions(id -> preventions.ref());
    incident = EventSourcedBehaviorTestKit.create(testKit.system(),
        Incident.create("inc-" + UUID.randomUUID(), entities, settings, new MutableClock(NOW), null),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
  }

  static IncidentImport record(int initialDelayMinutes, List<IncidentReport> reports, List<IncidentImport.DispatchRecord> dispatches,
      Instant closedAt) {
    var initial = new IncidentReport(ReportKind.INITIAL, OCCURRED.plus(Duration.ofMinutes(initialDelayMinutes)), null, OCCURRED,
        "smoke in the chemistry lab", new Casualties(0, 2, 0), "building B evacuated", Level.III,
        new Reporter("Wang Fang", "principal", "+86 138 0000 0000"), null, null);
    return new IncidentImport(new NewIncident(SCHOOL, IncidentType.FIRE, Level.III, Mode.ACTUAL, initial, "legacy-1"),
        reports, dispatches, closedAt, "closed in the old system");
  }

  static IncidentReport report(ReportKind kind, Instant at) {
    return new IncidentReport(kind, at, null, null, kind == ReportKind.FINAL ? "fire out" : "contained", null, null, null,
        null, kind == ReportKind.FINAL ? "faulty wiring" : null, kind == ReportKind.FINAL ? "2 minor injuries" : null);
  }

  /** Reported 75 minutes after it happened (late), fire escalated once, education acknowledged, closed. */
  static IncidentImport closedFire() {
    Instant received = OCCURRED.plus(Duration.ofMinutes(75));
    return record(75,
        List.of(report(ReportKind.CONTINUATION, received.plus(Duration.ofHours(3))), report(ReportKind.FINAL, received.plus(Duration.ofHours(6)))),
        List.of(
            new IncidentImport.DispatchRecord(AgencyKind.FIRE, received.plusSeconds(30), List.of(received.plusSeconds(630)),
                received.plusSeconds(700), "on our way", null),
            new IncidentImport.DispatchRecord(AgencyKind.EDUCATION, received.plusSeconds(30), List.of(),
                received.plusSeconds(240), null, null)),
        received.plus(Duration.ofHours(8)));
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<IncidentCommand, IncidentEvent, IncidentState, org.apache.pekko.pattern.StatusReply<Accepted>>
      importIt(IncidentImport record) {
    return incident.runCommand(r -> new Import(record, CHAINS, "operator:ops", r));
  }

  @Test
  void aClosedRecordBecomesTheOrdinaryEventsAtTheirHistoricalTimes() {
    IncidentImport record = closedFire();
    var result = importIt(record);

    assertThat(result.reply().isSuccess()).isTrue();
    assertThat(result.reply().getValue().replayed()).isFalse();
    assertThat(result.events()).extracting(e -> e.getClass().getSimpleName()).containsExactly(
        "Reported", "Dispatched", "Acknowledged", "Escalated", "Acknowledged", "ReportAdded", "Resolved", "Closed");
    assertThat(result.events()).extracting(IncidentEvent::at).isSorted();
    var reported = (Reported) result.events().get(0);
    assertThat(reported.at()).isEqualTo(record.receivedAt());
    assertThat(reported.incident().imported()).isTrue();
    assertThat(reported.incident().importedAt()).isEqualTo(NOW);
    var dispatched = (Dispatched) result.events().get(1);
    assertThat(dispatched.dispatches()).extracting(Dispatch::agencyId).containsExactlyInAnyOrder("fire-650102", "edu-650102");
    assertThat(dispatched.dispatches()).allSatisfy(d ->
        assertThat(d.deadline()).isEqualTo(d.notifiedAt().plus(settings.deadlines().forLevel(Level.III))));
    var escalated = (Escalated) result.events().get(3);
    assertThat(escalated.fromAgencyId()).isEqualTo("fire-650102");
    assertThat(escalated.to().agencyId()).isEqualTo("fire-6501");
    assertThat(((Acknowledged) result.events().get(4)).agencyId()).isEqualTo("fire-6501");
    assertThat(result.events().get(5)).isInstanceOf(ReportAdded.class);
    assertThat(result.events().get(6)).isInstanceOf(Resolved.class);
    assertThat(((Closed) result.events().get(7)).at()).isEqualTo(record.closedAt());

    IncidentState state = result.state();
    assertThat(state.status()).isEqualTo(Status.CLOSED);
    assertThat(state.reportedAt()).isEqualTo(record.receivedAt());
    assertThat(state.dispatchOf("fire-650102").orElseThrow().state()).isEqualTo(DispatchState.ESCALATED);
    assertThat(state.dispatchOf("fire-6501").orElseThrow().ackAt()).isEqualTo(record.receivedAt().plusSeconds(700));
    assertThat(state.timeline()).extracting(TimelineEntry::at).isSorted()
        .allSatisfy(at -> assertThat(at).isBefore(NOW));

    // The deadlines judged from the imported reports: the initial one late (75 min), the rest on time.
    var deadlines = ReportingDeadlines.of(state.reportingFacts(), ReportingRules.fromConfig(ConfigFactory.load()), NOW);
    assertThat(deadlines).filteredOn(d -> d.name().equals("initial")).extracting(ReportingDeadline::met).containsExactly(false);
    assertThat(deadlines).filteredOn(d -> d.name().equals("final")).extracting(ReportingDeadline::met).containsExactly(true);
  }

  @Test
  void nothingIsDispatchedOrToldLiveOnlyTheRiskInputsLearnOfIt() {
    importIt(closedFire());

    var tracked = preventions.expectMessageClass(Prevention.TrackIncident.class);
    assertThat(tracked.notice().occurredAt()).isEqualTo(OCCURRED);
    tracked.replyTo().tell(org.apache.pekko.Done.getInstance());
    // No directory lookup, no agency inbox, no school list (and so no guardian notice), no feed.
    directories.expectNoMessage(Duration.ofMillis(300));
    agencies.expectNoMessage(Duration.ZERO);
    schools.expectNoMessage(Duration.ZERO);
    feeds.expectNoMessage(Duration.ZERO);
  }

  @Test
  void theSameRecordAgainIsAReplayAndOtherContentUnderItsReferenceAConflict() {
    importIt(closedFire());
    var again = importIt(closedFire());
    assertThat(again.reply().getValue().replayed()).isTrue();
    assertThat(again.hasNoEvents()).isTrue();

    IncidentImport other = closedFire();
    other = new IncidentImport(other.incident(), other.reports(), other.dispatches(), other.closedAt().plusSeconds(60), other.closeNote());
    var conflict = importIt(other);
    assertThat(conflict.reply().isError()).isTrue();
    assertThat(conflict.reply().getError()).isInstanceOf(Rejection.Conflict.class);
    assertThat(conflict.hasNoEvents()).isTrue();
  }

  @Test
  void anOpenRecordIsRefusedAndNothingChanges() {
    Instant received = OCCURRED.plus(Duration.ofMinutes(20));
    var open = record(20, List.of(report(ReportKind.CONTINUATION, received.plusSeconds(600))), List.of(), null);
    var result = importIt(open);
    assertThat(result.reply().isError()).isTrue();
    assertThat(result.reply().getError()).isInstanceOf(Rejection.Invalid.class)
        .hasMessageContaining("reports:");
    assertThat(result.hasNoEvents()).isTrue();
    assertThat(result.state().isReported()).isFalse();
  }

  @Test
  void timesOutOfOrderInTheFutureOrBeyondTheChainAreNamedField() {
    Instant received = OCCURRED.plus(Duration.ofMinutes(20));
    var bad = record(20,
        List.of(report(ReportKind.FINAL, NOW.plusSeconds(3600))),
        List.of(
            new IncidentImport.DispatchRecord(AgencyKind.EDUCATION, received.minusSeconds(60), List.of(received), null, null, null),
            new IncidentImport.DispatchRecord(AgencyKind.HEALTH, received, List.of(), null, null, null)),
        received.minusSeconds(1));
    var problems = IncidentImports.check(bad, CHAINS, NOW);
    assertThat(problems).extracting(IncidentImports.FieldProblem::field).contains(
        "reports[0].at", "closedAt", "dispatches[0].notifiedAt", "dispatches[0].escalatedAt", "dispatches[1].kind");
    var result = importIt(bad);
    assertThat(result.reply().isError()).isTrue();
    assertThat(result.hasNoEvents()).isTrue();
  }

  @Test
  void aDrillIsNotImported() {
    IncidentImport fire = closedFire();
    NewIncident n = fire.incident();
    var drill = new IncidentImport(new NewIncident(n.school(), n.type(), n.level(), Mode.EXERCISE, n.initial(), n.clientRef()),
        fire.reports(), fire.dispatches(), fire.closedAt(), fire.closeNote());
    assertThat(IncidentImports.check(drill, CHAINS, NOW)).extracting(IncidentImports.FieldProblem::field).containsExactly("mode");
  }

  @Test
  void anUnansweredDispatchMustHaveReachedTheTopTier() {
    Instant received = OCCURRED.plus(Duration.ofMinutes(20));
    var unanswered = record(20, List.of(report(ReportKind.FINAL, received.plus(Duration.ofHours(2)))),
        List.of(new IncidentImport.DispatchRecord(AgencyKind.FIRE, received, List.of(received.plusSeconds(600), received.plusSeconds(1200)),
            null, null, received.plusSeconds(1800))),
        null);
    var result = importIt(unanswered);
    assertThat(result.reply().isSuccess()).isTrue();
    assertThat(result.state().status()).isEqualTo(Status.RESOLVED);
    assertThat(result.state().dispatchOf("fire-65").orElseThrow().state()).isEqualTo(DispatchState.UNANSWERED);

    var tooEarly = record(20, List.of(report(ReportKind.FINAL, received.plus(Duration.ofHours(2)))),
        List.of(new IncidentImport.DispatchRecord(AgencyKind.FIRE, received, List.of(), null, null, received.plusSeconds(600))),
        null);
    assertThat(IncidentImports.check(tooEarly, CHAINS, NOW)).extracting(IncidentImports.FieldProblem::field)
        .containsExactly("dispatches[0].unansweredAt");
  }
}
