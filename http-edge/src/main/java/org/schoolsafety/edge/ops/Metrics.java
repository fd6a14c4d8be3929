package org.schoolsafety.edge.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.schoolsafety.hub.HubMetrics;

/**
 * The node's metrics in Prometheus text format ({@code GET /metrics}), through Micrometer:
 * HTTP requests by route and status, entities alive per type on this node, journal write
 * latency as entities see it, escalations and unanswered dispatches, stream subscribers,
 * storage state and the JVM.
 */
public final class Metrics implements HubMetrics {

  /**
   * Every path the node serves, as the route template its requests are counted under. The set
   * is closed: a path that matches none (a typo, a scan, an attack with unique paths) is counted
   * as "other", so no caller can add label values, and so series, to the registry.
   */
  private static final List<Map.Entry<Pattern, String>> ROUTES = List.of(
      template("/api/v1/schools/?", "/api/v1/schools"),
      template("/api/v1/schools/[^/]+", "/api/v1/schools/{id}"),
      template("/api/v1/schools/[^/]+/drills", "/api/v1/schools/{id}/drills"),
      template("/api/v1/schools/[^/]+/devices", "/api/v1/schools/{id}/devices"),
      template("/api/v1/sensors/readings", "/api/v1/sensors/readings"),
      template("/api/v1/agencies/?", "/api/v1/agencies"),
      template("/api/v1/agencies/[^/]+", "/api/v1/agencies/{id}"),
      template("/api/v1/agencies/[^/]+/dispatches", "/api/v1/agencies/{id}/dispatches"),
      template("/api/v1/agencies/[^/]+/dispatch-history", "/api/v1/agencies/{id}/dispatch-history"),
      template("/api/v1/agencies/[^/]+/stream", "/api/v1/agencies/{id}/stream"),
      template("/api/v1/agencies/[^/]+/webhooks/?", "/api/v1/agencies/{id}/webhooks"),
      template("/api/v1/agencies/[^/]+/webhooks/[^/]+", "/api/v1/agencies/{id}/webhooks/{webhookId}"),
      template("/api/v1/agencies/[^/]+/webhooks/[^/]+/dead-letters", "/api/v1/agencies/{id}/webhooks/{webhookId}/dead-letters"),
      template("/api/v1/agencies/[^/]+/webhooks/[^/]+/dead-letters/redeliver",
          "/api/v1/agencies/{id}/webhooks/{webhookId}/dead-letters/redeliver"),
      template("/api/v1/incidents/?", "/api/v1/incidents"),
      template("/api/v1/incidents/open-counts", "/api/v1/incidents/open-counts"),
      template("/api/v1/incidents/imports", "/api/v1/incidents/imports"),
      template("/api/v1/cap/feed", "/api/v1/cap/feed"),
      template("/api/v1/incidents/[^/]+", "/api/v1/incidents/{id}"),
      template("/api/v1/incidents/[^/]+/(audit|cap|reports|acks|close|cancel)", "/api/v1/incidents/{id}/$1"),
      template("/api/v1/stream/incidents", "/api/v1/stream/incidents"),
      template("/api/v1/drills/compliance", "/api/v1/drills/compliance"),
      template("/api/v1/directives/?", "/api/v1/directives"),
      template("/api/v1/directives/[^/]+", "/api/v1/directives/{id}"),
      template("/api/v1/directives/[^/]+/(acks|accountability|lift)", "/api/v1/directives/{id}/$1"),
      template("/api/v1/cap/alerts", "/api/v1/cap/alerts"),
      template("/api/v1/schools/[^/]+/(inspections|hazards|health-checks|trainings|surroundings|risk)",
          "/api/v1/schools/{id}/$1"),
      template("/api/v1/schools/[^/]+/risk/history", "/api/v1/schools/{id}/risk/history"),
      template("/api/v1/hazards/?", "/api/v1/hazards"),
      template("/api/v1/hazards/[^/]+", "/api/v1/hazards/{id}"),
      template("/api/v1/hazards/[^/]+/(rectification|verification)", "/api/v1/hazards/{id}/$1"),
      template("/api/v1/risk", "/api/v1/risk"),
      template("/api/v1/warnings/?", "/api/v1/warnings"),
      template("/api/v1/warnings/[^/]+/acks", "/api/v1/warnings/{id}/acks"),
      template("/api/v1/warnings/[^/]+/incident", "/api/v1/warnings/{id}/incident"),
      template("/api/v1/trainings/coverage", "/api/v1/trainings/coverage"),
      template("/api/v1/tips/?", "/api/v1/tips"),
      template("/api/v1/tips/[^/]+", "/api/v1/tips/{id}"),
      template("/api/v1/tips/[^/]+/(messages|triage|acks|incident|hazard)", "/api/v1/tips/{id}/$1"),
      template("/api/v1/schools/[^/]+/tips", "/api/v1/schools/{id}/tips"),
      template("/api/v1/schools/[^/]+/guardians/invitations", "/api/v1/schools/{id}/guardians/invitations"),
      template("/api/v1/schools/[^/]+/guardians/invitations/withdrawal",
          "/api/v1/schools/{id}/guardians/invitations/withdrawal"),
      template("/api/v1/schools/[^/]+/guardian-messages", "/api/v1/schools/{id}/guardian-messages"),
      template("/api/v1/guardians/redemptions", "/api/v1/guardians/redemptions"),
      template("/api/v1/schools/[^/]+/guardians", "/api/v1/schools/{id}/guardians"),
      template("/api/v1/schools/[^/]+/guardians/[^/]+/revocation", "/api/v1/schools/{id}/guardians/{guardianId}/revocation"),
      template("/api/v1/guardian/(messages|notices|stream|token)", "/api/v1/guardian/$1"),
      template("/api/v1/openapi.yaml", "/api/v1/openapi.yaml"),
      template("/api/v1/evaluations/?", "/api/v1/evaluations"),
      template("/api/v1/schools/[^/]+/investments", "/api/v1/schools/{id}/investments"),
      template("/api/v1/investments/?", "/api/v1/investments"),
      template("/api/v1/priorities/?", "/api/v1/priorities"),
      template("/api/v1/cost-benefit/?", "/api/v1/cost-benefit"),
      template("/health/(alive|ready)", "/health/$1"),
      template("/metrics", "/metrics"),
      template("/console(/.*)?", "/console"),
      template("/tips(/.*)?", "/tips"));

