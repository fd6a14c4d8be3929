package org.schoolsafety.hub.risk;

/** The four warning colours, from low to high risk. */
public enum RiskLevel {
  BLUE,
  YELLOW,
  ORANGE,
  RED
}
