package org.schoolsafety.hub.tip;

/** How soon a tip needs an answer: the response deadline is configured per priority. */
public enum TipPriority {
  LOW,
  MEDIUM,
  HIGH,
  URGENT
}
