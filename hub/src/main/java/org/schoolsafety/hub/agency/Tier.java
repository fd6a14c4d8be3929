package org.schoolsafety.hub.agency;

import java.util.Optional;

/**
 * Administrative tier of an agency. A tier's jurisdiction is a region-code prefix of its
 * length: county 6 digits, city 4, province 2. Escalation climbs county → city → province.
 */
public enum Tier {
  COUNTY(6),
  CITY(4),
  PROVINCE(2);

  private final int prefixLength;

  Tier(int prefixLength) {
    this.prefixLength = prefixLength;
  }

  public int prefixLength() {
    return prefixLength;
  }

  public Optional<Tier> above() {
    return switch (this) {
      case COUNTY -> Optional.of(CITY);
      case CITY -> Optional.of(PROVINCE);
      case PROVINCE -> Optional.empty();
    };
  }

  public static Optional<Tier> ofJurisdiction(String prefix) {
    for (Tier tier : values()) {
      if (prefix != null && prefix.length() == tier.prefixLength) {
        return Optional.of(tier);
      }
    }
    return Optional.empty();
  }
}
