package org.schoolsafety.edge.api;

import java.util.List;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;

/** Every route of the node under one roof, with failures and rejections as problem+json. */
public final class HubRoutes extends AllDirectives {

  private final List<RouteSupport> api;
  private final HealthRoutes health;

  public HubRoutes(List<RouteSupport> api, HealthRoutes health) {
    this.api = api;
    this.health = health;
  }

  public Route route() {
    Route[] routes = api.stream().map(RouteSupport::route).toArray(Route[]::new);
    Route apiRoutes = pathPrefix("api", () -> pathPrefix("v1",
        () -> concat(routes[0], java.util.Arrays.copyOfRange(routes, 1, routes.length))));
    return handleExceptions(exceptions(), () ->
        handleRejections(rejections(), () -> concat(health.route(), apiRoutes)));
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
