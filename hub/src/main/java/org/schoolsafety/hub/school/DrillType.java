package org.schoolsafety.hub.school;

/** Kinds of drills a school holds; EVACUATION is the monthly one schools must hold. */
public enum DrillType {
  EVACUATION,
  LOCKDOWN,
  SHELTER,
  FIRE,
  EARTHQUAKE,
  OTHER
}
