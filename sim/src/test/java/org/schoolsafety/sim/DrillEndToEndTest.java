package org.schoolsafety.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.sim.hub.Tokens;

/**
 * A small drill, end to end: a real dev node (child process, embedded Cassandra, demo data),
 * {@code hub drill} run against it as in production, then the hub read back independently over
 * its API. The report's counts must equal the hub's own records, and the drill's incidents must
 * stay out of the real (ACTUAL) lists. Nothing here depends on timing: every wait is for a
 * condition, and the counts are compared, not bounded.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedDevNode.class)
@Order(3)
class DrillEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private DevNode node;
  private Tokens tokens;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private String drillId;
  private Path reportDir;
  private int exitStatus;
  private String output;
  private JsonNode summary;
  /** The drill's incidents as the hub lists them, and each one's read model (read by the test itself). */
  private final Map<String, JsonNode> recorded = new TreeMap<>();

  @BeforeAll
  @Timeout(value = 12, unit = TimeUnit.MINUTES)
  void runADrill(SharedDevNode.Handle shared) throws Exception {
    Path work = shared.work("drill");
    node = shared.node();
    Path data = node.dataDir;
    tokens = Tokens.fromSecretFile(data.resolve("auth").resolve("dev-secret"));
    // the school list is a read-side table: let it catch up with the demo data first
    Awaitility.await("demo schools listed").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
        .until(() -> get("/api/v1/schools?region=650102", tokens.operator("e2e")).path("schools").size() >= 3);

    drillId = "e2e-" + System.currentTimeMillis();
    reportDir = work.resolve("report");
    Path scenario = Path.of(DrillEndToEndTest.class.getResource("/scenarios/e2e-small.json").toURI());
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    long began = System.nanoTime();
    exitStatus = Main.run(new String[] {"drill", scenario.toString(), "--hub", node.uri().toString(),
            "--data", data.toString(), "--out", reportDir.toString(), "--drill-id", drillId,
            "--speed", "120", "--progress", "plain"},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    output = out.toString(StandardCharsets.UTF_8);
    System.out.println(err.toString(StandardCharsets.UTF_8));
    System.out.println(output);
    System.out.printf("drill took %.1f s of wall time%n", (System.nanoTime() - began) / 1e9);
    assertThat(exitStatus).as("exit status (0: targets passed, 3: some failed); stderr:\n" + err).isIn(0, 3);
    summary = JSON.readTree(reportDir.resolve("summary.json").toFile());

    // the test's own read-back: the drill list (eventually consistent) until it holds what the report counted
    int expected = summary.path("incidents").path("recorded").asInt();
    Awaitility.await("drill list").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
        .until(() -> listed("65", "&mode=EXERCISE&drillId=" + drillId, tokens.operator("e2e")).size() >= expected);
    for (String id : listed("65", "&mode=EXERCISE&drillId=" + drillId, tokens.operator("e2e"))) {
      recorded.put(id, get("/api/v1/incidents/" + id, tokens.operator("e2e")));
    }
  }

  @Test
  void theDrillRanAsPlanned() {
    assertThat(summary.path("drillId").asText()).isEqualTo(drillId);
    assertThat(summary.path("incidents").path("planned").asInt()).isEqualTo(7);
    assertThat(summary.path("incidents").path("acceptedBySimulatorCount").asInt()).isEqualTo(7);
    assertThat(summary.path("incidents").path("missingFromList").asInt()).isZero();
    assertThat(summary.path("incidents").path("unreadable").asInt()).isZero();
    assertThat(summary.path("incidents").path("listFilter").asText()).isEqualTo("hub");
    assertThat(summary.path("client").path("reportsNeverAccepted").asInt()).isZero();
    assertThat(summary.path("schools").path("planned").asInt()).isEqualTo(4);
    assertThat(output).contains("report: " + reportDir.resolve("report.html").toAbsolutePath().normalize());
  }

  @Test
  void everyIncidentIsAnExerciseOfThisDrill() {
    assertThat(recorded).hasSize(summary.path("incidents").path("recorded").asInt());
    assertThat(recorded.values()).allSatisfy(i -> {
      assertThat(i.path("mode").asText()).isEqualTo("EXERCISE");
      assertThat(i.path("drillId").asText()).isEqualTo(drillId);
      assertThat(i.path("timeScale").asDouble()).isEqualTo(120.0);
      assertThat(i.path("clientRef").asText()).startsWith(drillId + "-");
    });
  }

  @Test
  void theReportsCountsEqualTheHubsRecords() throws Exception {
    var statuses = new TreeMap<String, Integer>();
    var types = new TreeMap<String, Integer>();
    var reportKinds = new HashMap<String, Integer>();
    var dispatchStates = new TreeMap<String, Integer>();
    var perKindTier = new TreeMap<String, int[]>();
    Set<String> schools = new TreeSet<>();
    int dispatches = 0;
    int acknowledged = 0;
    int escalations = 0;
    int unanswered = 0;
    int timelineEntries = 0;
    for (JsonNode i : recorded.values()) {
      statuses.merge(i.path("status").asText(), 1, Integer::sum);
      types.merge(i.path("type").asText(), 1, Integer::sum);
      schools.add(i.path("schoolId").asText());
      i.path("reports").forEach(r -> reportKinds.merge(r.path("kind").asText(), 1, Integer::sum));
      for (JsonNode d : i.path("dispatches")) {
        dispatches++;
        dispatchStates.merge(d.path("state").asText(), 1, Integer::sum);
        boolean acked = !d.path("ackAt").isNull() && !d.path("ackAt").isMissingNode();
        acknowledged += acked ? 1 : 0;
        int[] counts = perKindTier.computeIfAbsent(d.path("kind").asText() + "/" + d.path("tier").asText(), k -> new int[2]);
        counts[0]++;
        counts[1] += acked ? 1 : 0;
      }
      for (JsonNode t : i.path("timeline")) {
        timelineEntries++;
        escalations += t.path("event").asText().equals("escalated") ? 1 : 0;
        unanswered += t.path("event").asText().equals("unanswered") ? 1 : 0;
      }
    }
    assertThat(summary.path("incidents").path("recorded").asInt()).isEqualTo(recorded.size());
    assertThat(map(summary.path("incidents").path("byStatus"))).isEqualTo(statuses);
    assertThat(map(summary.path("incidents").path("byType"))).isEqualTo(types);
    assertThat(summary.path("schools").path("takingPart").asInt()).isEqualTo(schools.size());
    assertThat(summary.path("reports").path("initial").asInt()).isEqualTo(reportKinds.getOrDefault("INITIAL", 0));
    assertThat(summary.path("reports").path("continuation").asInt()).isEqualTo(reportKinds.getOrDefault("CONTINUATION", 0));
    assertThat(summary.path("reports").path("final").asInt()).isEqualTo(reportKinds.getOrDefault("FINAL", 0));
    assertThat(summary.path("dispatches").path("total").asInt()).isEqualTo(dispatches);
    assertThat(summary.path("dispatches").path("acknowledged").asInt()).isEqualTo(acknowledged);
    assertThat(summary.path("dispatches").path("neverAcknowledged").asInt()).isEqualTo(dispatches - acknowledged);
    assertThat(map(summary.path("dispatches").path("byState"))).isEqualTo(dispatchStates);
    assertThat(summary.path("escalations").asInt()).isEqualTo(escalations);
    assertThat(summary.path("unansweredDispatches").asInt()).isEqualTo(unanswered);
    var reportedPerKindTier = new TreeMap<String, int[]>();
    summary.path("timeToAcknowledge").path("byKindTier").forEach(row -> reportedPerKindTier.put(
        row.path("kind").asText() + "/" + row.path("tier").asText(),
        new int[] {row.path("dispatches").asInt(), row.path("acknowledged").asInt()}));
    assertThat(reportedPerKindTier).usingRecursiveComparison().isEqualTo(perKindTier);

    // the CSV files hold one row per recorded timeline entry and dispatch
    assertThat(Files.readAllLines(reportDir.resolve("events.csv"))).hasSize(1 + timelineEntries);
    assertThat(Files.readAllLines(reportDir.resolve("dispatches.csv"))).hasSize(1 + dispatches);
    String html = Files.readString(reportDir.resolve("report.html"));
    assertThat(html).contains(drillId, "<svg", "Time to acknowledge, per kind and tier", "Incidents and escalations over time")
        .doesNotContain("<script", "<link", "src=");

    // every school that took part filed its drill record, under this drill's id
    int withRecord = 0;
    for (String school : schools) {
      for (JsonNode d : get("/api/v1/schools/" + school + "/drills", tokens.operator("e2e")).path("drills")) {
        if (drillId.equals(d.path("drillId").asText())) {
          withRecord++;
          assertThat(d.path("type").asText()).isEqualTo("EVACUATION");
        }
      }
    }
    assertThat(summary.path("schools").path("withDrillRecord").asInt()).isEqualTo(withRecord).isEqualTo(schools.size());
  }

  @Test
  void exerciseIncidentsStayOutOfRealQueries() throws Exception {
    String province = tokens.commandCenter("65");
    Set<String> real = new TreeSet<>(listed("65", "", province));               // default: ACTUAL only
    Set<String> exercises = new TreeSet<>(listed("65", "&mode=EXERCISE", province));
    Set<String> both = new TreeSet<>(listed("65", "&mode=ALL", province));
    assertThat(real).doesNotContainAnyElementsOf(recorded.keySet());
    assertThat(exercises).containsAll(recorded.keySet());
    assertThat(both).containsAll(recorded.keySet());
    // an operator may not look at real incidents at all
    HttpResponse<String> actual = send("/api/v1/incidents?region=65", tokens.operator("e2e"));
    assertThat(actual.statusCode()).isEqualTo(403);
    // and a school's real incident list (its open incidents) is not the drill's business: the
    // school's view lists the drill's open ones as EXERCISE, never as ACTUAL
    for (JsonNode i : recorded.values()) {
      JsonNode school = get("/api/v1/schools/" + i.path("schoolId").asText(), tokens.operator("e2e"));
      school.path("openIncidents").forEach(open -> {
        if (recorded.containsKey(open.path("incidentId").asText())) {
          assertThat(open.path("mode").asText()).isEqualTo("EXERCISE");
        }
      });
    }
  }

  // --- a minimal client of the test's own -------------------------------------------------

  private List<String> listed(String region, String filter, String token) throws Exception {
    var ids = new ArrayList<String>();
    String from = LocalDate.now(ZoneOffset.UTC).minusDays(1).toString();
    String cursor = null;
    do {
      JsonNode page = get("/api/v1/incidents?region=" + region + filter + "&from=" + from + "&limit=200"
          + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)), token);
      page.path("incidents").forEach(row -> ids.add(row.path("incidentId").asText()));
      cursor = page.path("next").isNull() || page.path("next").isMissingNode() ? null : page.path("next").asText();
    } while (cursor != null);
    return ids;
  }

  private JsonNode get(String path, String token) throws Exception {
    HttpResponse<String> r = send(path, token);
    assertThat(r.statusCode()).as("GET " + path + ": " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private HttpResponse<String> send(String path, String token) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(node.uri() + path)).header("Authorization", "Bearer " + token)
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Map<String, Integer> map(JsonNode object) {
    var m = new TreeMap<String, Integer>();
    object.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asInt()));
    return m;
  }
}
