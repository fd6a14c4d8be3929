package org.schoolsafety.persistence.readside;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.schoolsafety.hub.Entities;
import org.schoolsafety.hub.agency.Agency;
import org.schoolsafety.hub.agency.AgencyKind;
import org.schoolsafety.hub.agency.AgencyProfile;
import org.schoolsafety.hub.agency.Tier;
import org.schoolsafety.hub.directory.AgencyDirectory;
import org.schoolsafety.hub.feed.IncidentFeed;
import org.schoolsafety.hub.prevention.Prevention;
import org.schoolsafety.hub.prevention.Warning;

/**
 * The warning delivery handler with probes for the feed, the directory and the agencies: a
 * warning goes to the province feed and to the first agency of each addressed kind, and counts
 * as handled only once every receiver confirmed it (else the projection sends it again).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WarningDeliveryTest {

  private final ActorTestKit kit = ActorTestKit.create();
  private final TestProbe<IncidentFeed.Command> feed = kit.createTestProbe();
  private final TestProbe<AgencyDirectory.Command> directory = kit.createTestProbe();
  private final TestProbe<Agency.Command> healthCity = kit.createTestProbe();
  private final TestProbe<Agency.Command> educationCounty = kit.createTestProbe();
  private final Map<String, TestProbe<Agency.Command>> agencies =
      Map.of("health-6502", healthCity, "education-650202", educationCounty);
  private final WarningDelivery delivery = new WarningDelivery(kit.system(), new Entities(
      id -> null, id -> agencies.get(id).ref(), province -> directory.ref(), province -> feed.ref()));

  @AfterAll
  void stop() {
    kit.shutdownTestKit();
  }

  private static Warning warning(String cause, String audience) {
    return new Warning("wr-1-sch-650202-001", "sch-650202-001", "Dushanzi No. 1", "650202", cause, "cl-1",
        "ORANGE", "3 students with FEVER", audience, "RAISED", Instant.parse("2026-11-30T08:00:00Z"), null, null,
        null, null, null);
  }

  private static EventEnvelope<Object> envelope(Object event, long seqNr) {
    return EventEnvelope.create(Offset.sequence(seqNr), "Prevention|sch-650202-001", seqNr, event, 0L);
  }

  private static AgencyProfile agency(String id, AgencyKind kind, Tier tier, String jurisdiction) {
    return new AgencyProfile(id, id, kind, tier, jurisdiction);
  }

  @Test
  void aClusterWarningGoesToTheFeedAndTheNearestHealthAndEducationAgencies() throws Exception {
    CompletableFuture<Done> done = delivery.process(envelope(
        new Prevention.WarningChanged(warning("HEALTH_CLUSTER", "HEALTH,EDUCATION")), 7)).toCompletableFuture();

    var append = feed.expectMessageClass(IncidentFeed.AppendWarning.class);
    assertThat(append.notice().version()).isEqualTo(7);
    var find = directory.expectMessageClass(AgencyDirectory.FindChains.class);
    assertThat(find.kinds()).isEqualTo(EnumSet.of(AgencyKind.HEALTH, AgencyKind.EDUCATION));
    // Dushanzi has no county health agency: the city's is the nearest.
    find.replyTo().tell(StatusReply.success(new AgencyDirectory.Chains(Map.of(
        AgencyKind.HEALTH, List.of(agency("health-6502", AgencyKind.HEALTH, Tier.CITY, "6502"),
            agency("health-65", AgencyKind.HEALTH, Tier.PROVINCE, "65")),
        AgencyKind.EDUCATION, List.of(agency("education-650202", AgencyKind.EDUCATION, Tier.COUNTY, "650202"),
            agency("education-6502", AgencyKind.EDUCATION, Tier.CITY, "6502"))))));
    var toHealth = healthCity.expectMessageClass(Agency.TrackWarning.class);
    var toEducation = educationCounty.expectMessageClass(Agency.TrackWarning.class);
    assertThat(toHealth.notice()).isEqualTo(append.notice());
    assertThat(toEducation.notice()).isEqualTo(append.notice());

    append.replyTo().tell(Done.getInstance());
    toHealth.replyTo().tell(Done.getInstance());
    assertThat(done).isNotDone(); // the education agency has not confirmed yet
    toEducation.replyTo().tell(Done.getInstance());
    assertThat(done.get(5, TimeUnit.SECONDS)).isEqualTo(Done.getInstance());
  }

  @Test
  void withoutTheDirectoryTheWarningIsNotHandledAndWillBeSentAgain() {
    CompletableFuture<Done> done = delivery.process(envelope(
        new Prevention.WarningChanged(warning("RISK_LEVEL", "EDUCATION")), 9)).toCompletableFuture();
    feed.expectMessageClass(IncidentFeed.AppendWarning.class).replyTo().tell(Done.getInstance());
    var find = directory.expectMessageClass(AgencyDirectory.FindChains.class);
    assertThat(find.kinds()).isEqualTo(EnumSet.of(AgencyKind.EDUCATION));
    find.replyTo().tell(StatusReply.error("directory down"));
    await().atMost(Duration.ofSeconds(5)).until(done::isDone);
    assertThat(done).isCompletedExceptionally();
  }

  @Test
  void otherEventsAreNotDelivered() {
    // Handled at once, without asking anyone: a scores' or trainings' event is nothing to deliver.
    assertThat(delivery.process(envelope(new Prevention.SchoolNoted(null), 3)).toCompletableFuture())
        .isCompletedWithValue(Done.getInstance());
  }
}
