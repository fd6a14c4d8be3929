package org.schoolsafety.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Scenario files: the shipped ones parse; malformed ones are refused naming the line or the field. */
class ScenarioParserTest {

  static final Path SHIPPED = Path.of(System.getProperty("sim.scenarios", "scenarios"));

  /**
   * The shipped drill scenarios; sensor drills ({@code "kind": "sensors"}) and prevention drills
   * ({@code "kind": "prevention"}) have formats of their own.
   */
  static Stream<Path> shipped() throws IOException {
    return Files.list(SHIPPED).filter(p -> p.toString().endsWith(".json"))
        .filter(p -> !org.schoolsafety.sim.sensors.SensorDrill.Scenario.isSensorDrill(p))
        .filter(p -> !org.schoolsafety.sim.prevention.PreventionDrill.Scenario.isPreventionDrill(p))
        .filter(p -> !org.schoolsafety.sim.history.HistoryScenario.isHistory(p)).sorted();
  }

  @ParameterizedTest
  @MethodSource("shipped")
  void shippedScenariosParse(Path file) {
    Scenario s = ScenarioParser.read(file);
    assertThat(file.getFileName().toString()).isEqualTo(s.name() + ".json");
    assertThat(s.incidents()).isNotEmpty();
    assertThat(s.targets()).isNotEmpty();
  }

  @Test
  void theRequiredScenariosAreShipped() throws IOException {
    assertThat(shipped().map(p -> p.getFileName().toString()))
        .contains("earthquake-county.json", "school-fire.json", "intruder-lockdown.json",
            "food-poisoning-outbreak.json", "typhoon-shelter.json");
  }

  private static final String VALID = """
      {
        "name": "tiny",
        "schools": { "list": ["sch-1"] },
        "incidents": [
          { "type": "FIRE", "level": "II", "count": 1, "summary": "smoke",
            "final": { "after": "1h" }, "close": { "after": "5m" } }
        ],
        "targets": [ { "metric": "ackTime", "within": "2m" } ]
      }
      """;

  @Test
  void aValidScenarioReadsWithDefaults() {
    Scenario s = ScenarioParser.parse(VALID, "tiny.json");
    assertThat(s.speed()).isEqualTo(60.0);
    assertThat(s.schools().list()).containsExactly("sch-1");
    Scenario.Wave w = s.incidents().get(0);
    assertThat(w.levels()).containsOnlyKeys("II");
    assertThat(w.fin().after()).isEqualTo(new Distribution.Fixed(Duration.ofHours(1)));
    assertThat(w.close().by()).isEqualTo("COMMAND_CENTER");
    assertThat(s.targets().get(0).name()).isEqualTo("ackTime: all within 2m00s");
  }

  @Test
  void malformedJsonNamesTheLine() {
    String missingComma = """
        {
          "name": "tiny"
          "schools": { "list": ["sch-1"] }
        }
        """;
    assertThatThrownBy(() -> ScenarioParser.parse(missingComma, "bad.json"))
        .isInstanceOf(ScenarioException.class)
        .hasMessageStartingWith("bad.json: line 3, column")
        .hasMessageContaining("invalid JSON");
  }

  @Test
  void unclosedDocumentNamesTheLineWhereItEnds() {
    String unclosed = "{\n  \"name\": \"tiny\",\n  \"schools\": { \"list\": [\"sch-1\"] }\n";
    assertThatThrownBy(() -> ScenarioParser.parse(unclosed, "bad.json"))
        .hasMessageContaining("line 4")
        .hasMessageContaining("invalid JSON");
  }

  @Test
  void duplicateKeysAreRefusedWithTheirLine() {
    String duplicate = VALID.replace("\"name\": \"tiny\",", "\"name\": \"tiny\",\n  \"name\": \"again\",");
    assertThatThrownBy(() -> ScenarioParser.parse(duplicate, "dup.json"))
        .hasMessageContaining("line 3")
        .hasMessageContaining("Duplicate field 'name'");
  }

  @Test
  void trailingContentIsRefused() {
    assertThatThrownBy(() -> ScenarioParser.parse(VALID + "\n{}", "two.json"))
        .hasMessageContaining("line 11")
        .hasMessageContaining("invalid JSON");
  }

  @Test
  void emptyFileIsRefused() {
    assertThatThrownBy(() -> ScenarioParser.parse("  \n", "empty.json")).hasMessageContaining("empty");
  }

  @Test
  void aWrongValueNamesItsFieldPathAndLine() {
    String badLevel = VALID.replace("\"level\": \"II\"", "\"level\": \"V\"");
    assertThatThrownBy(() -> ScenarioParser.parse(badLevel, "lvl.json"))
        .isInstanceOf(ScenarioException.class)
        .hasMessageContaining("incidents[0].level (line 5): must be one of [I, II, III, IV, UNGRADED]");
  }

