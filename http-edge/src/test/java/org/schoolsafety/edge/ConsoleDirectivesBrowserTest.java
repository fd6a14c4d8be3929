package org.schoolsafety.edge;

import org.junit.jupiter.api.parallel.ResourceLock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.schoolsafety.edge.Fixtures.created;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * The console's directive progress in a real headless Chromium against a real node, in the style
 * of {@link ConsoleBrowserTest}: a command center issues a directive to four schools over the
 * API, two of them acknowledge (one also accounts for its people), and the console — live, from
 * the stream's directive totals — shows the progress bar (2 of 4 schools, the accounted-for
 * percentage, the missing count) with the two silent schools listed first; lifting it takes the
 * card away; a console opened afresh finds it in force from the list, and also one issued just
 * before it opened, which the read side's list only has a moment later. Leaves {@code target/console-directive.png} (copied by hand to
 * docs/screenshots/console-directive.png).
 */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ResourceLock("chromium") // one headless browser at a time (junit-platform.properties)
class ConsoleDirectivesBrowserTest {

  static final Path SCREENSHOT = Path.of("target", "console-directive.png");
  static final Duration WAIT = Duration.ofSeconds(30);
  static final String COUNTY = "650102";
  static final List<String> SCHOOLS = List.of("sch-650102-001", "sch-650102-002", "sch-650102-003", "sch-650102-004");
  static final List<String> NAMES = List.of("Tianshan No. 1 Primary School", "Urumqi No. 1 Senior High",
      "Hongshan Kindergarten", "Shuimogou Primary School");

  private HubNode node;
  private HubClient anonymous;
  private ChromeDriver driver;
  private Path profile;
  private String base;

