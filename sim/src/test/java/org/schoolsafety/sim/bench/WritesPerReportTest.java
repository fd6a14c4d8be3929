package org.schoolsafety.sim.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class WritesPerReportTest {

  private static final Map<String, Long> BEFORE = Map.of(
      "school_safety.messages", 1_000L,
      "school_safety.tag_views", 400L,
      "school_safety_read.open_incidents_by_region", 50L,
      "system.local", 10L,
      "system_auth.roles", 3L,
      "bench.rows", 100_000L,
      "school_safety.metadata", 7L);

  @Test
  void theDeltaOfTheHubsTablesDividedByTheAcceptedReports() {
    var after = Map.of(
        "school_safety.messages", 1_250L,                      // +250
        "school_safety.tag_views", 500L,                       // +100
        "school_safety_read.open_incidents_by_region", 100L,   // +50
        "school_safety_read.offset_store", 5L,                 // new table: +5
        "system.local", 99L,                                   // Cassandra's own: left out
        "system_auth.roles", 4L,
        "bench.rows", 300_000L,                                // the baseline's: left out
        "school_safety.metadata", 7L);                         // unchanged: not listed

    WritesPerReport w = WritesPerReport.between(BEFORE, after, 50);

    assertThat(w.reports()).isEqualTo(50);
    assertThat(w.writes()).isEqualTo(405);
    assertThat(w.perReport()).isEqualTo(8.1);
    assertThat(w.problems()).isEmpty();
    assertThat(w.byTable()).containsExactly(
        Map.entry("school_safety.messages", new WritesPerReport.Table(250, 5.0)),
        Map.entry("school_safety.tag_views", new WritesPerReport.Table(100, 2.0)),
        Map.entry("school_safety_read.open_incidents_by_region", new WritesPerReport.Table(50, 1.0)),
        Map.entry("school_safety_read.offset_store", new WritesPerReport.Table(5, 0.1)));
  }

  @Test
  void perReportIsRoundedToHundredths() {
    WritesPerReport w = WritesPerReport.between(Map.of("ks.t", 0L), Map.of("ks.t", 100L), 3);
    assertThat(w.perReport()).isEqualTo(33.33);
    assertThat(w.byTable().get("ks.t").perReport()).isEqualTo(33.33);
  }

  @Test
  void noAcceptedReportGivesNoFigure() {
    WritesPerReport w = WritesPerReport.between(Map.of("ks.t", 0L), Map.of("ks.t", 10L), 0);
    assertThat(w.writes()).isEqualTo(10);
    assertThat(w.perReport()).isNull();
  }

  @Test
  void aCounterThatWentDownMakesTheFigureMeaningless() {
    WritesPerReport w = WritesPerReport.between(Map.of("ks.a", 500L, "ks.b", 1L), Map.of("ks.a", 20L, "ks.b", 11L), 5);
    assertThat(w.perReport()).isNull();
    assertThat(w.problems()).singleElement().asString().contains("ks.a", "500", "20", "restart");
    assertThat(w.byTable()).containsOnlyKeys("ks.b");
  }

  @Test
  void onlyTheHubsKeyspacesCount() {
    assertThat(WritesPerReport.counts("school_safety.messages")).isTrue();
    assertThat(WritesPerReport.counts("school_safety_read.offset_store")).isTrue();
    assertThat(WritesPerReport.counts("system.paxos")).isFalse();
    assertThat(WritesPerReport.counts("system_schema.tables")).isFalse();
    assertThat(WritesPerReport.counts("bench.rows")).isFalse();
  }
}
