package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.schoolsafety.edge.Fixtures.created;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * Anonymous tips end to end over HTTP (issue 17): a tipster without a token submits, reads and
 * writes with the follow-up code; a wrong code answers exactly like an unknown tip; the school
 * triages; a WEAPON tip reaches the county police's inbox; nothing that identifies the tipster
 * is in the journal.
 */
@ExtendWith(SharedCassandra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TipFlowTest {

  static final String SCHOOL = "sch-650102-001";
  static final String OTHER_SCHOOL = "sch-650102-002";
  /** Sent by the "tipster" in every request: none of it may be stored. */
  static final Map<String, String> IDENTITY = Map.of("User-Agent", "TipsterPhone/9.9 marker-ua-7731",
      "X-Forwarded-For", "203.0.113.77", "X-Real-IP", "198.51.100.23");

  private HubNode node;
  private HubClient tipster;

  @BeforeAll
  void setUp() {
    node = TestNode.start("it_tips", Map.of("hub.http.tips.rate-limit.submit.burst", 20));
    tipster = new HubClient(node.httpPort());
    Fixtures.registerRegion(tipster, "650102");
    HubClient operator = tipster.as(Role.OPERATOR, "ops");
    created(Fixtures.postSchool(operator, Fixtures.school(SCHOOL, "650102")));
    created(Fixtures.postSchool(operator, Fixtures.school(OTHER_SCHOOL, "650102")));
  }

  @AfterAll
  void tearDown() {
    if (node != null) {
      node.close();
    }
  }

  static Map<String, Object> tip(String schoolId, String category, String text) {
    return Map.of("schoolId", schoolId, "category", category, "text", text, "when", "every lunch break",
        "where", "behind the gym");
  }

  private HubClient.Response submit(String category, String text) {
    return tipster.post("/api/v1/tips", tip(SCHOOL, category, text), IDENTITY);
  }

  private Map<String, String> withCode(String code) {
    var headers = new java.util.HashMap<>(IDENTITY);
    headers.put("Follow-Up-Code", code);
    return headers;
  }

  @Test
  void aTipsterSubmitsReadsAndWritesWithoutATokenAndTheSchoolTriages() {
    var submitted = created(submit("BULLYING", "older students take lunch money from class 2"));
    String tipId = submitted.body().get("tipId").asText();
    String code = submitted.body().get("followUpCode").asText();
    assertThat(code).matches("[0-9A-Z]{4}(-[0-9A-Z]{1,4}){6}");
    assertThat(submitted.header("Cache-Control")).isEqualTo("no-store");

    var read = tipster.get("/api/v1/tips/" + tipId, withCode(code));
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.body().get("status").asText()).isEqualTo("NEW");
    assertThat(read.body().get("messages")).hasSize(1);
    assertThat(read.body().has("priority")).isFalse();

    var more = tipster.post("/api/v1/tips/" + tipId + "/messages", Map.of("text", "it happened again today"),
        withCode(code.toLowerCase()));
    assertThat(more.status()).isEqualTo(201);
    assertThat(more.body().get("messages")).hasSize(2);

    HubClient staff = tipster.as(Role.SCHOOL_STAFF, SCHOOL);
    await().atMost(Duration.ofSeconds(20)).until(() ->
        staff.get("/api/v1/schools/" + SCHOOL + "/tips").body().get("tips").findValuesAsText("tipId").contains(tipId));
    var triaged = staff.post("/api/v1/tips/" + tipId + "/triage", Map.of("priority", "HIGH", "status", "IN_PROGRESS",
        "note", "class teacher informed", "toTipster", false));
    assertThat(triaged.status()).as(String.valueOf(triaged.body())).isEqualTo(200);
    assertThat(staff.post("/api/v1/tips/" + tipId + "/triage", Map.of("priority", "HIGH", "status", "IN_PROGRESS",
        "note", "Thank you. We are on it; tell us if it happens again.", "toTipster", true)).status()).isEqualTo(200);

    var after = tipster.get("/api/v1/tips/" + tipId, withCode(code));
    assertThat(after.body().get("status").asText()).isEqualTo("IN_PROGRESS");
    assertThat(after.body().get("messages").findValuesAsText("text"))
        .containsExactly("older students take lunch money from class 2", "it happened again today",
            "Thank you. We are on it; tell us if it happens again.")
        .doesNotContain("class teacher informed");
    var full = staff.get("/api/v1/tips/" + tipId);
    assertThat(full.status()).isEqualTo(200);
    assertThat(full.body().get("messages")).hasSize(4);
    assertThat(full.body().toString()).doesNotContain("codeHash");
  }

  @Test
  void aWrongCodeAnOtherTipsCodeAndAnUnknownTipAllAnswerTheSame() {
    var a = created(submit("DRUGS", "pills sold at the back gate"));
    var b = created(submit("OTHER", "the fence by the river is broken"));
    String tipA = a.body().get("tipId").asText();
    String codeB = b.body().get("followUpCode").asText();
    String codeA = a.body().get("followUpCode").asText();
    String forged = "tip-" + "0".repeat(32);
    String flipped = tipA.substring(0, tipA.length() - 1) + (tipA.endsWith("0") ? "1" : "0");
    var answers = List.of(
        tipster.get("/api/v1/tips/" + tipA, withCode(codeB)),
        tipster.get("/api/v1/tips/" + tipA, withCode("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GG")),
        tipster.get("/api/v1/tips/" + tipA, withCode("")),
        tipster.get("/api/v1/tips/" + forged, withCode(codeA)),
        tipster.get("/api/v1/tips/" + flipped, withCode(codeA)),
        tipster.get("/api/v1/tips/nonsense", withCode(codeA)),
        tipster.post("/api/v1/tips/" + tipA + "/messages", Map.of("text", "x"), withCode(codeB)),
        tipster.post("/api/v1/tips/" + tipA + "/messages", Map.of("text", "x"), IDENTITY),
        tipster.post("/api/v1/tips/" + forged + "/messages", Map.of("text", "x"), withCode(codeA)));
    for (var answer : answers) {
      assertThat(answer.status()).isEqualTo(404);
      assertThat(answer.contentType()).isEqualTo("application/problem+json");
      assertThat(answer.raw().body()).isEqualTo(answers.get(0).raw().body());
    }
    // Nothing was written by the refused messages.
    assertThat(tipster.get("/api/v1/tips/" + tipA, withCode(codeA)).body().get("messages")).hasSize(1);
  }

  @Test
  void aWeaponTipIsInTheCountyPoliceInboxAtOnceAndTheyAcknowledgeIt() {
    String tipId = created(submit("WEAPON", "a student showed a knife in the toilets")).body().get("tipId").asText();
    HubClient police = tipster.as(Role.AGENCY, "police-650102");
    await().atMost(Duration.ofSeconds(20)).until(() ->
        police.get("/api/v1/agencies/police-650102/dispatches").body().get("tips").findValuesAsText("tipId").contains(tipId));
    assertThat(police.get("/api/v1/tips/" + tipId).status()).isEqualTo(200);
    assertThat(police.post("/api/v1/tips/" + tipId + "/triage", Map.of("priority", "LOW", "status", "RESOLVED"))
        .status()).isEqualTo(403);
    var ack = police.post("/api/v1/tips/" + tipId + "/acks", Map.of("agencyId", "police-650102"));
    assertThat(ack.status()).as(String.valueOf(ack.body())).isEqualTo(200);
    assertThat(tipster.as(Role.AGENCY, "fire-650102").get("/api/v1/tips/" + tipId).status()).isEqualTo(404);
    assertThat(tipster.as(Role.SCHOOL_STAFF, OTHER_SCHOOL).get("/api/v1/tips/" + tipId).status()).isEqualTo(404);
    assertThat(tipster.as(Role.AGENCY, "education-650102").get("/api/v1/schools/" + SCHOOL + "/tips").status()).isEqualTo(200);
    assertThat(tipster.as(Role.AGENCY, "police-650102").get("/api/v1/schools/" + SCHOOL + "/tips").status()).isEqualTo(403);
  }

  @Test
  void theSchoolReportsATipAsAnIncidentOnceAndTheTipShowsTheLinkToStaffOnly() {
    var submitted = created(submit("WEAPON", "a student carries a knife in his bag, class 3"));
    String tipId = submitted.body().get("tipId").asText();
    String code = submitted.body().get("followUpCode").asText();
    HubClient staff = tipster.as(Role.SCHOOL_STAFF, SCHOOL);
    var body = Map.of("reporter", Map.of("name", "Li Wei", "role", "principal"), "level", "IV",
        "summary", "knife reported by an anonymous tip; bag checked");
    var first = staff.post("/api/v1/tips/" + tipId + "/incident", body);
    assertThat(first.status()).as(String.valueOf(first.body())).isEqualTo(201);
    String incidentId = first.body().get("incidentId").asText();
    assertThat(first.body().get("incident").get("type").asText()).isEqualTo("VIOLENCE");
    assertThat(first.body().get("incident").get("clientRef").asText()).isEqualTo("tip:" + tipId);
    // never the tipster's words in the incident
    assertThat(first.body().toString()).doesNotContain("knife in his bag");
    // again, or by the county education agency: the same incident
    var again = tipster.as(Role.AGENCY, "education-650102").post("/api/v1/tips/" + tipId + "/incident", body);
    assertThat(again.status()).as(String.valueOf(again.body())).isEqualTo(200);
    assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(again.body().get("incidentId").asText()).isEqualTo(incidentId);
    // staff see the link; the tipster does not
    assertThat(staff.get("/api/v1/tips/" + tipId).body().get("incidentId").asText()).isEqualTo(incidentId);
    var asTipster = tipster.get("/api/v1/tips/" + tipId, withCode(code));
    assertThat(asTipster.body().has("incidentId")).isFalse();
    assertThat(asTipster.body().toString()).doesNotContain(incidentId);
    // another school's staff and a told police agency may not report it
    assertThat(tipster.as(Role.SCHOOL_STAFF, OTHER_SCHOOL).post("/api/v1/tips/" + tipId + "/incident", body).status())
        .isEqualTo(404);
    assertThat(tipster.as(Role.AGENCY, "police-650102").post("/api/v1/tips/" + tipId + "/incident", body).status())
        .isIn(403, 404);
    // bad input names the fields
    var bad = staff.post("/api/v1/tips/" + tipId + "/incident", Map.of("type", "ALIENS", "level", "V"));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body().get("errors").findValuesAsText("field")).contains("reporter", "type", "level");
  }

  @Test
  void theSchoolRecordsATipAsAHazardOnceAndTheTipShowsTheLinkToStaffOnly() {
    var submitted = created(submit("SAFETY_HAZARD", "the railing on the third floor stairs is loose"));
    String tipId = submitted.body().get("tipId").asText();
    String code = submitted.body().get("followUpCode").asText();
    HubClient staff = tipster.as(Role.SCHOOL_STAFF, SCHOOL);
    var plan = Map.of("responsible", "Wang Fang, logistics", "measures", "weld the railing and test it",
        "fundingYuan", 1200, "deadline", "2099-12-15T18:00:00+08:00", "interimSafeguard", "stairs taped off");
    var body = Map.of("severity", "MAJOR", "location", "north stairs, 3rd floor", "rectification", plan);
    // bad input names each field and records nothing
    var bad = staff.post("/api/v1/tips/" + tipId + "/hazard", Map.of("category", "ALIENS", "severity", "HUGE",
        "rectification", Map.of("fundingYuan", -1)));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body().get("errors").findValuesAsText("field")).contains("category", "severity",
        "rectification.responsible", "rectification.measures", "rectification.fundingYuan",
        "rectification.deadline", "rectification.interimSafeguard");
    assertThat(staff.get("/api/v1/tips/" + tipId).body().path("hazardId").asText(null)).isNull();
    var first = staff.post("/api/v1/tips/" + tipId + "/hazard", body);
    assertThat(first.status()).as(String.valueOf(first.body())).isEqualTo(201);
    String hazardId = first.body().get("hazardId").asText();
    var hazard = first.body().get("hazard");
    assertThat(hazard.get("category").asText()).isEqualTo("OTHER");
    assertThat(hazard.get("severity").asText()).isEqualTo("MAJOR");
    assertThat(hazard.get("inspectionId").asText()).isEqualTo(tipId);
    assertThat(hazard.get("rectification").get("responsible").asText()).isEqualTo("Wang Fang, logistics");
    assertThat(first.header("Location")).endsWith("/api/v1/hazards/" + hazardId);
    // never the tipster's words in the hazard
    assertThat(first.body().toString()).doesNotContain("railing on the third floor");
    // the hazard is one like an inspection's: readable and listed for the school
    assertThat(staff.get("/api/v1/hazards/" + hazardId).status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(20)).until(() -> staff.get("/api/v1/schools/" + SCHOOL + "/hazards").body()
        .get("hazards").findValuesAsText("hazardId").contains(hazardId));
    // again, or by the county education agency with other words: the same hazard
    var again = tipster.as(Role.AGENCY, "education-650102").post("/api/v1/tips/" + tipId + "/hazard",
        Map.of("severity", "GENERAL", "category", "BUILDING", "rectification", plan));
    assertThat(again.status()).as(String.valueOf(again.body())).isEqualTo(200);
    assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(again.body().get("hazardId").asText()).isEqualTo(hazardId);
    assertThat(again.body().get("hazard").get("severity").asText()).isEqualTo("MAJOR");
    // staff see the link; the tipster does not
    assertThat(staff.get("/api/v1/tips/" + tipId).body().get("hazardId").asText()).isEqualTo(hazardId);
    var asTipster = tipster.get("/api/v1/tips/" + tipId, withCode(code));
    assertThat(asTipster.body().has("hazardId")).isFalse();
    assertThat(asTipster.body().toString()).doesNotContain(hazardId);
    // another school's staff may not record it; an unknown tip is the one 404
    assertThat(tipster.as(Role.SCHOOL_STAFF, OTHER_SCHOOL).post("/api/v1/tips/" + tipId + "/hazard", body).status())
        .isEqualTo(404);
    assertThat(staff.post("/api/v1/tips/tip-0000000000000000aaaa/hazard", body).status()).isEqualTo(404);
  }

  @Test
  void theRegionsTipsQueueListsOpenTipsWithDeadlinesForItsEducationAgencyAndNeverTheirText() {
    String tipId = created(submit("DRUGS", "pills are sold behind the gym after class")).body().get("tipId").asText();
    HubClient education = tipster.as(Role.AGENCY, "education-650102");
    await().atMost(Duration.ofSeconds(30)).until(() -> education.get("/api/v1/tips?region=650102").body()
        .get("tips").findValuesAsText("tipId").contains(tipId));
    var queue = education.get("/api/v1/tips?region=650102&state=open").body();
    JsonNode row = null;
    for (JsonNode t : queue.get("tips")) {
      if (t.get("tipId").asText().equals(tipId)) {
        row = t;
      }
    }
    assertThat(row.get("category").asText()).isEqualTo("DRUGS");
    assertThat(row.get("priority").asText()).isEqualTo("MEDIUM");
    assertThat(row.get("status").asText()).isEqualTo("NEW");
    assertThat(row.get("schoolId").asText()).isEqualTo(SCHOOL);
    assertThat(row.get("overdue").asBoolean()).isFalse();
    var deadline = java.time.Instant.parse(row.get("deadline").asText());
    assertThat(java.time.Instant.parse(row.get("receivedAt").asText()).plus(Duration.ofHours(24))).isEqualTo(deadline);
    assertThat(queue.toString()).doesNotContain("pills", "\"text\"");
    // triage moves its priority and deadline; once resolved it leaves the queue
    HubClient staff = tipster.as(Role.SCHOOL_STAFF, SCHOOL);
    assertThat(staff.post("/api/v1/tips/" + tipId + "/triage", Map.of("priority", "HIGH", "status", "NEW")).status())
        .isEqualTo(200);
    await().atMost(Duration.ofSeconds(30)).until(() -> education.get("/api/v1/tips?region=650102").body().get("tips")
        .findParents("tipId").stream().anyMatch(t -> t.get("tipId").asText().equals(tipId)
            && t.get("priority").asText().equals("HIGH")));
    assertThat(staff.post("/api/v1/tips/" + tipId + "/triage", Map.of("priority", "HIGH", "status", "RESOLVED"))
        .status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(30)).until(() -> !education.get("/api/v1/tips?region=650102").body().get("tips")
        .findValuesAsText("tipId").contains(tipId));
    // nobody else: the school's staff, a police agency, another region's education agency view
    assertThat(staff.get("/api/v1/tips?region=650102").status()).isEqualTo(403);
    assertThat(tipster.as(Role.AGENCY, "police-650102").get("/api/v1/tips?region=650102").status()).isEqualTo(403);
    assertThat(education.get("/api/v1/tips?region=65").status()).isEqualTo(403);
    assertThat(tipster.get("/api/v1/tips?region=650102").status()).isEqualTo(401);
    var bad = education.get("/api/v1/tips?region=650102&state=all");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body().get("errors").findValuesAsText("field")).contains("state");
  }

  @Test
  void theJournalHoldsNothingThatIdentifiesTheTipster() throws Exception {
    var submitted = created(submit("ABUSE", "a teacher hits students in class 5"));
    String tipId = submitted.body().get("tipId").asText();
    String code = submitted.body().get("followUpCode").asText();
    tipster.post("/api/v1/tips/" + tipId + "/messages", Map.of("text", "please help"), withCode(code));
    var journal = PersistenceQuery.get(Adapter.toClassic(node.system()))
        .getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier());
    ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    await().atMost(Duration.ofSeconds(20)).until(() -> journal.currentEventsByPersistenceId("SchoolTips|" + SCHOOL, 0,
        Long.MAX_VALUE).runWith(Sink.seq(), node.system()).toCompletableFuture().get().stream()
        .anyMatch(e -> json.valueToTree(e.event()).toString().contains(tipId)));
    var stored = new StringBuilder();
    for (String persistenceId : List.of("Tip|" + tipId, "SchoolTips|" + SCHOOL)) {
      for (var envelope : journal.currentEventsByPersistenceId(persistenceId, 0, Long.MAX_VALUE)
          .runWith(Sink.seq(), node.system()).toCompletableFuture().get()) {
        stored.append(json.writeValueAsString(envelope.event())).append('\n');
      }
    }
    assertThat(stored).contains("a teacher hits students in class 5").contains("please help");
    assertThat(stored.toString())
        .doesNotContain("127.0.0.1").doesNotContain("203.0.113.77").doesNotContain("198.51.100.23")
        .doesNotContain("marker-ua").doesNotContain("TipsterPhone").doesNotContain("Java-http-client")
        .doesNotContain(code).doesNotContain(code.replace("-", ""));
    assertThat(stored.toString()).contains("\"by\":\"tipster\"");
  }

  /** Last: it spends this node's submissions from 127.0.0.1 (burst 20 here; 5 by default). */
  @Test
  @Order(Integer.MAX_VALUE)
  void theOpenEndpointsAreLimitedPerSourceAddress() {
    int accepted = 0;
    HubClient.Response last = null;
    for (int i = 0; i < 25; i++) {
      last = tipster.post("/api/v1/tips", tip(SCHOOL, "OTHER", "limit test " + i), IDENTITY);
      if (last.status() == 201) {
        accepted++;
      }
    }
    assertThat(accepted).isLessThanOrEqualTo(20);
    assertThat(last.status()).isEqualTo(429);
    assertThat(last.header("Retry-After")).isNotNull();
    assertThat(last.body().get("detail").asText()).contains("110");
  }
}
