package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.hub.agency.Agency;
import org.schoolsafety.hub.agency.DeviceNotice;
import org.schoolsafety.hub.agency.NoticeQuery;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * {@code hub.agency.whole-state-reads}: the setting for a rolling upgrade from a release that
 * does not know the agency's small reads (profile, summary, inbox pages, pages of the other inboxes,
 * dispatch lookups). A node with it on asks for the whole state and works the answer out itself.
 * {@code hub.agency.notice-pages = off}: for an upgrade from one that knows all but the pages of the
 * other inboxes, which a node then reads with the inbox's first page. Three nodes of one cluster,
 * one as each, must give every caller the same answers, page for page.
 */
@ExtendWith(SharedCassandra.class)
class WholeStateReadsTest {

  static final String KEYSPACE = "it_whole_state_reads";
  static final String COUNTY = "650102";
  static final String SCHOOL = "sch-650102-wsr";
  static final String AGENCY = "fire-" + COUNTY;
  /** More than one page of the other inboxes (NoticeQuery.MAX_LIMIT). */
  static final int SILENT_DEVICES = NoticeQuery.MAX_LIMIT + 50;

  @Test
  void bothWaysOfReadingAnAgencyGiveTheSameAnswers() throws Exception {
    try (HubNode paged = TestNode.start(KEYSPACE, Map.of());
        HubNode whole = TestNode.start(KEYSPACE, Map.of("hub.agency.whole-state-reads", "on",
            "pekko.cluster.seed-nodes", List.of(Cluster.get(Adapter.toClassic(paged.system())).selfAddress().toString())));
        HubNode firstPage = TestNode.start(KEYSPACE, Map.of("hub.agency.notice-pages", "off",
            "pekko.cluster.seed-nodes", List.of(Cluster.get(Adapter.toClassic(paged.system())).selfAddress().toString())))) {
      var one = new HubClient(paged.httpPort());
      var two = new HubClient(whole.httpPort());
      var three = new HubClient(firstPage.httpPort());
      var nodes = List.of(one, two, three);
      await().atMost(Duration.ofSeconds(60)).until(() -> two.get("/health/ready").status() == 200
          && three.get("/health/ready").status() == 200);
      Fixtures.registerRegion(one, COUNTY);
      Fixtures.created(Fixtures.postSchool(one.as(Role.OPERATOR, "test-operator"), Fixtures.school(SCHOOL, COUNTY)));
      for (int i = 0; i < 3; i++) {
        Fixtures.created(one.as(Role.SCHOOL_STAFF, SCHOOL).post("/api/v1/incidents",
            Fixtures.incident(SCHOOL, "FIRE", "III", "wsr-" + i)));
      }
      String inbox = "/api/v1/agencies/" + AGENCY + "/dispatches";
      await().atMost(Duration.ofSeconds(30))
          .until(() -> one.as(Role.AGENCY, AGENCY).get(inbox).body().get("dispatches").size() == 3);
      // and more of the school's devices gone silent than one page of the other inboxes holds
      var agency = ClusterSharding.get(paged.system()).entityRefFor(Agency.ENTITY_TYPE_KEY, AGENCY);
      Instant silentSince = Instant.now();
      for (int i = 0; i < SILENT_DEVICES; i++) {
        var notice = new DeviceNotice(SCHOOL, "WSR School", COUNTY, String.format("camera-%03d", i), "CAMERA", "gate",
            "OFFLINE", silentSince.minusSeconds(i / 2), silentSince);
        agency.<org.apache.pekko.Done>ask(r -> new Agency.TrackDeviceNotice(notice, r), Duration.ofSeconds(10))
            .toCompletableFuture().get();
      }
      assertThat(one.as(Role.AGENCY, AGENCY).get(inbox).body().get("deviceNotices").size()).isEqualTo(SILENT_DEVICES);

      for (HubClient.Response[] pair : List.of(
          every(nodes, Role.AGENCY, AGENCY, "/api/v1/agencies/" + AGENCY),
          every(nodes, Role.COMMAND_CENTER, "65", "/api/v1/agencies/" + AGENCY),
          every(nodes, Role.AGENCY, AGENCY, inbox),
          every(nodes, Role.AGENCY, AGENCY, inbox + "?state=all&mode=ALL"),
          every(nodes, Role.COMMAND_CENTER, "6501", inbox),
          every(nodes, Role.COMMAND_CENTER, "11", inbox),
          every(nodes, Role.OPERATOR, "test-operator", inbox + "?mode=ALL"),
          every(nodes, Role.AGENCY, AGENCY, "/api/v1/schools/" + SCHOOL),
          every(nodes, Role.AGENCY, "police-" + COUNTY, "/api/v1/schools/" + SCHOOL),
          every(nodes, Role.AGENCY, AGENCY, "/api/v1/agencies/no-such-agency"))) {
        for (int other = 1; other < pair.length; other++) {
          assertThat(pair[other].status()).as(pair[0].raw().uri().getPath()).isEqualTo(pair[0].status());
          assertThat(pair[other].body()).as(pair[0].raw().uri().toString()).isEqualTo(pair[0].body());
        }
      }
      assertThat(one.as(Role.AGENCY, AGENCY).get("/api/v1/agencies/" + AGENCY).body().get("openDispatches").asInt())
          .isEqualTo(3);

      // a page's cursor from one node continues on the other
      var first = one.as(Role.AGENCY, AGENCY).get(inbox + "?limit=2");
      assertThat(first.body().get("dispatches").size()).isEqualTo(2);
      String next = first.body().get("next").asText();
      var rest = List.of(one.as(Role.AGENCY, AGENCY).get(inbox + "?limit=2&cursor=" + next),
          two.as(Role.AGENCY, AGENCY).get(inbox + "?limit=2&cursor=" + next));
      assertThat(rest.get(0).body().get("dispatches").size()).isEqualTo(1);
      assertThat(rest.get(1).body()).isEqualTo(rest.get(0).body());

      // registering the agency again answers alike, with its open dispatches
      var again = List.of(one.as(Role.OPERATOR, "test-operator").post("/api/v1/agencies",
              Fixtures.agency(AGENCY, "FIRE", "COUNTY", COUNTY)),
          two.as(Role.OPERATOR, "test-operator").post("/api/v1/agencies", Fixtures.agency(AGENCY, "FIRE", "COUNTY", COUNTY)));
      assertThat(again.get(0).status()).isEqualTo(201);
      assertThat(again.get(1).body()).isEqualTo(again.get(0).body());
      assertThat(again.get(0).body().get("openDispatches").asInt()).isEqualTo(3);
    }
  }

  /** The same request through every node. */
  private static HubClient.Response[] every(List<HubClient> nodes, Role role, String subject, String path) {
    return nodes.stream().map(node -> node.as(role, subject).get(path)).toArray(HubClient.Response[]::new);
  }
}
