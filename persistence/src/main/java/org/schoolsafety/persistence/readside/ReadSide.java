package org.schoolsafety.persistence.readside;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.projection.Projection;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.cassandra.javadsl.CassandraProjection;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.AtLeastOnceProjection;
import org.apache.pekko.projection.javadsl.GroupedProjection;
import org.apache.pekko.projection.javadsl.Handler;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.stream.connectors.cassandra.CassandraSessionSettings;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;
import org.schoolsafety.hub.directive.Directive;
import org.schoolsafety.hub.incident.Incident;
import org.schoolsafety.hub.incident.IncidentEvent;
import org.schoolsafety.hub.investment.SchoolInvestments;
import org.schoolsafety.hub.reporting.ReportingRules;
import org.schoolsafety.hub.school.School;
import org.apache.pekko.persistence.query.Offset;

/**
 * Starts the read side: one at-least-once projection per incident tag slice (spread over the
 * cluster as sharded daemon processes) and one for the school registry, each building its query
 * tables from the events alone, through idempotent upserts.
 */
public final class ReadSide {

  private final CassandraSession session;
  private final String keyspace;

  private ReadSide(CassandraSession session, String keyspace) {
    this.session = session;
    this.keyspace = keyspace;
  }

  /** The session the read side writes and reads with (the projections' own). */
  static CassandraSession session(ActorSystem<?> system) {
    return CassandraSessionRegistry.get(system).sessionFor(
        CassandraSessionSettings.create(system.settings().config().getString("pekko.projection.cassandra.session-config-path")));
  }

  /** Events of one incident that arrive within this many are folded and written together. */
  static final int GROUP_SIZE = 200;
  static final Duration GROUP_WITHIN = Duration.ofMillis(200);

  /** {@code entities}: how the warning delivery reaches the feeds and agencies (sharded in the node). */
  public static ReadSide start(ActorSystem<?> system, org.schoolsafety.hub.Entities entities) {
    Config config = system.settings().config();
    String keyspace = config.getString("hub.cassandra.read-keyspace");
    CassandraSession session = session(system);
    if (config.getBoolean("hub.cassandra.autocreate")) {
      ReadSideSchema.create(system, session, keyspace);
    }
    List<String> tags = Incident.TAGS;
    ShardedDaemonProcess.get(system).init(ProjectionBehavior.Command.class, "incident-summaries", tags.size(),
        i -> ProjectionBehavior.create(incidentProjection(system, session, keyspace, tags.get(i))),
        ShardedDaemonProcessSettings.create(system), Optional.of(ProjectionBehavior.stopMessage()));
    runAlone(system, "school-registry", () -> schoolProjection(system, session, keyspace));
    for (String tag : List.of(org.schoolsafety.hub.hazard.Hazard.TAG, org.schoolsafety.hub.prevention.Prevention.TAG)) {
      runAlone(system, "prevention-" + tag, () -> preventionProjection(system, session, keyspace, tag));
    }
    runAlone(system, "warning-delivery", () -> warningDelivery(system, entities));
    runAlone(system, "investments", () -> investmentProjection(system, session, keyspace));
    runAlone(system, "tip-queue", () -> tipProjection(system, session, keyspace));
    runAlone(system, "device-states", () -> deviceProjection(system, session, keyspace));
    runAlone(system, "directive-list", () -> upserts(system, "directive-list", Directive.TAG,
        () -> new DirectiveListWriter(session, keyspace)));
    return new ReadSide(session, keyspace);
  }

  /** One instance of the projection in the cluster (a sharded daemon process of one), built where it runs. */
  private static void runAlone(ActorSystem<?> system, String name, Supplier<Projection<?>> projection) {
    ShardedDaemonProcess.get(system).init(ProjectionBehavior.Command.class, name, 1,
        i -> ProjectionBehavior.create(projection.get()), ShardedDaemonProcessSettings.create(system),
        Optional.of(ProjectionBehavior.stopMessage()));
  }

  /**
   * The read side's usual projection: the events of {@code tag}, at least once, into a handler
   * whose writes are idempotent upserts; the offset is saved every 100 events or 500 ms.
   */
  private static <E> AtLeastOnceProjection<Offset, EventEnvelope<E>> upserts(ActorSystem<?> system, String name,
      String tag, Supplier<Handler<EventEnvelope<E>>> handler) {
    SourceProvider<Offset, EventEnvelope<E>> source =
        EventSourcedProvider.eventsByTag(system, CassandraReadJournal.Identifier(), tag);
    return CassandraProjection.atLeastOnce(ProjectionId.of(name, tag), source, handler)
        .withSaveOffset(100, Duration.ofMillis(500));
  }

