package org.schoolsafety.hub.agency;

import java.time.Instant;

/** The order of every list of an agency's inboxes: newest first, then by key. */
final class NewestFirst {

  private NewestFirst() {}

  /** Whether an item at {@code time} with {@code key} comes after the position ({@code at}, {@code atKey}). */
  static boolean after(Instant time, String key, Instant at, String atKey) {
    int byTime = time.compareTo(at);
    return byTime < 0 || (byTime == 0 && key.compareTo(atKey) > 0);
  }
}
