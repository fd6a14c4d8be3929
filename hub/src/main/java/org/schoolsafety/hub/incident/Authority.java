package org.schoolsafety.hub.incident;

import com.typesafe.config.Config;
import java.util.EnumMap;
import java.util.Map;
import org.schoolsafety.hub.agency.Tier;
import org.schoolsafety.hub.region.RegionCode;

/**
 * Handling authority by level: which tier leads an incident of each level (by default IV the
 * county, III the city, I and II the province; ungraded the county). Only command centers of the
 * leading tier or above may close, cancel or downgrade it. Configured by {@code hub.authority.lead-tier}.
 */
public record Authority(Map<Level, Tier> leadTiers) {

  public Authority {
    leadTiers = Map.copyOf(leadTiers);
    for (Level level : Level.values()) {
      if (!leadTiers.containsKey(level)) {
        throw new IllegalArgumentException("hub.authority.lead-tier has no tier for level " + level);
      }
    }
  }

  /** The rule of the issue: IV county, III city, I and II province, ungraded county. */
  public static Authority defaults() {
    var tiers = new EnumMap<Level, Tier>(Level.class);
    tiers.put(Level.I, Tier.PROVINCE);
    tiers.put(Level.II, Tier.PROVINCE);
    tiers.put(Level.III, Tier.CITY);
    tiers.put(Level.IV, Tier.COUNTY);
    tiers.put(Level.UNGRADED, Tier.COUNTY);
    return new Authority(tiers);
  }

  public static Authority fromConfig(Config config) {
    String path = "hub.authority.lead-tier";
    if (!config.hasPath(path)) {
      return defaults();
    }
    var tiers = new EnumMap<Level, Tier>(Level.class);
    for (Level level : Level.values()) {
      tiers.put(level, config.getEnum(Tier.class, path + "." + level.name()));
    }
    return new Authority(tiers);
  }

  public Tier leadTier(Level level) {
    return leadTiers.get(level);
  }

  /** The region of the leading tier: the school's region cut to the tier's prefix length. */
  public String leadRegion(Level level, RegionCode school) {
    return school.value().substring(0, leadTier(level).prefixLength());
  }

  /** Whether a command center over {@code prefix} is of the leading tier or above for this level. */
  public boolean leads(String commandCenterPrefix, Level level, RegionCode school) {
    return school.within(commandCenterPrefix) && commandCenterPrefix.length() <= leadTier(level).prefixLength();
  }
}
