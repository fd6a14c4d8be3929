package org.schoolsafety.hub.webhook;

import java.util.concurrent.CompletionStage;

/**
 * Makes one delivery attempt of a notice to a webhook (in the node: a signed HTTPS POST). The
 * stage completes with the outcome, never fails: a failure is an outcome that is retried.
 */
public interface WebhookCourier {

  record Outcome(boolean delivered, String detail) {
    public static Outcome delivered(String detail) {
      return new Outcome(true, detail);
    }

    public static Outcome failed(String detail) {
      return new Outcome(false, detail);
    }
  }

  CompletionStage<Outcome> deliver(String agencyId, Webhook webhook, PushedNotice notice, int attempt);
}
