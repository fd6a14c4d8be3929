package org.schoolsafety.hub.incident;

/** What kind of emergency a report is about; the response plan maps it to agencies. */
public enum IncidentType {
  FIRE,
  INTRUSION,
  VIOLENCE,
  INJURY,
  ILLNESS_OUTBREAK,
  FOOD_POISONING,
  TRAFFIC,
  NATURAL_DISASTER,
  STRUCTURAL,
  HAZMAT,
  MISSING_STUDENT,
  BULLYING,
  OTHER
}
