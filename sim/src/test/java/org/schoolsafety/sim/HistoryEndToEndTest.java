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
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
 * The demo history (issue 18 item 6) on a real dev node: the node runs the history scenario against
 * itself before it is ready (a short one here: the month before this one and this one so far), so
 * the evaluation of last month counts incidents on first start; running the scenario again
 * records nothing new and the evaluation stays as it was. The node is the shared one of the sim
 * end-to-end classes ({@link SharedDevNode}), which loads that short history when it starts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedDevNode.class)
@Order(1) // first on the shared node, which loaded the short history when it started
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HistoryEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LAST_MONTH = YearMonth.now(ZoneId.of("Asia/Shanghai")).minusMonths(1).toString();

  private Path work;
  private Path scenario;
  private DevNode node;
  private Tokens tokens;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  void useTheSharedDevNode(SharedDevNode.Handle shared) throws Exception {
    node = shared.node();
    scenario = shared.historyScenario();
    work = shared.work("history");
    Files.createDirectories(work);
    tokens = Tokens.fromSecretFile(node.dataDir.resolve("auth").resolve("dev-secret"));
  }

  @Test
  @Order(1)
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void lastMonthsEvaluationCountsTheHistoryOnFirstStart() throws Exception {
    assertThat(node.dataDir.resolve("history-loaded")).exists();
    JsonNode loaded = JSON.readTree(node.dataDir.resolve("history.json").toFile());
    assertThat(loaded.get("failures")).isEmpty();
    assertThat(loaded.get("schools").asInt()).isEqualTo(20);
    assertThat(loaded.at("/byKind/incident/201").asInt()).isPositive();
    JsonNode province = settledEvaluation().get("65");
    System.out.println("history, province 65 in " + LAST_MONTH + ": " + province);
    assertThat(province.get("incidents").asInt()).isPositive();
    assertThat(province.get("initialReports").asInt()).isEqualTo(province.get("incidents").asInt());
    assertThat(province.get("initialReportsOnTime").asInt()).isPositive();
    assertThat(province.get("drillsDone").asInt()).isPositive();
    assertThat(province.get("acknowledgements").size()).isPositive();
  }

  @Test
  @Order(2)
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void runningTheScenarioAgainChangesNothing() throws Exception {
    JsonNode before = settledEvaluation();
    Path second = work.resolve("history-again.json");
    var out = new ByteArrayOutputStream();
    int status = Main.run(new String[] {"drill", scenario.toString(), "--hub", node.uri().toString(),
        "--data", node.dataDir.toString(), "--out", second.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
    System.out.println(out.toString(StandardCharsets.UTF_8));
    assertThat(status).isZero();
    JsonNode again = JSON.readTree(second.toFile());
    assertThat(again.at("/byKind/incident/201").isMissingNode()).as("imports recorded again: " + again).isTrue();
    assertThat(again.at("/byKind/incident/already there").asInt()).isPositive();
    assertThat(again.at("/byKind/investment/201").isMissingNode()).isTrue();
    assertThat(again.get("eventsImported").asInt()).isZero();
    assertThat(settledEvaluation()).isEqualTo(before);
  }

  /** Last month's rollups of region 65 once two reads a few seconds apart agree (the read side has caught up). */
  private JsonNode settledEvaluation() {
    var last = new AtomicReference<JsonNode>();
    Awaitility.await("last month's evaluation settles").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(3))
        .until(() -> {
          JsonNode rollups = JSON.createObjectNode();
          for (JsonNode r : get("/api/v1/evaluations?region=65&month=" + LAST_MONTH).get("rollups")) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) rollups).set(r.get("regionCode").asText(), r);
          }
          JsonNode previous = last.getAndSet(rollups);
          return rollups.path("65").path("incidents").asInt() > 0 && rollups.equals(previous);
        });
    return last.get();
  }

  private JsonNode get(String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(node.uri() + path))
        .header("Authorization", "Bearer " + tokens.commandCenter("65")).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET " + path + ": " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }
}
