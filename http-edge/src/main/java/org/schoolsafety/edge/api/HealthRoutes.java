package org.schoolsafety.edge.api;

import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /health/alive}: the process answers. {@code /health/ready}: the node has joined the
 * cluster, Cassandra answers a query and its starter has finished (the dev node: demo data
 * registered, dev tokens written), so requests can be served.
 */
public final class HealthRoutes extends AllDirectives {

  /** One readiness check: a name and whether it passes, with a short reason when not. */
  public record Check(String name, boolean ok, String detail) {}

  private final Supplier<CompletionStage<java.util.List<Check>>> readiness;

  public HealthRoutes(Supplier<CompletionStage<java.util.List<Check>>> readiness) {
    this.readiness = readiness;
  }

  public Route route() {
    return pathPrefix("health", () -> concat(
        path("alive", () -> get(() -> complete(RouteSupport.ok(Map.of("status", "alive"))))),
        path("ready", () -> get(() -> onComplete(readiness.get(), attempt -> {
          var checks = attempt.isSuccess() ? attempt.get()
              : java.util.List.of(new Check("readiness", false, "checks failed to run"));
          boolean ready = checks.stream().allMatch(Check::ok);
          var body = Map.of("status", ready ? "ready" : "not-ready", "checks", checks);
          return complete(RouteSupport.json(ready ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE, body));
        })))));
  }
}
