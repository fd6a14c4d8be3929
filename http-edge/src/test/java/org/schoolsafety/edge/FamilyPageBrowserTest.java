package org.schoolsafety.edge;

import org.junit.jupiter.api.parallel.ResourceLock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.schoolsafety.edge.Fixtures.created;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
 * The family page ({@code /tips/family.html}) in headless Chromium on a phone-sized window, in
 * Chinese and in English: a guardian redeems the school's invitation code, sees the school's
 * notices in the page's language, sees a lockdown arrive by itself (the guardian stream), and
 * writes to the school's staff; an expired token (within the renewal grace) is renewed when the
 * page loads; when the school revokes the guardian the page says access was withdrawn; a read of
 * the notices that fails is tried again by itself. Each test starts from a page that keeps no
 * token. No CSP violation. Screenshots in {@code target/family-<lang>.png}
 * (docs/screenshots/family.png is the Chinese one).
 */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ResourceLock("chromium") // one headless browser at a time (junit-platform.properties)
class FamilyPageBrowserTest {

  static final Duration WAIT = Duration.ofSeconds(30);

  private HubNode node;
  private HubClient anonymous;
  private ChromeDriver driver;
  private String base;

  @BeforeAll
  void start() throws IOException {
    // Fail (never skip) when the browser is missing: a page nobody tested is not done.
    HeadlessChromium.requireInstalled();
    node = TestNode.start("it_family_page", Map.of());
    base = "http://127.0.0.1:" + node.httpPort();
    anonymous = new HubClient(node.httpPort());
    Fixtures.registerRegion(anonymous, "650102");
    for (String school : List.of("sch-650102-001", "sch-650102-002", "sch-650102-003")) {
      created(Fixtures.postSchool(anonymous.as(Role.OPERATOR, "ops"), Fixtures.school(school, "650102")));
    }
    Path profile = Files.createTempDirectory("family-test-chromium-");
    driver = HeadlessChromium.start(profile, "390,1300", WAIT, "--lang=en-US");
  }

