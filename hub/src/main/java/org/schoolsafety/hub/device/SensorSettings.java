package org.schoolsafety.hub.device;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.schoolsafety.hub.incident.IncidentType;
import org.schoolsafety.hub.incident.Level;

/**
 * Everything about devices from configuration ({@code hub.sensors}, defaults and their reasons in
 * reference.conf and docs/SENSORS.md).
 *
 * @param rules by key (sensor kind, or {@code CAMERA_<label>})
 * @param offlineAfter a device of this kind that sends nothing (reading or heartbeat) for longer is OFFLINE
 * @param falseAlarmGrace a device-raised incident escalates to no higher tier before this long after it opened
 * @param flagRate a device whose false alarms / alarms exceeds this ...
 * @param flagMinAlarms ... once it raised at least this many alarms is flagged
 * @param seenPersistInterval last-reading times are written to the journal at most this often per school
 * @param maxReadingAge readings older than this are too old to act on (400)
 * @param futureTolerance readings further in the future than this are refused (gateway clock skew)
 * @param maxBatch readings per request
 * @param maxDevices registered devices per school (and unregistered ones remembered)
 */
public record SensorSettings(
    Map<String, AlarmRule> rules,
    Map<SensorKind, Duration> offlineAfter,
    Duration falseAlarmGrace,
    double flagRate,
    int flagMinAlarms,
    Duration seenPersistInterval,
    Duration maxReadingAge,
    Duration futureTolerance,
    int maxBatch,
    int maxDevices,
    Duration idlePassivation,
    Duration redeliveryInterval,
    Duration askTimeout) {

  public static SensorSettings fromConfig(Config config) {
    Config hub = config.getConfig("hub");
    Config s = hub.getConfig("sensors");
    var rules = new LinkedHashMap<String, AlarmRule>();
    Config rc = s.getConfig("rules");
    for (String key : rc.root().keySet()) {
      Config r = rc.getConfig(key);
      var with = new LinkedHashSet<>(r.getStringList("confirm-with"));
      rules.put(key, new AlarmRule(key, r.getDouble("threshold"), r.getDuration("sustained-for"),
          r.getBoolean("confirm"), r.getDuration("confirm-window"), Set.copyOf(with),
          AlarmRule.Scope.valueOf(r.getString("confirm-scope")), IncidentType.valueOf(r.getString("incident-type")),
          Level.valueOf(r.getString("level"))));
    }
    for (AlarmRule rule : rules.values()) {
      for (String other : rule.confirmWith()) {
        if (!rules.containsKey(other)) {
          throw new IllegalArgumentException("hub.sensors.rules." + rule.key() + ".confirm-with names no rule: " + other);
        }
      }
    }
    var offline = new EnumMap<SensorKind, Duration>(SensorKind.class);
    Config oc = s.getConfig("offline-after");
    for (SensorKind kind : SensorKind.values()) {
      if (kind.isDeviceKind()) {
        offline.put(kind, oc.getDuration(kind.name()));
      }
    }
    return new SensorSettings(Map.copyOf(rules), Map.copyOf(offline), s.getDuration("false-alarm.grace"),
        s.getDouble("false-alarm.flag-rate"), s.getInt("false-alarm.flag-min-alarms"),
        s.getDuration("seen-persist-interval"), s.getDuration("max-reading-age"),
        s.getDuration("future-tolerance"), s.getInt("max-batch"), s.getInt("max-devices"),
        idlePassivation(hub), hub.getDuration("incident.redelivery-interval"),
        hub.getDuration("ask-timeout"));
  }

  /** {@code hub.school.idle-passivation}: null for {@code off} (a school, once woken, stays). */
  private static Duration idlePassivation(Config hub) {
    return hub.getString("school.idle-passivation").equals("off") ? null : hub.getDuration("school.idle-passivation");
  }

  public AlarmRule rule(String key) {
    return key == null ? null : rules.get(key);
  }

  public Duration offlineAfter(SensorKind kind) {
    return offlineAfter.getOrDefault(kind, Duration.ofMinutes(10));
  }

  /** Whether a device with these counts is flagged for its false alarms. */
  public boolean flags(int alarms, int falseAlarms) {
    return alarms >= flagMinAlarms && alarms > 0 && (double) falseAlarms / alarms > flagRate;
  }
}
