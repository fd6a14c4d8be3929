package org.schoolsafety.edge.api;

import java.util.Arrays;
import java.util.List;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;

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
  private final Authentication authentication;
  private final Cors cors;

  public HubRoutes(List<RouteSupport> api, HealthRoutes health, Authentication authentication, Cors cors) {
    this.api = api;
    this.health = health;
    this.authentication = authentication;
    this.cors = cors;
  }

  public Route route() {
    Route apiRoutes = pathPrefix("api", () -> pathPrefix("v1", () -> authentication.authenticated(principal -> {
      Route[] routes = api.stream().map(r -> r.route(principal)).toArray(Route[]::new);
      return concat(routes[0], Arrays.copyOfRange(routes, 1, routes.length));
    })));
    return respondWithHeaders(SECURITY_HEADERS, () ->
        handleExceptions(exceptions(), () ->
            handleRejections(rejections(), () -> cors.wrap(() -> concat(health.route(), console.route(), apiRoutes)))));
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
