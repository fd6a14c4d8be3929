package org.schoolsafety.hub.secret;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The text of a list cursor, signed with a server key over itself and the query it belongs to:
 * opaque to clients, who can neither forge one nor carry it over to another query.
 */
public final class SignedCursor {

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private SignedCursor() {}

  public static String seal(ServerKey key, String raw, String query) {
    return ENCODER.encodeToString(raw.getBytes(StandardCharsets.UTF_8)) + "."
        + ENCODER.encodeToString(key.mac(raw, query));
  }

  /** The text {@link #seal} signed, or an IllegalArgumentException for anything else. */
  public static String open(ServerKey key, String cursor, String query) {
    try {
      int dot = cursor.indexOf('.');
      String raw = new String(DECODER.decode(cursor.substring(0, dot)), StandardCharsets.UTF_8);
      if (!key.verify(key.mac(raw, query), DECODER.decode(cursor.substring(dot + 1)))) {
        throw new IllegalArgumentException("bad signature");
      }
      return raw;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("is not a cursor this API handed out for this query");
    }
  }
}
