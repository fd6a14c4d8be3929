package org.schoolsafety.edge;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.connectors.cassandra.CassandraSessionSettings;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;
import org.schoolsafety.edge.api.AgencyRoutes;
import org.schoolsafety.edge.api.CapFeedRoutes;
import org.schoolsafety.edge.api.InboxCursor;
import org.schoolsafety.edge.api.ApiContext;
import org.schoolsafety.edge.api.Authentication;
import org.schoolsafety.edge.api.Cors;
import org.schoolsafety.edge.api.CapRoutes;
import org.schoolsafety.edge.api.DirectiveRoutes;
import org.schoolsafety.edge.api.DeviceRoutes;
import org.schoolsafety.edge.api.DrillRoutes;
import org.schoolsafety.edge.api.CostBenefitRoutes;
import org.schoolsafety.edge.api.EvaluationRoutes;
import org.schoolsafety.edge.api.PrioritiesRoutes;
import org.schoolsafety.edge.api.GuardianRoutes;
import org.schoolsafety.edge.api.InvestmentRoutes;
import org.schoolsafety.edge.api.HealthRoutes;
import org.schoolsafety.edge.api.HubRoutes;
import org.schoolsafety.edge.api.IncidentRoutes;
import org.schoolsafety.edge.api.PreventionRoutes;
import org.schoolsafety.edge.api.SchoolRoutes;
import org.schoolsafety.edge.api.StreamRoutes;
import org.schoolsafety.edge.api.TipRoutes;
import org.schoolsafety.edge.api.WebhookRoutes;
import org.schoolsafety.edge.auth.AccessPolicy;
import org.schoolsafety.edge.auth.AuthSettings;
import org.schoolsafety.edge.auth.GuardianRevocations;
import org.schoolsafety.edge.auth.GuardianTokens;
import org.schoolsafety.edge.auth.RateLimits;
import org.schoolsafety.edge.auth.ServerKeys;
import org.schoolsafety.edge.auth.TipLimits;
import org.schoolsafety.edge.auth.TokenVerifier;
import org.schoolsafety.edge.ops.Metrics;
import org.schoolsafety.edge.stream.LiveLog;
import org.schoolsafety.edge.stream.StreamLimits;
import org.schoolsafety.edge.webhook.JournalAgencyLog;
import org.schoolsafety.edge.webhook.Webhooks;
import org.schoolsafety.hub.Entities;
import org.schoolsafety.hub.directive.Directive;
import org.schoolsafety.hub.directive.DirectiveProgress;
import org.schoolsafety.hub.incident.Authority;
import org.schoolsafety.hub.agency.Agency;
import org.schoolsafety.hub.agency.AgencyRegistration;
import org.schoolsafety.hub.device.SensorSettings;
import org.schoolsafety.hub.directory.AgencyDirectory;
import org.schoolsafety.hub.feed.IncidentFeed;
import org.schoolsafety.hub.guardian.GuardianCodes;
import org.schoolsafety.hub.guardian.GuardianInvitation;
import org.schoolsafety.hub.guardian.GuardianMessages;
import org.schoolsafety.hub.guardian.GuardianRegistry;
import org.schoolsafety.hub.hazard.Hazard;
import org.schoolsafety.hub.hazard.HazardSettings;
import org.schoolsafety.hub.prevention.Prevention;
import org.schoolsafety.hub.incident.Incident;
import org.schoolsafety.hub.incident.IncidentIds;
import org.schoolsafety.hub.incident.IncidentSettings;
import org.schoolsafety.hub.investment.SchoolInvestments;
import org.schoolsafety.hub.reporting.ReportingRules;
import org.schoolsafety.hub.school.School;
import org.schoolsafety.hub.tip.SchoolTips;
import org.schoolsafety.hub.tip.Tip;
import org.schoolsafety.hub.tip.TipCodes;
import org.schoolsafety.hub.tip.TipSettings;
import org.schoolsafety.hub.webhook.AgencyWebhooks;
import org.schoolsafety.hub.webhook.WebhookSettings;
import org.schoolsafety.persistence.AuditTrail;
import org.schoolsafety.persistence.StorageHealth;
import org.schoolsafety.persistence.StorageSchema;
import org.schoolsafety.persistence.TagQueryHealth;
import org.schoolsafety.persistence.lease.ShardingLayout;
import org.schoolsafety.persistence.readside.ReadSide;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One hub node: joins the cluster, starts the sharded entities and serves the HTTP API.
 * {@link Main} runs one per process; integration tests start and stop several in one JVM.
 */
