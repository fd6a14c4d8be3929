package org.schoolsafety.persistence.readside;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.schoolsafety.hub.incident.DispatchState;
import org.schoolsafety.hub.incident.IncidentEvent;
import org.schoolsafety.hub.incident.IncidentState;
import org.schoolsafety.hub.incident.IncidentReport;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.incident.ReportKind;
import org.schoolsafety.hub.incident.Status;
import org.schoolsafety.hub.reporting.ReportingFacts;

/** The read side's fold agrees with the entity's own event handler after every event. */
class IncidentRowTest {

  @Test
  void afterEveryEventTheRowSaysWhatTheEntitySays() {
    for (List<IncidentEvent> life : List.of(IncidentEvents.fullLife("inc-1"), IncidentEvents.falseAlarm("inc-2", Mode.ACTUAL),
        IncidentEvents.falseAlarm("inc-3", Mode.EXERCISE))) {
      IncidentState state = IncidentState.empty(life.get(0).incidentId());
      IncidentRow row = null;
      long seq = 0;
      for (IncidentEvent event : life) {
        seq++;
        state = state.apply(event);
        row = row == null ? IncidentRow.first(event, seq) : row.apply(event, seq);
        IncidentSummary s = row.summary();
        String step = IncidentEvent.nameOf(event) + " of " + event.incidentId();
        assertThat(s.status()).as(step).isEqualTo(state.status().name());
        assertThat(s.level()).as(step).isEqualTo(state.level().name());
        assertThat(s.updatedAt()).as(step).isEqualTo(event.at());
        assertThat(s.reportedAt()).as(step).isEqualTo(state.reportedAt());
        assertThat(s.mode()).as(step).isEqualTo(state.incident().mode().name());
        for (DispatchState d : DispatchState.values()) {
          assertThat(count(s, d)).as(step + " " + d)
              .isEqualTo(state.dispatches().stream().filter(x -> x.state() == d).count());
        }
        assertThat(row.reporting()).as(step + ": the entity's own reporting facts").isEqualTo(state.reportingFacts());
        assertThat(row.casualties()).as(step + ": the latest casualty figures").isEqualTo(state.casualties());
        assertThat(row.dispatches()).as(step).hasSameSizeAs(state.dispatches());
        for (int i = 0; i < row.dispatches().size(); i++) {
          var mine = row.dispatches().get(i);
          var theirs = state.dispatches().get(i);
          assertThat(mine.agencyId()).isEqualTo(theirs.agencyId());
          assertThat(mine.state()).isEqualTo(theirs.state().name());
          assertThat(mine.ackAt()).isEqualTo(theirs.ackAt());
          assertThat(mine.notifiedAt()).isEqualTo(theirs.notifiedAt());
        }
      }
    }
  }

  @Test
  void aReplayedEventChangesNothing() {
    var life = IncidentEvents.fullLife("inc-4");
    IncidentRow row = IncidentRow.first(life.get(0), 1);
    for (int i = 1; i < 4; i++) {
      row = row.apply(life.get(i), i + 1);
    }
    IncidentRow settled = row;
    for (int i = 1; i < 4; i++) {
      assertThat(settled.apply(life.get(i), i + 1)).isEqualTo(settled);
    }
    assertThat(settled.lastSeq()).isEqualTo(4);
  }

  /** Issue 18: the reporting facts are the entity's reports, folded from the events alone, and survive the row's JSON. */
  @Test
  void theReportingFactsAreTheReportsTheEntityHolds() throws Exception {
    for (List<IncidentEvent> life : List.of(IncidentEvents.fullLife("inc-6"), IncidentEvents.falseAlarm("inc-7", Mode.ACTUAL))) {
      IncidentState state = IncidentState.empty(life.get(0).incidentId());
      IncidentRow row = null;
      long seq = 0;
      for (IncidentEvent event : life) {
        state = state.apply(event);
        row = row == null ? IncidentRow.first(event, ++seq) : row.apply(event, ++seq);
      }
      ReportingFacts facts = row.reporting();
      assertThat(facts.reportedAt()).isEqualTo(state.reportedAt());
      assertThat(facts.occurredAt()).isEqualTo(state.incident().initial().occurredAt());
      assertThat(facts.initialLevel()).isEqualTo(state.incident().level().name());
      assertThat(facts.updates()).extracting(ReportingFacts.Update::kind).containsExactlyElementsOf(state.reports().stream()
          .filter(r -> r.kind() != ReportKind.INITIAL).map(r -> r.kind().name()).toList());
      assertThat(facts.updates()).extracting(ReportingFacts.Update::at).containsExactlyElementsOf(state.reports().stream()
          .filter(r -> r.kind() != ReportKind.INITIAL).map(IncidentReport::at).toList());
      assertThat(facts.endedAt() != null).isEqualTo(state.status() == Status.CANCELLED);
      assertThat(IncidentSummaryWriter.reporting(IncidentSummaryWriter.JSON.writeValueAsString(facts))).isEqualTo(facts);
    }
  }

  @Test
  void onlyAReportStartsARow() {
    var life = IncidentEvents.fullLife("inc-5");
    assertThat(IncidentRow.first(life.get(1), 2)).isNull();
    assertThat(IncidentRow.first(life.get(0), 1).summary().status()).isEqualTo("REPORTED");
  }

  private static long count(IncidentSummary s, DispatchState d) {
    return switch (d) {
      case NOTIFIED -> s.notified();
      case ACKNOWLEDGED -> s.acknowledged();
      case ESCALATED -> s.escalated();
      case UNANSWERED -> s.unanswered();
    };
  }
}
