package org.schoolsafety.edge;

import org.junit.jupiter.api.parallel.ResourceLock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.schoolsafety.edge.Fixtures.created;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * The tipster's page ({@code /tips/}) in headless Chromium on a phone-sized window, in Chinese and
 * in English: it says it is not an emergency number, submits a tip without any token, shows the
 * code once with "keep this code", and reads the school's reply back with tip number and code.
 * No CSP violation, no request to anywhere but the node. Screenshots in
 * {@code target/tips-<lang>.png}.
 */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ResourceLock("chromium") // one headless browser at a time (junit-platform.properties)
class TipsPageBrowserTest {

  static final String SCHOOL = "sch-650102-001";
  static final Duration WAIT = Duration.ofSeconds(30);

  private HubNode node;
  private HubClient anonymous;
  private ChromeDriver driver;
  private Path profile;
  private String base;

  @BeforeAll
  void start() throws IOException {
    // Fail (never skip) when the browser is missing: a page nobody tested is not done.
    HeadlessChromium.requireInstalled();
    node = TestNode.start("it_tips_page", Map.of());
    base = "http://127.0.0.1:" + node.httpPort();
    anonymous = new HubClient(node.httpPort());
    Fixtures.registerRegion(anonymous, "650102");
    created(Fixtures.postSchool(anonymous.as(Role.OPERATOR, "ops"), Fixtures.school(SCHOOL, "650102")));
    profile = Files.createTempDirectory("tips-test-chromium-");
    driver = HeadlessChromium.start(profile, "390,1100", WAIT, "--lang=en-US");
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

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "zh-CN, 这不是紧急求助电话, 请保存好这个查询码, 正在处理",
      "en, This is not an emergency number, Keep this code, Being handled"})
  void submitKeepTheCodeAndReadTheReply(String lang, String notEmergency, String keep, String handled) throws IOException {
    driver.get(base + "/tips/?school=" + SCHOOL + "&lang=" + lang);
    var wait = new WebDriverWait(driver, WAIT);
    wait.until(d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")));
    assertThat(driver.findElement(By.id("emergency")).getText()).contains(notEmergency).contains("110")
        .contains("120").contains("119");
    assertThat(driver.findElement(By.id("school")).getDomProperty("value")).isEqualTo(SCHOOL);
    // The page fits a phone: nothing wider than the window.
    Number overflow = (Number) driver.executeScript(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
    assertThat(overflow.intValue()).isLessThanOrEqualTo(0);

    driver.findElement(By.id("category")).sendKeys("B"); // BULLYING / 欺凌 is first anyway
    driver.findElement(By.id("text")).sendKeys("tip from the page in " + lang);
    driver.findElement(By.id("submit")).click();
    wait.until(d -> d.findElement(By.id("receipt")).isDisplayed());
    assertThat(driver.findElement(By.id("receipt")).getText()).contains(keep);
    String tipId = driver.findElement(By.id("receipt-tip")).getText();
    String code = driver.findElement(By.id("receipt-code")).getText();
    assertThat(tipId).startsWith("tip-");
    assertThat(code).matches("[0-9A-Z-]{32}");
    screenshot("tips-code-" + lang);

    // The school answers the tipster.
    var triaged = anonymous.as(Role.SCHOOL_STAFF, SCHOOL).post("/api/v1/tips/" + tipId + "/triage",
        Map.of("priority", "HIGH", "status", "IN_PROGRESS", "note", "reply for " + lang, "toTipster", true));
    assertThat(triaged.status()).isEqualTo(200);

    // Coming back later: a fresh page, tip number and code typed in.
    driver.get(base + "/tips/?lang=" + lang);
    wait.until(d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")));
    driver.findElement(By.id("tab-back")).click();
    driver.findElement(By.id("tip-id")).sendKeys(tipId);
    driver.findElement(By.id("tip-code")).sendKeys(code.toLowerCase());
    driver.findElement(By.id("open")).click();
    wait.until(d -> d.findElement(By.id("thread")).isDisplayed());
    assertThat(driver.findElement(By.id("thread-status")).getText()).isEqualTo(handled);
    wait.until(d -> d.findElement(By.id("messages")).getText().contains("reply for " + lang));
    driver.findElement(By.id("reply")).sendKeys("one more thing");
    driver.findElement(By.id("send-reply")).click();
    wait.until(d -> d.findElement(By.id("messages")).getText().contains("one more thing"));
    screenshot("tips-" + lang);

    // A wrong code says so, in the page's language, and shows nothing.
    driver.findElement(By.id("tip-code")).clear();
    driver.findElement(By.id("tip-code")).sendKeys("AAAA-BBBB");
    driver.findElement(By.id("open")).click();
    wait.until(d -> d.findElement(By.id("code-error")).isDisplayed());
    assertThat(driver.findElement(By.id("thread")).isDisplayed()).isFalse();

    List<LogEntry> logs = driver.manage().logs().get(LogType.BROWSER).getAll();
    assertThat(logs).filteredOn(e -> e.getMessage().contains("Content Security Policy")).isEmpty();
  }

  private void screenshot(String name) throws IOException {
    Path file = driver.getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(file, Path.of("target", name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }
}
