package org.schoolsafety.edge.webhook;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.schoolsafety.edge.api.JsonSupport;
import org.schoolsafety.hub.webhook.PushedNotice;
import org.schoolsafety.hub.webhook.Webhook;
import org.schoolsafety.hub.webhook.WebhookCourier;

/**
 * Delivers a notice with the JDK's HTTP client: the address is checked again first (DNS may
 * point elsewhere than at registration), redirects are never followed (a 3xx is a failure, so a
 * receiver cannot bounce the hub to an internal address), the connection and the whole exchange
 * have timeouts, and only a 2xx counts as delivered. The response body is discarded unread.
 */
public final class WebhookSender implements WebhookCourier {

  private final HttpClient client;
  private final WebhookAddresses addresses;
  private final WebhookSecrets secrets;
  private final Duration requestTimeout;
  private final Clock clock;
  private final Executor blocking;

  public WebhookSender(WebhookAddresses addresses, WebhookSecrets secrets, Duration connectTimeout,
      Duration requestTimeout, Clock clock, Executor blocking) {
    this.client = HttpClient.newBuilder()
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .executor(blocking)
        .build();
    this.addresses = addresses;
    this.secrets = secrets;
    this.requestTimeout = requestTimeout;
    this.clock = clock;
    this.blocking = blocking;
  }

  @Override
  public CompletionStage<Outcome> deliver(String agencyId, Webhook webhook, PushedNotice notice, int attempt) {
    return CompletableFuture.supplyAsync(() -> addresses.refuse(webhook.url()), blocking)
        .thenCompose(refused -> refused.isPresent()
            ? CompletableFuture.completedFuture(Outcome.failed("url refused: " + refused.get()))
            : post(agencyId, webhook, notice, attempt))
        .exceptionally(WebhookSender::describe);
  }

  private CompletableFuture<Outcome> post(String agencyId, Webhook webhook, PushedNotice notice, int attempt) {
    byte[] body = JsonSupport.write(WebhookBodies.of(agencyId, notice));
    long timestamp = clock.instant().getEpochSecond();
    HttpRequest request = HttpRequest.newBuilder(URI.create(webhook.url()))
        .timeout(requestTimeout)
        .header("Content-Type", "application/json")
        .header("User-Agent", "school-safety-hub-webhooks/1")
        .header(Signatures.NOTICE_ID, notice.noticeId(agencyId))
        .header(Signatures.WEBHOOK_ID, webhook.webhookId())
        .header(Signatures.TIMESTAMP, Long.toString(timestamp))
        .header(Signatures.ATTEMPT, Integer.toString(attempt))
        .header(Signatures.SIGNATURE, Signatures.sign(secrets.open(webhook.sealedSecret()), timestamp, body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    return client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .thenApply(response -> response.statusCode() / 100 == 2
            ? Outcome.delivered("HTTP " + response.statusCode())
            : Outcome.failed("HTTP " + response.statusCode()));
  }

  private static Outcome describe(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof HttpTimeoutException) {
      return Outcome.failed("timed out");
    }
    if (cause instanceof ConnectException) {
      return Outcome.failed("connection refused");
    }
    return Outcome.failed(Optional.ofNullable(cause.getMessage()).map(m -> cause.getClass().getSimpleName() + ": " + m)
        .orElse(cause.getClass().getSimpleName()));
  }
}