  /**
   * Registered devices' states (tag "device-state"). An event whose school the registry
   * projection has not listed yet fails, and the projection restarts from its last offset with
   * backoff like the others: never skipped, since a skipped change would leave a device's state
   * wrong in the read model until its next change. A school with device events is registered,
   * so the registry's row comes.
   */
  private static AtLeastOnceProjection<Offset, EventEnvelope<School.Event>> deviceProjection(
      ActorSystem<?> system, CassandraSession session, String keyspace) {
    return upserts(system, "device-states", School.DEVICE_TAG, () -> new DeviceStateWriter(session, keyspace));
  }

  /** The directives over a region (the list; each directive's progress is its entity's). */
  public DirectiveQueries directiveQueries() {
    return new DirectiveQueries(session, keyspace);
  }

  /** The queries over the registered devices' states. */
  public DeviceQueries deviceQueries() {
    return new DeviceQueries(session, keyspace);
  }

  /** The tips queue per region (tag "tip"): metadata only. */
  private static AtLeastOnceProjection<Offset, EventEnvelope<org.schoolsafety.hub.tip.TipEvent>> tipProjection(
      ActorSystem<?> system, CassandraSession session, String keyspace) {
    return upserts(system, "tip-queue", org.schoolsafety.hub.tip.Tip.TAG, () -> new TipQueueWriter(session, keyspace));
  }

  /** The queries over the tips queue. */
  public TipQueries tipQueries() {
    return new TipQueries(session, keyspace);
  }

  /** Schools' safety spending (tag "investment"), for the roll-ups by region, category and year. */
  private static AtLeastOnceProjection<Offset, EventEnvelope<SchoolInvestments.Event>> investmentProjection(
      ActorSystem<?> system, CassandraSession session, String keyspace) {
    return upserts(system, "investments", SchoolInvestments.TAG, () -> new InvestmentWriter(session, keyspace));
  }

  /** The queries over the spending table. */
  public InvestmentQueries investmentQueries() {
    return new InvestmentQueries(session, keyspace);
  }

  /**
   * Early warnings to the command-center feed and the agencies' inboxes (tag "prevention"), at
   * least once: receivers ignore what they have, so the few events after the last saved offset
   * that a restart handles again change nothing.
   */
  private static AtLeastOnceProjection<Offset, EventEnvelope<Object>> warningDelivery(
      ActorSystem<?> system, org.schoolsafety.hub.Entities entities) {
    SourceProvider<Offset, EventEnvelope<Object>> source =
        EventSourcedProvider.eventsByTag(system, CassandraReadJournal.Identifier(), org.schoolsafety.hub.prevention.Prevention.TAG);
    return CassandraProjection.atLeastOnce(ProjectionId.of("warning-delivery", org.schoolsafety.hub.prevention.Prevention.TAG),
            source, () -> new WarningDelivery(system, entities))
        .withSaveOffset(20, Duration.ofSeconds(1));
  }

  /** Hazards (tag "hazard") and risk scores and warnings (tag "prevention"), one projection per tag. */
  private static AtLeastOnceProjection<Offset, EventEnvelope<Object>> preventionProjection(
      ActorSystem<?> system, CassandraSession session, String keyspace, String tag) {
    return upserts(system, "prevention", tag, () -> new PreventionWriter(session, keyspace));
  }

  /** The queries over the prevention tables. */
  public PreventionQueries preventionQueries() {
    return new PreventionQueries(session, keyspace);
  }

  /** Grouped: a burst of one incident's events becomes one set of upserts; the offset is saved per group. */
  private static GroupedProjection<Offset, EventEnvelope<IncidentEvent>> incidentProjection(
      ActorSystem<?> system, CassandraSession session, String keyspace, String tag) {
    SourceProvider<Offset, EventEnvelope<IncidentEvent>> source =
        EventSourcedProvider.eventsByTag(system, CassandraReadJournal.Identifier(), tag);
    return CassandraProjection.groupedWithin(ProjectionId.of("incident-summaries", tag), source,
            () -> new IncidentSummaryWriter(session, keyspace, tag))
        .withGroup(GROUP_SIZE, GROUP_WITHIN);
  }

  private static AtLeastOnceProjection<Offset, EventEnvelope<School.Event>> schoolProjection(
      ActorSystem<?> system, CassandraSession session, String keyspace) {
    return upserts(system, "school-registry", School.TAG, () -> new SchoolRegistryWriter(session, keyspace));
  }

  /** The queries over the read side's tables, judging reporting deadlines by the default rules. */
  public IncidentQueries queries(org.schoolsafety.hub.secret.ServerKey serverKey) {
    return new IncidentQueries(session, keyspace, serverKey);
  }

  /**
   * The queries over the read side's tables; cursors are signed with {@code serverKey}; lists
   * judge reporting deadlines by {@code reporting} at {@code clock}'s time.
   */
  public IncidentQueries queries(org.schoolsafety.hub.secret.ServerKey serverKey, ReportingRules reporting,
      java.time.Clock clock) {
    return new IncidentQueries(session, keyspace, serverKey, reporting, clock);
  }
}