  private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");

  private static Map.Entry<Pattern, String> template(String regex, String name) {
    return Map.entry(Pattern.compile(regex), name);
  }

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter escalations;
  private final Counter unanswered;
  private final Counter accessReads;
  private final Map<String, AtomicLong> entities = new ConcurrentHashMap<>();

  public Metrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    escalations = Counter.builder("hub_escalations").description("deadlines missed: the next tier was notified")
        .register(registry);
    unanswered = Counter.builder("hub_unanswered").description("deadlines missed at the top tier")
        .register(registry);
    accessReads = Counter.builder("hub_incident_access_reads")
        .description("incidents read only to decide what a caller may see or do before a command or a read")
        .register(registry);
  }

  public String scrape() {
    return registry.scrape();
  }

  /** One HTTP request, by method, route template (ids replaced) and status. */
  public void request(String method, String path, int status, Duration took) {
    Timer.builder("hub_http_requests")
        .description("HTTP requests by route and status")
        .tags("method", METHODS.contains(method) ? method : "OTHER", "route", route(path),
            "status", String.valueOf(status))
        .publishPercentileHistogram()
        .register(registry)
        .record(took);
  }

  /**
   * The regular expressions of {@link #ROUTES}, in order: the list of paths the node serves, which
   * the OpenAPI contract test compares with the document.
   */
  public static List<Pattern> routePatterns() {
    return ROUTES.stream().map(Map.Entry::getKey).toList();
  }

  /** The route template a request path is counted under, or "other". */
  public static String route(String path) {
    for (Map.Entry<Pattern, String> route : ROUTES) {
      var m = route.getKey().matcher(path);
      if (m.matches()) {
        return m.replaceFirst(route.getValue());
      }
    }
    return "other";
  }

  @Override
  public void persisted(String entityType, Duration latency) {
    Timer.builder("hub_journal_writes")
        .description("from handling a command to its events being durable in the journal")
        .tag("entity", entityType)
        .publishPercentileHistogram()
        .register(registry)
        .record(latency);
  }

  @Override
  public void escalated() {
    escalations.increment();
  }

  @Override
  public void unanswered() {
    unanswered.increment();
  }

  /** An incident was read to decide what the caller may see or do (one more ask to it). */
  public void accessRead() {
    accessReads.increment();
  }

  public void gauge(String name, String description, Supplier<Number> value) {
    Gauge.builder(name, value).description(description).register(registry);
  }

  private final List<Supplier<Number>> counted = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** A count kept elsewhere that only grows; Prometheus shows it as {@code <name>_total}. */
  public void counter(String name, String description, Supplier<Number> value) {
    counted.add(value);  // Micrometer holds a function counter's object weakly
    FunctionCounter.builder(name, value, v -> v.get().doubleValue()).description(description).register(registry);
  }

  /** Every 10 s, counts the entities of each type living on this node. */
  public void watchEntities(ActorSystem<?> system, List<EntityTypeKey<?>> types) {
    for (EntityTypeKey<?> type : types) {
      AtomicLong count = entities.computeIfAbsent(type.name(), n -> new AtomicLong());
      Gauge.builder("hub_entities_alive", count, AtomicLong::get).description("entities alive on this node")
          .tag("type", type.name()).register(registry);
    }
    system.scheduler().scheduleWithFixedDelay(Duration.ofSeconds(5), Duration.ofSeconds(10), () -> {
      for (EntityTypeKey<?> type : types) {
        AskPattern.<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
                ClusterSharding.get(system).shardState(),
                replyTo -> new GetShardRegionState(type, replyTo), Duration.ofSeconds(5), system.scheduler())
            .thenAccept(state -> entities.get(type.name()).set(
                state.getShards().stream().mapToLong(s -> s.getEntityIds().size()).sum()));
      }
    }, system.executionContext());
  }
}