  @BeforeAll
  void start() throws IOException {
    // Fail (never skip) when the browser is missing: a page nobody tested is not done.
    HeadlessChromium.requireInstalled();
    node = TestNode.start("it_console_directives", Map.of());
    base = "http://127.0.0.1:" + node.httpPort();
    anonymous = new HubClient(node.httpPort());
    Fixtures.registerRegion(anonymous, COUNTY);
    HubClient operator = anonymous.as(Role.OPERATOR, "test-operator");
    for (int i = 0; i < SCHOOLS.size(); i++) {
      var body = new HashMap<>(Fixtures.school(SCHOOLS.get(i), COUNTY));
      body.put("name", NAMES.get(i));
      created(Fixtures.postSchool(operator, body));
    }
    profile = Files.createTempDirectory("console-directives-chromium-");
    driver = HeadlessChromium.start(profile, "1500,950", WAIT, "--lang=en-US");
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
      if (profile != null) {
        try (Stream<Path> files = Files.walk(profile)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  @Test
  void aDirectiveShowsItsProgressLiveWithTheSilentSchoolsFirst() throws IOException {
    driver.get(base + "/console/#token=" + TestNode.token(Role.COMMAND_CENTER, "65"));
    guarded(() -> {
      waitUntil("the live stream to connect", ExpectedConditions.attributeToBe(By.id("connection"), "data-state", "live"));
      assertThat(driver.findElement(By.id("directives")).isDisplayed()).as("no directive, no panel").isFalse();

      // The city's command center tells four schools to shelter.
      HubClient city = anonymous.as(Role.COMMAND_CENTER, "6501");
      String directiveId = created(city.post("/api/v1/directives", Map.of("schoolIds", SCHOOLS, "posture", "SHELTER",
          "instruction", "Sandstorm: keep everyone indoors, close the windows", "ackWithinMinutes", 15)))
          .body().get("directiveId").asText();
      By card = By.cssSelector("#directives .directive[data-directive-id='" + directiveId + "']");
      waitUntil("the directive's card", ExpectedConditions.visibilityOfElementLocated(card));
      waitUntil("four silent schools listed", ExpectedConditions.numberOfElementsToBe(
          By.cssSelector("#directives .directive[data-directive-id='" + directiveId + "'] li.directive-school.silent"), 4));
      assertThat(driver.findElement(card).getAttribute("data-schools")).isEqualTo("4");
      assertThat(driver.findElement(card).getAttribute("data-acknowledged")).isEqualTo("0");

      // Two schools answer: the first acknowledges and accounts for its people (two pupils missing),
      // the second only acknowledges. The other two stay silent.
      HubClient first = anonymous.as(Role.SCHOOL_STAFF, SCHOOLS.get(0));
      assertThat(first.post("/api/v1/directives/" + directiveId + "/acks", Map.of("schoolId", SCHOOLS.get(0))).status())
          .isEqualTo(200);
      var accounted = first.post("/api/v1/directives/" + directiveId + "/accountability", Map.of("schoolId", SCHOOLS.get(0),
          "students", Map.of("present", 1150, "missing", 2, "injured", 1), "staff", Map.of("present", 80)));
      assertThat(accounted.status()).as(String.valueOf(accounted.body())).isEqualTo(200);
      var acked = anonymous.as(Role.SCHOOL_STAFF, SCHOOLS.get(1)).post("/api/v1/directives/" + directiveId + "/acks",
          Map.of("schoolId", SCHOOLS.get(1), "note", "everyone inside"));
      assertThat(acked.status()).isEqualTo(200);
      // The totals as the command center reads them (a school's staff sees its own school only).
      JsonNode totals = city.get("/api/v1/directives/" + directiveId).body().get("totals");
      String percent = String.format(java.util.Locale.ROOT, "%.1f", totals.get("accountedPercent").asDouble());
      assertThat(totals.get("acknowledged").asInt()).isEqualTo(2);

      waitUntil("the bar to count two of four schools", ExpectedConditions.attributeToBe(card, "data-acknowledged", "2"));
      waitUntil("the accounted-for share the hub computed", ExpectedConditions.attributeToBe(card,
          "data-accounted-percent", percent));
      waitUntil("the missing count", ExpectedConditions.attributeToBe(card, "data-missing", "2"));
      readAtOnce(() -> {
        WebElement bar = driver.findElement(card).findElement(By.cssSelector("progress.ack-bar"));
        assertThat(bar.getAttribute("value")).isEqualTo("2");
        assertThat(bar.getAttribute("max")).isEqualTo("4");
        assertThat(Double.parseDouble(driver.findElement(card).findElement(By.cssSelector("progress.accounted-bar"))
            .getAttribute("value"))).isEqualTo(totals.get("accountedPercent").asDouble());
        assertThat(driver.findElement(card).getText()).contains("2 / 4 schools", percent + " %",
            "Missing 2", "Silent 2", "Sandstorm");
      });

      // The schools still silent come first, then those that answered, least accounted for first.
      By rows = By.cssSelector("#directives .directive[data-directive-id='" + directiveId + "'] li.directive-school");
      waitUntil("the school list to show the two acknowledgements", d -> d.findElements(rows).stream()
          .filter(li -> "true".equals(li.getAttribute("data-acknowledged"))).count() == 2);
      readAtOnce(() -> {
        List<WebElement> listed = driver.findElements(rows);
        assertThat(listed).hasSize(4);
        assertThat(listed.stream().map(li -> li.getAttribute("data-acknowledged")).toList())
            .containsExactly("false", "false", "true", "true");
        assertThat(listed.subList(0, 2).stream().map(li -> li.getAttribute("data-school-id")).toList())
            .containsExactlyInAnyOrder(SCHOOLS.get(2), SCHOOLS.get(3));
        assertThat(listed.get(0).getText()).containsIgnoringCase("silent");
        assertThat(listed.subList(2, 4).stream().map(li -> li.getAttribute("data-school-id")).toList())
            .containsExactly(SCHOOLS.get(1), SCHOOLS.get(0));
      });

      // The guardians of the four schools were told of the posture: one notice each, counted by the
      // hub from the schools' records (GET …/directives/{id} guardianNotices), shown on the card.
      By guardians = By.cssSelector("#directives .directive[data-directive-id='" + directiveId + "'] .fact-guardians");
      waitUntil("the guardian notices counted", ExpectedConditions.attributeToBe(guardians, "data-guardian-schools", "4"));
      JsonNode counted = city.get("/api/v1/directives/" + directiveId).body().get("guardianNotices");
      assertThat(counted.get("schools").asInt()).isEqualTo(4);
      readAtOnce(() -> {
        assertThat(driver.findElement(guardians).getAttribute("data-guardian-notices")).isEqualTo(counted.get("notices").asText());
        assertThat(driver.findElement(guardians).getText()).isEqualTo("Guardians told 4 notices · 4 schools");
      });

      saveScreenshot(driver.findElement(By.id("directives")), SCREENSHOT);

      // The same panel in Chinese: 指令, the posture's official name, the guardians told.
      JavascriptExecutor js = (JavascriptExecutor) driver;
      try {
        driver.findElement(By.id("lang-zh")).click();
        // (textContent: the heading is shown in capitals by the style sheet)
        waitUntil("the panel in Chinese", ExpectedConditions.attributeToBe(By.cssSelector("#directives h2"), "textContent", "指令"));
        waitUntil("the card in Chinese", ExpectedConditions.textToBePresentInElementLocated(card, "已签收"));
        readAtOnce(() -> {
          assertThat(driver.findElement(card).getText()).contains("就地避险", "2 / 4 所学校", "失踪 2", "未响应 2");
          assertThat(driver.findElement(guardians).getText()).isEqualTo("已通知家长 4 条通知 · 4 所学校");
          assertThat(driver.findElement(card).getText()).doesNotContain("Acknowledged", "Missing", "Guardians", "schools");
        });
        driver.findElement(By.id("lang-en")).click();
        waitUntil("the panel in English", ExpectedConditions.attributeToBe(By.cssSelector("#directives h2"), "textContent", "Directives"));
      } finally {
        js.executeScript("localStorage.removeItem('schoolSafetyHub.lang')");
      }

      // A console opened afresh (nothing remembered, no change on the stream since) finds the
      // directives in force from the list (GET /directives, the read side). The second one is
      // issued just before the console opens: the read side trails the journal by seconds, so the
      // console's first read of the list usually lacks it, and it shows up at a later read.
      String lateId = created(city.post("/api/v1/directives", Map.of("schoolIds", List.of(SCHOOLS.get(3)),
          "posture", "LOCKDOWN", "instruction", "Intruder reported near the gate", "ackWithinMinutes", 10)))
          .body().get("directiveId").asText();
      js.executeScript("sessionStorage.clear()");
      driver.get("about:blank");
      driver.get(base + "/console/#token=" + TestNode.token(Role.COMMAND_CENTER, "65"));
      waitUntil("the live stream to connect again", ExpectedConditions.attributeToBe(By.id("connection"), "data-state", "live"));
      boolean listedAtOpen = ids(city.get("/api/v1/directives?region=" + COUNTY)).contains(lateId);
      System.out.println("the late directive was " + (listedAtOpen ? "already" : "not yet")
          + " on the read side when the console had opened");
      waitUntil("the directive's card, from the list", ExpectedConditions.visibilityOfElementLocated(card));
      waitUntil("its progress, read again", ExpectedConditions.attributeToBe(card, "data-acknowledged", "2"));
      waitUntil("the late directive's card, from a later read of the list", ExpectedConditions.visibilityOfElementLocated(
          By.cssSelector("#directives .directive[data-directive-id='" + lateId + "']")));

      // Lifting it takes the card away, live.
      assertThat(city.post("/api/v1/directives/" + directiveId + "/lift", Map.of("reason", "the storm has passed"))
          .status()).isEqualTo(200);
      waitUntil("the lifted directive to leave", ExpectedConditions.invisibilityOfElementLocated(card));
      assertNoCspViolations();
    });
  }

  private static List<String> ids(HubClient.Response list) {
    assertThat(list.status()).as(String.valueOf(list.body())).isEqualTo(200);
    return list.body().get("directives").findValuesAsText("directiveId");
  }

  /**
   * Runs reads of the panel again when it was redrawn in the middle of them (a card read again
   * from the hub is drawn anew): what they assert must hold of one drawing.
   */
  private static void readAtOnce(Step reads) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        reads.run();
        return;
      } catch (StaleElementReferenceException redrawn) {
        if (attempt == 5) {
          throw redrawn;
        }
      }
    }
  }

