package org.schoolsafety.sim.scenario;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as scenario files write them: {@code 500ms}, {@code 90s}, {@code 2m}, {@code 1.5h}, {@code 2d}. */
public final class Durations {

  private static final Pattern FORMAT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)");

  private Durations() {}

  /** @throws IllegalArgumentException with a message fit to follow a field name */
  public static Duration parse(String text) {
    Matcher m = FORMAT.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("must be a duration such as 500ms, 90s, 2m, 1.5h or 1d, not '" + text + "'");
    }
    double value = Double.parseDouble(m.group(1));
    double millis = switch (m.group(2)) {
      case "ms" -> value;
      case "s" -> value * 1_000;
      case "m" -> value * 60_000;
      case "h" -> value * 3_600_000;
      default -> value * 86_400_000;
    };
    if (millis > 366L * 86_400_000) {
      throw new IllegalArgumentException("must be at most a year, not '" + text + "'");
    }
    return Duration.ofNanos(Math.round(millis * 1_000_000));
  }

  /** {@code 1h02m03s}, {@code 2m05s}, {@code 4.2s}, {@code 350ms}: short and exact enough for reports. */
  public static String format(Duration d) {
    if (d == null) {
      return "-";
    }
    long millis = d.toMillis();
    String sign = millis < 0 ? "-" : "";
    millis = Math.abs(millis);
    if (millis < 1_000) {
      return sign + millis + "ms";
    }
    if (millis < 60_000) {
      return sign + String.format(java.util.Locale.ROOT, "%.1fs", millis / 1000.0);
    }
    long seconds = Math.round(millis / 1000.0);
    long h = seconds / 3600;
    long m = (seconds % 3600) / 60;
    long s = seconds % 60;
    return sign + (h > 0 ? String.format(java.util.Locale.ROOT, "%dh%02dm%02ds", h, m, s)
        : String.format(java.util.Locale.ROOT, "%dm%02ds", m, s));
  }

  /** The same, from seconds. */
  public static String formatSeconds(double seconds) {
    return format(Duration.ofNanos(Math.round(seconds * 1e9)));
  }
}
