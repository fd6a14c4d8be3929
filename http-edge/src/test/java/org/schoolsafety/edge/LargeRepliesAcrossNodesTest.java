package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.hub.agency.Agency;
import org.schoolsafety.hub.agency.DeviceNotice;
import org.schoolsafety.hub.agency.DispatchNotice;
import org.schoolsafety.hub.incident.DispatchState;
import org.schoolsafety.hub.incident.IncidentType;
import org.schoolsafety.hub.incident.Level;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.incident.Status;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * An agency busy enough that its whole state no longer fits in Pekko's default remoting frame
 * (256 KiB): its inbox answers on every node, not only on the node that holds the agency. Every
 * agency request used to ask the agency for its whole state; from another node that reply crosses
 * the network, and Pekko drops a reply larger than {@code pekko.remote.artery.advanced.maximum-frame-size}
 * ("Discarding oversized payload"), so the request ended in a 503 after the ask timeout — found
 * in a failover run whose county agencies held ~1,400 open dispatches. The nodes here run with
 * Pekko's default frame, not the hub's larger one: the inbox is read from the agency in pages, so
 * no reply grows with it. The same for its other inboxes: every device of a county gone silent at
 * once (a power cut) came whole with the inbox's first page, over the default frame.
 */
@ExtendWith(SharedCassandra.class)
class LargeRepliesAcrossNodesTest {

  static final String KEYSPACE = "it_large_replies";
  static final String COUNTY = "650102";
  static final String AGENCY = "education-" + COUNTY;
  /** ~250 bytes each once serialized: well over 256 KiB in all, well under the node's frame. */
  static final int OPEN_DISPATCHES = 1_800;
  /** ~400 bytes each: a county's devices gone silent at once (a power cut), over 256 KiB together. */
  static final int SILENT_DEVICES = 900;
  static final String DEFAULT_FRAME = "pekko.remote.artery.advanced.maximum-frame-size";

  @Test
  void aBusyAgencysInboxAnswersOnEveryNode() throws Exception {
    try (HubNode first = TestNode.start(KEYSPACE, Map.of(DEFAULT_FRAME, "256 KiB"));
        HubNode second = TestNode.start(KEYSPACE, Map.of(DEFAULT_FRAME, "256 KiB", "pekko.cluster.seed-nodes",
            List.of(Cluster.get(Adapter.toClassic(first.system())).selfAddress().toString())))) {
      readTheInboxThroughBoth(first, second);
    }
  }

  private static void readTheInboxThroughBoth(HubNode first, HubNode second) throws Exception {
    var one = new HubClient(first.httpPort());
    var two = new HubClient(second.httpPort());
    await().atMost(Duration.ofSeconds(60)).until(() -> two.get("/health/ready").status() == 200);
    Fixtures.registerRegion(one, COUNTY);

    var agency = ClusterSharding.get(first.system()).entityRefFor(Agency.ENTITY_TYPE_KEY, AGENCY);
    var notices = new ArrayList<DispatchNotice>();
    Instant now = Instant.now();
    for (int i = 0; i < OPEN_DISPATCHES; i++) {
      notices.add(new DispatchNotice(String.format("inc-large-replies-%06d", i), "sch-650102-001",
          "Tianshan District No. 1 Experimental Primary School, east campus (grades one to six)", COUNTY,
          IncidentType.FIRE, Level.III, Mode.ACTUAL, Status.DISPATCHED, DispatchState.NOTIFIED, now, now.plusSeconds(600),
          null));
      if (notices.size() == 300) {
        track(agency, notices);
        notices.clear();
      }
    }
    track(agency, notices);
    silence(agency, now);

    for (int port : List.of(first.httpPort(), second.httpPort())) {
      var node = new HubClient(port);
      var inbox = node.as(Role.AGENCY, AGENCY).get("/api/v1/agencies/" + AGENCY + "/dispatches");
      assertThat(inbox.status()).as("the inbox through the node on port %s", port).isEqualTo(200);
      assertThat(inbox.body().get("dispatches").size()).isEqualTo(OPEN_DISPATCHES);
      assertThat(inbox.body().get("next").isNull()).isTrue();
      assertThat(inbox.body().get("deviceNotices").size()).as("silent devices through port %s", port)
          .isEqualTo(SILENT_DEVICES);
      assertThat(readInPages(node, 400)).as("the inbox read in pages through port %s", port)
          .containsExactlyElementsOf(incidentIds(inbox.body().get("dispatches")));
    }
    aCursorContinuesOnlyItsOwnQuery(one);
  }

