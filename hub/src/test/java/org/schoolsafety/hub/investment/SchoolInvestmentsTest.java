package org.schoolsafety.hub.investment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.hub.HubTestConfig;
import org.schoolsafety.hub.Rejection;

/** A school's spending record, with serialization checks: idempotent on the investment id, tagged for the read side. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchoolInvestmentsTest {

  @JUnit5TestKit
  ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(HubTestConfig.realTime()).build();

  private String schoolId;
  private EventSourcedBehaviorTestKit<SchoolInvestments.Command, SchoolInvestments.Event, SchoolInvestments.State> record;

  @BeforeEach
  void setUp() {
    schoolId = "sch-" + UUID.randomUUID();
    record = EventSourcedBehaviorTestKit.create(testKit.system(), SchoolInvestments.create(schoolId),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
  }

  private Investment investment(String id, long fen, String by) {
    return new Investment(id, schoolId, "650102", LocalDate.parse("2026-11-20"), InvestmentCategory.SENSORS, fen,
        "hz-1", "smoke detectors 2026", Instant.parse("2026-11-29T08:00:00Z"), by);
  }

  @Test
  void recordsOnceAndAnswersARetryWithWhatIsRecorded() {
    var first = record.<StatusReply<SchoolInvestments.Recorded>>runCommand(
        r -> new SchoolInvestments.Record(investment("inv-1", 1_250_050, "school-staff:a"), r));
    assertThat(first.events()).containsExactly(
        new SchoolInvestments.InvestmentRecorded(investment("inv-1", 1_250_050, "school-staff:a")));
    assertThat(first.reply().getValue().replayed()).isFalse();

    // The same spending sent again by someone else, later: no event, the stored one back.
    var retry = record.<StatusReply<SchoolInvestments.Recorded>>runCommand(
        r -> new SchoolInvestments.Record(investment("inv-1", 1_250_050, "agency:edu-650102"), r));
    assertThat(retry.hasNoEvents()).isTrue();
    assertThat(retry.reply().getValue()).isEqualTo(
        new SchoolInvestments.Recorded(investment("inv-1", 1_250_050, "school-staff:a"), true));

    // Other figures under the same id are refused and change nothing.
    var other = record.<StatusReply<SchoolInvestments.Recorded>>runCommand(
        r -> new SchoolInvestments.Record(investment("inv-1", 99, "school-staff:a"), r));
    assertThat(other.hasNoEvents()).isTrue();
    assertThat(other.reply().getError()).isInstanceOf(Rejection.Conflict.class);

    record.<StatusReply<SchoolInvestments.Recorded>>runCommand(
        r -> new SchoolInvestments.Record(investment("inv-2", 100, "school-staff:a"), r));
    var state = record.<StatusReply<SchoolInvestments.State>>runCommand(SchoolInvestments.Get::new).reply().getValue();
    assertThat(state.list()).extracting(Investment::investmentId).containsExactly("inv-1", "inv-2");
    record.restart();
    assertThat(record.getState().investments()).hasSize(2);
  }

  @Test
  void anotherSchoolsInvestmentIsRefused() {
    var foreign = new Investment("inv-x", "sch-other", "650102", LocalDate.parse("2026-11-20"),
        InvestmentCategory.OTHER, 100, null, null, Instant.parse("2026-11-29T08:00:00Z"), "x");
    var result = record.<StatusReply<SchoolInvestments.Recorded>>runCommand(
        r -> new SchoolInvestments.Record(foreign, r));
    assertThat(result.hasNoEvents()).isTrue();
    assertThat(result.reply().getError()).isInstanceOf(Rejection.Invalid.class);
  }
}
