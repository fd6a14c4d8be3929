package org.schoolsafety.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.sim.hub.Tokens;

/**
 * Prevention (issue 15) against a real dev node (child process, embedded Cassandra): the demo data
 * gives province 65 a spread of risk levels, loading it a second time (a restart on the same data)
 * changes nothing, and a short {@code hub drill prevention-term} raises the warnings it should,
 * each timed from its cause, while the hub's own records agree with its report.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedDevNode.class)
@Order(2)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PreventionEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private SharedDevNode.Handle shared;
  private Path work;
  private DevNode node;
  private Tokens tokens;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void useTheSharedDevNode(SharedDevNode.Handle shared) throws Exception {
    this.shared = shared;
    work = shared.work("prevention");
    node = shared.node();
    tokens = Tokens.fromSecretFile(node.dataDir.resolve("auth").resolve("dev-secret"));
  }

  @Test
  @Order(1)
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void theDemoGivesProvince65SchoolsAtMoreThanOneRiskLevel() throws Exception {
    // The ranking is a read model: wait until it ranks every one of the province's twelve demo schools.
    Awaitility.await("the ranking of province 65").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
        .until(() -> get("/api/v1/risk?region=65&top=100", commandCenter()).path("schools").size() >= 12);
    // Scores follow their inputs as the hazards' notices arrive (overdue ones a moment after they
    // open): read the ranking once it has stopped changing.
    settledRanking();
    var levels = new TreeMap<String, Integer>();
    get("/api/v1/risk?region=65&top=100", commandCenter()).path("schools")
        .forEach(s -> levels.merge(s.path("level").asText(), 1, Integer::sum));
    System.out.println("demo risk levels in province 65: " + levels);
    assertThat(levels.keySet()).hasSizeGreaterThan(1);
    // the spread the README describes: a red school, orange ones, and quiet blue ones
    assertThat(levels.keySet()).contains("RED", "ORANGE", "BLUE");
    // some hazards are overdue, and there is a cluster warning: the board is not empty on first start
    Awaitility.await("overdue demo hazards").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
        .until(() -> get("/api/v1/hazards?region=65&state=OVERDUE", commandCenter()).path("hazards").size() >= 3);
    Awaitility.await("a cluster warning").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
        .until(() -> get("/api/v1/warnings?region=65&state=ACTIVE", commandCenter()).findValuesAsText("cause")
            .contains("HEALTH_CLUSTER"));
  }

  @Test
  @Order(2)
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void loadingTheDemoASecondTimeChangesNothing() throws Exception {
    Map<String, String> before = demoRecords();
    // the read side's ranking has caught up once it stops changing
    Map<String, String> ranking = settledRanking();
    // A restart skips the demo when the data directory remembers it (demo-loaded); without the
    // marker the demo is registered a second time on the same data, which must change nothing.
    assertThat(node.dataDir.resolve("demo-loaded")).exists();
    Files.delete(node.dataDir.resolve("demo-loaded"));
    node = shared.restart();
    assertThat(node.dataDir.resolve("demo-loaded")).exists();
    assertThat(demoRecords()).isEqualTo(before);
    // nothing new reaches the ranking either: it holds the same rows, the same computedAt, for a while
    Awaitility.await("the same ranking").during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(40))
        .pollInterval(Duration.ofSeconds(1)).until(() -> rankingRows().equals(ranking));
  }

  @Test
  @Order(3)
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void aShortPreventionTermRaisesItsWarningsEachTimedFromItsCause() throws Exception {
    Path reportDir = work.resolve("prevention-report");
    String drillId = "e2e-prev-" + System.currentTimeMillis();
    Path scenario = Path.of(PreventionEndToEndTest.class.getResource("/scenarios/e2e-prevention.json").toURI());
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    int status = Main.run(new String[] {"drill", scenario.toString(), "--hub", node.uri().toString(),
            "--data", node.dataDir.toString(), "--out", reportDir.toString(), "--drill-id", drillId},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    System.out.println(err.toString(StandardCharsets.UTF_8));
    System.out.println(out.toString(StandardCharsets.UTF_8));
    JsonNode summary = JSON.readTree(reportDir.resolve("summary.json").toFile());
    assertThat(status).as("exit status; the checks: " + summary.path("checks")).isZero();
    assertThat(summary.path("checksFailed").asInt()).isZero();
    assertThat(Files.readString(reportDir.resolve("report.html"))).contains("OVERDUE_HAZARD", "HEALTH_CLUSTER", "<svg");

    JsonNode byCause = summary.path("warningsByCause");
    assertThat(byCause.path("MAJOR_HAZARD").asInt()).isEqualTo(1);
    assertThat(byCause.path("OVERDUE_HAZARD").asInt()).isEqualTo(1);
    assertThat(byCause.path("HEALTH_CLUSTER").asInt()).isEqualTo(2); // diarrhoea (one day), vomiting (three days)
    for (JsonNode w : summary.path("warnings")) {
      assertThat(w.path("tookFromCauseMs").isNumber()).as("timed from its cause: " + w).isTrue();
      assertThat(w.path("tookFromCauseMs").asLong()).as(w.toString()).isGreaterThanOrEqualTo(0);
      if (w.path("cause").asText().equals("OVERDUE_HAZARD")) {
        // open for many term days: the county education agency acknowledged it
        assertThat(w.path("acknowledgedBy").asText()).isEqualTo("agency:edu-650102");
      }
    }
    JsonNode missed = null;
    for (JsonNode h : summary.path("hazards")) {
      if (h.path("role").asText().equals("missed")) {
        missed = h;
      }
    }
    assertThat(missed).isNotNull();
    assertThat(missed.path("notified").findValuesAsText("tier")).contains("COUNTY", "CITY");
    assertThat(missed.path("status").asText()).isEqualTo("VERIFIED");

    // The hub's own list of the school's warnings, read by the test, matches the report.
    String school = summary.path("schoolId").asText();
    var listed = new TreeSet<String>();
    for (JsonNode w : get("/api/v1/warnings?region=650102&limit=1000", commandCenter()).path("warnings")) {
      if (w.path("schoolId").asText().equals(school)) {
        listed.add(w.path("warningId").asText());
      }
    }
    assertThat(listed).isEqualTo(new TreeSet<>(summary.path("warnings").findValuesAsText("warningId")));
  }

  // --- helpers ----------------------------------------------------------------------------

  /** What the demo wrote for every school, from the entities (not the read side): no lag to wait for. */
  private Map<String, String> demoRecords() throws Exception {
    var records = new LinkedHashMap<String, String>();
    var ids = new ArrayList<String>();
    for (String province : List.of("65", "11")) {
      get("/api/v1/schools?region=" + province + "&limit=100", tokens.operator("e2e")).path("schools")
          .forEach(s -> ids.add(s.path("schoolId").asText()));
    }
    assertThat(ids).hasSizeGreaterThanOrEqualTo(20);
    for (String id : ids) {
      String staff = tokens.school(id);
      var risk = get("/api/v1/schools/" + id + "/risk", staff);
      records.put(id, String.join("\n",
          canonical(get("/api/v1/schools/" + id + "/health-checks", staff)),
          canonical(get("/api/v1/schools/" + id + "/trainings", staff)),
          canonical(get("/api/v1/schools/" + id + "/surroundings", staff)),
          canonical(get("/api/v1/schools/" + id + "/drills", staff)),
          risk.path("overall").asText() + " " + risk.path("level").asText() + " " + canonical(risk.path("dimensions"))));
    }
    return records;
  }

  /**
   * The same content in the same text whatever the order of fields and of list items (some lists
   * come from a map in the entity's state, whose order differs between JVMs).
   */
  static String canonical(JsonNode node) {
    if (node.isObject()) {
      var fields = new TreeMap<String, String>();
      node.fields().forEachRemaining(e -> fields.put(e.getKey(), canonical(e.getValue())));
      return fields.toString();
    }
    if (node.isArray()) {
      var items = new ArrayList<String>();
      node.forEach(item -> items.add(canonical(item)));
      items.sort(null);
      return items.toString();
    }
    return node.toString();
  }

  private Map<String, String> settledRanking() {
    var last = new Object() {
      Map<String, String> rows = Map.of();
    };
    Awaitility.await("the ranking to settle").during(Duration.ofSeconds(8)).atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofSeconds(1)).until(() -> {
          var now = rankingRows();
          boolean same = now.equals(last.rows);
          last.rows = now;
          return same;
        });
    return last.rows;
  }

  private Map<String, String> rankingRows() throws Exception {
    var rows = new TreeMap<String, String>();
    for (String province : Set.of("65", "11")) {
      get("/api/v1/risk?region=" + province + "&top=100", tokens.commandCenter(province)).path("schools")
          .forEach(s -> rows.put(s.path("schoolId").asText(), s.path("overall").asText() + " " + s.path("level").asText()
              + " " + s.path("computedAt").asText()));
    }
    return rows;
  }

  private String commandCenter() {
    return tokens.commandCenter("65");
  }

  private JsonNode get(String path, String token) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(node.uri() + path))
        .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET " + path + ": " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }
}
