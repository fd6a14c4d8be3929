package org.schoolsafety.edge;

import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.CyclicBufferAppender;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.ThrowingRunnable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * When a test's wait for the read side runs out, says what the storage held at that moment, so
 * that a failure on a CI machine (where only the console output comes back) tells a projection
 * that stood still (its offset, its last update) from events whose tag rows were never written
 * (rows per tag in {@code tag_views}, the writers' progress in {@code tag_write_progress}).
 */
final class ReadSideDiagnosis {

  private ReadSideDiagnosis() {}

  /** Runs {@code wait}; if it times out, fails with its message and the keyspace's read-side state. */
  static <T> T explained(String keyspace, Supplier<T> wait) {
    try {
      return wait.get();
    } catch (ConditionTimeoutException timeout) {
      throw new AssertionError(timeout.getMessage() + "\n" + describe(keyspace), timeout);
    }
  }

  /** Waits up to {@code atMost} for {@code assertion} to hold, explained as above if it does not. */
  static void awaitAsserted(String keyspace, Duration atMost, ThrowingRunnable assertion) {
    explained(keyspace, () -> await().atMost(atMost).untilAsserted(assertion));
  }

  /** {@link #explained(String, Supplier)} for a wait that returns nothing. */
  static void explained(String keyspace, Runnable wait) {
    explained(keyspace, () -> {
      wait.run();
      return null;
    });
  }

  /** The projections' offsets and the tagged rows of {@code keyspace} (a test's small keyspace). */
  static String describe(String keyspace) {
    var text = new StringBuilder("read side of ").append(keyspace).append(" at the timeout:\n");
    try (CqlSession session = SharedCassandra.session()) {
      text.append(" offsets:\n");
      for (Row row : session.execute("SELECT * FROM " + keyspace + "_read.offset_store")) {
        text.append("  ").append(row.getFormattedContents()).append('\n');
      }
      Map<String, long[]> perTag = new TreeMap<>();  // tag -> rows, newest write (ms)
      for (Row row : session.execute("SELECT tag_name, timestamp FROM " + keyspace + ".tag_views")) {
        long[] seen = perTag.computeIfAbsent(row.getString("tag_name"), t -> new long[2]);
        seen[0]++;
        seen[1] = Math.max(seen[1], Uuids.unixTimestamp(row.getUuid("timestamp")));
      }
      perTag.forEach((tag, seen) -> text.append(" tag_views ").append(tag).append(": ").append(seen[0])
          .append(" rows, newest ").append(Instant.ofEpochMilli(seen[1])).append('\n'));
      Map<String, Long> events = new TreeMap<>();
      for (Row row : session.execute("SELECT persistence_id, sequence_nr FROM " + keyspace + ".messages")) {
        if (!row.getString("persistence_id").startsWith("/sharding/")) {
          events.merge(row.getString("persistence_id"), row.getLong("sequence_nr"), Math::max);
        }
      }
      text.append(" events (highest sequence number per entity): ").append(events).append('\n');
      text.append(" tag writers' progress:\n");
      for (Row row : session.execute("SELECT * FROM " + keyspace + ".tag_write_progress")) {
        text.append("  ").append(row.getFormattedContents()).append('\n');
      }
    } catch (RuntimeException e) {
      text.append(" (could not read it: ").append(e).append(")\n");
    }
    text.append(recentWarnings());
    return text.toString();
  }

  /** At most this many of the latest warnings go into a failure message. */
  private static final int WARNINGS_QUOTED = 80;

  /** The latest warnings and errors logged in this JVM (logback-test.xml keeps the last 400). */
  static String recentWarnings() {
    var context = (LoggerContext) LoggerFactory.getILoggerFactory();
    var appender = (CyclicBufferAppender<ILoggingEvent>)
        context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("RECENT_WARNINGS");
    if (appender == null) {
      return " (no RECENT_WARNINGS appender in logback-test.xml)\n";
    }
    var text = new StringBuilder(" the latest warnings and errors logged in this JVM, oldest first (every node of the run):\n");
    for (int i = Math.max(0, appender.getLength() - WARNINGS_QUOTED); i < appender.getLength(); i++) {
      var event = appender.get(i);
      text.append("  ").append(Instant.ofEpochMilli(event.getTimeStamp())).append(' ').append(event.getLevel())
          .append(' ').append(event.getLoggerName()).append(" - ").append(event.getFormattedMessage());
      if (event.getThrowableProxy() != null) {
        text.append(" (").append(event.getThrowableProxy().getClassName()).append(": ")
            .append(event.getThrowableProxy().getMessage()).append(')');
      }
      text.append('\n');
    }
    return text.toString();
  }
}
