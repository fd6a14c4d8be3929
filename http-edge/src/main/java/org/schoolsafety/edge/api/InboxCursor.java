package org.schoolsafety.edge.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.schoolsafety.hub.agency.InboxQuery;
import org.schoolsafety.hub.secret.ServerKey;

/**
 * The {@code cursor} of an agency's inbox pages: where the last page ended, signed with the server
 * key over its content and the query it belongs to (the agency, state, modes and scope), like the
 * read side's list cursors: a client can neither forge one nor carry it over to another query.
 * The instant keeps its nanoseconds, so two dispatches notified in the same millisecond keep their
 * order across a page boundary.
 */
final class InboxCursor {

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private final ServerKey key;

  InboxCursor(ServerKey serverKey) {
    this.key = serverKey.forPurpose("inbox-cursor");
  }

  String encode(InboxQuery.Position position, String query) {
    String raw = position.notifiedAt() + "|" + position.incidentId();
    return ENCODER.encodeToString(raw.getBytes(StandardCharsets.UTF_8)) + "."
        + ENCODER.encodeToString(key.mac(raw, query));
  }

  /** The position, null without a cursor, or an IllegalArgumentException for one not handed out for this query. */
  InboxQuery.Position decode(String cursor, String query) {
    if (cursor == null || cursor.isEmpty()) {
      return null;
    }
    try {
      int dot = cursor.indexOf('.');
      String raw = new String(DECODER.decode(cursor.substring(0, dot)), StandardCharsets.UTF_8);
      if (!key.verify(key.mac(raw, query), DECODER.decode(cursor.substring(dot + 1)))) {
        throw new IllegalArgumentException("bad signature");
      }
      String[] parts = raw.split("\\|", 2);
      return new InboxQuery.Position(Instant.parse(parts[0]), parts[1]);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("is not a cursor this API handed out for this query");
    }
  }
}
