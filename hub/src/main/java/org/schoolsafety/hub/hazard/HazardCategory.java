package org.schoolsafety.hub.hazard;

/** What kind of hazard an inspection found. */
public enum HazardCategory {
  FIRE_SAFETY,
  BUILDING,
  ELECTRICAL,
  FOOD_HYGIENE,
  TRAFFIC,
  SURROUNDINGS,
  EQUIPMENT,
  LABORATORY,
  OTHER
}