  @Test
  void aMisspelledFieldIsNamed() {
    String typo = VALID.replace("\"summary\": \"smoke\"", "\"sumary\": \"smoke\"");
    var e = catchScenario(typo);
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("incidents[0].sumary (line 5): unknown field"));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("incidents[0].summary (line 5): is required"));
  }

  @Test
  void nestedDurationsAndDistributionsNameTheirPath() {
    String bad = VALID.replace("\"after\": \"1h\"", "\"after\": { \"lognormal\": { \"median\": \"5m\", \"p95\": \"2 hours\" } }");
    assertThatThrownBy(() -> ScenarioParser.parse(bad, "d.json"))
        .hasMessageContaining("incidents[0].final.after.lognormal.p95 (line 6): must be a duration such as 500ms, 90s, 2m, 1.5h or 1d, not '2 hours'");
  }

  @Test
  void everyProblemOfAFileIsReportedAtOnce() {
    String bad = """
        {
          "name": "Not A Name",
          "speed": 5000,
          "schools": { "region": "6" },
          "incidents": [
            { "type": "FIRE", "count": 1, "perSchool": 2, "summary": "x", "close": {} }
          ],
          "agencies": [ { "kind": "NAVY", "ackDelay": { "uniform": ["2m", "1m"] }, "noAnswer": 2 } ],
          "targets": [
            { "metric": "ackTime" },
            { "metric": "escalations", "within": "2m", "atMost": 1 },
            { "metric": "speed", "within": "2m" },
            { "metric": "dispatchTime", "where": { "tier": "CITY" }, "within": "5s" }
          ]
        }
        """;
    ScenarioException e = catchScenario(bad);
    assertThat(e.problems()).containsExactlyInAnyOrder(
        "name (line 2): must be 1-40 of a-z, 0-9 and '-', not 'Not A Name'",
        "speed (line 3): must be between 1.0 and 3600.0, not 5000",
        "schools.region (line 4): must be a region-code prefix of 2, 4 or 6 digits, not '6'",
        "incidents[0] (line 6): needs exactly one of \"count\" (incidents in all) and \"perSchool\" (incidents per school)",
        "incidents[0].close (line 6): needs a \"final\" report first: the hub closes only resolved incidents",
        "agencies[0].kind (line 8): must be one of [POLICE, FIRE, HEALTH, EDUCATION], not 'NAVY'",
        "agencies[0].ackDelay.uniform (line 8): max must not be less than min",
        "agencies[0].noAnswer (line 8): must be between 0.0 and 1.0, not 2",
        "targets[0].within (line 10): is required for metric ackTime (a duration such as \"2m\")",
        "targets[1].within (line 11): applies to duration metrics; use atMost for escalations",
        "targets[2].metric (line 12): must be one of [ackTime, closeTime, dispatchAckTime, dispatchTime, escalations,"
            + " finalReport, initialReport, missingIncidents, unacknowledged, unanswered], not 'speed'",
        "targets[3].where.tier (line 13): applies only to dispatchAckTime, escalations, unanswered and unacknowledged");
    assertThat(e.getMessage()).startsWith("many.json: 12 problems:");
  }

  @Test
  void missingTopLevelSectionsAreNamed() {
    ScenarioException e = catchScenario("{ \"name\": \"x\" }");
    assertThat(e.problems()).containsExactly("schools (line 1): is required", "incidents (line 1): is required");
  }

  @Test
  void schoolsNeedListOrRegionAndProvisionNeedsACount() {
    ScenarioException e = catchScenario(VALID.replace("{ \"list\": [\"sch-1\"] }",
        "{ \"region\": \"65\", \"provision\": { \"counties\": [\"110101\"] } }"));
    assertThat(e.problems()).containsExactlyInAnyOrder(
        "schools.count (line 3): is required with provision: how many schools should take part",
        "schools.provision.counties[0] (line 3): must lie within region 65");
  }

  private static ScenarioException catchScenario(String text) {
    try {
      ScenarioParser.parse(text, "many.json");
    } catch (ScenarioException e) {
      return e;
    }
    throw new AssertionError("the scenario was accepted");
  }

  @Test
  void durationsReadAndPrint() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("2d")).isEqualTo(Duration.ofDays(2));
    assertThat(Durations.format(Duration.ofSeconds(3723))).isEqualTo("1h02m03s");
    assertThat(Durations.format(Duration.ofMillis(4200))).isEqualTo("4.2s");
    assertThat(List.of("", "2", "2 min", "-1s")).allSatisfy(bad ->
        assertThatThrownBy(() -> Durations.parse(bad)).isInstanceOf(IllegalArgumentException.class));
  }
}
