package org.schoolsafety.hub.tip;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.Done;
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
import org.schoolsafety.hub.region.RegionCode;
import org.schoolsafety.hub.secret.ServerKey;

/** A tip's life, its code check, its notices and its deadlines, with manual time. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TipTest {

  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(HubTestConfig.withManualTime()).build();

  private static final String SCHOOL = "sch-650102-001";
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T00:00:00Z"));
  private final TipSettings settings = TipSettings.fromConfig(ConfigFactory.load());
  private final TipCodes codes = new TipCodes(ServerKey.of(new byte[32]));
  private final Map<String, ActorRef<Agency.Command>> agencies = new HashMap<>();
  private ActorRef<SchoolTips.Command> schoolTips;
  private ManualTime manualTime;
  private Entities entities;
  private String tipId;
  private String code;
  private EventSourcedBehaviorTestKit<TipCommand, TipEvent, TipState> tip;

  static final List<AgencyProfile> AGENCIES = List.of(
      new AgencyProfile("edu-650102", "Tianshan Education", AgencyKind.EDUCATION, Tier.COUNTY, "650102"),
      new AgencyProfile("edu-6501", "Urumqi Education", AgencyKind.EDUCATION, Tier.CITY, "6501"),
      new AgencyProfile("police-650102", "Tianshan Police", AgencyKind.POLICE, Tier.COUNTY, "650102"),
      new AgencyProfile("police-6501", "Urumqi Police", AgencyKind.POLICE, Tier.CITY, "6501"),
      new AgencyProfile("health-650102", "Tianshan Health", AgencyKind.HEALTH, Tier.COUNTY, "650102"));

  @BeforeAll
  void entities() {
    manualTime = ManualTime.get(testKit.system());
    var directory = testKit.spawn(AgencyDirectory.create("65"));
    for (AgencyProfile profile : AGENCIES) {
      var agency = testKit.spawn(Agency.create(profile.agencyId(), clock));
      agencies.put(profile.agencyId(), agency);
      var p1 = testKit.<StatusReply<Agency.State>>createTestProbe();
      agency.tell(new Agency.Register(profile, "operator:test", p1.ref()));
      p1.receiveMessage();
      var p2 = testKit.<StatusReply<Done>>createTestProbe();
      directory.tell(new AgencyDirectory.Enlist(profile, p2.ref()));
      p2.receiveMessage();
    }
    schoolTips = testKit.spawn(SchoolTips.create(SCHOOL));
    entities = new Entities(id -> null, agencies::get, p -> directory, p -> null);
  }

  @BeforeEach
  void newTip() {
    tipId = codes.newTipId();
    code = codes.newCode();
    tip = EventSourcedBehaviorTestKit.create(testKit.system(),
        Tip.create(tipId, entities, id -> schoolTips, settings, clock, null, HubMetrics.NONE),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
  }

  private TipState submit(TipCategory category) {
    var tipData = new NewTip(tipId, SCHOOL, "Tianshan No. 1 Primary", RegionCode.of("650102"), category,
        "a boy in class 3 said he will bring a knife", "tomorrow morning", "gate 2");
    var result = tip.<StatusReply<TipState>>runCommand(r -> new TipCommand.Submit(tipData, codes.hash(tipId, code), r));
    return result.reply().getValue();
  }

  private StatusReply<TipState> read(String presented) {
    return tip.<StatusReply<TipState>>runCommand(r -> new TipCommand.ReadAsTipster(codes.hash(tipId, presented), r))
        .reply();
  }

  private List<String> inbox(String agencyId) {
    var probe = testKit.<StatusReply<Agency.State>>createTestProbe();
    agencies.get(agencyId).tell(new Agency.Get(probe.ref()));
    return probe.receiveMessage().getValue().tipInbox(true).stream()
        .filter(n -> n.tipId().equals(tipId)).map(n -> n.reason() + "/" + (n.ackAt() == null ? "open" : "acked"))
        .toList();
  }

  private List<TipNotice> schoolList() {
    var probe = testKit.<StatusReply<SchoolTips.State>>createTestProbe();
    schoolTips.tell(new SchoolTips.Get(probe.ref()));
    return probe.receiveMessage().getValue().list(true).stream().filter(n -> n.tipId().equals(tipId)).toList();
  }

  @Test
  void aTipIsLinkedToOneHazardBesideItsIncidentAndKeepsBothAcrossEventsAndRestarts() {
    submit(TipCategory.SAFETY_HAZARD);
    assertThat(TipCategory.SAFETY_HAZARD.hazardCategory()).isEqualTo(org.schoolsafety.hub.hazard.HazardCategory.OTHER);
    var linked = tip.<StatusReply<TipState>>runCommand(r -> new TipCommand.LinkHazard("hz-1", "school-staff:" + SCHOOL, r));
    // (the agency lookup answers asynchronously: its ChainsResolved may land in the same run)
    assertThat(linked.events()).hasAtLeastOneElementOfType(TipEvent.HazardLinked.class);
    assertThat(linked.reply().getValue().hazardId()).isEqualTo("hz-1");
    assertThat(linked.reply().getValue().incidentId()).isNull();
    assertThat(linked.reply().getValue().timeline()).extracting(e -> e.event()).contains("hazard-linked");
    // the same link again is a no-op; another hazard is refused and changes nothing
    assertThat(tip.<StatusReply<TipState>>runCommand(r -> new TipCommand.LinkHazard("hz-1", "x", r)).events())
        .noneMatch(e -> e instanceof TipEvent.HazardLinked);
    var other = tip.<StatusReply<TipState>>runCommand(r -> new TipCommand.LinkHazard("hz-2", "x", r));
    assertThat(other.reply().getError()).isInstanceOf(Rejection.Conflict.class);
    assertThat(other.events()).noneMatch(e -> e instanceof TipEvent.HazardLinked);
    // an incident link and later events keep the hazard link, and so does recovery
    var incident = tip.<StatusReply<TipState>>runCommand(r -> new TipCommand.LinkIncident("inc-1", "x", r));
    assertThat(incident.reply().getValue().hazardId()).isEqualTo("hz-1");
    var triaged = tip.<StatusReply<TipState>>runCommand(r -> new TipCommand.Triage(TipPriority.HIGH,
        TipStatus.IN_PROGRESS, null, false, "school-staff:" + SCHOOL, r));
    assertThat(triaged.reply().getValue().hazardId()).isEqualTo("hz-1");
    tip.restart();
    var recovered = tip.<StatusReply<TipState>>runCommand(TipCommand.Get::new).reply().getValue();
    assertThat(recovered.hazardId()).isEqualTo("hz-1");
    assertThat(recovered.incidentId()).isEqualTo("inc-1");
  }

  @Test
  void anUnknownTipCannotBeLinkedToAHazard() {
    var result = tip.<StatusReply<TipState>>runCommand(r -> new TipCommand.LinkHazard("hz-1", "x", r));
    assertThat(result.reply().getError()).isInstanceOf(Rejection.NotFound.class);
    assertThat(result.hasNoEvents()).isTrue();
  }

  @Test
  void aTipIsLinkedToOneIncidentAndKeepsTheLinkAcrossEventsAndRestarts() {
    submit(TipCategory.WEAPON);
    assertThat(TipCategory.WEAPON.incidentType()).isEqualTo(org.schoolsafety.hub.incident.IncidentType.VIOLENCE);
    var linked = tip.<StatusReply<TipState>>runCommand(r -> new TipCommand.LinkIncident("inc-1", "school-staff:" + SCHOOL, r));
    assertThat(linked.events()).hasAtLeastOneElementOfType(TipEvent.IncidentLinked.class);
    assertThat(linked.reply().getValue().incidentId()).isEqualTo("inc-1");
    assertThat(linked.reply().getValue().timeline()).extracting(e -> e.event()).contains("incident-linked");
    // the same link again is a no-op; another incident is refused
    assertThat(tip.<StatusReply<TipState>>runCommand(r -> new TipCommand.LinkIncident("inc-1", "x", r)).events())
        .noneMatch(e -> e instanceof TipEvent.IncidentLinked);
    assertThat(tip.<StatusReply<TipState>>runCommand(r -> new TipCommand.LinkIncident("inc-2", "x", r)).reply()
        .getError()).isInstanceOf(Rejection.Conflict.class);
    // later events keep the link, and so does recovery
    var triaged = tip.<StatusReply<TipState>>runCommand(r -> new TipCommand.Triage(TipPriority.URGENT,
        TipStatus.IN_PROGRESS, null, false, "school-staff:" + SCHOOL, r));
    assertThat(triaged.reply().getValue().incidentId()).isEqualTo("inc-1");
    tip.restart();
    assertThat(tip.<StatusReply<TipState>>runCommand(TipCommand.Get::new).reply().getValue().incidentId())
        .isEqualTo("inc-1");
  }

  @Test
  void theTipsterReadsWithTheCodeAndAWrongCodeAnswersLikeAnUnknownTip() {
    submit(TipCategory.BULLYING);
    assertThat(read(code).getValue().tipsterMessages()).hasSize(1);
    // Typed back by hand: lower case, without dashes, O for 0.
    assertThat(read(code.toLowerCase().replace("-", "").replace('0', 'O')).isSuccess()).isTrue();

    var wrong = read(codes.newCode());
    var otherTipsCode = tip.<StatusReply<TipState>>runCommand(r -> new TipCommand.ReadAsTipster(
        codes.hash(codes.newTipId(), code), r)).reply();
    var unknownTip = EventSourcedBehaviorTestKit.<TipCommand, TipEvent, TipState>create(testKit.system(),
            Tip.create(codes.newTipId(), entities, id -> schoolTips, settings, clock, null, HubMetrics.NONE),
            EventSourcedBehaviorTestKit.enabledSerializationSettings())
        .<StatusReply<TipState>>runCommand(r -> new TipCommand.ReadAsTipster(codes.hash(tipId, code), r)).reply();
    for (var refused : List.of(wrong, otherTipsCode, unknownTip)) {
      assertThat(refused.isError()).isTrue();
      assertThat(refused.getError()).isInstanceOf(Rejection.NotFound.class).hasMessage(Tip.UNKNOWN);
    }
    var write = tip.<StatusReply<TipState>>runCommand(r -> new TipCommand.WriteAsTipster(codes.hash(tipId, "nope"),
        "more", r));
    assertThat(write.hasNoEvents()).isTrue();
    assertThat(write.reply().getError()).isInstanceOf(Rejection.NotFound.class).hasMessage(Tip.UNKNOWN);
  }

  @Test
  void whatIsPersistedHoldsNoIdentityAndOnlyTheHashOfTheCode() {
    var result = tip.<StatusReply<TipState>>runCommand(r -> new TipCommand.Submit(new NewTip(tipId, SCHOOL,
        "Tianshan No. 1 Primary", RegionCode.of("650102"), TipCategory.DRUGS, "pills sold behind the gym", null, null),
        codes.hash(tipId, code), r));
    var submitted = (TipEvent.Submitted) result.events().get(0);
    assertThat(submitted.by()).isEqualTo("tipster");
    assertThat(submitted.codeHash()).isEqualTo(codes.hash(tipId, code)).doesNotContain(code.replace("-", ""));
    assertThat(submitted.toString()).doesNotContain(code);
    // Every component of the event is accounted for: ids, the tip as written, hash, priority, times.
    assertThat(TipEvent.Submitted.class.getRecordComponents()).extracting(c -> c.getName())
        .containsExactly("tipId", "schoolId", "tip", "codeHash", "priority", "deadline", "at", "by");
    assertThat(NewTip.class.getRecordComponents()).extracting(c -> c.getName())
        .containsExactly("tipId", "schoolId", "schoolName", "region", "category", "text", "when", "where");
  }

  @Test
  void aWeaponTipGoesToTheCountyPoliceAtOnceAndEscalatesUntilAcknowledged() {
    submit(TipCategory.WEAPON);
    eventually(() -> assertThat(inbox("police-650102")).containsExactly("WEAPON/open"));
    assertThat(inbox("health-650102")).isEmpty();
    passTime(settings.ackDeadline());
    eventually(() -> assertThat(inbox("police-6501")).containsExactly("ESCALATED/open"));
    var ack = tip.<StatusReply<TipState>>runCommand(r -> new TipCommand.Acknowledge("police-6501", "agency:police-6501", r));
    assertThat(ack.reply().getValue().notified().get("police-6501").ackAt()).isNotNull();
    eventually(() -> assertThat(inbox("police-6501")).containsExactly("ESCALATED/acked"));
    var stranger = tip.<StatusReply<TipState>>runCommand(r -> new TipCommand.Acknowledge("edu-6501", "agency:edu-6501", r));
    assertThat(stranger.reply().getError()).isInstanceOf(Rejection.Conflict.class);
  }

  @Test
  void aSelfHarmTipGoesToTheCountyHealthAgency() {
    submit(TipCategory.SELF_HARM);
    eventually(() -> assertThat(inbox("health-650102")).containsExactly("SELF_HARM/open"));
    assertThat(inbox("police-650102")).isEmpty();
  }

  @Test
  void aTipNotTriagedByItsDeadlineGoesToTheCountyEducationAgencyEvenAfterARestart() {
    assertThat(submit(TipCategory.BULLYING).deadline()).isEqualTo(clock.instant().plus(Duration.ofHours(24)));
    eventually(() -> assertThat(schoolList()).hasSize(1));
    passTime(Duration.ofHours(23));
    assertThat(inbox("edu-650102")).isEmpty();
    tip.restart();
    passTime(Duration.ofHours(1));
    eventually(() -> assertThat(tip.getState().overdueAt()).isNotNull());
    eventually(() -> assertThat(inbox("edu-650102")).containsExactly("UNTRIAGED/open"));
    eventually(() -> assertThat(schoolList().get(0).overdue()).isTrue());
    // Triaged now: the education agency's escalation stops.
    triage(TipPriority.HIGH, TipStatus.TRIAGED, "we spoke with the class teacher", false);
    passTime(settings.ackDeadline());
    manualTime.expectNoMessageFor(Duration.ofMillis(200), testKit.createTestProbe());
    assertThat(inbox("edu-6501")).isEmpty();
  }

  @Test
  void triagedInTimeNothingEscalatesAndOnlyNotesForTheTipsterReachThem() {
    submit(TipCategory.BULLYING);
    triage(TipPriority.URGENT, TipStatus.NEW, null, false);
    assertThat(tip.getState().deadline()).isEqualTo(tip.getState().receivedAt().plus(Duration.ofHours(1)));
    triage(TipPriority.HIGH, TipStatus.IN_PROGRESS, "internal: parents called", false);
    triage(TipPriority.HIGH, TipStatus.IN_PROGRESS, "Thank you, we are looking into it.", true);
    tip.<StatusReply<TipState>>runCommand(r -> new TipCommand.WriteAsTipster(codes.hash(tipId, code), "it happened again today", r));
    var seen = read(code).getValue().tipsterMessages().stream().map(TipMessage::text).toList();
    assertThat(seen).containsExactly("a boy in class 3 said he will bring a knife", "Thank you, we are looking into it.",
        "it happened again today");
    passTime(Duration.ofDays(4));
    assertThat(tip.getState().overdueAt()).isNull();
    assertThat(inbox("edu-650102")).isEmpty();
    eventually(() -> assertThat(schoolList().get(0).status()).isEqualTo(TipStatus.IN_PROGRESS));
    assertThat(tip.restart().state().messages()).hasSize(4);
  }

  private void triage(TipPriority priority, TipStatus status, String note, boolean toTipster) {
    var result = tip.<StatusReply<TipState>>runCommand(r -> new TipCommand.Triage(priority, status, note, toTipster,
        "school-staff:" + SCHOOL, r));
    assertThat(result.reply().isSuccess()).as(String.valueOf(result.reply())).isTrue();
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
