package org.schoolsafety.edge.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a pushed notice, as a receiver recomputes it (docs/API.md, "Webhooks"):
 * {@code sha256=} and the lower-case hex HMAC-SHA256, keyed with the webhook's secret (its UTF-8
 * bytes), of the {@code Hub-Timestamp} header's value, a dot, and the exact body bytes.
 */
public final class Signatures {

  public static final String SIGNATURE = "Hub-Signature";
  public static final String TIMESTAMP = "Hub-Timestamp";
  public static final String NOTICE_ID = "Hub-Notice-Id";
  public static final String WEBHOOK_ID = "Hub-Webhook-Id";
  public static final String ATTEMPT = "Hub-Attempt";

  private Signatures() {}

  public static String sign(String secret, long timestampSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((timestampSeconds + ".").getBytes(StandardCharsets.US_ASCII));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
