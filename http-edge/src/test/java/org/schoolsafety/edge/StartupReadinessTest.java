package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.persistence.testing.SharedCassandra;

/** /health/ready waits for the node's starter (the dev node: demo data and dev tokens). */
@ExtendWith(SharedCassandra.class)
class StartupReadinessTest {

  @Test
  void aNodeIsNotReadyUntilItsStarterOpensTheStartupGate() {
    StartupGate startup = StartupGate.closedUntil("the demo data and the dev tokens");
    try (HubNode node = TestNode.start("it_startup_gate", Map.of(), startup)) {
      var anonymous = new HubClient(node.httpPort());
      // Once the other checks pass, only the startup gate holds the node back.
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        JsonNode checks = anonymous.get("/health/ready").body().get("checks");
        return check(checks, "cluster-member").get("ok").asBoolean() && check(checks, "cassandra").get("ok").asBoolean();
      });
      var closed = anonymous.get("/health/ready");
      assertThat(closed.status()).isEqualTo(503);
      assertThat(closed.body().get("status").asText()).isEqualTo("not-ready");
      assertThat(closed.body().get("checks").findValuesAsText("name")).containsExactly("cluster-member", "cassandra", "tag-queries", "startup");
      JsonNode gate = check(closed.body().get("checks"), "startup");
      assertThat(gate.get("ok").asBoolean()).isFalse();
      assertThat(gate.get("detail").asText()).isEqualTo("waiting for the demo data and the dev tokens");

      startup.open();

      await().atMost(Duration.ofSeconds(30)).until(() -> anonymous.get("/health/ready").status() == 200);
      var open = anonymous.get("/health/ready");
      assertThat(open.body().get("status").asText()).isEqualTo("ready");
      assertThat(check(open.body().get("checks"), "startup").get("detail").asText()).isEqualTo("complete");
      assertThat(node.startup().isOpen()).isTrue();
    }
  }

  private static JsonNode check(JsonNode checks, String name) {
    for (JsonNode check : checks) {
      if (check.get("name").asText().equals(name)) {
        return check;
      }
    }
    throw new AssertionError("no check " + name + " in " + checks);
  }
}
