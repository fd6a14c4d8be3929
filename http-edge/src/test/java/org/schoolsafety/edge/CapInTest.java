package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.schoolsafety.edge.Fixtures.created;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.edge.api.CapRoutes;
import org.schoolsafety.edge.auth.Principal;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * CAP alerts in over HTTP: the OASIS examples accepted, an Alert → Update → Cancel sequence
 * directing exactly the schools its areas cover, repeats changing nothing, hostile XML refused.
 */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CapInTest {

  static final String COUNTY = "650105";
  static final String NEAR_1 = "sch-650105-001";
  static final String NEAR_2 = "sch-650105-002";
  static final String FAR = "sch-650105-003";
  static final String SOURCE = "met-xj@65";

  private HubNode node;
  private HubClient anonymous;
  private HubClient province;
  private HubClient source;

  @BeforeAll
  void setUp() {
    node = TestNode.start("it_cap_in", Map.of());
    anonymous = new HubClient(node.httpPort());
    Fixtures.registerRegion(anonymous, COUNTY);
    HubClient operator = anonymous.as(Role.OPERATOR, "ops");
    created(Fixtures.postSchool(operator, school(NEAR_1, 43.80, 87.60)));
    created(Fixtures.postSchool(operator, school(NEAR_2, 43.90, 87.70)));
    created(Fixtures.postSchool(operator, school(FAR, 44.50, 88.50)));
    province = anonymous.as(Role.COMMAND_CENTER, "65");
    source = anonymous.as(Role.ALERT_SOURCE, SOURCE);
    await().atMost(Duration.ofSeconds(30)).until(() ->
        province.get("/api/v1/schools?region=" + COUNTY).body().get("schools").size() == 3);
  }

  @AfterAll
  void tearDown() {
    if (node != null) {
      node.close();
    }
  }

  static Map<String, Object> school(String id, double lat, double lon) {
    var body = new LinkedHashMap<>(Fixtures.school(id, COUNTY));
    body.put("location", Map.of("lat", lat, "lon", lon));
    return body;
  }

  static String alert(String identifier, String sent, String status, String msgType, String references,
      String responseType, String instruction, String area) {
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
          <identifier>%s</identifier>
          <sender>warnings@met.example.cn</sender>
          <sent>%s</sent>
          <status>%s</status>
          <msgType>%s</msgType>
          <scope>Public</scope>
          %s
          <info>
            <category>Met</category>
            <event>Sandstorm</event>
            <responseType>%s</responseType>
            <urgency>Immediate</urgency>
            <severity>Severe</severity>
            <certainty>Observed</certainty>
            <instruction>%s</instruction>
            <area><areaDesc>Urumqi</areaDesc>%s</area>
          </info>
        </alert>
        """.formatted(identifier, sent, status, msgType,
        references == null ? "" : "<references>" + references + "</references>", responseType, instruction, area);
  }

  private HubClient.Response post(HubClient client, String xml) {
    return client.postRaw("/api/v1/cap/alerts", xml.strip(), "application/cap+xml", Map.of());
  }

  private String posture(String schoolId) {
    return province.get("/api/v1/schools/" + schoolId).body().get("posture").asText();
  }

  @Test
  void theOasisExamplesAreAcceptedFromAProvinceAndFromAnAlertSource() throws IOException {
    for (HubClient client : new HubClient[] {province, source}) {
      for (String name : new String[] {"oasis-appendix-a1.xml", "oasis-appendix-a2.xml", "oasis-appendix-a3.xml"}) {
        String xml;
        try (InputStream in = getClass().getResourceAsStream("/cap-examples/" + name)) {
          xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        var first = client.postRaw("/api/v1/cap/alerts", xml, "application/xml", Map.of());
        assertThat(first.status()).as(name + ": " + first.body()).isEqualTo(201);
        assertThat(first.body().get("schools").asInt()).as(name).isZero();
        String directive = first.body().get("directiveId").asText();
        // Recorded: the sender of the alert reads its directive.
        assertThat(client.get("/api/v1/directives/" + directive).status()).isEqualTo(200);
        var again = client.postRaw("/api/v1/cap/alerts", xml, "application/xml", Map.of());
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().get("action").asText()).isEqualTo("unchanged");
        assertThat(again.body().get("directiveId").asText()).isEqualTo(directive);
      }
    }
  }

  @Test
  void alertUpdateCancelDirectExactlyTheSchoolsTheAreasCover() {
    String square = "<polygon>43.7,87.5 43.7,87.75 43.95,87.75 43.95,87.5 43.7,87.5</polygon>";
    String sent = "2026-11-30T09:00:00+08:00";
    var issued = post(source, alert("SS-1", sent, "Actual", "Alert", null, "Shelter", "Stay indoors", square));
    assertThat(issued.status()).as(String.valueOf(issued.body())).isEqualTo(201);
    assertThat(issued.body().get("action").asText()).isEqualTo("issued");
    JsonNode directive = issued.body().get("directive");
    assertThat(directive.get("posture").asText()).isEqualTo("SHELTER");
    assertThat(directive.get("schools").findValuesAsText("schoolId")).containsExactlyInAnyOrder(NEAR_1, NEAR_2);
    String id = issued.body().get("directiveId").asText();
    assertThat(id).isEqualTo(CapRoutes.directiveId(new Principal(Role.ALERT_SOURCE, SOURCE).id(),
        "warnings@met.example.cn,SS-1," + sent));
    await().atMost(Duration.ofSeconds(10)).until(() -> posture(NEAR_1).equals("SHELTER") && posture(NEAR_2).equals("SHELTER"));
    assertThat(posture(FAR)).isEqualTo("NORMAL");

    // The same alert again changes nothing.
    var repeat = post(source, alert("SS-1", sent, "Actual", "Alert", null, "Shelter", "Stay indoors", square));
    assertThat(repeat.body().get("action").asText()).isEqualTo("unchanged");

    // The update moves the area to the far school only, with a new instruction.
    String original = "warnings@met.example.cn,SS-1," + sent;
    String update = alert("SS-2", "2026-11-30T10:00:00+08:00", "Actual", "Update", original, "Shelter",
        "The storm moved north-east", "<circle>44.5,88.5 2</circle>");
    var revised = post(source, update);
    assertThat(revised.status()).as(String.valueOf(revised.body())).isEqualTo(200);
    assertThat(revised.body().get("action").asText()).isEqualTo("revised");
    assertThat(revised.body().get("directiveId").asText()).isEqualTo(id);
    assertThat(revised.body().get("directive").get("instruction").asText()).isEqualTo("The storm moved north-east");
    assertThat(revised.body().get("directive").get("schools").findValuesAsText("schoolId")).containsExactly(FAR);
    await().atMost(Duration.ofSeconds(10)).until(() -> posture(FAR).equals("SHELTER") && posture(NEAR_1).equals("NORMAL"));
    assertThat(post(source, update).body().get("action").asText()).isEqualTo("unchanged");

    // The cancel lifts it.
    String cancel = alert("SS-3", "2026-11-30T11:00:00+08:00", "Actual", "Cancel",
        original + " warnings@met.example.cn,SS-2,2026-11-30T10:00:00+08:00", "AllClear", "Over", "");
    var lifted = post(source, cancel);
    assertThat(lifted.status()).isEqualTo(200);
    assertThat(lifted.body().get("action").asText()).isEqualTo("lifted");
    assertThat(lifted.body().get("directive").get("status").asText()).isEqualTo("LIFTED");
    await().atMost(Duration.ofSeconds(10)).until(() -> posture(FAR).equals("NORMAL"));
    assertThat(post(source, cancel).status()).isEqualTo(200);

    // The province's command center sees the directive; a school's staff their own row.
    assertThat(province.get("/api/v1/directives/" + id).status()).isEqualTo(200);
    assertThat(anonymous.as(Role.SCHOOL_STAFF, FAR).get("/api/v1/directives/" + id).body().get("schools")).hasSize(1);
  }

  @Test
  void exerciseAlertsMakeExerciseDirectivesAndOthersReachOnlyTheirRegion() {
    String geocode = "<geocode><valueName>GB/T 2260</valueName><value>" + COUNTY + "</value></geocode>";
    var drill = post(province, alert("EX-1", "2026-11-30T09:30:00+08:00", "Exercise", "Alert", null, "Evacuate",
        "Drill: evacuate", geocode));
    assertThat(drill.status()).isEqualTo(201);
    assertThat(drill.body().get("directive").get("mode").asText()).isEqualTo("EXERCISE");
    assertThat(drill.body().get("schools").asInt()).isEqualTo(3);
    assertThat(posture(NEAR_1)).isNotEqualTo("EVACUATE");

    // Beijing's command center and a source for Beijing reach no school of Xinjiang.
    var beijing = post(anonymous.as(Role.COMMAND_CENTER, "11"), alert("BJ-1", "2026-11-30T09:30:00+08:00", "Actual",
        "Alert", null, "Shelter", "Stay in", geocode));
    assertThat(beijing.status()).isEqualTo(201);
    assertThat(beijing.body().get("schools").asInt()).isZero();
    var foreignSource = post(anonymous.as(Role.ALERT_SOURCE, "met-bj@11"), alert("BJ-2", "2026-11-30T09:30:00+08:00",
        "Actual", "Alert", null, "Shelter", "Stay in", geocode));
    assertThat(foreignSource.body().get("schools").asInt()).isZero();

    // A polygon across the antimeridian is accepted (and concerns no school here).
    var pacific = post(source, alert("PAC-1", "2026-11-30T09:30:00+08:00", "Actual", "Alert", null, "Shelter",
        "Tsunami", "<polygon>-10,170 -10,-170 10,-170 10,170 -10,170</polygon>"));
    assertThat(pacific.status()).isEqualTo(201);
    assertThat(pacific.body().get("schools").asInt()).isZero();
  }

  @Test
  void hostileAndInvalidAlertsAreRefusedAndChangeNothing() {
    String sent = "2026-11-30T12:00:00+08:00";
    var cases = new LinkedHashMap<String, String>();
    cases.put("billion laughs", """
        <?xml version="1.0"?>
        <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
        <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
        <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol3;</identifier></alert>""");
    cases.put("external entity", """
        <?xml version="1.0"?>
        <!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
        <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&xxe;</identifier></alert>""");
    cases.put("not XML", "{\"identifier\":\"x\"}");
    cases.put("not CAP", "<alert><identifier>x</identifier></alert>");
    cases.put("unclosed polygon", alert("BAD-1", sent, "Actual", "Alert", null, "Shelter", "x",
        "<polygon>43.7,87.5 43.7,87.75 43.95,87.75 43.95,87.5</polygon>"));
    cases.put("degenerate polygon", alert("BAD-2", sent, "Actual", "Alert", null, "Shelter", "x",
        "<polygon>43.7,87.5 43.8,87.6 43.9,87.7 43.7,87.5</polygon>"));
    cases.put("bad response type", alert("BAD-3", sent, "Actual", "Alert", null, "Hide", "x", ""));
    for (var c : cases.entrySet()) {
      var refused = post(source, c.getValue());
      assertThat(refused.status()).as(c.getKey() + ": " + refused.body()).isEqualTo(400);
      assertThat(refused.contentType()).isEqualTo("application/problem+json");
      assertThat(refused.body().toString()).doesNotContain("root:").doesNotContain("lollol");
    }
    var unclosed = post(source, cases.get("unclosed polygon"));
    assertThat(unclosed.body().get("errors").findValuesAsText("field")).containsExactly("info[0].area[0].polygon[0]");
    assertThat(post(source, cases.get("bad response type")).body().get("detail").asText()).contains("Hide");
    for (String identifier : new String[] {"BAD-1", "BAD-2", "BAD-3"}) {
      String id = CapRoutes.directiveId(new Principal(Role.ALERT_SOURCE, SOURCE).id(),
          "warnings@met.example.cn," + identifier + "," + sent);
      assertThat(source.get("/api/v1/directives/" + id).status()).as(identifier).isEqualTo(404);
    }

    String big = alert("BIG-1", sent, "Actual", "Alert", null, "Shelter", "x".repeat(10 * 1024 * 1024), "");
    int status;
    try {
      status = post(source, big).status();
    } catch (RuntimeException connectionClosedWhileSending) {
      status = 413; // the server may answer 413 and close before the client has sent it all
    }
    assertThat(status).isEqualTo(413);
    assertThat(source.postRaw("/api/v1/cap/alerts", "{}", "application/json", Map.of()).status()).isEqualTo(415);
    assertThat(post(anonymous.as(Role.SCHOOL_STAFF, NEAR_1), cases.get("not CAP")).status()).isEqualTo(403);
    assertThat(post(anonymous.as(Role.OPERATOR, "ops"), cases.get("not CAP")).status()).isEqualTo(403);
  }
}
