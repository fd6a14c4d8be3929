package org.schoolsafety.edge;

import org.junit.jupiter.api.parallel.ResourceLock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.schoolsafety.edge.Fixtures.created;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * The monthly evaluation page ({@code /console/evaluation.html}, issue 18 item 5) in headless
 * Chromium, over a county whose data was made through HTTP (a late and a timely initial report,
 * acknowledgements, an investment): its tables show the JSON endpoint's numbers, its SVG charts
 * have one point or bar per figure, print media hides the navigation, Chinese strings load. And
 * the CSV answers of the evaluation, spending and priorities: the JSON's rows, RFC 4180 quoting,
 * UTF-8 with Chinese names, a 400 for a bad {@code format}/{@code table}, the JSON's access rules.
 * Screenshot: {@code docs/screenshots/evaluation.png} (and {@code target/evaluation.png}).
 */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ResourceLock("chromium") // one headless browser at a time (junit-platform.properties)
class EvaluationPageBrowserTest {

  static final String COUNTY = "650105";
  static final String A = "sch-650105-001";
  static final String B = "sch-650105-002";
  /** A name that needs quoting in CSV, and UTF-8. */
  static final String NAME_A = "第一中学, \"东\"校区";
  static final Duration WAIT = Duration.ofSeconds(30);

  private HubNode node;
  private HubClient anonymous;
  private ChromeDriver driver;
  private Path profile;
  private String base;
  private String month;
  private String lateId;

  @BeforeAll
  void start() throws IOException {
    // Fail (never skip) when the browser is missing: a page nobody tested is not done.
    HeadlessChromium.requireInstalled();
    node = TestNode.start("it_evaluation_page", Map.of());
    base = "http://127.0.0.1:" + node.httpPort();
    anonymous = new HubClient(node.httpPort());
    Fixtures.registerRegion(anonymous, COUNTY);
    HubClient operator = anonymous.as(Role.OPERATOR, "ops");
    var schoolA = new LinkedHashMap<String, Object>(Fixtures.school(A, COUNTY));
    schoolA.put("name", NAME_A);
    created(Fixtures.postSchool(operator, schoolA));
    created(Fixtures.postSchool(operator, Fixtures.school(B, COUNTY)));

    var late = created(anonymous.as(Role.SCHOOL_STAFF, A).post("/api/v1/incidents",
        EvaluationFlowTest.reportedMinutesAfter(A, "IV", 61, "page-late")));
    var timely = created(anonymous.as(Role.SCHOOL_STAFF, B).post("/api/v1/incidents",
        EvaluationFlowTest.reportedMinutesAfter(B, "II", 59, "page-timely")));
    lateId = late.body().get("incidentId").asText();
    for (String id : List.of(lateId, timely.body().get("incidentId").asText())) {
      JsonNode dispatched = await().atMost(WAIT).until(() -> cc("65").get("/api/v1/incidents/" + id).body(),
          i -> i.get("status").asText().equals("DISPATCHED"));
      for (JsonNode d : dispatched.get("dispatches")) {
        String agency = d.get("agencyId").asText();
        assertThat(anonymous.as(Role.AGENCY, agency).post("/api/v1/incidents/" + id + "/acks",
            Map.of("agencyId", agency)).status()).isEqualTo(200);
      }
    }
    created(anonymous.as(Role.SCHOOL_STAFF, A).post("/api/v1/schools/" + A + "/investments",
        EvaluationFlowTest.investment("page-inv-1", "12500.50", "SENSORS")));
    // Risk scores for the spending-against-risk chart: A has a major hazard, B a clean inspection.
    Instant due = Instant.now().plus(Duration.ofDays(20));
    created(anonymous.as(Role.SCHOOL_STAFF, A).post("/api/v1/schools/" + A + "/inspections",
        PreventionFlowTest.inspection("page-insp-a", List.of(PrioritiesFlowTest.hazard("FIRE_SAFETY", "MAJOR", 5000, due)))));
    created(anonymous.as(Role.SCHOOL_STAFF, B).post("/api/v1/schools/" + B + "/inspections",
        PreventionFlowTest.inspection("page-insp-b", List.of())));
    month = YearMonth.from(Instant.parse(late.body().get("reportedAt").asText()).atZone(ZoneId.of("Asia/Shanghai")))
        .toString();
    // The read side has folded it all in: both reports, every acknowledgement, the spending.
    int year = LocalDate.now(ZoneId.of("Asia/Shanghai")).minusDays(1).getYear();
    await().atMost(WAIT).untilAsserted(() -> {
      JsonNode county = EvaluationFlowTest.rollup(evaluation(), COUNTY);
      assertThat(county.get("initialReports").asInt()).isEqualTo(2);
      assertThat(county.get("acknowledged").asInt()).isEqualTo(county.get("dispatches").asInt()).isPositive();
      assertThat(cc("65").get("/api/v1/investments?region=" + COUNTY + "&year=" + year).body().get("investments")
          .asInt()).isEqualTo(1);
      assertThat(cc("65").get("/api/v1/risk?region=" + COUNTY + "&top=1000").body().get("schools")
          .findValuesAsText("schoolId")).contains(A);
    });
    profile = Files.createTempDirectory("evaluation-test-chromium-");
    driver = HeadlessChromium.start(profile, "1300,2600", WAIT, "--lang=en-US");
  }

