package org.schoolsafety.hub.plan;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.schoolsafety.hub.agency.AgencyKind;
import org.schoolsafety.hub.incident.IncidentType;
import org.schoolsafety.hub.incident.Level;

/**
 * Which kinds of agency an incident calls on, by incident type and level. Read from
 * {@code hub.response-plan}: for each type a {@code default} list and optional per-level lists
 * that replace it. Loading fails fast if any type lacks a default or names an unknown kind.
 */
public final class ResponsePlan {

  private final Map<IncidentType, Map<Level, Set<AgencyKind>>> plan;

  private ResponsePlan(Map<IncidentType, Map<Level, Set<AgencyKind>>> plan) {
    this.plan = plan;
  }

  public static ResponsePlan fromConfig(Config responsePlan) {
    var plan = new EnumMap<IncidentType, Map<Level, Set<AgencyKind>>>(IncidentType.class);
    for (IncidentType type : IncidentType.values()) {
      if (!responsePlan.hasPath(type.name() + ".default")) {
        throw new ConfigException.Missing("hub.response-plan." + type.name() + ".default");
      }
      Config forType = responsePlan.getConfig(type.name());
      var byLevel = new EnumMap<Level, Set<AgencyKind>>(Level.class);
      Set<AgencyKind> fallback = kinds(forType, "default");
      for (Level level : Level.values()) {
        byLevel.put(level, forType.hasPath(level.name()) ? kinds(forType, level.name()) : fallback);
      }
      plan.put(type, Collections.unmodifiableMap(byLevel));
    }
    return new ResponsePlan(Collections.unmodifiableMap(plan));
  }

  private static Set<AgencyKind> kinds(Config config, String path) {
    var kinds = new LinkedHashSet<AgencyKind>();
    for (String name : config.getStringList(path)) {
      try {
        kinds.add(AgencyKind.valueOf(name));
      } catch (IllegalArgumentException e) {
        throw new ConfigException.BadValue(
            config.origin(), path, "unknown agency kind '" + name + "'; use one of "
                + EnumSet.allOf(AgencyKind.class));
      }
    }
    return Collections.unmodifiableSet(kinds);
  }

  /** The kinds to dispatch for this type and level, in the plan's order. */
  public Set<AgencyKind> kindsFor(IncidentType type, Level level) {
    return plan.get(type).get(level);
  }
}
