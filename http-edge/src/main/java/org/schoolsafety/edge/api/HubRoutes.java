package org.schoolsafety.edge.api;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.server.RouteResult;
import org.apache.pekko.http.javadsl.server.RouteResults;

/**
 * Every route of the node under one roof: security headers on every answer, CORS closed unless
 * origins are configured, bearer authentication in front of the API (the health checks and the
 * console's static files are open), and failures and rejections as problem+json.
 */
public final class HubRoutes extends AllDirectives {

  /** Sent with every response: nothing may sniff, frame, cache or leak referrers. */
  static final List<HttpHeader> SECURITY_HEADERS = List.of(
      RawHeader.create("X-Content-Type-Options", "nosniff"),
      RawHeader.create("X-Frame-Options", "DENY"),
      RawHeader.create("Content-Security-Policy",
          "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
              + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"),
      RawHeader.create("Referrer-Policy", "no-referrer"),
      RawHeader.create("Cache-Control", "no-store"));

  private final List<RouteSupport> api;
  private final HealthRoutes health;
  private final ConsoleRoutes console = new ConsoleRoutes();
  private final TipsPageRoutes tipsPage = new TipsPageRoutes();
  private final OpenApiRoutes openApi = new OpenApiRoutes();
  /** API routes open without a token (the tipster's side of tips), or null. */
  private final Route publicApi;
  private final Authentication authentication;
  private final Cors cors;
  private final StorageStatus storage;
  private final org.schoolsafety.edge.ops.Metrics metrics;

  public HubRoutes(List<RouteSupport> api, HealthRoutes health, Authentication authentication, Cors cors,
      StorageStatus storage, org.schoolsafety.edge.ops.Metrics metrics) {
    this(api, null, health, authentication, cors, storage, metrics);
  }

  /** With {@code publicApi}: routes under /api/v1 that need no token, tried before authentication. */
  public HubRoutes(List<RouteSupport> api, Route publicApi, HealthRoutes health, Authentication authentication,
      Cors cors, StorageStatus storage, org.schoolsafety.edge.ops.Metrics metrics) {
    this.publicApi = publicApi;
    this.metrics = metrics;
    this.api = api;
    this.health = health;
    this.authentication = authentication;
    this.cors = cors;
    this.storage = storage;
  }

  public Route route() {
    Route apiRoutes = pathPrefix("api", () -> pathPrefix("v1", () -> authentication.authenticated(principal -> {
          Route[] routes = api.stream().map(r -> r.route(principal)).toArray(Route[]::new);
          return guardWrites(concat(routes[0], Arrays.copyOfRange(routes, 1, routes.length)));
        })));
    // The open part of the API (tipsters) comes first; what it does not serve needs a token.
    Route everyApi = publicApi == null ? apiRoutes : concat(guardWrites(publicApi), apiRoutes);
    // The Java DSL calls a directive's inner supplier for every request: what does not depend on
    // the request is built here, once (building the handlers per request was ~1.5 % of the node's CPU).
    ExceptionHandler exceptions = exceptions();
    RejectionHandler rejections = rejections();
    Route served = cors.wrap(() -> concat(health.route(), metricsRoute(), console.route(), tipsPage.route(),
        openApi.route(), everyApi));
    Route all = respondWithHeaders(SECURITY_HEADERS, () ->
        handleExceptions(exceptions, () -> handleRejections(rejections, () -> served)));
    return measured(withRequestTimeoutResponse(request -> Problems.unavailable(
            "the hub could not answer in time; nothing may have changed: retry later, with the same clientRef for reports")
        .addHeaders(SECURITY_HEADERS), () -> all));
  }

  /** Writes (POST) are refused at once while storage is down, and answered 503 if it goes down meanwhile. */
  private Route guardWrites(Route inner) {
    return extractMethod(method -> {
      if (!method.equals(org.apache.pekko.http.javadsl.model.HttpMethods.POST)) {
        return inner;
      }
      if (storage.isDown()) {
        // Nothing can be made durable now: say so at once rather than after a timeout.
        return complete(storageUnavailable());
      }
      // A write in flight when storage goes down is answered then, not at its ask timeout.
      return mapRouteResultFuture(result -> whileStorageUp(result), () -> inner);
    });
  }

  /** The route's result, or a 503 as soon as storage goes down before it is ready. */
  private CompletionStage<RouteResult> whileStorageUp(CompletionStage<RouteResult> result) {
    CompletableFuture<String> outage = storage.watch();
    // The explicit executor keeps these trivial callbacks on the completing thread: pekko-http's
    // futures would otherwise run each on the JDK's default executor, a new thread per callback
    // when the JVM runs without the common-pool flag (see CommonPool).
    result.whenCompleteAsync((r, failure) -> storage.unwatch(outage), Runnable::run);
    return result.applyToEitherAsync(outage.thenApply(why -> RouteResults.complete(Problems.unavailable(
        "storage (Cassandra) became unavailable (" + why + ") while this request was handled: it may or may"
            + " not have been made durable; retry later (the same clientRef for reports)"))), r -> r, Runnable::run);
  }

  private static HttpResponse storageUnavailable() {
    return Problems.unavailable("storage (Cassandra) is unavailable; nothing was changed;"
        + " retry later, with the same clientRef for reports");
  }

  /** Times every request and counts it by route and status. */
  private Route measured(Route inner) {
    return extractRequest(request -> {
      long started = System.nanoTime();
      return mapResponse(response -> {
        metrics.request(request.method().name(), request.getUri().path(), response.status().intValue(),
            java.time.Duration.ofNanos(System.nanoTime() - started));
        return response;
      }, () -> inner);
    });
  }

  /** Prometheus text format; no personal data, so no token (restrict it at the network). */
  private Route metricsRoute() {
    return path("metrics", () -> get(() -> complete(org.apache.pekko.http.javadsl.model.HttpResponse.create()
        .withEntity(org.apache.pekko.http.javadsl.model.ContentTypes.create(
                org.apache.pekko.http.javadsl.model.MediaTypes.TEXT_PLAIN, org.apache.pekko.http.javadsl.model.HttpCharsets.UTF_8),
            metrics.scrape()))));
  }

  private ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder()
        .matchAny(e -> complete(Problems.from(e)))
        .build();
  }

  private RejectionHandler rejections() {
    return RejectionHandler.newBuilder()
        .handleAll(MethodRejection.class, rejections -> complete(Problems.of(
            StatusCodes.METHOD_NOT_ALLOWED,
            "method not allowed here; allowed: "
                + rejections.stream().map(r -> r.supported().name()).distinct().toList())))
        .handleNotFound(complete(Problems.of(StatusCodes.NOT_FOUND, "no such endpoint")))
        .build()
        .withFallback(RejectionHandler.defaultHandler())
        .mapRejectionResponse(response -> {
          // Whatever the default handler produced (413, 415, ...) goes out as problem+json too.
          if (response.entity().getContentType().equals(Problems.PROBLEM_JSON)) {
            return response;
          }
          var status = response.status();
          return Problems.of(status, status.reason().toLowerCase());
        });
  }
}
