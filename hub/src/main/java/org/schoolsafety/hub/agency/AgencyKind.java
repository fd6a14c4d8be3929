package org.schoolsafety.hub.agency;

/** The services a school incident can call on. */
public enum AgencyKind {
  POLICE,
  FIRE,
  HEALTH,
  EDUCATION
}
