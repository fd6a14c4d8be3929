package org.schoolsafety.hub.agency;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One page of the other inboxes being taken, inbox after inbox in {@link NoticeQuery.Inbox} order:
 * the notices after the query's position, up to its limit, and where the next page starts.
 */
final class NoticeReading {

  private final NoticeQuery query;
  private int room;
  private NoticeQuery.Position last;
  private boolean more;

  NoticeReading(NoticeQuery query) {
    this.query = query;
    this.room = query.limit();
  }

  /** The notices of {@code ordered} (one inbox, newest first) that belong on this page. */
  <T> List<T> take(NoticeQuery.Inbox inbox, List<T> ordered, Function<T, Instant> time, Function<T, String> key) {
    var taken = new ArrayList<T>();
    for (T notice : ordered) {
      if (query.after() != null && !query.after().precedes(inbox, time.apply(notice), key.apply(notice))) {
        continue;
      }
      if (room == 0) {
        more = true;
        break;
      }
      taken.add(notice);
      room--;
      last = new NoticeQuery.Position(inbox, time.apply(notice), key.apply(notice));
    }
    return List.copyOf(taken);
  }

  /** Where the next page starts; null when nothing follows this one. */
  NoticeQuery.Position next() {
    return more ? last : null;
  }
}
