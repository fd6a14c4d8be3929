package org.schoolsafety.persistence.readside;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import org.schoolsafety.hub.secret.ServerKey;
import org.schoolsafety.hub.secret.SignedCursor;

/**
 * Where a page ended: the partition (a day, or none for single-partition lists) and the last
 * row, or only the day when a scan stopped between days. Cursors are opaque to clients and
 * signed with the server key over their content and the query they belong to, so a client can
 * neither forge one (say, dated in 2106, to make the node walk a century of partitions) nor
 * carry one over to another query.
 */
record Cursor(LocalDate day, Instant at, String id) {

  static Cursor startOf(LocalDate day) {
    return new Cursor(day, null, null);
  }

  /** Rows come newest first, ties by id ascending: is this row past the cursor? */
  boolean isAfter(Instant rowAt, String rowId) {
    return at == null || rowAt.isBefore(at) || (rowAt.equals(at) && rowId.compareTo(id) > 0);
  }

  /** Signs cursors for one purpose; {@code query} names the query a cursor may continue. */
  static final class Codec {

    private final ServerKey key;

    Codec(ServerKey serverKey) {
      this.key = serverKey.forPurpose("list-cursor");
    }

    String encode(Cursor cursor, String query) {
      String raw = (cursor.day() == null ? "-" : cursor.day().toString()) + "|"
          + (cursor.at() == null ? "-" : String.valueOf(cursor.at().toEpochMilli())) + "|"
          + (cursor.id() == null ? "-" : cursor.id());
      return SignedCursor.seal(key, raw, query);
    }

    /** The cursor, or an IllegalArgumentException when it is not one handed out for this query. */
    Optional<Cursor> decode(String cursor, String query) {
      if (cursor == null || cursor.isEmpty()) {
        return Optional.empty();
      }
      String[] parts = SignedCursor.open(key, cursor, query).split("\\|", 3);
      try {
        return Optional.of(new Cursor(
            parts[0].equals("-") ? null : LocalDate.parse(parts[0]),
            parts[1].equals("-") ? null : Instant.ofEpochMilli(Long.parseLong(parts[1])),
            parts[2].equals("-") ? null : parts[2]));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("is not a cursor this API handed out for this query");
      }
    }
  }
}
