package org.schoolsafety.edge.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.hub.agency.AgencyKind;
import org.schoolsafety.hub.agency.Tier;
import org.schoolsafety.hub.device.DeviceState;
import org.schoolsafety.hub.device.SensorKind;
import org.schoolsafety.hub.hazard.HazardCategory;
import org.schoolsafety.hub.hazard.HazardStatus;
import org.schoolsafety.hub.incident.DispatchState;
import org.schoolsafety.hub.incident.IncidentType;
import org.schoolsafety.hub.incident.Level;
import org.schoolsafety.hub.incident.ReportKind;
import org.schoolsafety.hub.incident.Status;
import org.schoolsafety.hub.risk.RiskLevel;
import org.schoolsafety.hub.school.Posture;
import org.schoolsafety.hub.tip.TipCategory;
import org.schoolsafety.hub.tip.TipPriority;
import org.schoolsafety.hub.tip.TipStatus;

/**
 * The pages' message catalogues, read from the classpath as the node serves them: every language
 * has exactly the same keys, no message is empty, every key the console's code and HTML look up
 * is in them, and every code the console labels has its label (the domain's enums), so no page
 * shows a bare catalogue key.
 */
class PageCataloguesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> LANGS = List.of("zh-CN", "en");
  private static final List<String> CONSOLE_SCRIPTS = List.of("app.js", "auth.js", "directives.js", "dom.js", "format.js",
      "map.js", "risk.js", "sse.js", "api.js", "tips.js");

  /** t('key') or t('key', {…}) with a literal key; t('prefix.' + code) is checked by prefix below. */
  private static final Pattern LOOKUP = Pattern.compile("\\bt\\('([A-Za-z0-9_.-]+)'\\s*[,)]");
  /** Keys thrown by auth.js and shown through t(e.message). */
  private static final Pattern THROWN = Pattern.compile("new Error\\('([A-Za-z0-9_.-]+)'\\)");
  /** The page title's key, given to applyLanguage. */
  private static final Pattern TITLE = Pattern.compile("applyLanguage\\([^,()]+(?:\\([^)]*\\))?,\\s*'([A-Za-z0-9_.-]+)'");
  private static final Pattern DYNAMIC = Pattern.compile("\\b(?:t|label)\\('([A-Za-z0-9_]+\\.)'");
  private static final Pattern HTML_KEY = Pattern.compile("data-i18n(?:-title|-placeholder|-aria-label)?=\"([^\"]+)\"");

  /** The codes each dynamic prefix must label: the domain's own values. */
  private static final Map<String, List<String>> CODES = Map.ofEntries(
      Map.entry("level.", names(Level.values())),
      Map.entry("type.", names(IncidentType.values())),
      Map.entry("status.", names(Status.values())),
      Map.entry("dispatchState.", names(DispatchState.values())),
      Map.entry("agencyKind.", names(AgencyKind.values())),
      Map.entry("tier.", names(Tier.values())),
      Map.entry("reportKind.", names(ReportKind.values())),
      Map.entry("posture.", names(Posture.values())),
      Map.entry("risk.", names(RiskLevel.values())),
      Map.entry("riskBadge.", names(RiskLevel.values())),
      Map.entry("hazardCategory.", names(HazardCategory.values())),
      Map.entry("hazardStatus.", names(HazardStatus.values())),
      Map.entry("tipCategory.", names(TipCategory.values())),
      Map.entry("tipStatus.", names(TipStatus.values())),
      Map.entry("priority.", names(TipPriority.values())),
      Map.entry("deviceKind.", names(SensorKind.values())),
      Map.entry("deviceState.", names(DeviceState.values())),
      Map.entry("role.", names(Role.values())),
      Map.entry("cause.", List.of("RISK_LEVEL", "MAJOR_HAZARD", "OVERDUE_HAZARD", "HEALTH_CLUSTER")),
      Map.entry("warningState.", List.of("RAISED", "ACKNOWLEDGED", "CLEARED")),
      Map.entry("dimension.", List.of("surroundings", "health", "traffic", "history", "execution")),
      Map.entry("event.", List.of("reported", "dispatched", "acknowledged", "escalated", "unanswered", "report-added",
          "resolved", "closed", "cancelled", "evidence-added", "devices-flagged")),
      Map.entry("mode.", List.of("ACTUAL", "EXERCISE", "ALL")),
      Map.entry("modeLabel.", List.of("ACTUAL", "EXERCISE", "ALL")));

  /** The official terms a Chinese reader expects, as the national rules name them. */
  private static final Map<String, String> OFFICIAL_TERMS = Map.of(
      "level.I", "特别重大", "level.II", "重大", "level.III", "较大", "level.IV", "一般",
      "reportKind.INITIAL", "初报", "reportKind.CONTINUATION", "续报", "reportKind.FINAL", "终报",
      "warnings.title", "预警", "hazards.title", "隐患", "directives.title", "指令");

  @Test
  void everyLanguageOfTheConsoleHasTheSameKeysAndNoEmptyMessage() {
    assertSameKeys("console");
  }

  @Test
  void everyLanguageOfTheTipsAndFamilyPagesHasTheSameKeysAndNoEmptyMessage() {
    assertSameKeys("tips");
  }

  @Test
  void everyKeyTheConsoleLooksUpIsInTheCatalogues() {
    var used = new TreeSet<String>();
    var prefixes = new TreeSet<String>();
    for (String script : CONSOLE_SCRIPTS) {
      String source = resource("console/" + script);
      collect(LOOKUP, source, used);
      collect(THROWN, source, used);
      collect(TITLE, source, used);
      collect(DYNAMIC, source, prefixes);
    }
    collect(HTML_KEY, resource("console/index.html"), used);
    assertThat(used).as("keys looked up").contains("title", "level.badgeUngraded", "warnings.title", "directive.guardians");
    assertThat(prefixes).as("prefixes looked up").contains("level.", "type.", "status.", "posture.", "riskBadge.");
    for (String lang : LANGS) {
      Set<String> keys = keys(catalogue("console", lang));
      assertThat(keys).as("console/i18n/%s.json lacks keys the console uses", lang).containsAll(used);
      for (String prefix : prefixes) {
        assertThat(CODES).as("the codes behind prefix %s are known to this test", prefix).containsKey(prefix);
        for (String code : CODES.get(prefix)) {
          assertThat(keys).as("console/i18n/%s.json labels %s", lang, prefix + code).contains(prefix + code);
        }
      }
    }
  }

  @Test
  void theChineseCatalogueUsesTheOfficialTerms() {
    JsonNode zh = catalogue("console", "zh-CN");
    OFFICIAL_TERMS.forEach((key, term) -> assertThat(zh.path(key).asText()).as(key).contains(term));
    assertThat(zh.path("level.III").asText()).isEqualTo("较大");
    assertThat(zh.path("level.IV").asText()).isEqualTo("一般");
  }

  @Test
  void theConsoleAndTheFamilyPageNameIncidentsPosturesAndLevelsAlikeInChinese() {
    JsonNode console = catalogue("console", "zh-CN");
    JsonNode family = catalogue("tips", "zh-CN");
    for (String prefix : List.of("type.", "posture.")) {
      for (String code : CODES.get(prefix)) {
        if (family.has(prefix + code)) {
          assertThat(console.path(prefix + code).asText()).as(prefix + code).isEqualTo(family.get(prefix + code).asText());
        }
      }
    }
    // The family page adds the level's number ("较大（III级）"); the term is the same.
    for (String level : List.of("I", "II", "III", "IV")) {
      assertThat(family.path("level." + level).asText()).as("level." + level).startsWith(console.path("level." + level).asText());
    }
  }

  private static void assertSameKeys(String page) {
    JsonNode zh = catalogue(page, "zh-CN");
    JsonNode en = catalogue(page, "en");
    assertThat(keys(zh)).as(page + ": keys of zh-CN against en").isEqualTo(keys(en));
    for (JsonNode catalogue : List.of(zh, en)) {
      catalogue.fields().forEachRemaining(e -> {
        assertThat(e.getValue().isTextual()).as(page + " " + e.getKey() + " is text").isTrue();
        assertThat(e.getValue().asText()).as(page + " " + e.getKey()).isNotBlank();
      });
    }
    // Placeholders are filled by the code: both languages name the same ones.
    Pattern placeholder = Pattern.compile("\\{(\\w+)}");
    for (String key : keys(en)) {
      assertThat(collect(placeholder, zh.get(key).asText(), new TreeSet<>()))
          .as(page + ": placeholders of " + key)
          .isEqualTo(collect(placeholder, en.get(key).asText(), new TreeSet<>()));
    }
  }

  private static Set<String> collect(Pattern pattern, String text, Set<String> into) {
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      into.add(m.group(1));
    }
    return into;
  }

  private static Set<String> keys(JsonNode catalogue) {
    var keys = new TreeSet<String>();
    catalogue.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  private static JsonNode catalogue(String page, String lang) {
    try {
      return JSON.readTree(resource(page + "/i18n/" + lang + ".json"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String resource(String path) {
    try (InputStream in = PageCataloguesTest.class.getClassLoader().getResourceAsStream(path)) {
      assertThat(in).as("classpath resource " + path).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> names(Enum<?>[] values) {
    return new ArrayList<>(Arrays.stream(values).map(Enum::name).toList());
  }
}
