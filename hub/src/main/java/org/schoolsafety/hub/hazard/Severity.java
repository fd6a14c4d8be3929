package org.schoolsafety.hub.hazard;

/** 一般 (general) or 重大 (major): a major hazard is notified to the county education agency at once. */
public enum Severity {
  GENERAL,
  MAJOR
}
