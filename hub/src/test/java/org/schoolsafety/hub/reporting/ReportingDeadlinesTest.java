package org.schoolsafety.hub.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.schoolsafety.hub.reporting.ReportingFacts.Update;

/** The deadlines at their edges, under the defaults of reference.conf. */
class ReportingDeadlinesTest {

  static final ReportingRules RULES = ReportingRules.fromConfig(ConfigFactory.load());
  static final Instant T0 = Instant.parse("2026-11-10T02:00:00Z");

  static ReportingDeadline named(List<ReportingDeadline> all, String name) {
    return all.stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow(
        () -> new AssertionError("no deadline " + name + " in " + all));
  }

  static List<String> names(List<ReportingDeadline> all) {
    return all.stream().map(ReportingDeadline::name).toList();
  }

  @Test
  void theDefaultsAreTheDocumentedOnes() {
    assertThat(RULES).isEqualTo(ReportingRules.defaults());
    assertThat(RULES.initial()).isEqualTo(Duration.ofHours(1));
    assertThat(RULES.quick()).isEqualTo(Duration.ofMinutes(30));
    assertThat(RULES.continuationEvery()).isEqualTo(Duration.ofHours(4));
    assertThat(RULES.finalReport()).isEqualTo(Duration.ofDays(7));
    assertThat(RULES.zone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
  }

  @Test
  void anInitialReportAfter59MinutesIsOnTimeAfter61Late() {
    var onTime = ReportingDeadlines.of(ReportingFacts.reported(T0, T0.plusSeconds(59 * 60), "IV", null), RULES,
        T0.plus(Duration.ofDays(1)));
    var late = ReportingDeadlines.of(ReportingFacts.reported(T0, T0.plusSeconds(61 * 60), "IV", null), RULES,
        T0.plus(Duration.ofDays(1)));
    assertThat(named(onTime, "initial")).isEqualTo(new ReportingDeadline("initial", T0.plusSeconds(3600),
        T0.plusSeconds(59 * 60), true));
    assertThat(named(late, "initial").met()).isFalse();
    assertThat(named(late, "initial").doneAt()).isEqualTo(T0.plusSeconds(61 * 60));
    // Exactly on the hour is still on time.
    var exactly = ReportingDeadlines.of(ReportingFacts.reported(T0, T0.plusSeconds(3600), "IV", null), RULES, T0);
    assertThat(named(exactly, "initial").met()).isTrue();
  }

  @Test
  void levelsIAndIIOweAQuickReportWithin30Minutes() {
    var levelII = ReportingDeadlines.of(ReportingFacts.reported(T0, T0.plusSeconds(31 * 60), "II", null), RULES, T0);
    assertThat(named(levelII, "quick")).isEqualTo(new ReportingDeadline("quick", T0.plusSeconds(1800),
        T0.plusSeconds(31 * 60), false));
    assertThat(named(levelII, "initial").met()).isTrue();
    var levelI = ReportingDeadlines.of(ReportingFacts.reported(T0, T0.plusSeconds(29 * 60), "I", null), RULES, T0);
    assertThat(named(levelI, "quick").met()).isTrue();
    var levelIII = ReportingDeadlines.of(ReportingFacts.reported(T0, T0.plusSeconds(29 * 60), "III", null), RULES, T0);
    assertThat(names(levelIII)).doesNotContain("quick");
  }

  @Test
  void deadlinesAreInstantsWhateverTheZoneOfTheReport() {
    // 23:30 in Shanghai on 31 January is 15:30 UTC: the report 61 minutes later falls on
    // 1 February in Shanghai (00:31) and is late, though it is still 31 January in UTC.
    Instant occurred = java.time.ZonedDateTime.parse("2026-01-31T23:30:00+08:00[Asia/Shanghai]").toInstant();
    assertThat(occurred).isEqualTo(Instant.parse("2026-01-31T15:30:00Z"));
    var facts = ReportingFacts.reported(occurred, occurred.plusSeconds(61 * 60), "III", null);
    var deadlines = ReportingDeadlines.of(facts, RULES, occurred.plus(Duration.ofDays(30)));
    assertThat(named(deadlines, "initial").due()).isEqualTo(Instant.parse("2026-01-31T16:30:00Z"));
    assertThat(named(deadlines, "initial").met()).isFalse();
    // The same rules in another zone judge the same instants the same way.
    var utc = new ReportingRules(RULES.initial(), RULES.quick(), RULES.continuationEvery(), RULES.finalReport(),
        ZoneId.of("UTC"));
    assertThat(ReportingDeadlines.of(facts, utc, occurred.plus(Duration.ofDays(30)))).isEqualTo(deadlines);
  }

  @Test
  void continuationsAreDueEveryFourHoursFromTheLastReportWhileOpenAndGradedIToIII() {
    // Reported 22:10 UTC on 30 November; continuations across midnight and the month's end.
    Instant reported = Instant.parse("2026-11-30T22:10:00Z");
    var facts = ReportingFacts.reported(reported.minusSeconds(600), reported, "III", null)
        .with(new Update("CONTINUATION", Instant.parse("2026-12-01T02:10:00Z"), "III")) // exactly 4 h: on time
        .with(new Update("CONTINUATION", Instant.parse("2026-12-01T06:11:00Z"), "IV")) // 4 h 1 min: late; now IV
        .with(new Update("CONTINUATION", Instant.parse("2026-12-01T20:00:00Z"), "II")); // level IV owed nothing
    Instant now = Instant.parse("2026-12-02T01:00:00Z");
    var deadlines = ReportingDeadlines.of(facts, RULES, now);
    assertThat(named(deadlines, "continuation-1")).isEqualTo(new ReportingDeadline("continuation-1",
        Instant.parse("2026-12-01T02:10:00Z"), Instant.parse("2026-12-01T02:10:00Z"), true));
    assertThat(named(deadlines, "continuation-2")).isEqualTo(new ReportingDeadline("continuation-2",
        Instant.parse("2026-12-01T06:10:00Z"), Instant.parse("2026-12-01T06:11:00Z"), false));
    // Graded II again at 20:00: the next is due at midnight and overdue now.
    assertThat(named(deadlines, "continuation-3")).isEqualTo(new ReportingDeadline("continuation-3",
        Instant.parse("2026-12-02T00:00:00Z"), null, false));
    assertThat(names(deadlines)).containsExactly("initial", "continuation-1", "continuation-2", "continuation-3",
        "final");
    // Before it fell due it is simply pending.
    assertThat(named(ReportingDeadlines.of(facts, RULES, Instant.parse("2026-12-01T23:00:00Z")), "continuation-3")
        .met()).isNull();
  }

  @Test
  void theFinalReportEndsTheContinuationsAndIsDueSevenDaysAfterOccurrence() {
    var facts = ReportingFacts.reported(T0, T0.plusSeconds(600), "II", null)
        .with(new Update("FINAL", T0.plus(Duration.ofHours(3)), "II"));
    var deadlines = ReportingDeadlines.of(facts, RULES, T0.plus(Duration.ofDays(30)));
    assertThat(names(deadlines)).containsExactly("initial", "quick", "final");
    assertThat(named(deadlines, "final")).isEqualTo(new ReportingDeadline("final", T0.plus(Duration.ofDays(7)),
        T0.plus(Duration.ofHours(3)), true));

    // A final report after a continuation fell due fulfils it, late.
    var lateFinal = ReportingFacts.reported(T0, T0.plusSeconds(600), "III", null)
        .with(new Update("FINAL", T0.plus(Duration.ofDays(8)), "III"));
    var judged = ReportingDeadlines.of(lateFinal, RULES, T0.plus(Duration.ofDays(30)));
    assertThat(named(judged, "continuation-1").doneAt()).isEqualTo(T0.plus(Duration.ofDays(8)));
    assertThat(named(judged, "continuation-1").met()).isFalse();
    assertThat(named(judged, "final").met()).isFalse();

    // Unresolved: pending until seven days have passed, then overdue.
    var open = ReportingFacts.reported(T0, T0.plusSeconds(600), "IV", null);
    assertThat(named(ReportingDeadlines.of(open, RULES, T0.plus(Duration.ofDays(7))), "final").met()).isNull();
    assertThat(named(ReportingDeadlines.of(open, RULES, T0.plus(Duration.ofDays(7)).plusSeconds(1)), "final").met())
        .isFalse();
  }

  @Test
  void aCancelledIncidentOwesNoFinalReportAndNoContinuationDueAfterIt() {
    var facts = ReportingFacts.reported(T0, T0.plusSeconds(600), "III", null).cancelledAt(T0.plusSeconds(3600));
    var deadlines = ReportingDeadlines.of(facts, RULES, T0.plus(Duration.ofDays(30)));
    assertThat(names(deadlines)).containsExactly("initial");
  }

  @Test
  void drillsDeadlinesShrinkByTheirTimeScale() {
    var facts = ReportingFacts.reported(T0, T0.plusSeconds(61), "IV", 60.0);
    var deadlines = ReportingDeadlines.of(facts, RULES, T0.plus(Duration.ofDays(1)));
    assertThat(named(deadlines, "initial").due()).isEqualTo(T0.plusSeconds(60));
    assertThat(named(deadlines, "initial").met()).isFalse();
  }

  @Test
  void withoutAnOccurrenceTimeTheReportIsOnTime() {
    var deadlines = ReportingDeadlines.of(ReportingFacts.reported(null, T0, "IV", null), RULES, T0);
    assertThat(named(deadlines, "initial").met()).isTrue();
  }
}
