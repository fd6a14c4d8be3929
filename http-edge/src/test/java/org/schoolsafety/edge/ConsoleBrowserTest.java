package org.schoolsafety.edge;

import org.junit.jupiter.api.parallel.ResourceLock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.schoolsafety.edge.Fixtures.created;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * The command center's console in a real headless Chromium (Debian's {@code chromium} and
 * {@code chromedriver}, driven by Selenium), against a real node on the shared embedded
 * Cassandra: incidents reported and acknowledged over HTTP show up on the board and in the
 * detail panel through the live stream, drills are marked as drills, the filters work, and the
 * page runs under the node's CSP without a single violation; the risk layer colours a school made
 * high-risk through the API, whose panel shows the five dimensions, the factors, its hazards and
 * its warnings. Leaves screenshots in {@code target/console-screenshot.png} and
 * {@code target/console-risk.png}.
 */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ResourceLock("chromium") // one headless browser at a time (junit-platform.properties)
class ConsoleBrowserTest {

  static final String CHROMIUM = System.getProperty("hub.test.chromium", "/usr/bin/chromium");
  static final String CHROMEDRIVER = System.getProperty("hub.test.chromedriver", "/usr/bin/chromedriver");
  static final Path SCREENSHOT = Path.of("target", "console-screenshot.png");
  static final Path RISK_SCREENSHOT = Path.of("target", "console-risk.png");
  static final Path CHINESE_SCREENSHOT = Path.of("target", "console-zh.png");
  static final Duration WAIT = Duration.ofSeconds(30);

  static final String COUNTY = "650102";
  static final String TIANSHAN_1 = "sch-650102-001";
  static final String TIANSHAN_2 = "sch-650102-002";
  static final String SAYBAGH = "sch-650103-001";
  static final String KARAMAY = "sch-650203-001";

  private HubNode node;
  private HubClient anonymous;
  private ChromeDriver driver;
  private Path profile;
  private String base;
  private String fireIncident;
  private String drillIncident;

  @BeforeAll
  void start() throws IOException {
    // Fail (never skip) when the browser is missing: a page nobody tested is not done.
    HeadlessChromium.requireInstalled();
    // A MEDIUM tip (BULLYING) is overdue seconds after it arrives: the tips queue marks it.
    node = TestNode.start("it_console", Map.of("hub.tip.response-deadline.MEDIUM", "3s"));
    base = "http://127.0.0.1:" + node.httpPort();
    anonymous = new HubClient(node.httpPort());
    Fixtures.registerRegion(anonymous, COUNTY);
    HubClient operator = anonymous.as(Role.OPERATOR, "test-operator");
    created(Fixtures.postSchool(operator, school(TIANSHAN_1, "Tianshan No. 1 Primary School", COUNTY, 43.800, 87.600)));
    created(Fixtures.postSchool(operator, school(TIANSHAN_2, "Urumqi No. 1 Senior High", COUNTY, 43.793, 87.627)));
    created(Fixtures.postSchool(operator, school(SAYBAGH, "Saybagh Experimental Primary", "650103", 43.785, 87.560)));
    created(Fixtures.postSchool(operator, school(KARAMAY, "Karamay No. 1 Junior High", "650203", 45.595, 84.870)));
    created(Fixtures.postSchool(operator, school("sch-110101-001", "Dongcheng Shijia Primary", "110101", 39.927, 116.423)));
    // The registry list is a projection and lags its writes: the console reads it once on start.
    HubClient commandCenter = anonymous.as(Role.COMMAND_CENTER, "65");
    Awaitility.await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(commandCenter.get("/api/v1/schools?region=65")
        .body().get("schools").findValuesAsText("schoolId")).hasSize(4));

