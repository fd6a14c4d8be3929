package org.schoolsafety.hub.directory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.UUID;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.hub.HubTestConfig;
import org.schoolsafety.hub.Rejection;
import org.schoolsafety.hub.agency.AgencyKind;
import org.schoolsafety.hub.agency.AgencyProfile;
import org.schoolsafety.hub.agency.Tier;
import org.schoolsafety.hub.region.RegionCode;

@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgencyDirectoryTest {

  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(HubTestConfig.realTime()).build();

  private EventSourcedBehaviorTestKit<AgencyDirectory.Command, AgencyDirectory.Event, AgencyDirectory.State> directory;

  static final AgencyProfile FIRE_COUNTY = new AgencyProfile("fire-650102", "Tianshan Fire", AgencyKind.FIRE, Tier.COUNTY, "650102");
  static final AgencyProfile FIRE_CITY = new AgencyProfile("fire-6501", "Urumqi Fire", AgencyKind.FIRE, Tier.CITY, "6501");
  static final AgencyProfile FIRE_PROVINCE = new AgencyProfile("fire-65", "Xinjiang Fire", AgencyKind.FIRE, Tier.PROVINCE, "65");
  static final AgencyProfile POLICE_CITY = new AgencyProfile("police-6501", "Urumqi Police", AgencyKind.POLICE, Tier.CITY, "6501");

  @BeforeEach
  void setUp() {
    directory = EventSourcedBehaviorTestKit.create(
        testKit.system(), AgencyDirectory.create("65-" + UUID.randomUUID()),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<AgencyDirectory.Command, AgencyDirectory.Event, AgencyDirectory.State, StatusReply<Done>> enlist(AgencyProfile agency) {
    return directory.runCommand(replyTo -> new AgencyDirectory.Enlist(agency, replyTo));
  }

  @Test
  void keepsWorkingAfterAFailedJournalWrite() {
    AgencyDirectory.State empty = directory.getState();
    directory.persistenceTestKit().failNextPersisted();
    // The write fails: no answer, nothing written; the entity restarts after a backoff from
    // the journal (the state asked for meanwhile waits for it).
    var unanswered = testKit.<StatusReply<Done>>createTestProbe();
    var failed = directory.runCommand(new AgencyDirectory.Enlist(FIRE_COUNTY, unanswered.ref()));
    assertThat(failed.hasNoEvents()).isTrue();
    assertThat(failed.state()).isEqualTo(empty);

    var retried = enlist(FIRE_COUNTY);
    assertThat(retried.reply().isSuccess()).isTrue();
    assertThat(retried.event()).isEqualTo(new AgencyDirectory.AgencyEnlisted(FIRE_COUNTY));
    assertThat(directory.restart().state()).isEqualTo(retried.state());
  }

  @Test
  void enlistsOnceAndIsIdempotent() {
    var first = enlist(FIRE_COUNTY);
    assertThat(first.reply().isSuccess()).isTrue();
    assertThat(first.event()).isEqualTo(new AgencyDirectory.AgencyEnlisted(FIRE_COUNTY));

    var again = enlist(FIRE_COUNTY);
    assertThat(again.reply().isSuccess()).isTrue();
    assertThat(again.hasNoEvents()).isTrue();
  }

  @Test
  void refusesASecondAgencyForTheSameKindAndJurisdiction() {
    enlist(FIRE_COUNTY);
    var rival = new AgencyProfile("fire-650102-b", "Other", AgencyKind.FIRE, Tier.COUNTY, "650102");
    var result = enlist(rival);
    assertThat(result.reply().isError()).isTrue();
    assertThat(result.reply().getError()).isInstanceOf(Rejection.Conflict.class)
        .hasMessageContaining("fire-650102").hasMessageContaining("650102");
    assertThat(result.hasNoEvents()).isTrue();
  }

  @Test
  void refusesToMoveAnAgencyToAnotherSlot() {
    enlist(FIRE_COUNTY);
    var moved = new AgencyProfile("fire-650102", "Tianshan Fire", AgencyKind.FIRE, Tier.COUNTY, "650103");
    var result = enlist(moved);
    assertThat(result.reply().getError()).isInstanceOf(Rejection.Conflict.class)
        .hasMessageContaining("FIRE/650102");
  }

  @Test
  void findsChainsMostSpecificTierFirst() {
    enlist(FIRE_PROVINCE);
    enlist(FIRE_CITY);
    enlist(FIRE_COUNTY);
    enlist(POLICE_CITY);

    var result = directory.<StatusReply<AgencyDirectory.Chains>>runCommand(replyTo ->
        new AgencyDirectory.FindChains(RegionCode.of("650102"),
            EnumSet.of(AgencyKind.FIRE, AgencyKind.POLICE, AgencyKind.HEALTH), replyTo));
    var chains = result.reply().getValue();
    assertThat(chains.of(AgencyKind.FIRE)).containsExactly(FIRE_COUNTY, FIRE_CITY, FIRE_PROVINCE);
    assertThat(chains.of(AgencyKind.POLICE)).containsExactly(POLICE_CITY);
    assertThat(chains.of(AgencyKind.HEALTH)).isEmpty();

    var elsewhere = directory.<StatusReply<AgencyDirectory.Chains>>runCommand(replyTo ->
        new AgencyDirectory.FindChains(RegionCode.of("650203"), EnumSet.of(AgencyKind.FIRE), replyTo));
    assertThat(elsewhere.reply().getValue().of(AgencyKind.FIRE)).containsExactly(FIRE_PROVINCE);
  }

  @Test
  void survivesRestart() {
    enlist(FIRE_COUNTY);
    enlist(FIRE_CITY);
    directory.restart();
    assertThat(directory.getState().bySlot()).containsKeys("FIRE/650102", "FIRE/6501");
  }
}