  @AfterAll
  void stop() {
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
      "zh-CN, sch-650102-001, 家长通知, 学校正常运行, 封闭管控, 请不要到校, 仅学校工作人员可以查看, 学校已撤销",
      "en, sch-650102-002, Family notices, operating normally, Lockdown, Do not come to the school, Only the school's staff,"
          + " Access withdrawn by the school"})
  void redeemReadNoticesAndWriteToTheSchool(String lang, String school, String title, String normal, String lockdown,
      String stayAway, String sent, String withdrawn) throws IOException {
    HubClient staff = anonymous.as(Role.SCHOOL_STAFF, school);
    String code = created(staff.post("/api/v1/schools/" + school + "/guardians/invitations",
        Map.of("classId", "7-2", "count", 1))).body().get("codes").get(0).asText();
    var wait = new WebDriverWait(driver, WAIT);
    freshPage(wait, lang);
    assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo(title);
    assertThat(driver.findElement(By.id("emergency")).getText()).contains("110").contains("120").contains("119");

    driver.findElement(By.id("invitation")).sendKeys(code.toLowerCase());
    driver.findElement(By.id("redeem-button")).click();
    wait.until(d -> d.findElement(By.id("family")).isDisplayed());
    wait.until(d -> d.findElement(By.id("notices")).getText().contains(normal));
    assertThat(driver.findElement(By.id("class-id")).getText()).isEqualTo("7-2");
    // the guardian's pseudonymous id, as the school's list shows it (to name a lost phone)
    String shownId = driver.findElement(By.id("guardian-id")).getText();
    assertThat(shownId).matches("gdn-[0-9a-f]{16}");
    // A code is good once: the page already holds its token, the API refuses it again.
    assertThat(anonymous.post("/api/v1/guardians/redemptions", Map.of("code", code)).status()).isEqualTo(409);

    // The city's command center locks the school down: the notice arrives without a reload.
    wait.until(d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-live")));
    created(anonymous.as(Role.COMMAND_CENTER, "6501").post("/api/v1/directives",
        AuthorizationTableTest.directive(school, "ACTUAL")));
    wait.until(d -> d.findElement(By.id("notices")).getText().contains(lockdown));
    assertThat(driver.findElement(By.id("notices")).getText()).contains(stayAway);
    // The page fits a phone: nothing wider than the window.
    Number overflow = (Number) driver.executeScript(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
    assertThat(overflow.intValue()).isLessThanOrEqualTo(0);

    driver.findElement(By.id("message")).sendKeys("asthma; the inhaler is in the school bag (" + lang + ")");
    driver.findElement(By.id("send-message")).click();
    wait.until(d -> d.findElement(By.id("message-sent")).isDisplayed());
    assertThat(driver.findElement(By.id("message-sent")).getText()).contains(sent);
    assertThat(staff.get("/api/v1/schools/" + school + "/guardian-messages").body().toString())
        .contains("the inhaler is in the school bag (" + lang + ")");
    screenshot("family-" + lang);

    // Staying signed in: a token past half its life — here one that expired ten minutes ago, within
    // the renewal grace — is renewed as the page loads.
    String guardianId = staff.get("/api/v1/schools/" + school + "/guardians").body().get("guardians").get(0)
        .get("guardianId").asText();
    assertThat(guardianId).isEqualTo(shownId);
    String aging = TestNode.guardianToken(guardianId, school, "7-2", Instant.now().minus(Duration.ofMinutes(70)));
    driver.executeScript("localStorage.setItem('guardian-token', JSON.stringify({token: arguments[0],"
        + " expiresAt: arguments[1], schoolId: arguments[2], classId: '7-2'}));", aging,
        Instant.now().minus(Duration.ofMinutes(10)).toString(), school);
    driver.navigate().refresh();
    wait.until(d -> "1".equals(d.findElement(By.tagName("body")).getDomAttribute("data-renewed")));
    assertThat((String) driver.executeScript("return JSON.parse(localStorage.getItem('guardian-token')).token;"))
        .isNotEqualTo(aging);
    wait.until(d -> d.findElement(By.id("notices")).getText().contains(lockdown));

    List<LogEntry> logs = driver.manage().logs().get(LogType.BROWSER).getAll();
    assertThat(logs).filteredOn(e -> e.getMessage().contains("Content Security Policy")).isEmpty();

    // The school withdraws access: the page says so by itself, and forgets the token.
    wait.until(d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-live")));
    assertThat(staff.post("/api/v1/schools/" + school + "/guardians/" + guardianId + "/revocation",
        Map.of("reason", "custody order")).status()).isEqualTo(200);
    wait.until(d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-withdrawn")));
    assertThat(driver.findElement(By.id("redeem")).isDisplayed()).isTrue();
    assertThat(driver.findElement(By.id("redeem-error")).getText()).contains(withdrawn);
    assertThat(driver.executeScript("return localStorage.getItem('guardian-token');")).isNull();
    screenshot("family-withdrawn-" + lang);
  }

  /**
   * A read of the notices that fails (here the browser refuses the request, as when the phone is
   * offline or the hub answers 503 under load) is shown as such and tried again by itself: the
   * notices come once the hub can be reached, without a reload. The page used to stay empty.
   */
  @Test
  void aFailedReadOfTheNoticesIsTriedAgainByItself() {
    String school = "sch-650102-003";
    HubClient staff = anonymous.as(Role.SCHOOL_STAFF, school);
    String code = created(staff.post("/api/v1/schools/" + school + "/guardians/invitations",
        Map.of("classId", "8-1", "count", 1))).body().get("codes").get(0).asText();
    var wait = new WebDriverWait(driver, WAIT);
    freshPage(wait, "en");
    driver.executeCdpCommand("Network.enable", Map.of());
    try {
      driver.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of("*/api/v1/guardian/notices*")));
      driver.findElement(By.id("invitation")).sendKeys(code);
      driver.findElement(By.id("redeem-button")).click();
      wait.until(d -> "retrying".equals(d.findElement(By.tagName("body")).getDomAttribute("data-notices")));
      assertThat(driver.findElement(By.id("family")).isDisplayed()).isTrue();
      assertThat(driver.findElement(By.id("notices-error")).getText()).contains("trying again");
      assertThat(driver.findElement(By.id("notices")).getText()).isEmpty();
    } finally {
      driver.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of()));
    }
    wait.until(d -> d.findElement(By.id("notices")).getText().contains("operating normally"));
    assertThat(driver.findElement(By.id("notices-error")).isDisplayed()).isFalse();
    assertThat(driver.findElement(By.tagName("body")).getDomAttribute("data-notices")).isEqualTo("current");
  }

  /** The page in {@code lang} with nothing kept from an earlier test (no guardian's token). */
  private void freshPage(WebDriverWait wait, String lang) {
    driver.get(base + "/tips/family.html?lang=" + lang);
    driver.executeScript("localStorage.clear();");
    driver.get(base + "/tips/family.html?lang=" + lang);
    wait.until(d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")));
  }

  private void screenshot(String name) throws IOException {
    Path file = driver.getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(file, Path.of("target", name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }
}
