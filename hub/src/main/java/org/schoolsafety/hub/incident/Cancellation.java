package org.schoolsafety.hub.incident;

/**
 * A cancel's reason says whether the incident was a false alarm: {@code FALSE_ALARM}, alone or
 * followed by a colon and an explanation ({@code "FALSE_ALARM: steam from the kitchen"}). Any
 * other reason is kept as it is and counts as no false alarm against devices.
 */
public final class Cancellation {

  public static final String FALSE_ALARM = "FALSE_ALARM";

  private Cancellation() {}

  public static boolean isFalseAlarm(String reason) {
    return reason != null && (reason.equals(FALSE_ALARM) || reason.startsWith(FALSE_ALARM + ":"));
  }
}
