package org.schoolsafety.hub.school;

/** The school's current response posture, from normal operation to full evacuation. */
public enum Posture {
  NORMAL,
  HOLD,
  SECURE,
  LOCKDOWN,
  EVACUATE,
  SHELTER
}
