package org.schoolsafety.hub.plan;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import org.schoolsafety.hub.incident.Level;

/**
 * How long an agency has to acknowledge a dispatch before it escalates, by incident level.
 * Read from {@code hub.escalation}: {@code ack-deadline.<LEVEL>} divided by {@code time-scale}
 * (drills that run N times faster than real time scale deadlines by the same factor).
 */
public final class AckDeadlines {

  private final Map<Level, Duration> deadlines;

  private AckDeadlines(Map<Level, Duration> deadlines) {
    this.deadlines = deadlines;
  }

  public static AckDeadlines fromConfig(Config escalation) {
    double scale = escalation.getDouble("time-scale");
    if (scale <= 0) {
      throw new IllegalArgumentException("hub.escalation.time-scale must be positive: " + scale);
    }
    var deadlines = new EnumMap<Level, Duration>(Level.class);
    for (Level level : Level.values()) {
      Duration real = escalation.getDuration("ack-deadline." + level.name());
      deadlines.put(level, Duration.ofNanos(Math.max(1, (long) (real.toNanos() / scale))));
    }
    return new AckDeadlines(Collections.unmodifiableMap(deadlines));
  }

  public static AckDeadlines of(Map<Level, Duration> deadlines) {
    return new AckDeadlines(Collections.unmodifiableMap(new EnumMap<>(deadlines)));
  }

  public Duration forLevel(Level level) {
    return deadlines.get(level);
  }
}
