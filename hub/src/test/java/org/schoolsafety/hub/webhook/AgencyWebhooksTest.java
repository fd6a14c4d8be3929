package org.schoolsafety.hub.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.hub.HubTestConfig;
import org.schoolsafety.hub.MutableClock;
import org.schoolsafety.hub.Rejection;
import org.schoolsafety.hub.agency.Agency;
import org.schoolsafety.hub.agency.AgencyKind;
import org.schoolsafety.hub.agency.AgencyProfile;
import org.schoolsafety.hub.agency.DispatchNotice;
import org.schoolsafety.hub.agency.Tier;
import org.schoolsafety.hub.incident.DispatchState;
import org.schoolsafety.hub.incident.IncidentType;
import org.schoolsafety.hub.incident.Level;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.incident.Status;
import org.schoolsafety.hub.prevention.Warning;
import org.schoolsafety.hub.prevention.WarningNotice;

/**
 * The outbox of an agency's webhooks, against a scripted agency journal and a courier whose
 * attempts the test completes one by one, with manual time and serialization checks on.
 */
@ExtendWith(TestKitJUnit5Extension.class)
class AgencyWebhooksTest {

  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(HubTestConfig.withManualTime()).build();

  static final String AGENCY = "fire-650102";
  static final WebhookSettings SETTINGS = new WebhookSettings(Duration.ofSeconds(1), 100, 4, 5, 3,
      Duration.ofSeconds(1), Duration.ofSeconds(4), 0.0, Duration.ofSeconds(10), Duration.ofSeconds(30));

  /** One attempt the courier was asked for; the test decides how it ends. */
  record Attempt(String webhookId, PushedNotice notice, int attempt, CompletableFuture<WebhookCourier.Outcome> result) {
    void succeed() {
      result.complete(WebhookCourier.Outcome.delivered("HTTP 204"));
    }

    void fail() {
      result.complete(WebhookCourier.Outcome.failed("HTTP 500"));
    }
  }

  /** The agency's journal as the test writes it. */
  static final class Journal implements AgencyLog {
    final List<Entry> entries = new ArrayList<>();

    synchronized void append(Agency.Event event) {
      entries.add(new Entry(entries.size() + 1, Instant.parse("2026-11-30T08:00:00Z"), event));
    }

    @Override
    public synchronized CompletionStage<List<Entry>> after(String agencyId, long afterSeq, int max) {
      return CompletableFuture.completedFuture(
          entries.stream().filter(e -> e.seq() > afterSeq).limit(max).toList());
    }

    @Override
    public synchronized CompletionStage<Long> position(String agencyId) {
      return CompletableFuture.completedFuture((long) entries.size());
    }
  }

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T08:00:00Z"));
  private final Journal journal = new Journal();
  private ManualTime manualTime;
  private TestProbe<Attempt> attempts;
  private EventSourcedBehaviorTestKit<AgencyWebhooks.Command, AgencyWebhooks.Event, AgencyWebhooks.State> outbox;

