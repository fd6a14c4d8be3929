package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.schoolsafety.edge.Fixtures.created;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.edge.cap.CapSchema;
import org.schoolsafety.persistence.testing.SharedCassandra;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

/** Incidents as CAP 1.2 alerts over real HTTP, every document checked against the OASIS schema. */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CapAlertTest {

  static final String COUNTY = "650105";
  static final String SCHOOL = "sch-650105-cap";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private HubNode node;
  private HubClient school;
  private HubClient commandCenter;

  @BeforeAll
  void startNode() {
    node = TestNode.start("it_cap_alerts", Map.of());
    var anonymous = new HubClient(node.httpPort());
    Fixtures.registerRegion(anonymous, COUNTY);
    created(Fixtures.postSchool(anonymous.as(Role.OPERATOR, "test-operator"), Fixtures.school(SCHOOL, COUNTY)));
    school = anonymous.as(Role.SCHOOL_STAFF, SCHOOL);
    commandCenter = anonymous.as(Role.COMMAND_CENTER, "65");
  }

  @AfterAll
  void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void anIncidentIsAnAlertThenUpdatesThenACancelEachValidAndReferringToTheEarlierOnes() throws Exception {
    String id = created(school.post("/api/v1/incidents", Fixtures.incident(SCHOOL, "FIRE", "III", "cap-1")))
        .body().get("incidentId").asText();

    var alert = cap(id, Role.COMMAND_CENTER, "65", "application/cap+xml");
    assertThat(alert.headers().firstValue("Content-Type").orElse("")).startsWith("application/cap+xml");
    Document first = valid(alert.body());
    assertThat(text(first, "msgType")).isEqualTo("Alert");
    assertThat(text(first, "status")).isEqualTo("Actual");
    assertThat(text(first, "scope")).isEqualTo("Restricted");
    assertThat(text(first, "category")).isEqualTo("Fire");
    assertThat(text(first, "severity")).isEqualTo("Moderate");
    assertThat(text(first, "urgency")).isEqualTo("Immediate");
    assertThat(text(first, "certainty")).isEqualTo("Observed");
    assertThat(text(first, "sent")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\+08:00");
    assertThat(text(first, "circle")).isEqualTo("43.800000,87.600000 0.5");
    assertThat(text(first, "value")).isIn(id, COUNTY); // parameters and geocode share the element name
    assertThat(first.getElementsByTagName("references").getLength()).isZero();
    // Personal data and free text stay out: the reporter, the phone, the summary.
    assertThat(alert.body()).doesNotContain("Wang Fang", "138 0000", "chemistry lab", "evacuated");

    var regrade = new java.util.LinkedHashMap<String, Object>();
    regrade.put("kind", "CONTINUATION");
    regrade.put("summary", "fire spreading to the second floor");
    regrade.put("level", "II");
    assertThat(school.post("/api/v1/incidents/" + id + "/reports", regrade).status()).isEqualTo(201);
    Document update = valid(cap(id, Role.COMMAND_CENTER, "65", null).body());
    assertThat(text(update, "msgType")).isEqualTo("Update");
    assertThat(text(update, "severity")).isEqualTo("Severe");
    assertThat(text(update, "identifier")).isEqualTo(id + ".2");
    assertThat(text(update, "references")).isEqualTo("hub@school-safety.example," + id + ".1," + text(first, "sent"));

    assertThat(school.post("/api/v1/incidents/" + id + "/cancel", Map.of("reason", "a drill bell")).status()).isEqualTo(200);
    var cancel = cap(id, Role.COMMAND_CENTER, "65", "application/xml");
    assertThat(cancel.headers().firstValue("Content-Type").orElse("")).startsWith("application/xml");
    Document cancelled = valid(cancel.body());
    assertThat(text(cancelled, "msgType")).isEqualTo("Cancel");
    assertThat(text(cancelled, "urgency")).isEqualTo("Past");
    assertThat(text(cancelled, "references").split(" ")).hasSize(2);
  }

  @Test
  void anAlertIsSeenOnlyByThoseWhoMaySeeTheIncident() throws Exception {
    String id = created(school.post("/api/v1/incidents", Fixtures.incident(SCHOOL, "INTRUSION", "I", "cap-2")))
        .body().get("incidentId").asText();
    assertThat(cap(id, Role.SCHOOL_STAFF, SCHOOL, null).statusCode()).isEqualTo(200);
    Document doc = valid(cap(id, Role.SCHOOL_STAFF, SCHOOL, null).body());
    assertThat(text(doc, "category")).isEqualTo("Security");
    assertThat(text(doc, "severity")).isEqualTo("Extreme");
    var other = cap(id, Role.SCHOOL_STAFF, "sch-somewhere-else", null);
    assertThat(other.statusCode()).isEqualTo(404);
    assertThat(cap(id, Role.COMMAND_CENTER, "11", null).statusCode()).isEqualTo(404);
    assertThat(cap("inc-not-there", Role.COMMAND_CENTER, "65", null).statusCode()).isEqualTo(404);
  }

  @Test
  void theRegionsFeedListsItsOpenIncidentsEachLinkingToItsAlert() throws Exception {
    String open = created(school.post("/api/v1/incidents", Fixtures.incident(SCHOOL, "HAZMAT", "II", "cap-feed-open")))
        .body().get("incidentId").asText();
    String cancelled = created(school.post("/api/v1/incidents", Fixtures.incident(SCHOOL, "FIRE", "IV", "cap-feed-gone")))
        .body().get("incidentId").asText();
    assertThat(school.post("/api/v1/incidents/" + cancelled + "/cancel", Map.of("reason", "smoke from a toaster")).status())
        .isEqualTo(200);
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).untilAsserted(() -> {
      var feed = get("/api/v1/cap/feed?region=" + COUNTY, Role.COMMAND_CENTER, "65");
      assertThat(feed.statusCode()).isEqualTo(200);
      assertThat(feed.headers().firstValue("Content-Type").orElse("")).startsWith("application/atom+xml");
      Document atom = parse(feed.body());
      var hrefs = new java.util.ArrayList<String>();
      var links = atom.getElementsByTagNameNS("http://www.w3.org/2005/Atom", "link");
      for (int i = 0; i < links.getLength(); i++) {
        hrefs.add(((org.w3c.dom.Element) links.item(i)).getAttribute("href"));
      }
      assertThat(hrefs).contains("/api/v1/incidents/" + open + "/cap")
          .doesNotContain("/api/v1/incidents/" + cancelled + "/cap");
    });
    assertThat(get("/api/v1/cap/feed?region=" + COUNTY, Role.SCHOOL_STAFF, SCHOOL).statusCode()).isEqualTo(403);
    assertThat(get("/api/v1/cap/feed?region=11", Role.COMMAND_CENTER, "65").statusCode()).isEqualTo(403);
    assertThat(get("/api/v1/cap/feed?region=abc", Role.COMMAND_CENTER, "65").statusCode()).isEqualTo(400);
  }

  private HttpResponse<String> get(String path, Role role, String subject) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
        .header("Authorization", "Bearer " + TestNode.token(role, subject)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Document parse(String xml) throws Exception {
    var factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    return factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
  }

  private HttpResponse<String> cap(String id, Role role, String subject, String accept) throws Exception {
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/api/v1/incidents/" + id + "/cap"))
        .header("Authorization", "Bearer " + TestNode.token(role, subject));
    if (accept != null) {
      request.header("Accept", accept);
    }
    return HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Document valid(String xml) throws Exception {
    assertThatCode(() -> CapSchema.validate(xml)).as(xml).doesNotThrowAnyException();
    var factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    return factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
  }

  private static String text(Document doc, String element) {
    return doc.getElementsByTagName(element).item(0).getTextContent();
  }
}
