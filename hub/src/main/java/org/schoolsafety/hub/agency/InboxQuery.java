package org.schoolsafety.hub.agency;

import java.time.Instant;
import java.util.Set;
import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.incident.Mode;

/**
 * One page of an agency's dispatch inbox: newest first (by when the agency was notified, then by
 * incident id), only incidents in progress unless {@code all}, only the {@code modes} asked for and,
 * with a {@code regionPrefix}, only incidents of that region; at most {@code limit}, strictly after
 * {@code after} when given. The reply is bounded by {@code limit}, so an inbox of thousands crosses
 * between nodes in pages rather than in one message the remote transport would refuse. With
 * {@code otherInboxes} the page also carries the agency's other inboxes whole: nodes read those in
 * pages of their own ({@link NoticeQuery}) and ask with it only while {@code hub.agency.notice-pages}
 * is off, during an upgrade from a release that does not know {@link Agency.GetNotices}.
 */
public record InboxQuery(boolean all, Set<Mode> modes, String regionPrefix, int limit, Position after,
    boolean otherInboxes) implements CborSerializable {

  /**
   * The most one page may hold. Typical notices (~190-260 bytes) keep a page under Pekko's default
   * remote frame (256 KiB); the longest (a 200-character school name in CJK, ~800 bytes) under
   * the hub's 2 MiB (cluster.conf).
   */
  public static final int MAX_LIMIT = 500;

  public InboxQuery {
    modes = Set.copyOf(modes);
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
    }
  }

  /** The same query, continuing after {@code position}. */
  public InboxQuery after(Position position) {
    return new InboxQuery(all, modes, regionPrefix, limit, position, otherInboxes);
  }

  boolean admits(DispatchNotice notice) {
    return (all || notice.isOpen())
        && modes.contains(notice.mode())
        && (regionPrefix == null || notice.regionCode().startsWith(regionPrefix))
        && (after == null || after.precedes(notice));
  }

  /** Where a page ended: the last notice's time and incident. */
  public record Position(Instant notifiedAt, String incidentId) implements CborSerializable {

    static Position of(DispatchNotice notice) {
      return new Position(notice.notifiedAt(), notice.incidentId());
    }

    /** Whether {@code notice} comes after this position in the inbox's order (newest first). */
    boolean precedes(DispatchNotice notice) {
      return NewestFirst.after(notice.notifiedAt(), notice.incidentId(), notifiedAt, incidentId);
    }
  }
}
