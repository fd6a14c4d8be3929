package org.schoolsafety.edge.ops;

import io.micrometer.core.instrument.Counter;
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

  private static final List<Pattern> IDS = List.of(
      Pattern.compile("(/api/v1/(?:schools|agencies|incidents))/[^/]+"));

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter escalations;
  private final Counter unanswered;
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
  }

  public String scrape() {
    return registry.scrape();
  }

  /** One HTTP request, by method, route template (ids replaced) and status. */
  public void request(String method, String path, int status, Duration took) {
    Timer.builder("hub_http_requests")
        .description("HTTP requests by route and status")
        .tags("method", method, "route", route(path), "status", String.valueOf(status))
        .publishPercentileHistogram()
        .register(registry)
        .record(took);
  }

  static String route(String path) {
    String route = path;
    for (Pattern p : IDS) {
      route = p.matcher(route).replaceAll("$1/{id}");
    }
    return route.startsWith("/api/v1/") || route.startsWith("/health/") || route.equals("/metrics")
        ? route : "other";
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

  public void gauge(String name, String description, Supplier<Number> value) {
    Gauge.builder(name, value).description(description).register(registry);
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