  /** Every page through {@code node}, {@code limit} at a time; all notified at one instant, so ties cross pages. */
  private static List<String> readInPages(HubClient node, int limit) throws Exception {
    var ids = new ArrayList<String>();
    String cursor = null;
    int pages = 0;
    do {
      var page = node.as(Role.AGENCY, AGENCY).get("/api/v1/agencies/" + AGENCY + "/dispatches?limit=" + limit
          + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.body().get("dispatches").size()).isBetween(1, limit);
      assertThat(page.body().get("deviceNotices").size()).isEqualTo(SILENT_DEVICES);  // whole on every page
      ids.addAll(incidentIds(page.body().get("dispatches")));
      cursor = page.body().get("next").isNull() ? null : page.body().get("next").asText();
      pages++;
    } while (cursor != null);
    assertThat(pages).isEqualTo((OPEN_DISPATCHES + limit - 1) / limit);
    return ids;
  }

  private static void aCursorContinuesOnlyItsOwnQuery(HubClient node) throws Exception {
    var agency = node.as(Role.AGENCY, AGENCY);
    String base = "/api/v1/agencies/" + AGENCY + "/dispatches";
    String cursor = agency.get(base + "?limit=10").body().get("next").asText();
    for (String bad : List.of(base + "?limit=10&state=all&cursor=" + cursor, base + "?limit=10&cursor=x" + cursor,
        base + "?limit=10&cursor=not-a-cursor")) {
      var refused = agency.get(bad);
      assertThat(refused.status()).as(bad).isEqualTo(400);
      assertThat(refused.body().toString()).contains("cursor");
    }
    for (String limit : List.of("0", "501", "ten")) {
      var refused = agency.get(base + "?limit=" + limit);
      assertThat(refused.status()).as("limit=" + limit).isEqualTo(400);
      assertThat(refused.body().toString()).contains("limit");
    }
  }

  private static List<String> incidentIds(com.fasterxml.jackson.databind.JsonNode dispatches) {
    var ids = new ArrayList<String>();
    dispatches.forEach(d -> ids.add(d.get("incidentId").asText()));
    return ids;
  }

  /** Every device of the county's schools goes silent at once. */
  private static void silence(EntityRef<Agency.Command> agency, Instant now) throws Exception {
    var tracked = new ArrayList<java.util.concurrent.CompletableFuture<org.apache.pekko.Done>>();
    for (int i = 0; i < SILENT_DEVICES; i++) {
      var notice = new DeviceNotice(String.format("sch-650102-%03d", i / 20), "Tianshan District No. "
          + (i / 20) + " Experimental Primary School, east campus (grades one to six)", COUNTY,
          String.format("camera-%04d", i), "CAMERA", "Building B, third floor, the corridor outside the chemistry "
          + "laboratory, north end by the stairwell", "OFFLINE", now.minusSeconds(i), now.minusSeconds(i + 60));
      tracked.add(agency.<org.apache.pekko.Done>ask(replyTo -> new Agency.TrackDeviceNotice(notice, replyTo),
          Duration.ofSeconds(60)).toCompletableFuture());
    }
    java.util.concurrent.CompletableFuture.allOf(tracked.toArray(new java.util.concurrent.CompletableFuture[0])).get();
  }

  private static void track(
      EntityRef<Agency.Command> agency, List<DispatchNotice> notices)
      throws Exception {
    List<DispatchNotice> batch = List.copyOf(notices);
    agency.<org.apache.pekko.Done>ask(replyTo -> new Agency.TrackDispatches(batch, replyTo), Duration.ofSeconds(30))
        .toCompletableFuture().get();
  }
}
