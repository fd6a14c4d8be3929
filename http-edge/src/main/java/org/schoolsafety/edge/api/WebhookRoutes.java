package org.schoolsafety.edge.api;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.Route;
import org.schoolsafety.edge.api.dto.WebhookRequests.RedeliverRequest;
import org.schoolsafety.edge.api.dto.WebhookRequests.WebhookRequest;
import org.schoolsafety.edge.auth.AccessPolicy.Decision;
import org.schoolsafety.edge.auth.Principal;
import org.schoolsafety.edge.webhook.WebhookAddresses;
import org.schoolsafety.edge.webhook.WebhookBodies;
import org.schoolsafety.edge.webhook.WebhookSecrets;
import org.schoolsafety.hub.agency.Agency;
import org.schoolsafety.hub.agency.AgencyProfile;
import org.schoolsafety.hub.webhook.AgencyWebhooks;
import org.schoolsafety.hub.webhook.DeadLetter;
import org.schoolsafety.hub.webhook.Webhook;

/**
 * {@code /api/v1/agencies/{agencyId}/webhooks}: where an agency's notices are pushed (docs/API.md,
 * "Webhooks"). A URL is checked (form, then every address it resolves to) before anything is
 * stored; the secret is sealed before it reaches the journal and never answered back.
 */
public final class WebhookRoutes extends RouteSupport {

  private final WebhookAddresses addresses;
  private final WebhookSecrets secrets;
  private final Executor blocking;

  public WebhookRoutes(ApiContext api, WebhookAddresses addresses, WebhookSecrets secrets, Executor blocking) {
    super(api);
    this.addresses = addresses;
    this.secrets = secrets;
    this.blocking = blocking;
  }

  @Override
  public Route route(Principal p) {
    return pathPrefix("agencies", () -> pathPrefix(segment(), agencyId -> pathPrefix("webhooks", () -> concat(
        pathEndOrSingleSlash(() -> concat(
            post(() -> agency(p, agencyId, api.policy()::manageWebhooks, "register webhooks of", (profile, started) ->
                jsonBody(WebhookRequest.class, body -> register(p, agencyId, body, started)))),
            get(() -> agency(p, agencyId, api.policy()::listWebhooks, "list webhooks of", (profile, started) ->
                withOutbox(agencyId, started, state -> ok(list(agencyId, state))))))),
        pathPrefix(segment(), webhookId -> concat(
            pathEnd(() -> delete(() -> agency(p, agencyId, api.policy()::manageWebhooks, "remove webhooks of",
                (profile, started) -> onReply(outbox(agencyId).<Done>askWithStatus(
                        replyTo -> new AgencyWebhooks.Remove(webhookId, p.id(), replyTo), api.askTimeoutLeft(started)),
                    done -> complete(StatusCodes.NO_CONTENT))))),
            path("dead-letters", () -> get(() -> agency(p, agencyId, api.policy()::manageWebhooks,
                "read the dead letters of", (profile, started) -> withOutbox(agencyId, started, state ->
                    deadLetters(agencyId, webhookId, state))))),
            path(segment("dead-letters").slash("redeliver"), () -> post(() -> agency(p, agencyId,
                api.policy()::manageWebhooks, "redeliver notices of", (profile, started) ->
                    jsonBody(RedeliverRequest.class, body -> redeliver(p, agencyId, webhookId, body, started)))))))))));
  }

  /** The agency, if it exists and the caller may do this with its webhooks. */
  private Route agency(Principal p, String agencyId, BiFunction<Principal, AgencyProfile, Decision> decide,
      String action, BiFunction<AgencyProfile, Long, Route> inner) {
    String notFound = "no agency with id '" + Ids.printable(agencyId) + "'";
    if (!Fields.ID.matcher(agencyId).matches()) {
      return complete(Problems.of(StatusCodes.NOT_FOUND, notFound));
    }
    long started = System.nanoTime();
    return onReply(agencies.profile(agencyId, api.askTimeout()), state ->
        authorize(api.policy().readAgency(p, state.profile()) == Decision.ALLOW
                ? decide.apply(p, state.profile()) : Decision.FORBIDDEN,
            p, action + " agency " + agencyId, notFound, () -> inner.apply(state.profile(), started)));
  }

