package org.schoolsafety.hub.incident;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.schoolsafety.hub.feed.FeedItem;
import org.schoolsafety.hub.region.RegionCode;

/**
 * The incident's state stays bounded however long its history, and what is derived from the
 * kept part (feed sequence numbers, report numbers) still counts the whole history.
 */
class IncidentStateBoundTest {

  private static final String ID = "inc-650102-bound";
  private static final Instant T0 = Instant.parse("2026-11-29T08:00:00Z");

  private static IncidentEvent reported() {
    var school = new SchoolRef("sch-650102-001", "Tianshan No. 1 Primary", RegionCode.of("650102"));
    var initial = new IncidentReport(ReportKind.INITIAL, null, null, T0.minusSeconds(60), "smoke",
        new Casualties(0, 1, 0), "evacuated", Level.III, new Reporter("Wang Fang", "principal", null), null, null);
    var incident = new NewIncident(school, IncidentType.FIRE, Level.III, Mode.ACTUAL, initial, "bound-1");
    return new IncidentEvent.Reported(ID, incident, incident.fingerprint(), T0, "school-staff:sch-650102-001");
  }

  private static IncidentEvent continuation(int n) {
    return new IncidentEvent.ReportAdded(ID, IncidentReport.followUp(ReportKind.CONTINUATION, "update " + n,
        new Casualties(0, n, 0), null, null, null, null), T0.plusSeconds(n), "school-staff:sch-650102-001");
  }

  private static List<IncidentEvent> history(int continuations) {
    var events = new ArrayList<IncidentEvent>();
    events.add(reported());
    for (int n = 1; n <= continuations; n++) {
      events.add(continuation(n));
    }
    return events;
  }

  private static IncidentState fold(List<IncidentEvent> events) {
    IncidentState state = IncidentState.empty(ID);
    for (IncidentEvent e : events) {
      state = state.apply(e);
    }
    return state;
  }

  @Test
  void a_short_history_is_kept_whole() {
    IncidentState s = fold(history(5));
    assertThat(s.timeline()).hasSize(6);
    assertThat(s.reports()).hasSize(6);
    assertThat(s.eventCount()).isEqualTo(6);
    assertThat(s.reportCount()).isEqualTo(6);
    assertThat(s.isTrimmed()).isFalse();
    assertThat(s.firstTimelineSequenceNr()).isEqualTo(1);
    assertThat(s.reportNumber(5)).isEqualTo(6);
  }

  @Test
  void a_long_history_keeps_the_initial_report_and_the_latest_ones() {
    IncidentState s = fold(history(9_999));

    assertThat(s.eventCount()).isEqualTo(10_000);
    assertThat(s.reportCount()).isEqualTo(10_000);
    assertThat(s.isTrimmed()).isTrue();
    assertThat(s.timeline()).hasSize(IncidentState.TIMELINE_KEPT);
    assertThat(s.timeline().get(s.timeline().size() - 1).detail()).isEqualTo("update 9999");
    assertThat(s.firstTimelineSequenceNr()).isEqualTo(10_000 - IncidentState.TIMELINE_KEPT + 1);

    assertThat(s.reports()).hasSize(IncidentState.REPORTS_KEPT);
    assertThat(s.reports().get(0).kind()).isEqualTo(ReportKind.INITIAL);
    assertThat(s.reports().get(1).summary()).isEqualTo("update " + (9_999 - IncidentState.REPORTS_KEPT + 2));
    assertThat(s.reportNumber(1)).isEqualTo(10_000 - IncidentState.REPORTS_KEPT + 2);
    assertThat(s.reportNumber(IncidentState.REPORTS_KEPT - 1)).isEqualTo(10_000);
    // What the decisions read is unchanged by the bound.
    assertThat(s.reportedAt()).isEqualTo(T0);
    assertThat(s.casualties().injured()).isEqualTo(9_999);
  }

  @Test
  void feed_items_carry_the_journal_sequence_numbers_of_the_whole_history() {
    IncidentState before = fold(history(998));
    IncidentState after = before.apply(continuation(999));

    List<FeedItem> fresh = Courier.feedItems(after, before.eventCount());
    assertThat(fresh).extracting(FeedItem::incidentSeqNr).containsExactly(1_000L);

    List<FeedItem> all = Courier.feedItems(after, 0);
    assertThat(all).hasSize(IncidentState.TIMELINE_KEPT);
    assertThat(all.get(0).incidentSeqNr()).isEqualTo(1_000L - IncidentState.TIMELINE_KEPT + 1);
    assertThat(all.get(all.size() - 1).detail()).isEqualTo("update 999");
  }

  @Test
  void a_snapshot_written_before_the_bound_recovers_with_its_counts() throws Exception {
    // As Pekko's Jackson serializer reads snapshots: unknown properties (derived getters) ignored.
    ObjectMapper cbor = new CBORMapper().findAndRegisterModules()
        .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    IncidentState s = fold(history(IncidentState.REPORTS_KEPT - 6)); // under the bound, as an old snapshot could be
    ObjectNode old = cbor.valueToTree(s);
    old.remove("eventCount");
    old.remove("reportCount");

    IncidentState read = cbor.treeToValue(old, IncidentState.class);

    int kept = IncidentState.REPORTS_KEPT - 5;
    assertThat(read.eventCount()).isEqualTo(kept);
    assertThat(read.reportCount()).isEqualTo(kept);
    IncidentState next = read;
    int last = kept + 14;
    for (int n = kept; n <= last; n++) {
      next = next.apply(continuation(n));
    }
    assertThat(next.eventCount()).isEqualTo(last + 1);
    assertThat(next.reports()).hasSize(IncidentState.REPORTS_KEPT);
    assertThat(next.reportNumber(IncidentState.REPORTS_KEPT - 1)).isEqualTo(last + 1);
    assertThat(next.reports().get(IncidentState.REPORTS_KEPT - 1).summary()).isEqualTo("update " + last);
  }
}
