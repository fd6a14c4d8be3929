package org.schoolsafety.sim.prevention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreventionDrillScenarioTest {

  static final Path SHIPPED = Path.of(System.getProperty("sim.scenarios", "scenarios"));

  @Test
  void theShippedPreventionTermIsRecognisedAndRead() {
    Path file = SHIPPED.resolve("prevention-term.json");
    assertThat(PreventionDrill.Scenario.isPreventionDrill(file)).isTrue();
    var s = PreventionDrill.Scenario.read(file);
    assertThat(s.region()).isEqualTo("650102");
    assertThat(s.termDays()).isEqualTo(84);
    assertThat(s.speed()).isEqualTo(28800.0);
    assertThat(s.ackDelay()).isEqualTo(Duration.ofHours(6));
    assertThat(s.escalationWait()).isZero();
    assertThat(s.describe()).contains("a term of 84 days", "one day = 3.0 s");
    assertThat(PreventionDrill.Scenario.isPreventionDrill(SHIPPED.resolve("school-fire.json"))).isFalse();
    assertThat(PreventionDrill.Scenario.isPreventionDrill(SHIPPED.resolve("lab-fire-sensors.json"))).isFalse();
  }

  @Test
  void everyProblemOfAScenarioIsNamedAtOnce(@TempDir Path dir) throws IOException {
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"kind\":\"prevention\",\"region\":\"65\",\"termDays\":7,\"speed\":0,\"ackDelay\":\"soon\","
        + "\"schools\":[]}");
    assertThatThrownBy(() -> PreventionDrill.Scenario.read(bad))
        .hasMessageContaining("unknown field 'schools'")
        .hasMessageContaining("region")
        .hasMessageContaining("termDays")
        .hasMessageContaining("speed")
        .hasMessageContaining("ackDelay");
  }

  @Test
  void theReportPageEscapesWhatTheHubSaid() {
    Map<String, Object> summary = new java.util.LinkedHashMap<>();
    summary.put("drillId", "d1");
    summary.put("scenario", "prevention-term");
    summary.put("hub", "http://127.0.0.1:8080");
    summary.put("schoolId", "sch-x");
    summary.put("termDays", 21);
    summary.put("termFrom", "2026-11-10");
    summary.put("speed", 57600.0);
    summary.put("dayLengthSeconds", 1.5);
    summary.put("warningsRaised", 1);
    summary.put("warningsByCause", Map.of("HEALTH_CLUSTER", 1));
    summary.put("finalRisk", Map.of("level", "YELLOW", "overall", 40.0));
    summary.put("checksFailed", 0);
    summary.put("riskLevels", List.of(Map.of("level", "YELLOW", "overall", 40.0, "onDay", 0.3)));
    var warning = new java.util.HashMap<String, Object>(Map.of("cause", "HEALTH_CLUSTER", "raisedOnDay", 12.5,
        "level", "ORANGE", "summary", "<script>alert(1)</script>", "causedBy", "a check", "tookFromCauseMs", 11,
        "tookFromCauseTermMinutes", 10.6, "listedAfterMs", 4789, "state", "CLEARED"));
    warning.put("clearedOnDay", 15.3);
    summary.put("warnings", List.of(warning));
    summary.put("hazards", List.of());
    summary.put("checks", List.of(Map.of("check", "a check", "passed", true, "actual", "1")));
    String html = PreventionReport.html(summary);
    assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>");
    assertThat(html).contains("<svg", "HEALTH_CLUSTER", "11 ms", "PASS");
  }
}