    profile = Files.createTempDirectory("console-test-chromium-");
    // English unless a test switches: most assertions read the English catalogue's text.
    driver = HeadlessChromium.start(profile, "1600,1000", WAIT, "--lang=en-US");
  }

  private static Map<String, Object> school(String id, String name, String region, double lat, double lon) {
    var body = new HashMap<>(Fixtures.school(id, region));
    body.put("name", name);
    body.put("location", Map.of("lat", lat, "lon", lon));
    return body;
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

  // --- the console's files ----------------------------------------------------------------

  @Test
  @Order(1)
  void theConsoleIsServedWithoutATokenUnderTheNodesSecurityHeaders() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    Function<String, HttpResponse<String>> get = path -> {
      try {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
    var redirect = get.apply("/console");
    assertThat(redirect.statusCode()).isEqualTo(301);
    assertThat(redirect.headers().firstValue("Location")).hasValue("/console/");

    var index = get.apply("/console/");
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
    assertThat(index.body()).contains("<script type=\"module\" src=\"app.js\"></script>")
        .doesNotContain("style=\"").doesNotContain("<style").doesNotContain("onclick=");
    String csp = index.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(csp).contains("default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:")
        .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
    assertThat(index.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");

    var script = get.apply("/console/app.js");
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.headers().firstValue("Content-Type").orElseThrow()).contains("javascript");
    assertThat(get.apply("/console/style.css").headers().firstValue("Content-Type").orElseThrow()).startsWith("text/css");
    assertThat(get.apply("/console/no-such-file.js").statusCode()).isEqualTo(404);
    assertThat(get.apply("/console/../application.conf").statusCode()).isEqualTo(404);
    // The API behind it still wants a token.
    assertThat(get.apply("/api/v1/incidents?region=65").statusCode()).isEqualTo(401);
  }

  // --- the console in the browser ---------------------------------------------------------

  @Test
  @Order(2)
  void incidentsAppearLiveAndTheirDispatchesChangeAsAgenciesAcknowledge() throws IOException {
    String token = TestNode.token(Role.COMMAND_CENTER, "65");
    driver.get(base + "/console/#token=" + token);
    guarded(() -> {
      waitUntil("the console to show who is signed in",
          ExpectedConditions.textToBe(By.id("who-sub"), "65"));
      assertThat(driver.findElement(By.id("who-role")).getText()).isEqualToIgnoringCase("Command center");
      assertThat(driver.getCurrentUrl()).as("the token is cleared from the address bar")
          .doesNotContain("token").doesNotContain(token);
      assertThat(driver.findElement(By.id("region")).getAttribute("value")).isEqualTo("65");
      waitUntil("the live stream to connect",
          ExpectedConditions.attributeToBe(By.id("connection"), "data-state", "live"));
      waitUntil("the map to plot the region's schools",
          ExpectedConditions.numberOfElementsToBe(By.cssSelector("#map circle.school"), 4));

      // A school reports a fire; its card appears by itself, coloured by level.
      HubClient school = anonymous.as(Role.SCHOOL_STAFF, TIANSHAN_1);
      fireIncident = created(school.post("/api/v1/incidents", Fixtures.incident(TIANSHAN_1, "FIRE", "II", "console-fire")))
          .body().get("incidentId").asText();
      By card = card(fireIncident);
      waitUntil("the fire's card to show it dispatched",
          ExpectedConditions.attributeToBe(card, "data-status", "DISPATCHED"));
      WebElement fire = driver.findElement(card);
      assertThat(fire.getAttribute("class")).contains("lvl-ii").doesNotContain("drill");
      assertThat(fire.getText()).contains("Tianshan No. 1 Primary School", "Fire", "650102", "DISPATCHED");
      assertThat(fire.findElements(By.cssSelector(".drill-badge"))).isEmpty();
      waitUntil("the stream's event in the live feed",
          ExpectedConditions.presenceOfElementLocated(By.cssSelector("#feed li[data-incident-id='" + fireIncident + "']")));
      waitUntil("the level II counter to count it",
          ExpectedConditions.attributeToBe(By.cssSelector("[data-counter='level-II']"), "data-value", "1"));

      // Its detail: every dispatch waiting, with a countdown to its escalation deadline.
      fire.click();
      By fireDispatch = By.cssSelector("#detail li[data-agency-id='fire-650102']");
      waitUntil("the detail panel to list the fire brigade's dispatch",
          ExpectedConditions.attributeToBe(fireDispatch, "data-state", "NOTIFIED"));
      waitUntil("a countdown to its escalation deadline",
          ExpectedConditions.textToBePresentInElementLocated(fireDispatch, "escalates in"));
      waitUntil("all four dispatches of a level II fire",
          ExpectedConditions.numberOfElementsToBe(By.cssSelector("#detail li.dispatch"), 4));
      waitUntil("the report in the timeline",
          ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#detail .timeline"), "Reported"));

      // The fire brigade acknowledges over HTTP: card and open detail change without a reload.
      var ack = anonymous.as(Role.AGENCY, "fire-650102").post("/api/v1/incidents/" + fireIncident + "/acks",
          Map.of("agencyId", "fire-650102", "note", "engine 3 on its way"));
      assertThat(ack.status()).as(String.valueOf(ack.body())).isEqualTo(200);
      waitUntil("the detail to show the acknowledgement",
          ExpectedConditions.attributeToBe(fireDispatch, "data-state", "ACKNOWLEDGED"));
      waitUntil("the card to count the acknowledgement",
          ExpectedConditions.attributeToBe(card, "data-acknowledged", "1"));
      waitUntil("the timeline to show the acknowledgement",
          ExpectedConditions.presenceOfElementLocated(By.cssSelector("#detail .timeline li.tl-acknowledged")));
      waitUntil("the card's acknowledged chip", ExpectedConditions.attributeToBe(
          By.cssSelector("#board .card[data-incident-id='" + fireIncident + "'] .chip-acknowledged"), "data-value", "1"));

      // A school registered after the console read the map reports: the console reads the
      // schools again and plots it. (The false alarm is cancelled so the later tests' counts hold.)
      String latecomer = "sch-650102-009";
      created(Fixtures.postSchool(anonymous.as(Role.OPERATOR, "test-operator"),
          school(latecomer, "Shuimogou Primary School", COUNTY, 43.830, 87.650)));
      String late = created(anonymous.as(Role.SCHOOL_STAFF, latecomer).post("/api/v1/incidents",
          Fixtures.incident(latecomer, "INJURY", "IV", "console-latecomer"))).body().get("incidentId").asText();
      waitUntil("the latecomer's card", ExpectedConditions.presenceOfElementLocated(card(late)));
      waitUntil("the latecomer on the map", ExpectedConditions.presenceOfElementLocated(
          By.cssSelector("#map g.school-hot[data-school-id='" + latecomer + "']")));
      var cancel = anonymous.as(Role.COMMAND_CENTER, "65").post("/api/v1/incidents/" + late + "/cancel",
          Map.of("reason", "false alarm"));
      assertThat(cancel.status()).as(String.valueOf(cancel.body())).isEqualTo(200);
      waitUntil("the false alarm to leave the board", ExpectedConditions.invisibilityOfElementLocated(card(late)));
      waitUntil("the latecomer quiet on the map", ExpectedConditions.presenceOfElementLocated(
          By.cssSelector("#map circle.school[data-school-id='" + latecomer + "']")));
    });
  }

  @Test
  @Order(3)
  void aDrillIsMarkedAsADrillAndTheModeFilterSeparatesDrillsFromRealIncidents() throws IOException {
    guarded(() -> {
      // An operator runs a drill at a Karamay school; a second real incident for the picture.
      drillIncident = created(anonymous.as(Role.OPERATOR, "test-operator").post("/api/v1/incidents",
          drill(KARAMAY, "FIRE", "III", "console-drill"))).body().get("incidentId").asText();
      String intrusion = created(anonymous.as(Role.SCHOOL_STAFF, SAYBAGH).post("/api/v1/incidents",
          Fixtures.incident(SAYBAGH, "INTRUSION", "I", "console-intrusion"))).body().get("incidentId").asText();

      By drillCard = card(drillIncident);
      waitUntil("the drill's card", ExpectedConditions.presenceOfElementLocated(drillCard));
      waitUntil("the intrusion's card", ExpectedConditions.presenceOfElementLocated(card(intrusion)));
      WebElement drill = driver.findElement(drillCard);
      assertThat(drill.getAttribute("data-mode")).isEqualTo("EXERCISE");
      assertThat(drill.getAttribute("class")).contains("drill", "lvl-iii");
      By badge = By.cssSelector("#board .card[data-incident-id='" + drillIncident + "'] .drill-badge");
      waitUntil("a visible DRILL badge on the drill's card", ExpectedConditions.and(
          ExpectedConditions.visibilityOfElementLocated(badge), ExpectedConditions.textToBe(badge, "DRILL")));
      assertThat(driver.findElements(By.cssSelector("#board .card[data-incident-id='" + fireIncident + "'] .drill-badge")))
          .isEmpty();
      waitUntil("the map to highlight the three schools",
          ExpectedConditions.numberOfElementsToBe(By.cssSelector("#map g.school-hot"), 3));
      waitUntil("the drill's school marked as a drill on the map", ExpectedConditions.attributeContains(
          By.cssSelector("#map g.school-hot[data-school-id='" + KARAMAY + "']"), "class", "drill"));
      waitUntil("the unacknowledged counter to add the new dispatches up",
          d -> Integer.parseInt(d.findElement(By.cssSelector("[data-counter='unacknowledged']")).getAttribute("data-value")) >= 7);

      saveScreenshot(SCREENSHOT);

      // Actual incidents only: the drill leaves the board; all again: it is back.
      driver.findElement(By.cssSelector(".segmented input[value='ACTUAL'] + span")).click();
      waitUntil("the drill to leave the board", ExpectedConditions.invisibilityOfElementLocated(drillCard));
      waitUntil("the real fire to stay", ExpectedConditions.presenceOfElementLocated(card(fireIncident)));
      assertThat(driver.getCurrentUrl()).contains("mode=ACTUAL");
      driver.findElement(By.cssSelector(".segmented input[value='EXERCISE'] + span")).click();
      waitUntil("only the drill", ExpectedConditions.presenceOfElementLocated(drillCard));
      waitUntil("the real fire to leave", ExpectedConditions.invisibilityOfElementLocated(card(fireIncident)));

      // A region filter narrows the board to a city.
      driver.findElement(By.cssSelector(".segmented input[value='ALL'] + span")).click();
      WebElement region = driver.findElement(By.id("region"));
      region.clear();
      region.sendKeys("6501\n");
      waitUntil("the Urumqi fire", ExpectedConditions.presenceOfElementLocated(card(fireIncident)));
      waitUntil("Karamay's drill to leave", ExpectedConditions.invisibilityOfElementLocated(drillCard));
      waitUntil("the stream to reconnect for the city",
          ExpectedConditions.attributeToBe(By.id("connection"), "data-state", "live"));

      assertNoCspViolations();
    });
  }

  @Test
  @Order(4)
  void signingOutForgetsTheTokenAndAPastedTokenSignsIn() throws IOException {
    guarded(() -> {
      driver.findElement(By.id("sign-out")).click();
      waitUntil("the sign-in form", ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
      assertThat(((JavascriptExecutor) driver).executeScript("return sessionStorage.length")).isEqualTo(0L);
      driver.get(base + "/console/");
      waitUntil("the sign-in form after a reload", ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));

      driver.findElement(By.id("login-token")).sendKeys("not-a-token");
      driver.findElement(By.cssSelector("#login-form button[type=submit]")).click();
      waitUntil("the form to say what is wrong",
          ExpectedConditions.textToBePresentInElementLocated(By.id("login-message"), "not a JWT"));

      WebElement field = driver.findElement(By.id("login-token"));
      field.clear();
      field.sendKeys(TestNode.token(Role.COMMAND_CENTER, "6501"));
      driver.findElement(By.cssSelector("#login-form button[type=submit]")).click();
      waitUntil("the city's command center to be signed in", ExpectedConditions.textToBe(By.id("who-sub"), "6501"));
      waitUntil("its board", ExpectedConditions.presenceOfElementLocated(card(fireIncident)));
      waitUntil("its stream", ExpectedConditions.attributeToBe(By.id("connection"), "data-state", "live"));
      assertNoCspViolations();
    });
  }

  @Test
  @Order(5)
  void theStreamReaderParsesServerSentEventsAndResumesWithLastEventId() throws IOException {
    guarded(() -> {
      // On the sign-in page (no app running), the console's own modules, in this browser.
      ((JavascriptExecutor) driver).executeScript("sessionStorage.clear()");
      driver.get(base + "/console/");
      waitUntil("the sign-in form", ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
      JavascriptExecutor js = (JavascriptExecutor) driver;

      Object parsed = js.executeAsyncScript("""
          const done = arguments[arguments.length - 1];
          import('/console/sse.js').then(({ SseParser }) => {
            const events = [], comments = [], retries = [];
            const parser = new SseParser({ onEvent: e => events.push(e), onComment: c => comments.push(c),
                                           onRetry: r => retries.push(r) });
            for (const chunk of ['\\uFEFFid: 7\\r', '\\nevent: incident\\r\\ndata: {"a":\\r\\ndata:1}\\r\\n\\r',
                                 '\\n: heartbeat\\n\\nid: 8\\n\\n', 'data: plain\\rdata:  two spaces\\r\\r',
                                 'retry: 1500\\nevent: x\\ndata\\n\\n', 'data: unfinished']) {
              parser.push(chunk);
            }
            done(JSON.stringify({ events, comments, retries }));
          }).catch(e => done('failed: ' + e));""");
      assertThat(String.valueOf(parsed)).isEqualTo("{\"events\":["
          + "{\"id\":\"7\",\"event\":\"incident\",\"data\":\"{\\\"a\\\":\\n1}\"},"
          + "{\"id\":\"8\",\"event\":\"message\",\"data\":\"plain\\n two spaces\"},"
          + "{\"id\":\"8\",\"event\":\"x\",\"data\":\"\"}],"
          + "\"comments\":[\"heartbeat\"],\"retries\":[1500]}");

      // A stream that ends is reopened with the last id it delivered, and the bearer token.
      Object resumed = js.executeAsyncScript("""
          const done = arguments[arguments.length - 1];
          import('/console/sse.js').then(({ LiveStream }) => {
            const realFetch = window.fetch, calls = [], events = [], encoder = new TextEncoder();
            window.fetch = async (url, init) => {
              calls.push({ url, headers: init.headers });
              const first = calls.length === 1;
              const body = new ReadableStream({ start(c) {
                c.enqueue(encoder.encode(first ? 'retry: 10\\nid: 41\\nevent: incident\\ndata: {"n":1}\\n\\n'
                                               : ': hi\\n\\nid: 42\\nevent: incident\\ndata: {"n":2}\\n\\n'));
                if (first) c.close();
              } });
              return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
            };
            const stream = new LiveStream({ url: '/api/v1/stream/incidents?region=65', token: 'tok', onState: () => {},
              onEvent: e => {
                events.push(e);
                if (events.length === 2) {
                  stream.stop();
                  window.fetch = realFetch;
                  done(JSON.stringify({ calls, events }));
                }
              } });
            stream.start();
          }).catch(e => done('failed: ' + e));""");
      assertThat(String.valueOf(resumed)).isEqualTo("{\"calls\":["
          + "{\"url\":\"/api/v1/stream/incidents?region=65\",\"headers\":{\"Authorization\":\"Bearer tok\",\"Accept\":\"text/event-stream\"}},"
          + "{\"url\":\"/api/v1/stream/incidents?region=65\",\"headers\":{\"Authorization\":\"Bearer tok\",\"Accept\":\"text/event-stream\",\"Last-Event-ID\":\"41\"}}],"
          + "\"events\":[{\"id\":\"41\",\"event\":\"incident\",\"data\":\"{\\\"n\\\":1}\"},"
          + "{\"id\":\"42\",\"event\":\"incident\",\"data\":\"{\\\"n\\\":2}\"}]}");
      assertNoCspViolations();
    });
  }

  // --- helpers ----------------------------------------------------------------------------

  private static Map<String, Object> drill(String schoolId, String type, String level, String clientRef) {
    var body = new HashMap<>(Fixtures.incident(schoolId, type, level, clientRef));
    body.put("mode", "EXERCISE");
    body.put("summary", "evacuation drill, building A");
    return body;
  }

  @Test
  @Order(6)
  void aBoardThatCannotHoldEveryOpenIncidentShowsTheTrueTotals() throws IOException {
    guarded(() -> {
      // The region's true totals, counted by the projection: the three open incidents of the tests above
      // (the fire, the drill, the intrusion). The counts follow the journal by a few seconds.
      HubClient commandCenter = anonymous.as(Role.COMMAND_CENTER, "65");
      // The list is a read model too: wait until it shows them.
      Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(commandCenter
          .get("/api/v1/incidents?region=65&mode=ALL&status=open&limit=200").body().get("incidents").size())
          .isGreaterThanOrEqualTo(3));
      int open = commandCenter.get("/api/v1/incidents?region=65&mode=ALL&status=open&limit=200").body()
          .get("incidents").size();
      // Every slice of the projection must have caught up, levels included (a regrade is an event too).
      Awaitility.await().atMost(WAIT).untilAsserted(() -> {
        var counts = commandCenter.get("/api/v1/incidents/open-counts?region=65&mode=ALL").body();
        assertThat(counts.get("open").asInt()).isEqualTo(open);
        assertThat(counts.get("byLevel").get("I").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(counts.get("drillsByLevel").get("III").asInt()).isGreaterThanOrEqualTo(1);
      });
      var totals = commandCenter.get("/api/v1/incidents/open-counts?region=65&mode=ALL").body();

      // A board that holds two cards (the limit is ?board=N; 1,000 by default) shows two, the most severe
      // first, and says how many there are; its counters are the totals, not what it holds.
      ((JavascriptExecutor) driver).executeScript("sessionStorage.clear()");
      driver.get(base + "/console/?board=2&region=65&mode=ALL#token=" + TestNode.token(Role.COMMAND_CENTER, "65"));
      waitUntil("the caption to count every open incident",
          ExpectedConditions.attributeToBe(By.id("board-caption"), "data-total", String.valueOf(open)));
      waitUntil("two cards on the board", ExpectedConditions.numberOfElementsToBe(By.cssSelector("#board .card"), 2));
      assertThat(driver.findElement(By.id("board-caption")).getText()).contains("showing 2 of " + open + " open");
      assertThat(driver.findElement(By.cssSelector("#board .card")).getAttribute("data-level")).isEqualTo("I");
      int counted = 0;
      for (String level : List.of("I", "II", "III", "IV", "UNGRADED")) {
        By counter = By.cssSelector("[data-counter='level-" + level + "']");
        waitUntil("the level " + level + " counter to show the total", ExpectedConditions.attributeToBe(counter,
            "data-value", totals.get("byLevel").get(level).asText()));
        counted += Integer.parseInt(driver.findElement(counter).getAttribute("data-value"));
      }
      assertThat(counted).isEqualTo(open);
      waitUntil("the unacknowledged counter to show the total", ExpectedConditions.attributeToBe(
          By.cssSelector("[data-counter='unacknowledged']"), "data-value", totals.get("dispatches").get("notified").asText()));
      assertNoCspViolations();
    });
  }

  @Test
  @Order(7)
  void theRiskLayerColoursASchoolByItsLevelAndItsPanelSaysWhy() throws IOException {
    guarded(() -> {
      // Tianshan's senior high is made RED through the API: a chemical plant, a river, a building
      // site and a bar around it; a major road and a railway; two major hazards whose rectification
      // deadline had already passed when the inspection was recorded; two clusters in one class.
      HubClient school = anonymous.as(Role.SCHOOL_STAFF, TIANSHAN_2);
      String base2 = "/api/v1/schools/" + TIANSHAN_2;
      int n = 0;
      for (var s : List.of(List.of("CHEMICAL_PLANT", 150), List.of("RIVER_OR_RESERVOIR", 100), List.of("CONSTRUCTION_SITE", 80),
          List.of("ENTERTAINMENT_VENUE", 150), List.of("MAJOR_ROAD", 60), List.of("RAILWAY", 120))) {
        created(school.post(base2 + "/surroundings", Map.of("surroundingId", "near-" + ++n, "kind", s.get(0),
            "distanceMetres", s.get(1), "description", "declared by the school")));
      }
      Instant now = Instant.now();
      LocalDate today = LocalDate.now(ZoneOffset.UTC);
      var inspection = Map.of("inspectionId", "console-risk-insp", "date", today.minusDays(20).toString(),
          "inspector", Map.of("name", "Zhang Wei", "role", "safety officer"), "areas", List.of("building B", "gate"),
          "hazards", List.of(
              riskHazard("FIRE_SAFETY", "MAJOR", "building B stairwell", "fire door blocked", now.minus(Duration.ofDays(2))),
              riskHazard("TRAFFIC", "MAJOR", "south gate", "no crossing guard at the gate", now.minus(Duration.ofDays(1))),
              riskHazard("ELECTRICAL", "GENERAL", "canteen", "loose socket", now.plus(Duration.ofDays(5)))));
      created(school.post(base2 + "/inspections", inspection));
      created(school.post(base2 + "/health-checks", Map.of("date", today.toString(), "classId", "3-2", "present", 36,
          "absentIll", 4, "symptoms", Map.of("DIARRHOEA", 3, "VOMITING", 3))));

      HubClient commandCenter = anonymous.as(Role.COMMAND_CENTER, "65");
      // The ranking and the hazard list are read models: wait for them before looking.
      Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        var rows = commandCenter.get("/api/v1/risk?region=650102&top=50").body().get("schools");
        String level = null;
        for (var row : rows) {
          if (row.get("schoolId").asText().equals(TIANSHAN_2)) {
            level = row.get("level").asText();
          }
        }
        assertThat(level).isEqualTo("RED");
        assertThat(commandCenter.get(base2 + "/hazards?state=OVERDUE").body().get("hazards").size()).isEqualTo(2);
        assertThat(commandCenter.get("/api/v1/warnings?region=650102&state=ACTIVE").body().get("warnings")
            .findValuesAsText("cause")).contains("HEALTH_CLUSTER", "OVERDUE_HAZARD", "RISK_LEVEL");
      });

      ((JavascriptExecutor) driver).executeScript("sessionStorage.clear()");
      driver.get(base + "/console/?region=65#token=" + TestNode.token(Role.COMMAND_CENTER, "65"));
      By dot = By.cssSelector("#map circle.school[data-school-id='" + TIANSHAN_2 + "']");
      waitUntil("the school on the map", ExpectedConditions.presenceOfElementLocated(dot));
      // Read through waitUntil: the map re-renders as events arrive, and an element found a moment
      // ago may have been replaced (a stale element, seen once in the suite).
      waitUntil("no risk colours before the toggle", d -> d.findElement(dot).getAttribute("data-risk-level") == null);

      // The warnings on the board, the most severe first.
      By clusterWarning = By.cssSelector("#warnings li.warning[data-school-id='" + TIANSHAN_2 + "'][data-cause='HEALTH_CLUSTER']");
      waitUntil("the cluster's warning on the board", ExpectedConditions.visibilityOfElementLocated(clusterWarning));
      String warningText = waitUntil("the cluster's warning's text", d -> d.findElement(clusterWarning).getText());
      assertThat(warningText).contains("Health cluster", "Urumqi No. 1 Senior High", "class 3-2", "RAISED");
      assertThat(driver.findElements(By.cssSelector("#warnings li.warning[data-school-id='" + TIANSHAN_2
          + "'][data-cause='OVERDUE_HAZARD']"))).hasSize(2);
      waitUntil("the level warning", ExpectedConditions.attributeContains(By.cssSelector(
          "#warnings li.warning[data-school-id='" + TIANSHAN_2 + "'][data-cause='RISK_LEVEL']"), "class", "risk-red"));

      // The layer: the school in RED's colour; a school without a score stays an outline.
      driver.findElement(By.id("risk-toggle")).click();
      waitUntil("the school coloured RED", ExpectedConditions.attributeToBe(dot, "data-risk-level", "RED"));
      assertThat(driver.getCurrentUrl()).contains("layer=risk");
      assertThat(driver.findElement(By.id("risk-toggle")).getAttribute("aria-pressed")).isEqualTo("true");
      assertThat(driver.findElement(dot).getCssValue("fill")).isEqualTo("rgb(239, 59, 54)");
      assertThat(driver.findElement(By.cssSelector("#risk-legend [data-level='RED']")).getAttribute("data-count"))
          .isEqualTo("1");

      // Its panel: the level, the five dimensions as a chart, the factors, the hazards. (The dot sits
      // under its neighbour's incident marker here, so it is picked from the keyboard.)
      ((JavascriptExecutor) driver).executeScript("arguments[0].focus()", driver.findElement(dot));
      new Actions(driver).sendKeys(Keys.ENTER).perform();
      By panel = By.cssSelector("#school-detail[data-school-id='" + TIANSHAN_2 + "']");
      waitUntil("the school's panel", ExpectedConditions.visibilityOfElementLocated(panel));
      waitUntil("its level", ExpectedConditions.textToBe(By.id("school-risk-level"), "RED"));
      var risk = commandCenter.get(base2 + "/risk").body();
      // The panel re-renders when news for its school arrives: read it again if it did meanwhile.
      onSettledPage(() -> {
        WebElement chart = driver.findElement(By.cssSelector("#school-detail svg.dimension-chart"));
        assertThat(chart.isDisplayed()).isTrue();
        assertThat(chart.getRect().getHeight()).as("the chart takes room in the panel").isGreaterThan(100);
        var bars = driver.findElements(By.cssSelector("#school-detail svg.dimension-chart g.dim"));
        assertThat(bars).extracting(b -> b.getAttribute("data-dimension"))
            .containsExactly("surroundings", "health", "traffic", "history", "execution");
        for (WebElement bar : bars) {
          String dimension = bar.getAttribute("data-dimension");
          assertThat(bar.getAttribute("data-value")).as(dimension)
              .isEqualTo(String.format(java.util.Locale.ROOT, "%.1f", risk.get("dimensions").get(dimension).asDouble()));
        }
        assertThat(driver.findElement(By.cssSelector("#school-detail g.dim[data-dimension='surroundings']")).getAttribute("class"))
            .contains("risk-red");
        assertThat(driver.findElement(By.cssSelector("#school-detail g.dim[data-dimension='history']")).getAttribute("class"))
            .contains("risk-blue");
        var factors = driver.findElements(By.cssSelector("#school-detail li.factor"));
        assertThat(factors).extracting(f -> f.getAttribute("data-code"))
            .contains("nearby-CHEMICAL_PLANT", "nearby-RAILWAY", "outbreak-cluster", "illness-absence", "overdue-hazard",
                "open-hazard", "training-coverage");
        assertThat(driver.findElement(By.cssSelector("#school-detail li.factor[data-code='nearby-CHEMICAL_PLANT']")).getText())
            .contains("+40.0", "CHEMICAL_PLANT at 150 m");

        var overdue = driver.findElements(By.cssSelector("#school-detail li.hazard.overdue[data-status='OVERDUE']"));
        assertThat(overdue).hasSize(2);
        assertThat(overdue.get(0).getText()).contains("MAJOR", "overdue");
        WebElement open = driver.findElement(By.cssSelector("#school-detail li.hazard[data-status='OPEN']"));
        assertThat(open.getAttribute("class")).doesNotContain("overdue");
        assertThat(open.getText()).contains("Electrical", "canteen", "due in 4 d");
        assertThat(driver.findElements(By.cssSelector("#school-detail .warnings li.warning"))).hasSizeGreaterThanOrEqualTo(5);
      });

      // A taller window for the picture, so that the panel shows the chart and the factors.
      driver.manage().window().setSize(new Dimension(1600, 1500));
      waitUntil("the chart in the taller panel", d -> d.findElement(By.cssSelector("#school-detail svg.dimension-chart"))
          .getRect().getHeight() > 100);
      saveScreenshot(RISK_SCREENSHOT);
      driver.manage().window().setSize(new Dimension(1600, 1000));

      // A warning on the board opens its school; the layer toggles off again.
      driver.findElement(By.cssSelector("#school-detail .close")).click();
      waitUntil("the panel to close", ExpectedConditions.invisibilityOfElementLocated(panel));
      driver.findElement(clusterWarning).click();
      waitUntil("the warning's school", ExpectedConditions.visibilityOfElementLocated(panel));
      driver.findElement(By.id("risk-toggle")).click();
      waitUntil("the plain map", ExpectedConditions.attributeToBe(By.id("risk-toggle"), "aria-pressed", "false"));
      assertThat(driver.findElement(dot).getAttribute("data-risk-level")).isNull();
      assertNoCspViolations();
    });
  }

  @Test
  @Order(8)
  void theTipsQueueListsTheRegionsOpenTipsMostUrgentFirstWithDeadlinesAndNeverTheirText() throws IOException {
    guarded(() -> {
      // An overdue BULLYING tip (MEDIUM: 3 s in this node), an URGENT WEAPON tip (1 h), and one in
      // Beijing, outside the console's region.
      String late = created(anonymous.post("/api/v1/tips", Map.of("schoolId", SAYBAGH, "category", "BULLYING",
          "text", "older pupils take lunch money every day"))).body().get("tipId").asText();
      String urgent = created(anonymous.post("/api/v1/tips", Map.of("schoolId", TIANSHAN_1, "category", "WEAPON",
          "text", "a boy showed a knife at gate 2"))).body().get("tipId").asText();
      String elsewhere = created(anonymous.post("/api/v1/tips", Map.of("schoolId", "sch-110101-001",
          "category", "DRUGS", "text", "pills sold behind the gym"))).body().get("tipId").asText();
      HubClient commandCenter = anonymous.as(Role.COMMAND_CENTER, "65");
      // The queue is a read model: wait until it holds both, the BULLYING one marked overdue.
      Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        var tips = commandCenter.get("/api/v1/tips?region=65&state=open").body().get("tips");
        assertThat(tips.findValuesAsText("tipId")).contains(late, urgent).doesNotContain(elsewhere);
        for (var t : tips) {
          if (t.get("tipId").asText().equals(late)) {
            assertThat(t.get("overdue").asBoolean()).isTrue();
          }
        }
      });
      var listed = commandCenter.get("/api/v1/tips?region=65&state=open").body();
      assertThat(listed.toString()).doesNotContain("lunch money", "knife", "text");
      String urgentDeadline = null;
      for (var t : listed.get("tips")) {
        if (t.get("tipId").asText().equals(urgent)) {
          urgentDeadline = t.get("deadline").asText();
        }
      }

      ((JavascriptExecutor) driver).executeScript("sessionStorage.clear()");
      driver.get(base + "/console/?region=65#token=" + TestNode.token(Role.COMMAND_CENTER, "65"));
      By urgentItem = By.cssSelector("#tips li.tip[data-tip-id='" + urgent + "']");
      By lateItem = By.cssSelector("#tips li.tip[data-tip-id='" + late + "']");
      waitUntil("the urgent tip in the queue", ExpectedConditions.visibilityOfElementLocated(urgentItem));
      waitUntil("the overdue tip in the queue", ExpectedConditions.visibilityOfElementLocated(lateItem));
      WebElement u = driver.findElement(urgentItem);
      assertThat(u.getText()).contains("URGENT", "Weapon", "Tianshan No. 1 Primary School", "New");
      WebElement due = u.findElement(By.cssSelector(".tip-due"));
      assertThat(due.getAttribute("data-due")).isEqualTo(urgentDeadline);
      // the countdown ticks: "due in 59:58", then a second less
      waitUntil("the urgent tip's countdown", ExpectedConditions.textMatches(By.cssSelector(
          "#tips li.tip[data-tip-id='" + urgent + "'] .tip-due"), java.util.regex.Pattern.compile("due in \\d+:\\d\\d")));
      String first = driver.findElement(urgentItem).findElement(By.cssSelector(".tip-due")).getText();
      waitUntil("the countdown to move", d -> !d.findElement(urgentItem).findElement(By.cssSelector(".tip-due"))
          .getText().equals(first));
      WebElement l = driver.findElement(lateItem);
      assertThat(l.getAttribute("class")).contains("overdue");
      assertThat(l.getText()).contains("OVERDUE", "Bullying", "Saybagh Experimental Primary");
      assertThat(l.findElement(By.cssSelector(".tip-due")).getText()).startsWith("overdue");
      // overdue first, then by deadline; nothing from outside the region; never a tip's text
      var order = driver.findElements(By.cssSelector("#tips li.tip")).stream()
          .map(e -> e.getAttribute("data-tip-id")).toList();
      assertThat(order).containsSubsequence(late, urgent).doesNotContain(elsewhere);
      assertThat(driver.findElement(By.id("tips-caption")).getText()).contains("overdue");
      String page = driver.findElement(By.tagName("body")).getText();
      assertThat(page).doesNotContain("lunch money", "knife at gate 2");
      saveScreenshot(Path.of("target", "console-tips.png"));
      assertNoCspViolations();
    });
  }

  @Test
  @Order(9)
  void theConsoleSpeaksChineseAndEnglishSwitchedInThePageAndRemembered() throws IOException {
    guarded(() -> {
      JavascriptExecutor js = (JavascriptExecutor) driver;
      Set<String> keys = new TreeSet<>();
      new ObjectMapper().readTree(getClass().getClassLoader().getResource("console/i18n/en.json"))
          .fieldNames().forEachRemaining(keys::add);
      try {
        js.executeScript("sessionStorage.clear(); localStorage.removeItem('schoolSafetyHub.lang')");
        // The browser asks for English (--lang=en-US): the console starts in English.
        driver.get(base + "/console/?region=65&mode=ACTUAL#token=" + TestNode.token(Role.COMMAND_CENTER, "65"));
        waitUntil("the English console", d -> "en".equals(d.findElement(By.tagName("html")).getAttribute("lang")));
        By clusterWarning = By.cssSelector("#warnings li.warning[data-school-id='" + TIANSHAN_2 + "'][data-cause='HEALTH_CLUSTER']");
        waitUntil("the warnings", ExpectedConditions.visibilityOfElementLocated(clusterWarning));
        waitUntil("the tips", ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#tips li.tip")));
        assertThat(counterLabel("III")).isEqualTo("Level III");
        assertThat(counterLabel("IV")).isEqualTo("Level IV");
        assertThat(driver.findElement(By.cssSelector("#warnings-wrap h2")).getAttribute("textContent")).isEqualTo("Early warnings");
        assertThat(driver.findElement(clusterWarning).getText()).contains("Health cluster", "RAISED");
        assertNoKeyShows(keys);

        // Switched in the page: every string in Chinese, the official terms, nothing in English left.
        driver.findElement(By.id("lang-zh")).click();
        waitUntil("the Chinese console", d -> "zh-CN".equals(d.findElement(By.tagName("html")).getAttribute("lang")));
        waitUntil("the counters in Chinese", d -> "较大".equals(counterLabel("III")));
        assertThat(counterLabel("I")).isEqualTo("特别重大");
        assertThat(counterLabel("II")).isEqualTo("重大");
        assertThat(counterLabel("IV")).isEqualTo("一般");
        assertThat(driver.findElement(By.cssSelector("#warnings-wrap h2")).getAttribute("textContent")).isEqualTo("预警");
        assertThat(driver.findElement(clusterWarning).getText()).contains("聚集性疫情", "已发布");
        assertThat(driver.findElement(By.cssSelector("#tips-wrap h2")).getAttribute("textContent")).contains("举报");
        assertThat(driver.findElement(By.id("sign-out")).getText()).isEqualTo("退出");
        assertThat(driver.findElement(By.id("who-role")).getText()).isEqualTo("指挥中心");
        assertThat(driver.getTitle()).contains("指挥中心");
        // A school's panel: its hazards (隐患) and their rectification (整改) state.
        driver.findElement(clusterWarning).click();
        waitUntil("the school's panel", ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#school-detail .hazards-head")));
        assertThat(driver.findElement(By.cssSelector("#school-detail .hazards-head")).getAttribute("textContent")).contains("隐患");
        assertThat(driver.findElement(By.cssSelector("#school-detail li.hazard[data-status='OVERDUE']")).getText())
            .contains("重大", "整改逾期");
        String page = pageText();
        assertThat(page).doesNotContain("Early warnings", "Tips queue", "Open incidents", "Level III", "Sign out",
            "Open hazards", "Five dimensions", "OVERDUE");
        assertNoKeyShows(keys);
        saveScreenshot(CHINESE_SCREENSHOT);

        // The choice is remembered on this browser: a reload stays in Chinese.
        driver.get(base + "/console/?region=65&mode=ACTUAL");
        waitUntil("Chinese after a reload", d -> "zh-CN".equals(d.findElement(By.tagName("html")).getAttribute("lang")));
        waitUntil("the counters in Chinese", d -> "一般".equals(counterLabel("IV")));
        assertThat(driver.findElement(By.cssSelector(".lang button.active")).getAttribute("data-lang")).isEqualTo("zh-CN");

        // And back to English.
        driver.findElement(By.id("lang-en")).click();
        waitUntil("English again", d -> "Level IV".equals(counterLabel("IV")));
        assertThat(driver.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("en");
        assertThat(driver.findElement(By.cssSelector("#warnings-wrap h2")).getAttribute("textContent")).isEqualTo("Early warnings");
        assertThat(pageText()).doesNotContain("预警", "较大");
        assertNoCspViolations();
      } finally {
        js.executeScript("localStorage.removeItem('schoolSafetyHub.lang')");
      }
    });
  }

  private String counterLabel(String level) {
    return driver.findElement(By.cssSelector("#counters [data-counter='level-" + level + "'] .counter-label")).getAttribute("textContent");
  }

  /** The console's text as written (getText() would give what the style sheet shows in capitals). */
  private String pageText() {
    return driver.findElement(By.id("app")).getAttribute("textContent");
  }

  /** No catalogue key ("level.III", "directive.guardians") is shown as if it were a message. */
  private void assertNoKeyShows(Set<String> keys) {
    String page = pageText();
    var shown = keys.stream().filter(k -> k.contains(".") && page.contains(k)).toList();
    assertThat(shown).as("catalogue keys shown on the page").isEmpty();
  }

  private static Map<String, Object> riskHazard(String category, String severity, String location, String description,
      Instant deadline) {
    return Map.of("category", category, "severity", severity, "location", location, "description", description,
        "rectification", Map.of("responsible", "Li Ming", "measures", "fix it", "fundingYuan", 800,
            "deadline", deadline.toString(), "interimSafeguard", "teacher on duty"));
  }

  private static By card(String incidentId) {
    return By.cssSelector("#board .card[data-incident-id='" + incidentId + "']");
  }

  private <T> T waitUntil(String what, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, WAIT)
        // The console re-renders as events arrive: an element found a moment ago may be replaced.
        .ignoring(StaleElementReferenceException.class)
        .withMessage(() -> "waiting for " + what + "; the console says: " + consoleState())
        .until(condition);
  }

  /** Banners and the connection indicator: what a person would look at when something is off. */
  private String consoleState() {
    try {
      String banners = driver.findElements(By.cssSelector("#banners .banner")).stream()
          .map(WebElement::getText).collect(Collectors.joining(" | "));
      var list = anonymous.as(Role.COMMAND_CENTER, "65").get("/api/v1/incidents?region=65&mode=ALL&status=open&limit=100");
      String listed = list.status() != 200 ? "HTTP " + list.status() : list.body().get("incidents").findValuesAsText("incidentId")
          + " " + list.body().get("incidents").findValuesAsText("mode");
      return "connection=" + driver.findElement(By.id("connection")).getText()
          + ", banners=[" + banners + "], cards=" + driver.findElements(By.cssSelector("#board .card")).size()
          + ", url=" + driver.getCurrentUrl() + "; the hub lists for region 65: " + listed;
    } catch (RuntimeException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /** The browser reports every blocked inline script or style, font or image on its console. */
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

  /**
   * Runs a step that reads elements, again from the start if the console replaced one of them while
   * it read (a re-render between finding an element and reading it); failed assertions are not retried.
   */
  private void onSettledPage(Step step) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        step.run();
        return;
      } catch (StaleElementReferenceException replaced) {
        if (attempt == 5) {
          throw replaced;
        }
      }
    }
  }

  /** Runs a step; on failure keeps a screenshot and the browser's console next to the report. */
  private void guarded(Step step) throws IOException {
    try {
      step.run();
    } catch (Throwable failure) {
      Path shot = Path.of("target", "console-failure.png");
      saveScreenshot(shot);
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

  private void saveScreenshot(Path target) throws IOException {
    Files.createDirectories(target.getParent());
    File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
    Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
  }
}
