package org.schoolsafety.edge.api.dto;

import java.util.regex.Pattern;
import org.schoolsafety.edge.api.Fields;
import org.schoolsafety.edge.webhook.WebhookAddresses;

/** Bodies of the webhook endpoints (issue 17, pushed notices), checked field by field into one 400. */
public final class WebhookRequests {

  public static final int MIN_SECRET = 16;
  public static final int MAX_SECRET = 200;
  private static final Pattern VISIBLE_ASCII = Pattern.compile("[\\x21-\\x7e]+");

  private WebhookRequests() {}

  /** {@code POST /api/v1/agencies/{agencyId}/webhooks}. The URL's addresses are checked afterwards (DNS). */
  public record WebhookRequest(String url, String secret) {

    public record Checked(String url, String secret) {}

    public Checked check(WebhookAddresses addresses) {
      var f = new Fields();
      addresses.refuseForm(url).ifPresent(reason -> f.error("url", reason));
      if (secret == null) {
        f.error("secret", "is required");
      } else if (secret.length() < MIN_SECRET || secret.length() > MAX_SECRET) {
        f.error("secret", "must be " + MIN_SECRET + " to " + MAX_SECRET + " characters");
      } else if (!VISIBLE_ASCII.matcher(secret).matches()) {
        f.error("secret", "must be visible ASCII characters only (no spaces or control characters)");
      }
      f.throwIfInvalid();
      return new Checked(url, secret);
    }
  }

  /** {@code POST .../dead-letters/redeliver}: one dead letter by its noticeId, or all of them ({@code {}}). */
  public record RedeliverRequest(String noticeId) {

    /** The notice's position in the agency journal, or null for all. */
    public Long check(String agencyId) {
      var f = new Fields();
      Long seq = null;
      if (noticeId != null) {
        String prefix = "ntc-" + agencyId + "-";
        String rest = noticeId.startsWith(prefix) ? noticeId.substring(prefix.length()) : "";
        if (!rest.matches("[1-9][0-9]{0,17}")) {
          f.error("noticeId", "must be a noticeId of this agency (" + prefix + "<number>)");
        } else {
          seq = Long.parseLong(rest);
        }
      }
      f.throwIfInvalid();
      return seq;
    }
  }
}
