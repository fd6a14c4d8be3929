package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Request bodies in the documented contract's shape, and a small registry to report against. */
final class Fixtures {

  private Fixtures() {}

  static Map<String, Object> school(String schoolId, String regionCode) {
    return Map.of("schoolId", schoolId, "name", "School " + schoolId, "regionCode", regionCode,
        "type", "PRIMARY", "students", 1200, "staff", 80, "floors", 4,
        "location", Map.of("lat", 43.80, "lon", 87.60));
  }

  static Map<String, Object> agency(String agencyId, String kind, String tier, String jurisdiction) {
    return Map.of("agencyId", agencyId, "name", "Agency " + agencyId, "kind", kind, "tier", tier,
        "jurisdiction", jurisdiction);
  }

  static Map<String, Object> incident(String schoolId, String type, String level, String clientRef) {
    var body = new LinkedHashMap<String, Object>();
    body.put("schoolId", schoolId);
    body.put("type", type);
    body.put("level", level);
    body.put("mode", "ACTUAL");
    body.put("occurredAt", Instant.now().minus(2, ChronoUnit.MINUTES).toString());
    body.put("summary", "smoke from the chemistry lab");
    body.put("casualties", Map.of("dead", 0, "injured", 2, "missing", 0));
    body.put("measures", "building B evacuated");
    body.put("reporter", Map.of("name", "Wang Fang", "role", "principal", "phone", "+86 138 0000 0000"));
    if (clientRef != null) {
      body.put("clientRef", clientRef);
    }
    return body;
  }

  /**
   * Registers every kind at county, city and province level for one county (the city lacks HEALTH).
   * These are a new node's first writes: on a machine busy with other test classes, the first
   * (shard leases, the coordinator, the directory's recovery) can outlast the ask timeout and be
   * answered 503, which the API documents as "retry later"; enlisting the same agency again is
   * idempotent, so the set-up retries as a client would.
   */
  static void registerRegion(HubClient anyClient, String county) {
    HubClient hub = anyClient.as(org.schoolsafety.edge.auth.Role.OPERATOR, "test-operator");
    String city = county.substring(0, 4);
    String province = county.substring(0, 2);
    for (String kind : List.of("POLICE", "FIRE", "HEALTH", "EDUCATION")) {
      String prefix = kind.toLowerCase();
      enlist(hub, agency(prefix + "-" + county, kind, "COUNTY", county));
      if (!kind.equals("HEALTH")) {
        enlist(hub, agency(prefix + "-" + city, kind, "CITY", city));
      }
      enlist(hub, agency(prefix + "-" + province, kind, "PROVINCE", province));
    }
  }

  private static void enlist(HubClient operator, Map<String, Object> agency) {
    created(postUntilTaken(operator, "/api/v1/agencies", agency));
  }

  /**
   * Registers a school, sent again while answered 503 ("retry later": a new node's first writes, or
   * a write whose Cassandra connection closed under it on a busy machine, as on CI 2026-12-02);
   * registering the same school again is a no-op that answers 201, as a client retrying would see.
   */
  static HubClient.Response postSchool(HubClient operator, Object school) {
    return postUntilTaken(operator, "/api/v1/schools", school);
  }

  /** An idempotent set-up write, sent again for up to 60 s while the hub answers 503 ("retry later"). */
  private static HubClient.Response postUntilTaken(HubClient client, String path, Object body) {
    return await().atMost(Duration.ofSeconds(60))
        .until(() -> client.post(path, body), response -> response.status() != 503);
  }

  static HubClient.Response created(HubClient.Response response) {
    assertThat(response.status()).as(String.valueOf(response.body())).isEqualTo(201);
    return response;
  }
}
