package org.schoolsafety.hub.risk;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.schoolsafety.hub.CborSerializable;

/**
 * A school's risk: 0-100 per dimension (higher is riskier) and overall, its level, and the
 * factors that make up each dimension, so that an official can see why a school is red.
 */
public record RiskScore(
    double overall, RiskLevel level, Map<String, Double> dimensions, List<Factor> factors, Instant computedAt)
    implements CborSerializable {

  public static final List<String> DIMENSIONS = List.of("surroundings", "health", "traffic", "history", "execution");

  /** One contribution: to which dimension, what (a stable code), how many points, and a detail. */
  public record Factor(String dimension, String code, double points, String detail) implements CborSerializable {}

  /** Same scores and level (the time of computing aside). */
  public boolean sameAs(RiskScore other) {
    return other != null && overall == other.overall && level == other.level && dimensions.equals(other.dimensions);
  }
}
