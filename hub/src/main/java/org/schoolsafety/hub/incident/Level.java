package org.schoolsafety.hub.incident;

/** Severity: I is the most severe, IV the least; UNGRADED until someone grades it. */
public enum Level {
  I,
  II,
  III,
  IV,
  UNGRADED
}
