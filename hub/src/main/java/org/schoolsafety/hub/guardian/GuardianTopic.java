package org.schoolsafety.hub.guardian;

/** What a guardian's message to the school is about. */
public enum GuardianTopic {
  HEALTH,
  FAMILY_SITUATION,
  SAFETY_CONCERN,
  OTHER
}
