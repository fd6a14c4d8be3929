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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.persistence.testing.SharedCassandra;

/** The query tables kept by the projections: lists, filters, cursors, and a node restart. */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadSideTest {

  static final Duration WAIT = Duration.ofSeconds(60);
  static final String KEYSPACE = "it_read_side";

  private HubNode node;
  private HubClient anonymous;
  private HubClient commandCenter;
  private final List<String> actual = new ArrayList<>();
  private String drill;

  @BeforeAll
  void setUp() {
    start();
    Fixtures.registerRegion(anonymous, "440305");
    Fixtures.registerRegion(anonymous, "440106");
    HubClient operator = anonymous.as(Role.OPERATOR, "ops");
    created(Fixtures.postSchool(operator, Fixtures.school("sch-440305-001", "440305")));
    created(Fixtures.postSchool(operator, Fixtures.school("sch-440106-001", "440106")));
    HubClient school = anonymous.as(Role.SCHOOL_STAFF, "sch-440305-001");
    for (int i = 0; i < 7; i++) {
      actual.add(created(school.post("/api/v1/incidents",
          Fixtures.incident("sch-440305-001", i % 2 == 0 ? "FIRE" : "INJURY", i < 3 ? "II" : "IV", "list-" + i)))
          .body().get("incidentId").asText());
    }
    actual.add(created(anonymous.as(Role.SCHOOL_STAFF, "sch-440106-001").post("/api/v1/incidents",
        Fixtures.incident("sch-440106-001", "FIRE", "III", "list-other-city"))).body().get("incidentId").asText());
    var exercise = new LinkedHashMap<>(Fixtures.incident("sch-440305-001", "FIRE", "I", "list-drill"));
    exercise.put("mode", "EXERCISE");
    drill = created(school.post("/api/v1/incidents", exercise)).body().get("incidentId").asText();
    // The projections lag behind by design (events-by-tag): wait until every incident, the drill
    // included, is listed with its dispatches.
    var everyIncident = new ArrayList<>(actual);
    everyIncident.add(drill);
    await().atMost(WAIT).untilAsserted(() -> {
      var rows = all("/api/v1/incidents?region=44&mode=ALL&limit=200");
      assertThat(rows).extracting(r -> r.get("incidentId").asText()).containsExactlyInAnyOrderElementsOf(everyIncident);
      assertThat(rows).allSatisfy(r -> assertThat(r.get("status").asText()).isEqualTo("DISPATCHED"));
    });
  }

  private void start() {
    node = TestNode.start(KEYSPACE, Map.of());
    anonymous = new HubClient(node.httpPort());
    commandCenter = anonymous.as(Role.COMMAND_CENTER, "44");
  }

  @AfterAll
  void tearDown() {
    if (node != null) {
      node.close();
    }
  }

  /** Every row of a list, following the cursors; fails on a repeated row. */
  private List<JsonNode> all(String path) {
    var rows = new ArrayList<JsonNode>();
    String next = null;
    int pages = 0;
    do {
      var response = commandCenter.get(path + (next == null ? "" : "&cursor=" + next));
      assertThat(response.status()).as(String.valueOf(response.body())).isEqualTo(200);
      response.body().get("incidents").forEach(rows::add);
      next = response.body().get("next").isNull() ? null : response.body().get("next").asText();
      assertThat(++pages).isLessThan(100);
    } while (next != null);
    assertThat(rows.stream().map(r -> r.get("incidentId").asText()).distinct().count()).isEqualTo(rows.size());
    return rows;
  }

  @Test
  void pagesAreStableOrderedNewestFirstAndComplete() {
    var paged = all("/api/v1/incidents?region=44&limit=2");
    var whole = all("/api/v1/incidents?region=44&limit=200");
    assertThat(paged).extracting(r -> r.get("incidentId").asText())
        .containsExactlyElementsOf(whole.stream().map(r -> r.get("incidentId").asText()).toList());
    for (int i = 1; i < whole.size(); i++) {
      assertThat(whole.get(i).get("reportedAt").asText()).isLessThanOrEqualTo(whole.get(i - 1).get("reportedAt").asText());
    }
    JsonNode newest = whole.get(0);
    assertThat(newest.get("notified").asInt() + newest.get("acknowledged").asInt()).isPositive();
    assertThat(newest.get("schoolName").asText()).isNotEmpty();
  }

  @Test
  void filtersByRegionPrefixLevelAndStatusAndKeepsDrillsApart() {
    assertThat(all("/api/v1/incidents?region=4403&limit=50")).hasSize(7);
    assertThat(all("/api/v1/incidents?region=4401&limit=50")).hasSize(1);
    assertThat(all("/api/v1/incidents?region=44&level=II&limit=50")).hasSize(3);
    assertThat(all("/api/v1/incidents?region=44&status=open&limit=3")).hasSize(8);
    assertThat(all("/api/v1/incidents?region=44&status=CLOSED&limit=50")).isEmpty();
    // Drills are not real incidents: listed only when asked for.
    assertThat(all("/api/v1/incidents?region=44&limit=50")).noneMatch(r -> r.get("incidentId").asText().equals(drill));
    assertThat(all("/api/v1/incidents?region=44&mode=EXERCISE&limit=50"))
        .extracting(r -> r.get("incidentId").asText()).containsExactly(drill);
    assertThat(all("/api/v1/incidents?region=44&mode=ALL&limit=50")).hasSize(9);
    // A command center may not list beyond its region; bad parameters name themselves.
    assertThat(anonymous.as(Role.COMMAND_CENTER, "4403").get("/api/v1/incidents?region=44").status()).isEqualTo(403);
    for (String bad : List.of("region=4", "region=44&level=V", "region=44&limit=0", "region=44&from=yesterday",
        "region=44&cursor=bm9wZQ", "region=44&mode=SOME", "region=44&status=gone")) {
      var response = commandCenter.get("/api/v1/incidents?" + bad);
      assertThat(response.status()).as(bad).isEqualTo(400);
      assertThat(response.body().get("errors").get(0).get("field").asText()).isEqualTo(bad.substring(bad.lastIndexOf('&') + 1).split("=")[0]);
    }
  }

  @Test
  void schoolsAndAgencyHistoriesAreListedToo() {
    await().atMost(WAIT).untilAsserted(() -> {
      var schools = commandCenter.get("/api/v1/schools?region=44").body().get("schools");
      assertThat(schools.findValuesAsText("schoolId")).containsExactlyInAnyOrder("sch-440305-001", "sch-440106-001");
    });
    var only = commandCenter.get("/api/v1/schools?region=4403").body().get("schools");
    assertThat(only.findValuesAsText("schoolId")).containsExactly("sch-440305-001");
    assertThat(only.get(0).get("location").get("lat").asDouble()).isEqualTo(43.8);
    await().atMost(WAIT).untilAsserted(() -> assertThat(anonymous.as(Role.AGENCY, "education-440305")
        .get("/api/v1/agencies/education-440305/dispatch-history?limit=3").body().get("dispatches").size()).isEqualTo(3));
  }

  @Test
  void aRestartNeitherLosesNorDuplicatesRows() {
    var before = all("/api/v1/incidents?region=44&mode=ALL&limit=200");
    node.close();
    start();
    var after = all("/api/v1/incidents?region=44&mode=ALL&limit=200");
    assertThat(after).isEqualTo(before);
    // The projection picks up where it left off: a change after the restart reaches the tables.
    String id = actual.get(0);
    var ack = anonymous.as(Role.AGENCY, "fire-440305").post("/api/v1/incidents/" + id + "/acks",
        Map.of("agencyId", "fire-440305"));
    assertThat(ack.status()).isEqualTo(200);
    await().atMost(WAIT).untilAsserted(() -> {
      var rows = all("/api/v1/incidents?region=44&mode=ALL&limit=200");
      assertThat(rows).hasSize(before.size());
      assertThat(rows.stream().filter(r -> r.get("incidentId").asText().equals(id)).findFirst().orElseThrow()
          .get("acknowledged").asInt()).isEqualTo(1);
    });
  }
}
