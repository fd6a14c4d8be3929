package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.schoolsafety.edge.Fixtures.created;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.persistence.testing.SharedCassandra;

/** Drill incidents (drill id, time scale), school drill logs and the monthly compliance list. */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DrillsTest {

  static final Duration WAIT = Duration.ofSeconds(60);
  private HubNode node;
  private HubClient anonymous;
  private HubClient operator;

  @BeforeAll
  void setUp() {
    node = TestNode.start("it_drills", Map.of());
    anonymous = new HubClient(node.httpPort());
    operator = anonymous.as(Role.OPERATOR, "drill-ops");
    Fixtures.registerRegion(anonymous, "500103");
    for (String id : new String[] {"sch-500103-001", "sch-500103-002"}) {
      created(Fixtures.postSchool(operator, Fixtures.school(id, "500103")));
    }
  }

  @AfterAll
  void tearDown() {
    if (node != null) {
      node.close();
    }
  }

  private Map<String, Object> drillIncident(String clientRef, Object drillId, Object timeScale, String mode) {
    var body = new LinkedHashMap<>(Fixtures.incident("sch-500103-001", "FIRE", "I", clientRef));
    body.put("mode", mode);
    if (drillId != null) {
      body.put("drillId", drillId);
    }
    if (timeScale != null) {
      body.put("timeScale", timeScale);
    }
    return body;
  }

  @Test
  void aDrillIncidentCarriesItsDrillIdAndRunsItsDeadlinesFaster() {
    var created = created(operator.post("/api/v1/incidents", drillIncident("drill-a", "drill-2026-11-a", 60, "EXERCISE")));
    String id = created.body().get("incidentId").asText();
    assertThat(created.body().get("drillId").asText()).isEqualTo("drill-2026-11-a");
    // Level I: 2 minutes to acknowledge, sixty times faster: escalation within seconds.
    await().atMost(WAIT).untilAsserted(() -> assertThat(
        operator.get("/api/v1/incidents/" + id).body().get("dispatches").findValuesAsText("state")).contains("ESCALATED"));
    await().atMost(WAIT).untilAsserted(() -> assertThat(anonymous.as(Role.COMMAND_CENTER, "50")
        .get("/api/v1/incidents?region=50&mode=EXERCISE&drillId=drill-2026-11-a").body().get("incidents")
        .findValuesAsText("incidentId")).containsExactly(id));
    assertThat(anonymous.as(Role.COMMAND_CENTER, "50").get("/api/v1/incidents?region=50&mode=EXERCISE&drillId=other")
        .body().get("incidents")).isEmpty();

    for (var bad : new Map[] {
        drillIncident("drill-b", "drill-x", null, "ACTUAL"),
        drillIncident("drill-c", null, 2, "ACTUAL"),
        drillIncident("drill-d", "drill-x", 0.5, "EXERCISE"),
        drillIncident("drill-e", "drill-x", 100000, "EXERCISE"),
        drillIncident("drill-f", "../x", null, "EXERCISE")}) {
      var response = anonymous.as(Role.SCHOOL_STAFF, "sch-500103-001").post("/api/v1/incidents", bad);
      assertThat(response.status()).as(String.valueOf(response.body())).isEqualTo(400);
    }
  }

  @Test
  void schoolsKeepADrillLogAndTheRegionSeesWhoMissedTheMonthlyEvacuation() {
    String month = LocalDate.now(ZoneOffset.UTC).toString().substring(0, 7);
    var drill = Map.of("drillId", "evac-" + month, "type", "EVACUATION", "date", LocalDate.now(ZoneOffset.UTC).toString(),
        "durationMinutes", 12, "participants", 850, "evacuationSeconds", 190);
    var recorded = anonymous.as(Role.SCHOOL_STAFF, "sch-500103-001").post("/api/v1/schools/sch-500103-001/drills", drill);
    assertThat(recorded.status()).as(String.valueOf(recorded.body())).isEqualTo(201);
    assertThat(anonymous.as(Role.SCHOOL_STAFF, "sch-500103-002").post("/api/v1/schools/sch-500103-001/drills", drill)
        .status()).isEqualTo(403);
    assertThat(operator.post("/api/v1/schools/sch-500103-001/drills", Map.of("drillId", "x", "type", "PARTY",
        "date", "2026-13-01", "durationMinutes", 0, "participants", 1)).status()).isEqualTo(400);

    var log = anonymous.as(Role.COMMAND_CENTER, "5001").get("/api/v1/schools/sch-500103-001/drills").body();
    assertThat(log.get("drills").findValuesAsText("drillId")).containsExactly("evac-" + month);
    assertThat(log.get("evacuationMonths").get(0).asText()).isEqualTo(month);

    await().atMost(WAIT).untilAsserted(() -> {
      var compliance = anonymous.as(Role.COMMAND_CENTER, "50").get("/api/v1/drills/compliance?region=500103&month=" + month);
      assertThat(compliance.status()).isEqualTo(200);
      assertThat(compliance.body().get("schools").asInt()).isEqualTo(2);
      assertThat(compliance.body().get("withoutEvacuationDrill").findValuesAsText("schoolId")).containsExactly("sch-500103-002");
    });
    assertThat(anonymous.as(Role.COMMAND_CENTER, "50").get("/api/v1/drills/compliance?region=500103&month=2026-1").status())
        .isEqualTo(400);
    assertThat(anonymous.as(Role.COMMAND_CENTER, "51").get("/api/v1/drills/compliance?region=500103&month=" + month).status())
        .isEqualTo(403);
  }
}