public final class HubNode implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(HubNode.class);

  private final ActorSystem<Void> system;
  private final ServerBinding binding;
  private final HubContext context;

  private final StreamLimits streams;
  private final ConnectionGuard connections;
  private final StartupGate startup;
  private final StorageGuard storage;

  private HubNode(ActorSystem<Void> system, ServerBinding binding, HubContext context, StreamLimits streams,
      ConnectionGuard connections, StartupGate startup, StorageGuard storage) {
    this.system = system;
    this.storage = storage;
    this.binding = binding;
    this.context = context;
    this.streams = streams;
    this.connections = connections;
    this.startup = startup;
  }

  /** Whether this node takes Cassandra to be down (and refuses writes). */
  public StorageGuard storageStatus() {
    return storage;
  }

  /** The "startup" readiness check of this node (open unless its starter closed it). */
  public StartupGate startup() {
    return startup;
  }

  /** The HTTP connections this node holds, by remote address. */
  public ConnectionGuard connections() {
    return connections;
  }

  /** Live streams open on this node. */
  public StreamLimits streams() {
    return streams;
  }

  /** What the parts of a node share: the actor system, entity refs, settings and the clock. */
  public record HubContext(
      ActorSystem<?> system, Entities entities, AgencyRegistration agencyRegistration,
      Duration askTimeout, Clock clock) {}

  /**
   * The node's configuration with {@code overrides} on top of application.conf, resolved only
   * afterwards so that keys derived from others (keyspaces, contact points) follow the overrides.
   * System properties (JAVA_OPTS -D...) still win over everything.
   */
  public static Config config(Map<String, ?> overrides, Config base) {
    return ConfigFactory.load(ConfigFactory.parseMap(overrides).withFallback(base));
  }

  public static Config config(Map<String, ?> overrides) {
    return config(overrides, ConfigFactory.defaultApplication());
  }

  public static HubNode start(Config config) {
    return start(config, StartupGate.opened());
  }

  /**
   * Starts a node whose /health/ready also waits for {@code startup}: a starter with work to do
   * after the node is up (the dev node's demo data and tokens) opens it when done.
   */
  public static HubNode start(Config config, StartupGate startup) {
    return startOn(ActorSystem.create(Behaviors.empty(), "hub", config), config, startup);
  }

  /**
   * Starts the node on {@code system}. If anything fails — the HTTP port is taken, Cassandra
   * does not answer — the system is shut down (coordinated shutdown, without exiting the JVM, so
   * that the caller can say why) and the failure is thrown once it has terminated.
   */
  static HubNode startOn(ActorSystem<Void> system, Config config, StartupGate startup) {
    try {
      StorageSchema.initialize(system, config.getDuration("hub.cassandra.schema-timeout"));
      // before any shard starts: entities must stay in the shards the journal remembers them in
      ShardingLayout.check(CassandraSessionRegistry.get(system).sessionFor(CassandraSessionSettings.create()),
          config.getString("pekko.persistence.cassandra.journal.keyspace"),
          config.getInt("pekko.cluster.sharding.number-of-shards"), config.getDuration("hub.cassandra.schema-timeout"));
      joinCluster(system, config);
      Clock clock = Clock.systemUTC();
      Duration askTimeout = config.getDuration("hub.ask-timeout");
      Entities entities = Entities.sharded(system);
      School.init(system, clock, entities, SensorSettings.fromConfig(config),
          published -> LiveLog.publish(system, School.topic(published.schoolId()), published));
      GuardianInvitation.init(system, clock);
      GuardianMessages.init(system, config.getInt("hub.guardian.messages-kept"));
      GuardianRegistry.init(system, clock, revoked -> LiveLog.publish(system, GuardianRevocations.TOPIC, revoked));
      Agency.init(system, clock, entry -> LiveLog.publish(system, Agency.topic(entry.agencyId()), entry));
      AgencyDirectory.init(system);
      IncidentFeed.init(system, clock, entry ->
          LiveLog.publish(system, IncidentFeed.topic(entry.regionCode().substring(0, 2)), entry));
      var metrics = new Metrics();
      Incident.init(system, entities, IncidentSettings.fromConfig(config), clock, metrics);
      Directive.init(system, entities, clock, progress -> {
        if (progress.scope().length() >= 2) {
          LiveLog.publish(system, DirectiveProgress.topic(progress.scope().substring(0, 2)), progress);
        }
      });
      Prevention.init(system, Prevention.Settings.fromConfig(config), clock);
      Hazard.init(system, entities, HazardSettings.fromConfig(config), clock, metrics);
      Tip.init(system, entities, TipSettings.fromConfig(config), clock, metrics);
      SchoolInvestments.init(system);
      var webhooks = Webhooks.fromConfig(system, config, clock);
      AgencyWebhooks.init(system, new JournalAgencyLog(system, askTimeout), webhooks.sender(),
          WebhookSettings.fromConfig(config), clock);
      var context = new HubContext(system, entities,
          new AgencyRegistration(entities, askTimeout, system.scheduler(), config.getBoolean("hub.agency.whole-state-reads")),
          askTimeout, clock);
      // Read back the recent guardian revocations while the rest starts (guardians' requests wait for
      // it). A revoked guardian is remembered while a token issued before it may still be accepted.
      var authSettings = AuthSettings.fromConfig(config);
      Duration guardianTokenTtl = guardianTokenTtl(config, authSettings);
      var revocations = new GuardianRevocations(clock, guardianTokenTtl.plus(authSettings.clockSkew()))
          .start(system, new LiveLog(system, config.getInt("hub.http.streams.buffer")), Duration.ofSeconds(1));
      ReadSide readSide = ReadSide.start(system, entities);
      var streams = new StreamLimits(config.getInt("hub.http.streams.max-per-principal"));
      metrics.gauge("hub_stream_subscribers", "live streams open on this node", streams::total);
      metrics.watchEntities(system, List.of(Incident.ENTITY_TYPE_KEY, School.ENTITY_TYPE_KEY,
          Agency.ENTITY_TYPE_KEY, AgencyDirectory.ENTITY_TYPE_KEY, IncidentFeed.ENTITY_TYPE_KEY,
          Hazard.ENTITY_TYPE_KEY, Prevention.ENTITY_TYPE_KEY, Tip.ENTITY_TYPE_KEY, SchoolTips.ENTITY_TYPE_KEY,
          Directive.ENTITY_TYPE_KEY, AgencyWebhooks.ENTITY_TYPE_KEY, GuardianInvitation.ENTITY_TYPE_KEY,
          GuardianMessages.ENTITY_TYPE_KEY, GuardianRegistry.ENTITY_TYPE_KEY));
      var connections = ConnectionGuard.fromConfig(config);
      metrics.gauge("hub_http_connections_open", "HTTP connections open on this node", connections::connections);
      metrics.counter("hub_http_connections_refused",
          "HTTP connections closed at once: their address had max-connections-per-address open", connections::refused);
      metrics.counter("hub_http_connections_closed_without_request",
          "HTTP connections closed because no request arrived within first-request-within", connections::closedWithoutRequest);
      var storage = new StorageHealth(system, Duration.ofSeconds(2));
      var guard = storageGuard(system, storage, config, metrics);
      var tagQueries = tagQueryHealth(system, metrics);
      var regions = ShardRegionWatch.start(system);  // every entity type and read-side process is started by now
      metrics.gauge("hub_shard_region_lost", "1 once a shard region of this node stopped while it runs (restart it)",
          () -> regions.brokenBecause().isPresent() ? 1 : 0);
      ServerBinding binding = bind(system, config, context, readSide, streams, metrics, connections, startup,
          storage, () -> tagQueries.brokenBecause().or(regions::brokenBecause), tagQueries, guard, webhooks,
          revocations);
      shutDownWithSystem(system, config, binding, connections, streams);
      return new HubNode(system, binding, context, streams, connections, startup, guard);
    } catch (RuntimeException e) {
      stopAfterFailedStart(system);
      throw e;
    }
  }

  /** The reason for shutting down a node that could not start; it does not exit the JVM (cluster.conf). */
  static final class StartFailed implements CoordinatedShutdown.Reason {
    static final StartFailed INSTANCE = new StartFailed();

    private StartFailed() {}

    @Override
    public String toString() {
      return "the node could not start";
    }
  }

  private static void stopAfterFailedStart(ActorSystem<?> system) {
    CoordinatedShutdown.get(system).run(StartFailed.INSTANCE, Optional.empty());
    try {
      system.getWhenTerminated().toCompletableFuture()
          .get(CoordinatedShutdown.get(system).totalTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("the actor system of a node that could not start did not terminate in time", e);
    }
  }

  /**
   * Ties the HTTP server to the actor system's coordinated shutdown (SIGTERM, {@link #close},
   * a downed node): in {@code service-unbind} the port is unbound, so new connections are refused;
   * in {@code service-requests-done} the connections are drained (event streams end cleanly,
   * requests in flight get up to {@code hub.http.shutdown.drain-deadline} to be answered). Both
   * come before {@code cluster-sharding-shutdown-region}: the entities are still there to answer
   * while requests drain, and hand off afterwards.
   */
  private static void shutDownWithSystem(ActorSystem<?> system, Config config, ServerBinding binding,
      ConnectionGuard connections, StreamLimits streams) {
    Duration drainDeadline = config.getDuration("hub.http.shutdown.drain-deadline");
    var shutdown = CoordinatedShutdown.get(system);
    Duration phaseTimeout = Duration.ofMillis(shutdown.timeout(CoordinatedShutdown.PhaseServiceRequestsDone()).toMillis());
    if (phaseTimeout.compareTo(drainDeadline) <= 0) {
      log.warn("hub.http.shutdown.drain-deadline ({}) should be shorter than the timeout of the"
          + " coordinated-shutdown phase service-requests-done ({}), or shutdown moves on before"
          + " requests are drained", drainDeadline, phaseTimeout);
    }
    shutdown.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "http-unbind", () -> {
      log.info("shutting down: no longer accepting HTTP connections on port {}", binding.localAddress().getPort());
      return binding.unbind();
    });
    shutdown.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "http-drain", () -> {
      log.info("shutting down: ending {} event streams and draining {} requests in flight on {} connections"
          + " (deadline {})", streams.total(), connections.inFlight(), connections.connections(), drainDeadline);
      return connections.drain(drainDeadline);
    });
  }

  private static void joinCluster(ActorSystem<?> system, Config config) {
    ClusterFormation.join(system, config);
  }

  private static ServerBinding bind(ActorSystem<?> system, Config config, HubContext context, ReadSide readSide,
      StreamLimits streams, Metrics metrics, ConnectionGuard connections, StartupGate startup,
      StorageHealth storage, java.util.function.Supplier<Optional<String>> brokenBecause, TagQueryHealth tagQueries,
      StorageGuard guard, Webhooks webhooks, GuardianRevocations revocations) {
    var sharding = ClusterSharding.get(system);
    var serverKey = ServerKeys.fromConfig(config);
    var api = new ApiContext(sharding, context.agencyRegistration(), new AccessPolicy(Authority.fromConfig(config)),
        new AuditTrail(system), readSide.queries(serverKey, ReportingRules.fromConfig(config), context.clock()),
        new LiveLog(system, config.getInt("hub.http.streams.buffer")), streams,
        config.getDuration("hub.http.streams.heartbeat"), context.askTimeout(), context.clock(), system,
        new IncidentIds(serverKey), metrics);
    var tipLimits = TipLimits.fromConfig(config);
    var tips = new TipRoutes(api, new TipCodes(serverKey), tipLimits, readSide.tipQueries());
    var authSettings = AuthSettings.fromConfig(config);
    Duration guardianTokenTtl = guardianTokenTtl(config, authSettings);
    var guardians = new GuardianRoutes(api, new GuardianCodes(serverKey), new GuardianTokens(serverKey,
        authSettings.issuer(), authSettings.audience(), guardianTokenTtl), tipLimits,
        GuardianRoutes.Settings.fromConfig(config), revocations);
    var routes = new HubRoutes(
        List.of(new SchoolRoutes(api), new AgencyRoutes(api, new InboxCursor(serverKey)), new IncidentRoutes(api), new StreamRoutes(api),
            new DrillRoutes(api), new PreventionRoutes(api, readSide.preventionQueries()), new CapFeedRoutes(api),
            new DeviceRoutes(api, SensorSettings.fromConfig(config)), tips, new DirectiveRoutes(api, readSide.directiveQueries()), new CapRoutes(api),
            new EvaluationRoutes(api, readSide.preventionQueries(), readSide.tipQueries()),
            new InvestmentRoutes(api, readSide.investmentQueries()),
            new PrioritiesRoutes(api, readSide.preventionQueries(), readSide.deviceQueries()),
            new CostBenefitRoutes(api, readSide.preventionQueries(), readSide.investmentQueries()),
            new WebhookRoutes(api, webhooks.addresses(), webhooks.secrets(), webhooks.blocking()), guardians),
        Directives.concat(tips.publicRoute(), guardians.publicRoute()),
        new HealthRoutes(() -> readiness(system, storage, tagQueries, startup), brokenBecause),
        new Authentication(new TokenVerifier(authSettings, serverKey, config.getDuration("hub.guardian.renewal-grace")),
            RateLimits.fromConfig(config), revocations),
        new Cors(config.getStringList("hub.http.cors.allowed-origins")),
        guard, metrics);
    String host = config.getString("hub.http.host");
    int port = config.getInt("hub.http.port");
    try {
      var server = Http.get(system).newServerAt(host, port);
      var tls = Tls.fromConfig(config);
      if (tls.isPresent()) {
        server = server.enableHttps(tls.get());
      }
      ServerBinding binding = connections.bind(server, routes.route().handler(system), Materializer.matFromSystem(system))
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      log.info("HTTP API listening on {}://{}:{}", tls.isPresent() ? "https" : "http", host,
          binding.localAddress().getPort());
      return binding;
    } catch (Exception e) {
      throw new IllegalStateException("cannot serve HTTP on " + host + ":" + port
          + " (is the port taken? choose another with --port)", e);
    }
  }

  /** A guardian's token may not outlive what the verifier accepts for any token. */
  private static Duration guardianTokenTtl(Config config, AuthSettings auth) {
    Duration ttl = config.getDuration("hub.guardian.token-ttl");
    if (ttl.compareTo(auth.maxTtl()) > 0) {
      throw new IllegalArgumentException("hub.guardian.token-ttl (" + ttl + ") exceeds hub.auth.max-ttl ("
          + auth.maxTtl() + "): guardians' tokens would be refused");
    }
    return ttl;
  }

  private static StorageGuard storageGuard(ActorSystem<?> system, StorageHealth storage, Config config, Metrics metrics) {
    var guard = new StorageGuard(system, storage, config.getDuration("hub.cassandra.check-interval"),
        config.getDuration("hub.cassandra.connection-check-interval"));
    metrics.gauge("hub_storage_down", "1 while Cassandra does not answer and writes are refused",
        () -> guard.isDown() ? 1 : 0);
    return guard;
  }

  private static CompletionStage<List<HealthRoutes.Check>> readiness(ActorSystem<?> system, StorageHealth storage,
      TagQueryHealth tagQueries, StartupGate startup) {
    MemberStatus status = Cluster.get(system).selfMember().status();
    var member = new HealthRoutes.Check("cluster-member", status == MemberStatus.up(),
        "member status " + status);
    var broken = tagQueries.brokenBecause();
    var tags = new HealthRoutes.Check("tag-queries", broken.isEmpty(), broken.orElse("answer"));
    return storage.check().thenApply(ok -> List.of(member,
        new HealthRoutes.Check("cassandra", ok, ok ? "answers" : "does not answer"), tags, startup.check()));
  }

  /**
   * The node's tag queries, checked by its health routes and once a minute for the log and the
   * {@code hub_tag_queries_broken} gauge: a node whose plugin kept a failed prepare (see
   * {@link TagQueryHealth}) accepts writes but its projections and streams never move.
   */
  private static TagQueryHealth tagQueryHealth(ActorSystem<?> system, Metrics metrics) {
    var health = new TagQueryHealth(system);
    metrics.gauge("hub_tag_queries_broken", "1 while this node's events-by-tag queries fail for good (restart it)",
        () -> health.brokenBecause().isPresent() ? 1 : 0);
    var told = new java.util.concurrent.atomic.AtomicBoolean();
    system.scheduler().scheduleAtFixedRate(Duration.ofSeconds(10), Duration.ofMinutes(1), () ->
        health.brokenBecause().filter(why -> told.compareAndSet(false, true)).ifPresent(why ->
            log.error("{}: /health/alive answers 503 so that an orchestrator restarts the node (without one, e.g."
                + " bin/hub dev: stop it and start it again on the same data)", why)),
        system.executionContext());
    return health;
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public HubContext context() {
    return context;
  }

  public int httpPort() {
    return binding.localAddress().getPort();
  }

  /**
   * Runs the coordinated shutdown — stops serving HTTP and drains it, hands the shards off, leaves
   * the cluster — and returns when the system is gone.
   */
  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("actor system did not terminate in time", e);
    }
  }

  /** Completes when the node's actor system has terminated (e.g. after SIGTERM). */
  public CompletableFuture<?> whenTerminated() {
    return system.getWhenTerminated().toCompletableFuture();
  }
}