  @BeforeEach
  void outbox() {
    manualTime = ManualTime.get(testKit.system());
    attempts = testKit.createTestProbe();
    WebhookCourier courier = (agencyId, webhook, notice, attempt) -> {
      var result = new CompletableFuture<WebhookCourier.Outcome>();
      attempts.ref().tell(new Attempt(webhook.webhookId(), notice, attempt, result));
      return result;
    };
    journal.append(new Agency.Registered(new AgencyProfile(AGENCY, "Tianshan Fire", AgencyKind.FIRE, Tier.COUNTY,
        "650102"), clock.instant(), "operator:test"));
    outbox = EventSourcedBehaviorTestKit.create(testKit.system(),
        AgencyWebhooks.create(AGENCY + "-" + UUID.randomUUID(), journal, courier, SETTINGS, clock, null),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
  }

  private Webhook register(String id) {
    var result = outbox.<StatusReply<Webhook>>runCommand(replyTo -> new AgencyWebhooks.Register(
        new Webhook(id, "https://dispatch.example.cn/" + id, "sealed", clock.instant(), "agency:" + AGENCY), replyTo));
    assertThat(result.reply().isSuccess()).as(String.valueOf(result.reply())).isTrue();
    return result.reply().getValue();
  }

  private static Agency.DispatchTracked dispatch(String incidentId, DispatchState state) {
    return new Agency.DispatchTracked(new DispatchNotice(incidentId, "sch-650102-001", "No. 1 Primary", "650102",
        IncidentType.FIRE, Level.III, Mode.ACTUAL, Status.DISPATCHED, state, Instant.parse("2026-11-30T08:00:00Z"),
        Instant.parse("2026-11-30T08:10:00Z"), null));
  }

  private void tick() {
    manualTime.timePasses(SETTINGS.pollInterval());
  }

  /** Lets poll intervals pass (the clock stands still) until the outbox starts an attempt. */
  private Attempt nextAttempt() {
    return nextAttempt(Duration.ZERO);
  }

  /**
   * Lets poll intervals pass, the clock moving {@code step} each, until the outbox starts an
   * attempt. The outbox takes a finished attempt in asynchronously: waiting this way does not
   * depend on when it does.
   */
  private Attempt nextAttempt(Duration step) {
    for (int i = 0; i < 30; i++) {
      clock.advance(step);
      tick();
      try {
        return attempts.receiveMessage(Duration.ofMillis(300));
      } catch (AssertionError notYet) {
        // the next interval
      }
    }
    throw new AssertionError("no attempt started within 30 poll intervals");
  }

  @Test
  void aFirstWebhookStartsAtTheAgencysPositionAndGetsEveryLaterChange() {
    journal.append(dispatch("inc-old", DispatchState.NOTIFIED));
    register("wh-1");
    journal.append(dispatch("inc-1", DispatchState.NOTIFIED));
    Attempt first = nextAttempt();
    assertThat(first.notice().subject()).isEqualTo("inc-1");
    assertThat(first.notice().seq()).isEqualTo(3);
    assertThat(first.notice().noticeId(AGENCY)).isEqualTo("ntc-fire-650102-3");
    assertThat(outbox.getState().pending("wh-1")).isEqualTo(1);
    first.succeed();
    attempts.awaitAssert(Duration.ofSeconds(3), () -> {
      assertThat(outbox.getState().pending("wh-1")).isZero();
      assertThat(outbox.getState().outbox()).isEmpty();
      return null;
    });
    tick();
    attempts.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void aLaterNoticeOfAnIncidentWaitsForTheEarlierOneButOtherIncidentsGoOn() {
    register("wh-1");
    journal.append(dispatch("inc-a", DispatchState.NOTIFIED));
    journal.append(dispatch("inc-a", DispatchState.ACKNOWLEDGED));
    journal.append(dispatch("inc-b", DispatchState.NOTIFIED));
    tick();
    List<Attempt> started = attempts.receiveSeveralMessages(2, Duration.ofSeconds(3));
    assertThat(started).extracting(a -> a.notice().seq()).containsExactly(2L, 4L);
    tick();
    attempts.expectNoMessage(Duration.ofMillis(200));
    started.get(0).succeed();
    Attempt second = attempts.receiveMessage(Duration.ofSeconds(3));
    assertThat(second.notice().seq()).isEqualTo(3);
    assertThat(second.notice().dispatch().state()).isEqualTo(DispatchState.ACKNOWLEDGED);
  }

  @Test
  void failuresBackOffThenDeadLetterAndTheLaneGoesOnAndADeadLetterCanBeRedelivered() {
    register("wh-1");
    journal.append(dispatch("inc-a", DispatchState.NOTIFIED));
    journal.append(dispatch("inc-a", DispatchState.ESCALATED));
    Attempt a = nextAttempt();
    Instant first = clock.instant();
    a.fail();
    // Retries come later and later (1 s, 2 s, 4 s, 4 s ... of backoff), always of the earlier
    // notice, until 10 s after the first attempt: then it is dead-lettered.
    List<Instant> retries = new ArrayList<>();
    while (true) {
      Attempt next = nextAttempt(Duration.ofMillis(500));
      if (next.notice().seq() != 2) {
        assertThat(clock.instant()).as("dead-lettered only after the retry window")
            .isAfterOrEqualTo(first.plus(SETTINGS.retryFor()));
        next.succeed();
        break;
      }
      assertThat(next.attempt()).isEqualTo(retries.size() + 2);
      retries.add(clock.instant());
      next.fail();
    }
    assertThat(retries.size()).isBetween(3, 5);
    assertThat(Duration.between(retries.get(0), retries.get(1)))
        .isGreaterThan(Duration.between(first, retries.get(0)));
    attempts.awaitAssert(Duration.ofSeconds(3), () -> {
      assertThat(outbox.getState().deadLetters("wh-1")).hasSize(1);
      assertThat(outbox.getState().deadLetters("wh-1").get(0).lastError()).isEqualTo("HTTP 500");
      assertThat(outbox.getState().pending("wh-1")).isZero();
      return null;
    });
    var redelivered = outbox.<StatusReply<Integer>>runCommand(r -> new AgencyWebhooks.Redeliver("wh-1", 2L, "agency:x", r));
    assertThat(redelivered.reply().getValue()).isEqualTo(1);
    assertThat(redelivered.state().deadLetters("wh-1")).isEmpty();
    Attempt again = attempts.receiveMessage(Duration.ofSeconds(3));
    assertThat(again.notice().seq()).isEqualTo(2);
    assertThat(again.attempt()).isEqualTo(1);
  }

  @Test
  void aRestartSendsAgainWhatWasInFlightAndLosesNothing() {
    register("wh-1");
    journal.append(dispatch("inc-a", DispatchState.NOTIFIED));
    Attempt lost = nextAttempt();
    outbox.restart();
    assertThat(outbox.getState().pending("wh-1")).isEqualTo(1);
    Attempt again = nextAttempt();
    assertThat(again.notice().seq()).isEqualTo(lost.notice().seq());
    again.succeed();
    lost.succeed(); // the first attempt's late answer changes nothing
    attempts.awaitAssert(Duration.ofSeconds(3), () -> {
      assertThat(outbox.getState().pending("wh-1")).isZero();
      return null;
    });
  }

  @Test
  void everyWebhookGetsItsOwnCopyAndARemovedOneGetsNothingMore() {
    register("wh-1");
    register("wh-2");
    journal.append(dispatch("inc-a", DispatchState.NOTIFIED));
    tick();
    List<Attempt> both = attempts.receiveSeveralMessages(2, Duration.ofSeconds(3));
    assertThat(both).extracting(Attempt::webhookId).containsExactlyInAnyOrder("wh-1", "wh-2");
    var removed = outbox.<StatusReply<Done>>runCommand(r -> new AgencyWebhooks.Remove("wh-2", "agency:x", r));
    assertThat(removed.reply().isSuccess()).isTrue();
    assertThat(removed.state().webhooks()).containsOnlyKeys("wh-1");
    both.forEach(Attempt::succeed);
    attempts.awaitAssert(Duration.ofSeconds(3), () -> {
      assertThat(outbox.getState().outbox()).isEmpty();
      return null;
    });
    var unknown = outbox.<StatusReply<Done>>runCommand(r -> new AgencyWebhooks.Remove("wh-2", "agency:x", r));
    assertThat(unknown.reply().getError()).isInstanceOf(Rejection.NotFound.class);
  }

  @Test
  void earlyWarningsArePushedInTheirOwnLane() {
    register("wh-1");
    journal.append(dispatch("inc-a", DispatchState.NOTIFIED));
    var warning = new Warning("wr-7-sch-650102-001", "sch-650102-001", "No. 1 Primary", "650102", "HEALTH_CLUSTER",
        "c1", "ORANGE", "3 cases of fever in class 1A", "EDUCATION,HEALTH", "RAISED",
        Instant.parse("2026-11-30T08:00:00Z"), null, null, null, null, null);
    journal.append(new Agency.WarningTracked(new WarningNotice(warning, 1)));
    tick();
    List<Attempt> both = attempts.receiveSeveralMessages(2, Duration.ofSeconds(3));
    assertThat(both).extracting(a -> a.notice().kind())
        .containsExactly(PushedNotice.Kind.DISPATCH, PushedNotice.Kind.WARNING);
    assertThat(both.get(1).notice().subject()).isEqualTo("wr-7-sch-650102-001");
    assertThat(both.get(1).notice().warning().warning().level()).isEqualTo("ORANGE");
  }

  @Test
  void theSameUrlTwiceIsAConflict() {
    register("wh-1");
    var again = outbox.<StatusReply<Webhook>>runCommand(replyTo -> new AgencyWebhooks.Register(
        new Webhook("wh-9", "https://dispatch.example.cn/wh-1", "sealed", clock.instant(), "x"), replyTo));
    assertThat(again.reply().getError()).isInstanceOf(Rejection.Conflict.class);
  }
}