  @AfterAll
  void stop() throws IOException {
    try {
      if (driver != null) {
        driver.quit();
      }
    } finally {
      if (node != null) {
        node.close();
      }
    }
  }

  HubClient cc(String region) {
    return anonymous.as(Role.COMMAND_CENTER, region);
  }

  JsonNode evaluation() {
    var answer = cc("65").get("/api/v1/evaluations?region=" + COUNTY + "&month=" + month);
    assertThat(answer.status()).isEqualTo(200);
    return answer.body();
  }

  private void open(String lang) {
    driver.get(base + "/console/evaluation.html?region=" + COUNTY + "&month=" + month + "&lang=" + lang
        + "#token=" + cc("65").token());
    new WebDriverWait(driver, WAIT).until(d ->
        "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready"))
            && d.findElement(By.id("report")).isDisplayed());
  }

  @Test
  void thePageShowsTheEndpointsNumbersChartsAndPrints() throws IOException {
    open("en");
    JsonNode evaluation = evaluation();

    // Tables: every counter cell equals the JSON's figure, row by row.
    assertCells("rollups", evaluation.get("rollups"), "regionCode");
    assertCells("schools", evaluation.get("schools"), "schoolId");
    assertThat(driver.findElements(By.cssSelector("#rollups tbody tr"))).hasSize(evaluation.get("rollups").size());
    assertThat(driver.findElements(By.cssSelector("#schools tbody tr"))).hasSize(2);
    assertThat(driver.findElement(By.cssSelector("#schools tr[data-key='" + A + "']")).getText()).contains(NAME_A);

    // Findings in plain words, each linking to the records behind it (the console, same tab).
    assertThat(driver.findElements(By.cssSelector("#findings li[data-rule]"))).hasSize(evaluation.get("findings").size());
    WebElement late = driver.findElement(By.cssSelector("#findings li[data-rule='initial-reports-late']"));
    assertThat(late.getText()).contains("1 of 2 initial reports from county " + COUNTY + " were late.");
    assertThat(late.findElement(By.cssSelector("a[data-incident='" + lateId + "']")).getDomAttribute("href"))
        .isEqualTo("./?region=" + COUNTY + "&mode=ACTUAL&incident=" + lateId);

    // Charts: a point per month with initial reports due, two bars (p50, p95) per agency kind,
    // a point per school with a risk score.
    int monthsWithInitialReports = 0;
    YearMonth shown = YearMonth.parse(month);
    for (int back = 0; back < 6; back++) {
      JsonNode e = back == 0 ? evaluation : cc("65").get("/api/v1/evaluations?region=" + COUNTY + "&month="
          + shown.minusMonths(back)).body();
      if (EvaluationFlowTest.rollup(e, COUNTY).get("initialReports").asInt() > 0) {
        monthsWithInitialReports++;
      }
    }
    assertThat(monthsWithInitialReports).isEqualTo(1);
    assertThat(driver.findElements(By.cssSelector("#trend-chart svg circle[data-series='initial']")))
        .hasSize(monthsWithInitialReports);
    WebElement point = driver.findElement(By.cssSelector("#trend-chart svg circle[data-series='initial']"));
    assertThat(point.getDomAttribute("data-category")).isEqualTo(month);
    assertThat(point.getDomAttribute("data-value")).isEqualTo("0.5");
    JsonNode acks = EvaluationFlowTest.rollup(evaluation, COUNTY).get("acknowledgements");
    assertThat(acks.size()).isPositive();
    assertThat(driver.findElements(By.cssSelector("#ack-chart svg rect.bar"))).hasSize(2 * acks.size());
    acks.fields().forEachRemaining(kind -> {
      assertThat(driver.findElement(By.cssSelector("#ack-chart rect[data-group='" + kind.getKey()
          + "'][data-series='p95']")).getDomAttribute("data-value")).isEqualTo(kind.getValue().get("p95Seconds").asText());
      assertThat(driver.findElement(By.cssSelector("#acks tr[data-key='" + kind.getKey() + "'] td[data-field='count']"))
          .getText()).isEqualTo(kind.getValue().get("count").asText());
    });
    JsonNode risk = cc("65").get("/api/v1/risk?region=" + COUNTY + "&top=1000").body().get("schools");
    assertThat(risk.size()).isPositive();
    assertThat(driver.findElements(By.cssSelector("#spending-chart svg circle"))).hasSize(risk.size());
    for (JsonNode school : risk) {
      WebElement dot = driver.findElement(By.cssSelector("#spending-chart circle[data-school='"
          + school.get("schoolId").asText() + "']"));
      assertThat(Double.parseDouble(dot.getDomAttribute("data-y"))).isEqualTo(school.get("overall").asDouble());
      assertThat(Double.parseDouble(dot.getDomAttribute("data-x"))).isEqualTo(
          school.get("schoolId").asText().equals(A) ? 12500.50 : 0.0);
    }
    assertThat(driver.findElement(By.cssSelector("#spending tr[data-key='" + A + "'] td[data-field='spentCny']"))
        .getText()).isEqualTo("12500.50");

    // The console links here for the region it shows.
    screenshot();

    // On paper: no navigation, no CSV buttons; tables and charts stay.
    driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", "print"));
    try {
      assertThat(display("#nav")).isEqualTo("none");
      assertThat(display("button.csv")).isEqualTo("none");
      assertThat(display("#rollups")).isEqualTo("table");
      assertThat(display("#schools")).isEqualTo("table");
      assertThat(display("#trend-chart svg")).isEqualTo("block");
    } finally {
      driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", ""));
    }
    assertThat(display("#nav")).isNotEqualTo("none");

    List<LogEntry> logs = driver.manage().logs().get(LogType.BROWSER).getAll();
    assertThat(logs).filteredOn(e -> e.getMessage().contains("Content Security Policy")).isEmpty();
  }

  @Test
  void chineseStringsAndTheConsoleLink() {
    open("zh-CN");
    assertThat(driver.findElement(By.cssSelector("#findings-section h2")).getText()).isEqualTo("发现");
    assertThat(driver.findElement(By.id("print")).getText()).isEqualTo("打印");
    assertThat(driver.findElement(By.cssSelector("#rollups tr[data-key='" + COUNTY + "']")).getText()).contains("县");

    driver.get(base + "/console/?region=" + COUNTY + "#token=" + cc("65").token());
    new WebDriverWait(driver, WAIT).until(d -> d.findElement(By.id("app")).isDisplayed());
    assertThat(driver.findElement(By.id("evaluation-link")).getDomAttribute("href"))
        .isEqualTo("evaluation.html?region=" + COUNTY);
  }

  private String display(String selector) {
    return (String) driver.executeScript("return getComputedStyle(document.querySelector(arguments[0])).display;",
        selector);
  }

  /** Each cell with a JSON field name shows that field of the row with the same key. */
  private void assertCells(String tableId, JsonNode rows, String key) {
    int checked = 0;
    for (JsonNode row : rows) {
      WebElement tr = driver.findElement(By.cssSelector("#" + tableId + " tr[data-key='" + row.get(key).asText() + "']"));
      for (WebElement td : tr.findElements(By.cssSelector("td[data-field]"))) {
        String field = td.getDomAttribute("data-field");
        JsonNode value = field.equals("change.initialReportsLate") ? row.get("change").get("initialReportsLate")
            : row.get(field);
        if (field.equals(key) || field.equals("regionCode")) {
          assertThat(td.getText()).contains(value.asText());
        } else if (field.startsWith("change.")) {
          assertThat(Integer.parseInt(td.getText().replace("+", ""))).as(tableId + " " + field).isEqualTo(value.asInt());
        } else {
          assertThat(td.getText()).as(tableId + " " + row.get(key) + " " + field).isEqualTo(value.asText());
          checked++;
        }
      }
    }
    assertThat(checked).isGreaterThan(rows.size() * 15);
  }

  private void screenshot() throws IOException {
    Path file = driver.getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(file, Path.of("target", "evaluation.png"), StandardCopyOption.REPLACE_EXISTING);
    Path docs = Path.of("..", "docs", "screenshots");
    if (Files.isDirectory(docs)) {
      Files.copy(file, docs.resolve("evaluation.png"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  // --- CSV ---------------------------------------------------------------------------------

  record Csv(int status, String contentType, String disposition, byte[] bytes) {
    String text() {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  Csv getCsv(String path, String token, String accept) throws Exception {
    var request = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token);
    if (accept != null) {
      request.header("Accept", accept);
    }
    HttpResponse<byte[]> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    return new Csv(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
        response.headers().firstValue("Content-Disposition").orElse(""), response.body());
  }

  /** RFC 4180 rows, as a spreadsheet would read them (quoted cells may hold commas, quotes, line ends). */
  static List<List<String>> parse(String text) {
    assertThat(text).startsWith("\uFEFF");
    var rows = new ArrayList<List<String>>();
    var row = new ArrayList<String>();
    var cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        row.add(cell.toString());
        cell.setLength(0);
      } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
        row.add(cell.toString());
        cell.setLength(0);
        rows.add(row);
        row = new ArrayList<>();
        i++;
      } else {
        cell.append(c);
      }
    }
    assertThat(row).as("the last line ends with CRLF").isEmpty();
    return rows;
  }

  /** The CSV's rows as maps by header, keyed by the {@code key} column. */
  static Map<String, Map<String, String>> byKey(List<List<String>> rows, String key) {
    var header = rows.get(0);
    var result = new LinkedHashMap<String, Map<String, String>>();
    for (List<String> row : rows.subList(1, rows.size())) {
      assertThat(row).hasSameSizeAs(header);
      var cells = new HashMap<String, String>();
      for (int i = 0; i < header.size(); i++) {
        cells.put(header.get(i), row.get(i));
      }
      result.put(cells.get(key), cells);
    }
    return result;
  }

  @Test
  void csvAnswersHoldTheJsonRowsQuotedAndInUtf8() throws Exception {
    String token = cc("65").token();
    String path = "/api/v1/evaluations?region=" + COUNTY + "&month=" + month;
    JsonNode evaluation = evaluation();

    Csv schools = getCsv(path + "&format=csv&table=schools", token, null);
    assertThat(schools.status()).isEqualTo(200);
    assertThat(schools.contentType()).startsWith("text/csv").containsIgnoringCase("charset=utf-8");
    assertThat(schools.disposition()).contains("attachment").contains("evaluation-" + COUNTY + "-" + month + "-schools.csv");
    // The Chinese name is there as UTF-8 bytes, quoted because of its comma and quotes.
    assertThat(schools.text()).contains("\"第一中学, \"\"东\"\"校区\"");
    var rows = byKey(parse(schools.text()), "schoolId");
    assertThat(rows.keySet()).containsExactly(A, B);
    for (JsonNode s : evaluation.get("schools")) {
      var csvRow = rows.get(s.get("schoolId").asText());
      assertThat(csvRow.get("name")).isEqualTo(s.get("name").asText());
      for (String counter : List.of("incidents", "initialReports", "initialReportsLate", "quickReportsLate",
          "dispatches", "acknowledged", "drillsRequired")) {
        assertThat(csvRow.get(counter)).as(counter).isEqualTo(s.get(counter).asText());
      }
      assertThat(csvRow.get("change.initialReportsLate")).isEqualTo(s.get("change").get("initialReportsLate").asText());
      s.get("acknowledgements").fields().forEachRemaining(kind -> assertThat(
          csvRow.get("acknowledgements." + kind.getKey() + ".p95Seconds"))
          .isEqualTo(kind.getValue().get("p95Seconds").asText()));
    }

    // The same through Accept, and the other tables.
    var rollups = byKey(parse(getCsv(path + "&table=rollups", token, "text/csv").text()), "regionCode");
    assertThat(rollups).hasSize(evaluation.get("rollups").size());
    assertThat(rollups.get(COUNTY).get("initialReportsLate")).isEqualTo("1");
    var findings = parse(getCsv(path + "&format=csv&table=findings", token, null).text());
    assertThat(findings).hasSize(evaluation.get("findings").size() + 1);
    var late = byKey(findings, "rule").get("initial-reports-late");
    assertThat(late.get("incidentIds")).isEqualTo(lateId);
    assertThat(late.get("text")).isEqualTo("1 of 2 initial reports from county " + COUNTY + " were late.");
    // JSON stays the default, also for a browser's Accept.
    assertThat(cc("65").get(path + "&format=json").body().get("schools").size()).isEqualTo(2);

    int year = LocalDate.now(ZoneId.of("Asia/Shanghai")).minusDays(1).getYear();
    JsonNode spending = cc("65").get("/api/v1/investments?region=" + COUNTY + "&year=" + year).body();
    var spent = byKey(parse(getCsv("/api/v1/investments?region=" + COUNTY + "&year=" + year + "&format=csv", token,
        null).text()), "schoolId");
    assertThat(spent.keySet()).containsExactly(A);
    // as the JSON writes it, two decimals (the test's own JSON reader drops trailing zeros)
    assertThat(new java.math.BigDecimal(spent.get(A).get("totalCny")))
        .isEqualByComparingTo(spending.get("schools").get(0).get("totalCny").decimalValue());
    assertThat(spent.get(A).get("totalCny")).isEqualTo("12500.50");
    assertThat(spent.get(A).get("byCategory.SENSORS")).isEqualTo("12500.50");

    String priorities = "/api/v1/priorities?region=" + COUNTY + "&budget=100000";
    JsonNode plan = cc("65").get(priorities).body();
    var chosen = parse(getCsv(priorities + "&format=csv", token, null).text());
    assertThat(chosen).hasSize(plan.get("chosen").size() == 0 ? 0 : plan.get("chosen").size() + 1);
    if (plan.get("chosen").size() > 0) {
      assertThat(byKey(chosen, "actionId").keySet()).containsExactlyElementsOf(plan.get("chosen").findValuesAsText("actionId"));
    }
    var counties = byKey(parse(getCsv(priorities + "&format=csv&table=counties", token, null).text()), "regionCode");
    assertThat(counties.keySet()).containsExactlyElementsOf(plan.get("counties").findValuesAsText("regionCode"));

    // Bad format or table: a 400 problem naming each; the JSON's access rules hold for CSV.
    var bad = cc("65").get(path + "&format=xml&table=hazards");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.contentType()).isEqualTo("application/problem+json");
    assertThat(bad.body().get("errors").findValuesAsText("field")).containsExactly("format", "table");
    assertThat(cc("65").get("/api/v1/investments?region=" + COUNTY + "&format=CSV").body().get("errors")
        .findValuesAsText("field")).containsExactly("format");
    assertThat(cc("65").get(priorities + "&table=schools").body().get("errors").findValuesAsText("field"))
        .containsExactly("table");
    assertThat(getCsv(path + "&format=csv", cc("11").token(), null).status()).isEqualTo(403);
    assertThat(getCsv(path + "&format=csv", anonymous.as(Role.AGENCY, "fire-" + COUNTY).token(), null).status())
        .isEqualTo(403);
    assertThat(getCsv(path + "&format=csv", anonymous.as(Role.AGENCY, "education-" + COUNTY).token(), null).status())
        .isEqualTo(200);
    assertThat(getCsv(path + "&format=csv", "not-a-token", null).status()).isEqualTo(401);
  }
}
