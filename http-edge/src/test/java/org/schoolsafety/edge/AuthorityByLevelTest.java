package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.schoolsafety.edge.Fixtures.created;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.hub.agency.Tier;
import org.schoolsafety.hub.incident.Authority;
import org.schoolsafety.hub.incident.Level;
import org.schoolsafety.hub.region.RegionCode;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * Handling authority by level: IV the county, III the city, I and II the province lead; only
 * command centers of the leading tier or above close, cancel or downgrade; a regrade moves the lead.
 */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorityByLevelTest {

  static final String SCHOOL = "sch-650106-001";

  private HubNode node;
  private HubClient anonymous;
  private HubClient county;
  private HubClient city;
  private HubClient province;
  private HubClient staff;

  @BeforeAll
  void setUp() {
    node = TestNode.start("it_authority", Map.of());
    anonymous = new HubClient(node.httpPort());
    Fixtures.registerRegion(anonymous, "650106");
    created(Fixtures.postSchool(anonymous.as(Role.OPERATOR, "ops"), Fixtures.school(SCHOOL, "650106")));
    county = anonymous.as(Role.COMMAND_CENTER, "650106");
    city = anonymous.as(Role.COMMAND_CENTER, "6501");
    province = anonymous.as(Role.COMMAND_CENTER, "65");
    staff = anonymous.as(Role.SCHOOL_STAFF, SCHOOL);
  }

  @AfterAll
  void tearDown() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void theRuleIsConfiguration() {
    var defaults = Authority.fromConfig(ConfigFactory.load());
    assertThat(defaults).isEqualTo(Authority.defaults());
    assertThat(defaults.leadTier(Level.IV)).isEqualTo(Tier.COUNTY);
    assertThat(defaults.leadTier(Level.III)).isEqualTo(Tier.CITY);
    assertThat(defaults.leadTier(Level.II)).isEqualTo(Tier.PROVINCE);
    assertThat(defaults.leadTier(Level.I)).isEqualTo(Tier.PROVINCE);
    assertThat(defaults.leadRegion(Level.III, RegionCode.of("650106"))).isEqualTo("6501");
    var stricter = Authority.fromConfig(ConfigFactory.parseString("hub.authority.lead-tier.IV = CITY")
        .withFallback(ConfigFactory.load()));
    assertThat(stricter.leadTier(Level.IV)).isEqualTo(Tier.CITY);
    assertThat(stricter.leads("650106", Level.IV, RegionCode.of("650106"))).isFalse();
    assertThat(stricter.leads("6501", Level.IV, RegionCode.of("650106"))).isTrue();
    assertThat(stricter.leads("6502", Level.IV, RegionCode.of("650106"))).as("another city").isFalse();
  }

  private String report(String level, String ref) {
    var created = created(staff.post("/api/v1/incidents", Fixtures.incident(SCHOOL, "FIRE", level, ref)));
    return created.body().get("incidentId").asText();
  }

  private JsonNode get(String id) {
    return province.get("/api/v1/incidents/" + id).body();
  }

  @Test
  void eachLevelHasItsLeadAndARegradeMovesIt() {
    String id = report("IV", "authority-1");
    assertThat(get(id).get("leadTier").asText()).isEqualTo("COUNTY");
    assertThat(get(id).get("leadRegion").asText()).isEqualTo("650106");

    // The school raises it to level II: the province leads now.
    var raised = staff.post("/api/v1/incidents/" + id + "/reports",
        Map.of("kind", "CONTINUATION", "summary", "spreading to building C", "level", "II"));
    assertThat(raised.status()).isEqualTo(201);
    assertThat(raised.body().get("leadTier").asText()).isEqualTo("PROVINCE");
    assertThat(raised.body().get("leadRegion").asText()).isEqualTo("65");

    // The county and the city may no longer downgrade or cancel it; the province may.
    var lower = Map.of("kind", "CONTINUATION", "summary", "under control", "level", "III");
    assertThat(county.post("/api/v1/incidents/" + id + "/reports", lower).status()).isEqualTo(403);
    assertThat(city.post("/api/v1/incidents/" + id + "/reports", lower).status()).isEqualTo(403);
    assertThat(city.post("/api/v1/incidents/" + id + "/cancel", Map.of("reason", "x")).status()).isEqualTo(403);
    assertThat(get(id).get("level").asText()).isEqualTo("II");
    var lowered = province.post("/api/v1/incidents/" + id + "/reports", lower);
    assertThat(lowered.status()).isEqualTo(201);
    assertThat(lowered.body().get("leadTier").asText()).isEqualTo("CITY");

    // At level III the city leads: it may cancel, the county may not.
    assertThat(county.post("/api/v1/incidents/" + id + "/cancel", Map.of("reason", "x")).status()).isEqualTo(403);
    var cancelled = city.post("/api/v1/incidents/" + id + "/cancel", Map.of("reason", "a drill gone wrong"));
    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(cancelled.body().get("status").asText()).isEqualTo("CANCELLED");
  }

  @Test
  void theCountyClosesWhatItLeads() {
    String id = report("IV", "authority-2");
    await().atMost(Duration.ofSeconds(20)).until(() -> get(id).get("dispatches").size() >= 2);
    var fin = staff.post("/api/v1/incidents/" + id + "/reports",
        Map.of("kind", "FINAL", "summary", "out", "cause", "wiring", "outcome", "no injuries"));
    assertThat(fin.status()).isEqualTo(201);
    assertThat(county.post("/api/v1/incidents/" + id + "/close", Map.of()).status()).isEqualTo(200);
    assertThat(get(id).get("status").asText()).isEqualTo("CLOSED");
  }
}