  private Route register(Principal p, String agencyId, WebhookRequest body, long started) {
    WebhookRequest.Checked checked = body.check(addresses);
    CompletionStage<Optional<String>> refused = CompletableFuture.supplyAsync(() -> addresses.refuse(checked.url()),
        blocking);
    return onReply(refused, reason -> {
      if (reason.isPresent()) {
        return complete(Problems.from(Params.invalid("url", reason.get())));
      }
      var webhook = new Webhook("wh-" + UUID.randomUUID().toString().replace("-", "").substring(0, 20),
          checked.url(), secrets.seal(checked.secret()), api.clock().instant(), p.id());
      return respond(outbox(agencyId).<Webhook>askWithStatus(
              replyTo -> new AgencyWebhooks.Register(webhook, replyTo), api.askTimeoutLeft(started)),
          registered -> json(StatusCodes.CREATED, view(registered, 0, 0)).addHeader(
              Location.create("/api/v1/agencies/" + agencyId + "/webhooks/" + registered.webhookId())));
    });
  }

  private Route redeliver(Principal p, String agencyId, String webhookId, RedeliverRequest body, long started) {
    Long seq = body.check(agencyId);
    return respond(outbox(agencyId).<Integer>askWithStatus(
            replyTo -> new AgencyWebhooks.Redeliver(webhookId, seq, p.id(), replyTo), api.askTimeoutLeft(started)),
        count -> json(StatusCodes.ACCEPTED, Map.of("webhookId", webhookId, "redelivered", count)));
  }

  private Route withOutbox(String agencyId, long started,
      Function<AgencyWebhooks.State, HttpResponse> inner) {
    return respond(outbox(agencyId).<AgencyWebhooks.State>askWithStatus(AgencyWebhooks.Get::new,
        api.askTimeoutLeft(started)), inner::apply);
  }

  private static Map<String, Object> list(String agencyId, AgencyWebhooks.State state) {
    return Map.of("agencyId", agencyId, "webhooks", state.webhooks().values().stream()
        .sorted(Comparator.comparing(Webhook::createdAt).thenComparing(Webhook::webhookId))
        .map(w -> view(w, state.pending(w.webhookId()), state.deadLetters(w.webhookId()).size()))
        .toList());
  }

  private HttpResponse deadLetters(String agencyId, String webhookId,
      AgencyWebhooks.State state) {
    if (!state.webhooks().containsKey(webhookId)) {
      return Problems.of(StatusCodes.NOT_FOUND, "agency '" + agencyId + "' has no webhook '"
          + Ids.printable(webhookId) + "'");
    }
    List<DeadLetter> letters = new ArrayList<>(state.deadLetters(webhookId));
    Collections.reverse(letters); // newest first
    return ok(Map.of("agencyId", agencyId, "webhookId", webhookId, "deadLetters", letters.stream()
        .map(d -> {
          var entry = new LinkedHashMap<String, Object>();
          entry.put("noticeId", d.notice().noticeId(agencyId));
          entry.put("kind", d.notice().kind().name());
          entry.put("subject", d.notice().subject());
          entry.put("deadLetteredAt", d.at());
          entry.put("attempts", d.attempts());
          entry.put("lastError", d.lastError());
          entry.put("body", WebhookBodies.of(agencyId, d.notice()));
          return entry;
        }).toList()));
  }

  /** A webhook as answered: never its secret. */
  private static Map<String, Object> view(Webhook w, int pending, int deadLetters) {
    var view = new LinkedHashMap<String, Object>();
    view.put("webhookId", w.webhookId());
    view.put("url", w.url());
    view.put("createdAt", w.createdAt());
    view.put("createdBy", w.createdBy());
    view.put("pending", pending);
    view.put("deadLetters", deadLetters);
    return view;
  }

  private EntityRef<AgencyWebhooks.Command> outbox(String agencyId) {
    return api.sharding().entityRefFor(AgencyWebhooks.ENTITY_TYPE_KEY, agencyId);
  }
}
