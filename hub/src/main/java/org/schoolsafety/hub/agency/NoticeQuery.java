package org.schoolsafety.hub.agency;

import java.time.Instant;
import org.schoolsafety.hub.CborSerializable;

/**
 * One page of an agency's other inboxes — hazards, silent devices, early warnings, tips, read in
 * that order, each newest first — only the open ones unless {@code all}; at most {@code limit}
 * notices in all, strictly after {@code after} when given. The reply is bounded by {@code limit}:
 * the open device notices of a county whose devices all went silent at once (a power cut) are
 * thousands, more than one message between nodes may carry (docs/RELIABILITY.md, "Large replies
 * across nodes").
 */
public record NoticeQuery(boolean all, int limit, Position after) implements CborSerializable {

  /** The most one page may hold: notices of up to ~1 KB stay under Pekko's default remote frame (256 KiB). */
  public static final int MAX_LIMIT = 200;

  public NoticeQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
    }
  }

  /** The first page. */
  public static NoticeQuery first(boolean all) {
    return new NoticeQuery(all, MAX_LIMIT, null);
  }

  /** The same query, continuing after {@code position}. */
  public NoticeQuery after(Position position) {
    return new NoticeQuery(all, limit, position);
  }

  /** The inboxes, in the order a reading goes through them. */
  public enum Inbox { HAZARDS, DEVICES, WARNINGS, TIPS }

  /**
   * Where a page ended: the inbox, and the last notice's time and key in that inbox's order (newest
   * first, then by key).
   */
  public record Position(Inbox inbox, Instant at, String key) implements CborSerializable {

    /** Whether a notice of {@code in} at {@code time} with {@code noticeKey} comes after this position. */
    boolean precedes(Inbox in, Instant time, String noticeKey) {
      if (in != inbox) {
        return in.compareTo(inbox) > 0;
      }
      return NewestFirst.after(time, noticeKey, at, key);
    }
  }
}
