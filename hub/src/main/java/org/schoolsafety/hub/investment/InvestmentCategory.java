package org.schoolsafety.hub.investment;

/** What safety money was spent on. */
public enum InvestmentCategory {
  EQUIPMENT,
  SENSORS,
  BUILDING,
  TRAINING,
  STAFFING,
  INSURANCE,
  OTHER
}
