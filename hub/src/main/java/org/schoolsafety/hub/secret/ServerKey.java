package org.schoolsafety.hub.secret;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A key only the hub's nodes know, for values that outsiders must be able to carry but neither
 * forge nor predict: list cursors (signed) and incident ids (derived from a report's client
 * reference). Every purpose gets its own sub-key, so one use can never stand in for another.
 * All nodes of a cluster must share the key; changing it invalidates cursors handed out and
 * changes the ids later retries of earlier reports map to.
 */
public final class ServerKey {

  private final byte[] key;

  private ServerKey(byte[] key) {
    this.key = key.clone();
  }

  /** At least 256 bits. */
  public static ServerKey of(byte[] secret) {
    if (secret == null || secret.length < 32) {
      throw new IllegalArgumentException("the server key must have at least 256 bits");
    }
    return new ServerKey(secret);
  }

  /** The sub-key for one purpose, e.g. "cursor" or "incident-id". */
  public ServerKey forPurpose(String purpose) {
    return new ServerKey(mac(purpose.getBytes(StandardCharsets.UTF_8)));
  }

  /** HMAC-SHA256 of the parts, each length-prefixed so that no two lists of parts collide. */
  public byte[] mac(String... parts) {
    var joined = new StringBuilder();
    for (String part : parts) {
      String p = String.valueOf(part);
      joined.append(p.length()).append(':').append(p).append(';');
    }
    return mac(joined.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Compares in constant time. */
  public boolean verify(byte[] expected, byte[] actual) {
    return MessageDigest.isEqual(expected, actual);
  }

  private byte[] mac(byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
