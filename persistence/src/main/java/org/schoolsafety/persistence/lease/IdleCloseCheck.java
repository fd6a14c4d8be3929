package org.schoolsafety.persistence.lease;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks that every Cassandra node closes client connections that have been silent for less than
 * the lease's give-up margin minus 1 s ({@code native_transport_idle_timeout}).
 *
 * <p>Why: the journal's fence lets a write through while this node holds the entity's lease, and a
 * node frozen right after (GC pause, SIGSTOP, a stalled VM) sends that write only when it wakes,
 * possibly after another node has taken the lease and written the same sequence numbers. Cassandra
 * cannot refuse it by content; but a connection it closed cannot carry it. A frozen node says
 * nothing, so each Cassandra node closes its connections after the idle timeout; if that happens
 * before the lease's row expires, the woken node's write finds its connections gone and fails.
 * docs/RELIABILITY.md, "A write in flight at a freeze", has the arithmetic.
 */
final class IdleCloseCheck {

  private static final Logger log = LoggerFactory.getLogger(IdleCloseCheck.class);
  static final String SETTING = "native_transport_idle_timeout";

  private IdleCloseCheck() {}

  /** Reads each node's setting and logs what it means; never fails (a check, not a gate). */
  static CompletionStage<List<String>> run(CqlSession session, Duration giveUpMargin) {
    return idleTimeouts(session).thenApply(timeouts -> {
      List<String> problems = problems(timeouts, giveUpMargin);
      if (problems.isEmpty()) {
        log.info("Cassandra closes silent client connections after {} on every node: a frozen node's"
            + " writes die with its connections before its leases expire",
            timeouts.values().stream().map(t -> t.map(Duration::toString).orElse("never")).distinct().toList());
      } else {
        problems.forEach(problem -> log.warn("{}; a node frozen right after a write passed its lease"
            + " check may write after another node took the lease over (docs/DEPLOY.md)", problem));
      }
      return problems;
    }).exceptionally(failure -> {
      log.warn("could not read {} from Cassandra's system_views.settings: {}", SETTING, failure.toString());
      return List.of("could not read " + SETTING);
    });
  }

  /** Each node's idle timeout; empty when the node does not have one (0, or too old to say). */
  static CompletionStage<Map<String, Optional<Duration>>> idleTimeouts(CqlSession session) {
    Map<String, CompletableFuture<Optional<Duration>>> perNode = new LinkedHashMap<>();
    for (Node node : session.getMetadata().getNodes().values()) {
      var statement = SimpleStatement.newInstance(
          "SELECT value FROM system_views.settings WHERE name = '" + SETTING + "'").setNode(node);
      perNode.put(String.valueOf(node.getEndPoint()), session.executeAsync(statement).toCompletableFuture()
          .thenApply(rs -> Optional.ofNullable(rs.one()).map(row -> row.getString("value"))
              .flatMap(IdleCloseCheck::parse)));
    }
    return CompletableFuture.allOf(perNode.values().toArray(CompletableFuture[]::new)).thenApply(x -> {
      Map<String, Optional<Duration>> result = new LinkedHashMap<>();
      perNode.forEach((node, timeout) -> result.put(node, timeout.join()));
      return result;
    });
  }

  /** What is wrong with these timeouts for this margin; empty when nothing is. */
  static List<String> problems(Map<String, Optional<Duration>> timeouts, Duration giveUpMargin) {
    Duration most = giveUpMargin.minusSeconds(1);
    List<String> problems = new ArrayList<>();
    timeouts.forEach((node, timeout) -> {
      if (timeout.isEmpty()) {
        problems.add("Cassandra node " + node + " never closes a silent client connection (" + SETTING
            + " is 0 or unreadable); set it below " + most);
      } else if (timeout.get().compareTo(most) >= 0) {
        problems.add("Cassandra node " + node + " closes silent client connections after " + timeout.get()
            + ", not before the lease's give-up margin minus 1 s (" + most + ")");
      }
    });
    return problems;
  }

  /**
   * Cassandra 5 shows durations as {@code 3000ms}, {@code 3s} or {@code 0ms} (0 means never): the
   * same notation as HOCON's, so Typesafe Config reads them.
   */
  static Optional<Duration> parse(String value) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    try {
      Duration d = ConfigFactory.parseMap(Map.of("timeout", value.trim())).getDuration("timeout");
      return d.isZero() ? Optional.empty() : Optional.of(d);
    } catch (ConfigException e) {
      return Optional.empty();
    }
  }
}