  private <T> T waitUntil(String what, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, WAIT)
        .ignoring(StaleElementReferenceException.class)
        .withMessage(() -> "waiting for " + what + "; the panel says: " + panel())
        .until(condition);
  }

  private String panel() {
    try {
      String banners = driver.findElements(By.cssSelector("#banners .banner")).stream()
          .map(WebElement::getText).collect(Collectors.joining(" | "));
      return "connection=" + driver.findElement(By.id("connection")).getText() + ", banners=[" + banners
          + "], directives=[" + driver.findElement(By.id("directives")).getText().replace('\n', ' ') + "]";
    } catch (RuntimeException e) {
      return "(unreadable: " + e + ")";
    }
  }

  private void assertNoCspViolations() {
    List<String> violations = browserLog().stream()
        .map(LogEntry::getMessage)
        .filter(m -> m.contains("Content Security Policy") || m.contains("Content-Security-Policy"))
        .toList();
    assertThat(violations).as("CSP violations in the browser console").isEmpty();
  }

  private List<LogEntry> browserLog() {
    return driver.manage().logs().get(LogType.BROWSER).getAll();
  }

  interface Step {
    void run() throws Exception;
  }

  private void guarded(Step step) throws IOException {
    try {
      step.run();
    } catch (Throwable failure) {
      Path shot = Path.of("target", "console-directive-failure.png");
      Files.createDirectories(shot.getParent());
      Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
      String log = browserLog().stream().map(LogEntry::toString).collect(Collectors.joining("\n"));
      failure.addSuppressed(new AssertionError("screenshot: " + shot.toAbsolutePath() + "\nbrowser console:\n" + log));
      if (failure instanceof RuntimeException r) {
        throw r;
      }
      if (failure instanceof Error e) {
        throw e;
      }
      throw new IllegalStateException(failure);
    }
  }

  /** Just the directives panel: small enough to keep in docs/screenshots. */
  private static void saveScreenshot(WebElement element, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    Files.copy(element.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
  }
}
