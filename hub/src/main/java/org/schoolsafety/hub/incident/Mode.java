package org.schoolsafety.hub.incident;

/** A real emergency, or a drill whose data must never mix into real statistics. */
public enum Mode {
  ACTUAL,
  EXERCISE
}
