package org.schoolsafety.sim.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where a failover's seconds went before the shards moved: when the survivors marked the failed
 * node unreachable, when the Split Brain Resolver decided to down it, and when it was removed
 * (the survivors quarantine a removed member), in seconds after the failure. Read from the
 * survivors' own logs, whose lines start with the time of day ({@code HH:mm:ss.SSS}, the node's
 * logback pattern) and whose lines for these three are logged at WARN (kept by the node's
 * default logging).
 */
final class FailoverPhases {

  private FailoverPhases() {}

  /** Phase name → the text of the first log line that marks it. */
  static final Map<String, String> MARKS = marks();

  private static Map<String, String> marks() {
    var marks = new LinkedHashMap<String, String>();
    marks.put("unreachable", "Marking node as UNREACHABLE");
    marks.put("downingDecision", "SBR took decision");
    marks.put("removed", "Reason: Cluster member removed");
    return marks;
  }

  /** The phases found in {@code logs} after {@code failedAt}, in the order of {@link #MARKS}. */
  static Map<String, Double> read(List<Path> logs, Instant failedAt) {
    LocalTime failed = LocalTime.ofInstant(failedAt, ZoneId.systemDefault());
    var earliest = new LinkedHashMap<String, Double>();
    for (Path log : logs) {
      if (!Files.exists(log)) {
        continue;
      }
      try (Stream<String> lines = Files.lines(log)) {
        fromLines(lines, failed).forEach((phase, seconds) -> earliest.merge(phase, seconds, Math::min));
      } catch (IOException | UncheckedIOException e) {
        // a log that cannot be read leaves its phases unknown, it does not fail the run
      }
    }
    var ordered = new LinkedHashMap<String, Double>();
    MARKS.keySet().stream().filter(earliest::containsKey).forEach(phase -> ordered.put(phase, earliest.get(phase)));
    return ordered;
  }

  /** The first line of each phase at or after {@code failed} (within 12 hours: logs carry no date). */
  static Map<String, Double> fromLines(Stream<String> lines, LocalTime failed) {
    var found = new LinkedHashMap<String, Double>();
    lines.forEach(line -> MARKS.forEach((phase, text) -> {
      if (found.containsKey(phase) || !line.contains(text)) {
        return;
      }
      Double seconds = secondsAfter(line, failed);
      if (seconds != null) {
        found.put(phase, seconds);
      }
    }));
    return found;
  }

  private static Double secondsAfter(String line, LocalTime failed) {
    if (line.length() < 12) {
      return null;
    }
    LocalTime at;
    try {
      at = LocalTime.parse(line.substring(0, 12));
    } catch (DateTimeParseException e) {
      return null;
    }
    long millis = Duration.between(failed, at).toMillis();
    if (millis < -Duration.ofHours(12).toMillis()) {
      millis += Duration.ofDays(1).toMillis(); // the failure was before midnight, the line after it
    }
    return millis < 0 || millis > Duration.ofHours(12).toMillis() ? null : millis / 1000.0;
  }
}
