package org.schoolsafety.hub.school;

public enum SchoolType {
  PRIMARY,
  JUNIOR,
  SENIOR,
  NINE_YEAR,
  KINDERGARTEN
}
