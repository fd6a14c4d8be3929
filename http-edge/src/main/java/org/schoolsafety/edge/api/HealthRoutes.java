package org.schoolsafety.edge.api;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /health/alive}: the process answers, unless it is broken in a way only a restart mends
 * (then 503 with the reason, so that an orchestrator's liveness probe restarts it).
 * {@code /health/ready}: the node has joined the cluster, Cassandra answers a query, its tag
 * queries work and its starter has finished (the dev node: demo data registered, dev tokens
 * written), so requests can be served.
 */
public final class HealthRoutes extends AllDirectives {

  /** One readiness check: a name and whether it passes, with a short reason when not. */
  public record Check(String name, boolean ok, String detail) {}

  private final Supplier<CompletionStage<java.util.List<Check>>> readiness;
  private final Supplier<Optional<String>> brokenBecause;

  public HealthRoutes(Supplier<CompletionStage<java.util.List<Check>>> readiness,
      Supplier<Optional<String>> brokenBecause) {
    this.readiness = readiness;
    this.brokenBecause = brokenBecause;
  }

  public Route route() {
    return pathPrefix("health", () -> concat(
        path("alive", () -> get(() -> alive())),
        path("ready", () -> get(() -> onComplete(readiness.get(), attempt -> {
          var checks = attempt.isSuccess() ? attempt.get()
              : java.util.List.of(new Check("readiness", false, "checks failed to run"));
          boolean ready = checks.stream().allMatch(Check::ok);
          var body = Map.of("status", ready ? "ready" : "not-ready", "checks", checks);
          return complete(RouteSupport.json(ready ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE, body));
        })))));
  }

  private Route alive() {
    return brokenBecause.get()
        .map(why -> complete(RouteSupport.json(StatusCodes.SERVICE_UNAVAILABLE, Map.of("status", "broken", "detail", why))))
        .orElseGet(() -> complete(RouteSupport.ok(Map.of("status", "alive"))));
  }
}
