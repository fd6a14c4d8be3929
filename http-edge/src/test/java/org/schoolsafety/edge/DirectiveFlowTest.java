package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.schoolsafety.edge.Fixtures.created;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * Directives end to end over HTTP: issued to a region, acknowledged and accounted for by many
 * schools at once (the sums exact), the silent schools listed first, lifted back to NORMAL.
 */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DirectiveFlowTest {

  static final String COUNTY = "650104";
  static final int SCHOOLS = 12;

  private HubNode node;
  private HubClient anonymous;
  private HubClient commandCenter;

  @BeforeAll
  void setUp() {
    node = TestNode.start("it_directives", Map.of(
        "hub.http.rate-limit.burst", 1_000_000, "hub.http.rate-limit.per-second", 1_000_000));
    anonymous = new HubClient(node.httpPort());
    HubClient operator = anonymous.as(Role.OPERATOR, "ops");
    for (int i = 0; i < SCHOOLS; i++) {
      created(Fixtures.postSchool(operator, Fixtures.school(school(i), COUNTY)));
    }
    commandCenter = anonymous.as(Role.COMMAND_CENTER, "6501");
  }

  @AfterAll
  void tearDown() {
    if (node != null) {
      node.close();
    }
  }

  static String school(int i) {
    return String.format("sch-%s-%03d", COUNTY, i);
  }

  /** [schools, notices] of the view's guardianNotices. */
  private static List<Integer> guardianNotices(JsonNode view) {
    JsonNode counted = view.get("guardianNotices");
    assertThat(counted).as("guardianNotices in " + view).isNotNull();
    return counted.isNull() ? List.of() : List.of(counted.get("schools").asInt(), counted.get("notices").asInt());
  }

  private Map<String, Object> directive(String clientRef) {
    var body = new LinkedHashMap<String, Object>();
    body.put("region", COUNTY);
    body.put("posture", "SHELTER");
    body.put("instruction", "Sandstorm: keep everyone indoors, close windows");
    body.put("ackWithinMinutes", 15);
    body.put("clientRef", clientRef);
    return body;
  }

  @Test
  void aRegionIsDirectedAccountedForConcurrentlyAndLifted() throws Exception {
    // The registry is a projection: wait until it lists every school of the county.
    await().atMost(Duration.ofSeconds(30)).until(() ->
        commandCenter.get("/api/v1/schools?region=" + COUNTY).body().get("schools").size() == SCHOOLS);
    var issued = created(commandCenter.post("/api/v1/directives", directive("sandstorm-1")));
    String id = issued.body().get("directiveId").asText();
    assertThat(issued.raw().headers().firstValue("Location")).contains("/api/v1/directives/" + id);
    assertThat(issued.body().get("status").asText()).isEqualTo("ACTIVE");
    assertThat(issued.body().get("scope").asText()).isEqualTo(COUNTY);
    assertThat(issued.body().get("totals").get("schools").asInt()).isEqualTo(SCHOOLS);
    assertThat(issued.body().get("totals").get("expected").asLong()).isEqualTo(SCHOOLS * 1280L);

    var replay = commandCenter.post("/api/v1/directives", directive("sandstorm-1"));
    assertThat(replay.status()).isEqualTo(200);
    assertThat(replay.raw().headers().firstValue("Idempotent-Replayed")).contains("true");
    var changed = directive("sandstorm-1");
    changed.put("posture", "EVACUATE");
    assertThat(commandCenter.post("/api/v1/directives", changed).status()).isEqualTo(409);

    await().atMost(Duration.ofSeconds(10)).until(() ->
        commandCenter.get("/api/v1/schools/" + school(0)).body().get("posture").asText().equals("SHELTER"));
    // The registry (the console's map) follows from the schools' events.
    await().atMost(Duration.ofSeconds(30)).until(() ->
        commandCenter.get("/api/v1/schools?region=" + COUNTY).body().get("schools").findValuesAsText("posture")
            .stream().allMatch("SHELTER"::equals));
    // Each school's posture is a notice on its guardians' feed; the directive counts them, from
    // the schools' events (the read side), not by asking the schools.
    await().atMost(Duration.ofSeconds(30)).until(() ->
        guardianNotices(commandCenter.get("/api/v1/directives/" + id).body()).equals(List.of(SCHOOLS, SCHOOLS)));

    // Every school but the last reports at once, three times over; the last report of each counts.
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (int round = 0; round < 3; round++) {
        int r = round;
        var calls = new ArrayList<CompletableFuture<HubClient.Response>>();
        for (int i = 0; i < SCHOOLS - 1; i++) {
          String schoolId = school(i);
          HubClient staff = anonymous.as(Role.SCHOOL_STAFF, schoolId);
          Map<String, Object> students = r == 2 ? Map.of("present", 1190, "missing", 4, "injured", 6)
              : Map.of("present", 100 * r, "missing", 1000);
          calls.add(CompletableFuture.supplyAsync(() -> staff.post("/api/v1/directives/" + id + "/accountability",
              Map.of("schoolId", schoolId, "students", students, "staff", Map.of("present", 80))), pool));
        }
        for (var call : calls) {
          assertThat(call.get().status()).as(String.valueOf(call.get().body())).isEqualTo(200);
        }
      }
    } finally {
      pool.shutdown();
    }

    JsonNode view = commandCenter.get("/api/v1/directives/" + id).body();
    JsonNode totals = view.get("totals");
    int reported = SCHOOLS - 1;
    assertThat(totals.get("acknowledged").asInt()).isEqualTo(reported);
    assertThat(totals.get("silent").asInt()).isEqualTo(1);
    assertThat(totals.get("missing").asInt()).isEqualTo(4 * reported);
    assertThat(totals.get("injured").asInt()).isEqualTo(6 * reported);
    assertThat(totals.get("accounted").asLong()).isEqualTo((1196L + 80) * reported);
    // The silent school comes first.
    JsonNode first = view.get("schools").get(0);
    assertThat(first.get("schoolId").asText()).isEqualTo(school(SCHOOLS - 1));
    assertThat(first.get("acknowledged").asBoolean()).isFalse();
    JsonNode second = view.get("schools").get(1);
    assertThat(second.get("accountedPercent").asDouble()).isEqualTo(99.7);
    assertThat(second.get("missing").asInt()).isEqualTo(4);

    // A school's staff sees its own school only.
    HubClient staff0 = anonymous.as(Role.SCHOOL_STAFF, school(0));
    JsonNode own = staff0.get("/api/v1/directives/" + id).body();
    assertThat(own.get("schools")).hasSize(1);
    assertThat(own.get("totals").get("schools").asInt()).isEqualTo(1);
    assertThat(guardianNotices(own)).as("counted over its own school only").isEqualTo(List.of(1, 1));

    // The silent school acknowledges, by class.
    HubClient last = anonymous.as(Role.SCHOOL_STAFF, school(SCHOOLS - 1));
    assertThat(last.post("/api/v1/directives/" + id + "/acks", Map.of("schoolId", school(SCHOOLS - 1))).status())
        .isEqualTo(200);
    var byClass = last.post("/api/v1/directives/" + id + "/accountability", Map.of("schoolId", school(SCHOOLS - 1),
        "classes", List.of(Map.of("classId", "1A", "present", 40), Map.of("classId", "1B", "present", 38, "missing", 2))));
    assertThat(byClass.status()).isEqualTo(200);
    JsonNode lastRow = byClass.body().get("schools").get(0);
    assertThat(lastRow.get("students").get("present").asInt()).isEqualTo(78);
    assertThat(lastRow.get("classes").get("1B").get("missing").asInt()).isEqualTo(2);

    var lifted = commandCenter.post("/api/v1/directives/" + id + "/lift", Map.of("reason", "the storm has passed"));
    assertThat(lifted.status()).isEqualTo(200);
    assertThat(lifted.body().get("status").asText()).isEqualTo("LIFTED");
    await().atMost(Duration.ofSeconds(10)).until(() ->
        commandCenter.get("/api/v1/schools/" + school(0)).body().get("posture").asText().equals("NORMAL"));
    // Lifting tells every school's guardians again (posture NORMAL).
    await().atMost(Duration.ofSeconds(30)).until(() ->
        guardianNotices(commandCenter.get("/api/v1/directives/" + id).body()).equals(List.of(SCHOOLS, 2 * SCHOOLS)));
    // A lifted directive takes no more answers.
    assertThat(staff0.post("/api/v1/directives/" + id + "/acks", Map.of("schoolId", school(0))).status()).isEqualTo(409);
    assertThat(staff0.post("/api/v1/directives/" + id + "/accountability",
        Map.of("schoolId", school(0), "staff", Map.of("present", 80))).status()).isEqualTo(409);
  }

  @Test
  void theCommandCenterStreamCarriesLiveTotals() throws Exception {
    var body = new LinkedHashMap<String, Object>();
    body.put("schoolIds", List.of(school(0), school(1)));
    body.put("posture", "HOLD");
    body.put("instruction", "Hold in classrooms");
    body.put("mode", "EXERCISE");
    String id = created(commandCenter.post("/api/v1/directives", body)).body().get("directiveId").asText();
    try (SseClient stream = new SseClient(node.httpPort(), "/api/v1/stream/incidents?region=6501&mode=EXERCISE",
        TestNode.token(Role.COMMAND_CENTER, "6501"), null);
        SseClient other = new SseClient(node.httpPort(), "/api/v1/stream/incidents?region=6502&mode=EXERCISE",
            TestNode.token(Role.COMMAND_CENTER, "6502"), null)) {
      assertThat(stream.status()).isEqualTo(200);
      assertThat(other.status()).isEqualTo(200);
      // A stream's subscription to the directives' topic takes effect shortly after its 200: report
      // again (one more child missing each time) until the totals arrive, then check what they say.
      HubClient staff = anonymous.as(Role.SCHOOL_STAFF, school(1));
      var missing = new java.util.concurrent.atomic.AtomicInteger();
      SseClient.Event event = await().atMost(Duration.ofSeconds(20)).until(() -> {
        assertThat(staff.post("/api/v1/directives/" + id + "/accountability", Map.of("schoolId", school(1),
            "students", Map.of("present", 1199, "missing", missing.incrementAndGet()), "staff", Map.of("present", 80)))
            .status()).isEqualTo(200);
        List<SseClient.Event> got = stream.take(1, Duration.ofSeconds(1));
        return got.isEmpty() ? null : got.get(0);
      }, java.util.Objects::nonNull);
      assertThat(event.type()).isEqualTo("directive");
      assertThat(event.id()).as("no id: it does not move Last-Event-ID").isEqualTo(-1);
      assertThat(event.data().get("directiveId").asText()).isEqualTo(id);
      assertThat(event.data().get("event").asText()).isEqualTo("accountability");
      JsonNode totals = event.data().get("totals");
      assertThat(totals.get("schools").asInt()).isEqualTo(2);
      assertThat(totals.get("acknowledged").asInt()).isEqualTo(1);
      assertThat(totals.get("accounted").asLong()).isEqualTo(1279);
      assertThat(totals.get("students").get("missing").asInt()).isBetween(1, missing.get());
      // Another city's command center does not get it.
      assertThat(other.take(1, Duration.ofSeconds(1))).isEmpty();
    }
  }

  @Test
  void badRequestsNameTheirFieldsAndChangeNothing() {
    var body = new LinkedHashMap<String, Object>();
    body.put("region", "65");
    body.put("schoolIds", List.of(school(0)));
    body.put("posture", "NORMAL");
    body.put("ackWithinMinutes", 0);
    var refused = commandCenter.post("/api/v1/directives", body);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.body().get("errors").findValuesAsText("field"))
        .contains("schoolIds", "posture", "instruction", "ackWithinMinutes");

    var unknown = commandCenter.post("/api/v1/directives", Map.of("schoolIds", List.of(school(0), "sch-nowhere"),
        "posture", "HOLD", "instruction", "hold"));
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.body().get("errors").findValuesAsText("field")).containsExactly("schoolIds[1]");

    var foreign = anonymous.as(Role.COMMAND_CENTER, "11").post("/api/v1/directives",
        Map.of("schoolIds", List.of(school(0)), "posture", "HOLD", "instruction", "hold"));
    assertThat(foreign.status()).isEqualTo(403);
  }

  /**
   * The list a console opens with: built from the directives' own events (a projection), so a
   * directive appears a moment after it is issued and moves from ACTIVE to LIFTED when lifted;
   * exercises only when asked for; for the command centers over the region.
   */
  @Test
  void theListShowsTheDirectivesInForceOverARegionAndThoseLifted() {
    String first = school(0);
    var real = created(commandCenter.post("/api/v1/directives", Map.of("schoolIds", List.of(first),
        "posture", "HOLD", "instruction", "Police operation nearby: hold everyone in class", "clientRef", "list-real")));
    String realId = real.body().get("directiveId").asText();
    var drill = created(anonymous.as(Role.OPERATOR, "ops").post("/api/v1/directives", Map.of("schoolIds", List.of(first),
        "posture", "EVACUATE", "instruction", "Evacuation drill", "mode", "EXERCISE", "clientRef", "list-drill")));
    String drillId = drill.body().get("directiveId").asText();

    await().atMost(Duration.ofSeconds(30)).until(() -> ids(commandCenter.get("/api/v1/directives?region=6501&mode=ALL"))
        .containsAll(List.of(realId, drillId)));
    JsonNode listed = listed(commandCenter.get("/api/v1/directives?region=" + COUNTY), realId);
    assertThat(listed.get("posture").asText()).isEqualTo("HOLD");
    assertThat(listed.get("mode").asText()).isEqualTo("ACTUAL");
    assertThat(listed.get("scope").asText()).isEqualTo(COUNTY);
    assertThat(listed.get("schools").asInt()).isEqualTo(1);
    assertThat(listed.get("state").asText()).isEqualTo("ACTIVE");
    assertThat(listed.get("instruction").asText()).startsWith("Police operation");
    assertThat(listed.get("issuedBy").asText()).isEqualTo("command-center:6501");
    // real ones by default, exercises when asked for; the province's command center sees both too
    assertThat(ids(commandCenter.get("/api/v1/directives?region=" + COUNTY))).contains(realId).doesNotContain(drillId);
    assertThat(ids(commandCenter.get("/api/v1/directives?region=" + COUNTY + "&mode=EXERCISE")))
        .contains(drillId).doesNotContain(realId);
    assertThat(ids(anonymous.as(Role.COMMAND_CENTER, "65").get("/api/v1/directives"))).contains(realId);
    // another county of the same province has nothing to do with it
    assertThat(ids(commandCenter.get("/api/v1/directives?region=650101"))).doesNotContain(realId);

    assertThat(commandCenter.post("/api/v1/directives/" + realId + "/lift", Map.of("reason", "operation over"))
        .status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(30)).until(() ->
        !ids(commandCenter.get("/api/v1/directives?region=" + COUNTY)).contains(realId));
    JsonNode lifted = listed(commandCenter.get("/api/v1/directives?region=" + COUNTY + "&state=LIFTED"), realId);
    assertThat(lifted.get("state").asText()).isEqualTo("LIFTED");
    assertThat(lifted.get("liftReason").asText()).isEqualTo("operation over");
    assertThat(lifted.get("liftedAt").asText()).isNotBlank();
    assertThat(ids(commandCenter.get("/api/v1/directives?region=" + COUNTY + "&state=ALL"))).contains(realId);

    // others' regions and bad parameters
    assertThat(anonymous.as(Role.COMMAND_CENTER, "11").get("/api/v1/directives?region=6501").status()).isEqualTo(403);
    var bad = commandCenter.get("/api/v1/directives?region=6501&state=OPEN");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body().get("errors").findValuesAsText("field")).containsExactly("state");
  }

  private static List<String> ids(HubClient.Response listing) {
    assertThat(listing.status()).as(String.valueOf(listing.body())).isEqualTo(200);
    return listing.body().get("directives").findValuesAsText("directiveId");
  }

  private static JsonNode listed(HubClient.Response listing, String directiveId) {
    assertThat(listing.status()).as(String.valueOf(listing.body())).isEqualTo(200);
    for (JsonNode d : listing.body().get("directives")) {
      if (d.get("directiveId").asText().equals(directiveId)) {
        return d;
      }
    }
    throw new AssertionError(directiveId + " not listed in " + listing.body());
  }
}
