package org.schoolsafety.hub.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.hub.HubTestConfig;
import org.schoolsafety.hub.MutableClock;
import org.schoolsafety.hub.incident.IncidentType;
import org.schoolsafety.hub.incident.Level;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.incident.Status;
import org.schoolsafety.hub.prevention.Warning;
import org.schoolsafety.hub.prevention.WarningNotice;

@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class IncidentFeedTest {

  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(HubTestConfig.realTime()).build();

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T00:00:00Z"));
  private final ConcurrentLinkedQueue<FeedEntry> published = new ConcurrentLinkedQueue<>();
  private EventSourcedBehaviorTestKit<IncidentFeed.Command, IncidentFeed.Event, IncidentFeed.State> feed;

  @BeforeEach
  void setUp() {
    published.clear();
    feed = EventSourcedBehaviorTestKit.create(testKit.system(),
        IncidentFeed.create("65-" + UUID.randomUUID(), clock, published::add),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
  }

  private FeedItem item(String incident, long seq, Status status) {
    return new FeedItem(incident, seq, "reported", clock.instant(), "school-staff:s", "detail", "s", "School",
        "650102", IncidentType.FIRE, Level.III, Mode.ACTUAL, status, List.of(), null);
  }

  /** A cluster warning at one of its changes, as the read side delivers it. */
  public static WarningNotice warning(String id, String state, long version, Instant at) {
    return new WarningNotice(new Warning(id, "sch-650102-001", "No. 1 Primary", "650102", "HEALTH_CLUSTER",
        "cl-3-2-fever-2026-11-28", "ORANGE", "3 students with FEVER", "HEALTH,EDUCATION", state, at, null, null,
        state.equals("CLEARED") ? at : null, null, null), version);
  }

  @Test
  void aWarningIsAppendedOncePerChangeBesideTheIncidentsAndPublishedWithItsPosition() {
    feed.<Done>runCommand(r -> new IncidentFeed.Append(List.of(item("a", 1, Status.REPORTED)), r));
    var raised = feed.<Done>runCommand(r -> new IncidentFeed.AppendWarning(warning("wr-1-s", "RAISED", 5, clock.instant()), r));
    assertThat(raised.reply()).isEqualTo(Done.getInstance());
    assertThat(raised.events()).hasSize(1);
    awaitPublished(2);
    FeedEntry entry = published.stream().filter(FeedEntry::isWarning).findFirst().orElseThrow();
    assertThat(entry.seq()).isEqualTo(2L);
    assertThat(entry.regionCode()).isEqualTo("650102");
    assertThat(entry.warning().warningId()).isEqualTo("wr-1-s");
    // the same change again, or an older one (a replay of the delivery): nothing
    assertThat(feed.<Done>runCommand(r -> new IncidentFeed.AppendWarning(warning("wr-1-s", "RAISED", 5, clock.instant()), r))
        .hasNoEvents()).isTrue();
    assertThat(feed.<Done>runCommand(r -> new IncidentFeed.AppendWarning(warning("wr-1-s", "RAISED", 4, clock.instant()), r))
        .hasNoEvents()).isTrue();
    // a newer change, and an incident item after it, each get the next position
    assertThat(feed.<Done>runCommand(r -> new IncidentFeed.AppendWarning(warning("wr-1-s", "CLEARED", 9, clock.instant()), r))
        .events()).hasSize(1);
    feed.<Done>runCommand(r -> new IncidentFeed.Append(List.of(item("a", 2, Status.DISPATCHED)), r));
    awaitPublished(4);
    assertThat(published).extracting(FeedEntry::seq).containsExactly(1L, 2L, 3L, 4L);
    assertThat(feed.restart().state()).isEqualTo(feed.getState());
  }

  @Test
  void keepsWorkingAfterAFailedJournalWrite() {
    IncidentFeed.State empty = feed.getState();
    feed.persistenceTestKit().failNextPersisted();
    // The write fails: no answer, nothing written or published; the entity restarts after a
    // backoff from the journal (the state asked for meanwhile waits for it).
    var unanswered = testKit.<Done>createTestProbe();
    var failed = feed.runCommand(new IncidentFeed.Append(List.of(item("a", 1, Status.REPORTED)), unanswered.ref()));
    assertThat(failed.hasNoEvents()).isTrue();
    assertThat(failed.state()).isEqualTo(empty);
    assertThat(published).isEmpty();

    var retried = feed.<Done>runCommand(r -> new IncidentFeed.Append(List.of(item("a", 1, Status.REPORTED)), r));
    assertThat(retried.reply()).isEqualTo(Done.getInstance());
    assertThat(retried.events()).hasSize(1);
    awaitPublished(1);
    assertThat(published).extracting(FeedEntry::seq).containsExactly(1L);
  }

  @Test
  void appendsNewItemsOnceAndPublishesThemWithTheirPosition() {
    var first = feed.<Done>runCommand(r -> new IncidentFeed.Append(
        List.of(item("a", 1, Status.REPORTED), item("a", 2, Status.DISPATCHED)), r));
    // The append is confirmed only once its batch is written.
    assertThat(first.reply()).isEqualTo(Done.getInstance());
    assertThat(first.events()).hasSize(2);
    awaitPublished(2);
    assertThat(published).extracting(FeedEntry::seq).containsExactly(1L, 2L);

    var again = feed.<Done>runCommand(r -> new IncidentFeed.Append(
        List.of(item("a", 1, Status.REPORTED), item("a", 2, Status.DISPATCHED), item("a", 3, Status.ACKNOWLEDGED)), r));
    assertThat(again.reply()).isEqualTo(Done.getInstance());
    awaitPublished(3);
    assertThat(published).extracting(e -> e.item().incidentSeqNr()).containsExactly(1L, 2L, 3L);
    assertThat(feed.<Long>runCommand(IncidentFeed.GetPosition::new).reply()).isEqualTo(3L);

    var duplicate = feed.<Done>runCommand(r -> new IncidentFeed.Append(List.of(item("a", 2, Status.DISPATCHED)), r));
    assertThat(duplicate.hasNoEvents()).isTrue();
    assertThat(duplicate.reply()).isEqualTo(Done.getInstance());

    feed.restart();
    assertThat(feed.getState().marks().get("a").lastSeqNr()).isEqualTo(3L);
  }

  @Test
  void forgetsIncidentsLongAfterTheyEnded() {
    feed.<Done>runCommand(r -> new IncidentFeed.Append(List.of(item("old", 1, Status.CLOSED)), r));
    awaitPublished(1);
    clock.advance(IncidentFeed.REMEMBER_ENDED.plus(Duration.ofDays(1)));
    feed.<Done>runCommand(r -> new IncidentFeed.Append(List.of(item("new", 1, Status.REPORTED)), r));
    awaitPublished(2);
    assertThat(feed.getState().marks()).containsOnlyKeys("new");
  }

  @Test
  void aReplayRebuildsTheSameStateWhateverTheClockSays() {
    feed.<Done>runCommand(r -> new IncidentFeed.Append(List.of(item("ended", 1, Status.CLOSED)), r));
    feed.<Done>runCommand(r -> new IncidentFeed.Append(List.of(item("open", 1, Status.REPORTED)), r));
    var before = feed.getState().marks();
    assertThat(before).containsKeys("ended", "open");
    // Long after: a replay must not forget what the feed remembered when it wrote these events.
    clock.advance(IncidentFeed.REMEMBER_ENDED.multipliedBy(3));
    feed.restart();
    assertThat(feed.getState().marks()).isEqualTo(before);
  }

  private void awaitPublished(int count) {
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(5), () -> {
      assertThat(published).hasSize(count);
      return null;
    });
  }
}
