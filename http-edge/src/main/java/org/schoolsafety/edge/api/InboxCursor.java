package org.schoolsafety.edge.api;

import java.time.Instant;
import org.schoolsafety.hub.agency.InboxQuery;
import org.schoolsafety.hub.secret.ServerKey;
import org.schoolsafety.hub.secret.SignedCursor;

/**
 * The {@code cursor} of an agency's inbox pages: where the last page ended, signed with the server
 * key over its content and the query it belongs to (the agency, state, modes and scope), like the
 * read side's list cursors: a client can neither forge one nor carry it over to another query.
 * The instant keeps its nanoseconds, so two dispatches notified in the same millisecond keep their
 * order across a page boundary.
 */
public final class InboxCursor {

  private final ServerKey key;

  public InboxCursor(ServerKey serverKey) {
    this.key = serverKey.forPurpose("inbox-cursor");
  }

  String encode(InboxQuery.Position position, String query) {
    return SignedCursor.seal(key, position.notifiedAt() + "|" + position.incidentId(), query);
  }

  /** The position, null without a cursor, or an IllegalArgumentException for one not handed out for this query. */
  InboxQuery.Position decode(String cursor, String query) {
    if (cursor == null || cursor.isEmpty()) {
      return null;
    }
    String[] parts = SignedCursor.open(key, cursor, query).split("\\|", 2);
    try {
      return new InboxQuery.Position(Instant.parse(parts[0]), parts[1]);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("is not a cursor this API handed out for this query");
    }
  }
}
