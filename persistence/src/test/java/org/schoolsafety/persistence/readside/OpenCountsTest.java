package org.schoolsafety.persistence.readside;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.persistence.query.Offset;
import org.junit.jupiter.api.Test;
import org.schoolsafety.hub.incident.IncidentEvent;
import org.schoolsafety.hub.incident.Mode;

/** How the projection keeps the open counts: from the events alone, replays counted once. */
class OpenCountsTest {

  private static final OpenCounts.Key PROVINCE = new OpenCounts.Key("65", "ACTUAL");
  private static final OpenCounts.Key COUNTY = new OpenCounts.Key("650102", "ACTUAL");

  /** The deltas of one incident's events, offsets from {@code firstOffset} on. */
  private static List<OpenCounts.Delta> deltas(List<IncidentEvent> events, long firstOffset) {
    var deltas = new ArrayList<OpenCounts.Delta>();
    IncidentRow row = null;
    for (int i = 0; i < events.size(); i++) {
      IncidentRow next = row == null ? IncidentRow.first(events.get(i), i + 1) : row.apply(events.get(i), i + 1);
      OpenCounts.Delta d = OpenCounts.delta(row, next, Offset.sequence(firstOffset + i));
      if (d != null) {
        deltas.add(d);
      }
      row = next;
    }
    return deltas;
  }

  private static Map<OpenCounts.Key, OpenCounts.Row> empty() {
    var known = new HashMap<OpenCounts.Key, OpenCounts.Row>();
    for (String prefix : OpenCounts.prefixes("650102")) {
      for (String mode : List.of("ACTUAL", "EXERCISE")) {
        known.put(new OpenCounts.Key(prefix, mode), OpenCounts.Row.empty());
      }
    }
    return known;
  }

  @Test
  void anOpenIncidentCountsAtItsLevelWithItsDispatchesInEachOfItsRegionPrefixes() {
    // Reported (III), dispatched to three kinds, fire acknowledged: open.
    var changed = OpenCounts.apply(empty(), deltas(IncidentEvents.fullLife("inc-1").subList(0, 3), 1), Offset.sequence(3));
    assertThat(changed.keySet()).containsExactlyInAnyOrder(PROVINCE, new OpenCounts.Key("6501", "ACTUAL"), COUNTY);
    OpenCounts.Row county = changed.get(COUNTY);
    assertThat(county.levels()).containsEntry("III", 1).containsEntry("I", 0);
    assertThat(county.dispatches()).containsEntry("NOTIFIED", 2).containsEntry("ACKNOWLEDGED", 1);
    assertThat(county.last()).isEqualTo(Offset.sequence(3));
  }

  @Test
  void aRegradedEscalatedIncidentMovesBetweenLevelsAndLeavesTheCountsWhenItEnds() {
    List<IncidentEvent> life = IncidentEvents.fullLife("inc-1");
    // Up to the regrade to level I: counted at I, no longer at III; one escalated dispatch.
    var open = OpenCounts.apply(empty(), deltas(life.subList(0, 5), 1), Offset.sequence(5));
    assertThat(open.get(PROVINCE).levels()).containsEntry("I", 1).containsEntry("III", 0);
    assertThat(open.get(PROVINCE).dispatches()).containsEntry("ESCALATED", 1).containsEntry("ACKNOWLEDGED", 1)
        .containsEntry("NOTIFIED", 2);
    // The whole life (resolved, closed): nothing left anywhere.
    var all = OpenCounts.apply(empty(), deltas(life, 1), Offset.sequence(life.size()));
    all.values().forEach(row -> assertThat(row.values()).containsOnly(0));
    // A drill's false alarm: counted among the drills while open, then gone.
    var drill = deltas(IncidentEvents.falseAlarm("inc-2", Mode.EXERCISE), 1);
    var drillOpen = OpenCounts.apply(empty(), drill.subList(0, 1), Offset.sequence(1));
    assertThat(drillOpen.get(new OpenCounts.Key("65", "EXERCISE")).levels()).containsEntry("IV", 1);
    assertThat(drillOpen).doesNotContainKey(PROVINCE);
  }

  @Test
  void eventsAtOrBelowARowsLastOffsetAreNotCountedAgain() {
    List<OpenCounts.Delta> first = deltas(IncidentEvents.fullLife("inc-1").subList(0, 2), 1);
    var known = empty();
    known.putAll(OpenCounts.apply(known, first, Offset.sequence(2)));
    // The same events again (a replay after a crash between the count rows and the offset): no change.
    assertThat(OpenCounts.apply(known, first, Offset.sequence(2))).isEmpty();
    // A second incident's report at offset 3 counts; the replayed first report (offset 1) still does not.
    var more = new ArrayList<>(first);
    more.addAll(deltas(IncidentEvents.fullLife("inc-2").subList(0, 1), 3));
    var changed = OpenCounts.apply(known, more, Offset.sequence(3));
    assertThat(changed.get(COUNTY).levels()).containsEntry("III", 2);
    assertThat(changed.get(COUNTY).last()).isEqualTo(Offset.sequence(3));
  }

  @Test
  void offsetsRoundTripThroughTheirText() {
    Offset uuid = Offset.timeBasedUUID(java.util.UUID.fromString("49225740-2019-11ea-a752-ffae2393b6e4"));
    assertThat(OpenCounts.decode(OpenCounts.encode(uuid))).isEqualTo(uuid);
    assertThat(OpenCounts.decode(OpenCounts.encode(Offset.sequence(42)))).isEqualTo(Offset.sequence(42));
    assertThat(OpenCounts.isAfter(Offset.sequence(5), null)).isTrue();
    assertThat(OpenCounts.isAfter(Offset.sequence(5), Offset.sequence(5))).isFalse();
  }
}
