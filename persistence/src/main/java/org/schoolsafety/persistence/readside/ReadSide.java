package org.schoolsafety.persistence.readside;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.cassandra.javadsl.CassandraProjection;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.AtLeastOnceProjection;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.stream.connectors.cassandra.CassandraSessionSettings;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;
import org.schoolsafety.hub.incident.Incident;
import org.schoolsafety.hub.incident.IncidentEvent;
import org.schoolsafety.hub.incident.IncidentState;
import org.schoolsafety.hub.school.School;
import org.apache.pekko.persistence.query.Offset;

/**
 * Starts the read side: one at-least-once projection per incident tag slice (spread over the
 * cluster as sharded daemon processes) and one for the school registry, each writing its query
 * tables through idempotent upserts.
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

  public static ReadSide start(
      ActorSystem<?> system,
      Function<String, CompletionStage<IncidentState>> incidents,
      Function<String, CompletionStage<School.State>> schools) {
    Config config = system.settings().config();
    String keyspace = config.getString("hub.cassandra.read-keyspace");
    CassandraSession session = session(system);
    if (config.getBoolean("hub.cassandra.autocreate")) {
      ReadSideSchema.create(system, session, keyspace);
    }
    List<String> tags = Incident.TAGS;
    ShardedDaemonProcess.get(system).init(ProjectionBehavior.Command.class, "incident-summaries", tags.size(),
        i -> ProjectionBehavior.create(incidentProjection(system, session, keyspace, incidents, tags.get(i))),
        ShardedDaemonProcessSettings.create(system), Optional.of(ProjectionBehavior.stopMessage()));
    ShardedDaemonProcess.get(system).init(ProjectionBehavior.Command.class, "school-registry", 1,
        i -> ProjectionBehavior.create(schoolProjection(system, session, keyspace, schools)),
        ShardedDaemonProcessSettings.create(system), Optional.of(ProjectionBehavior.stopMessage()));
    return new ReadSide(session, keyspace);
  }

  private static AtLeastOnceProjection<Offset, EventEnvelope<IncidentEvent>> incidentProjection(
      ActorSystem<?> system, CassandraSession session, String keyspace,
      Function<String, CompletionStage<IncidentState>> incidents, String tag) {
    SourceProvider<Offset, EventEnvelope<IncidentEvent>> source =
        EventSourcedProvider.eventsByTag(system, CassandraReadJournal.Identifier(), tag);
    return CassandraProjection.atLeastOnce(ProjectionId.of("incident-summaries", tag), source,
            () -> new IncidentSummaryWriter(session, keyspace, incidents))
        .withSaveOffset(100, Duration.ofMillis(500));
  }

  private static AtLeastOnceProjection<Offset, EventEnvelope<School.Event>> schoolProjection(
      ActorSystem<?> system, CassandraSession session, String keyspace,
      Function<String, CompletionStage<School.State>> schools) {
    SourceProvider<Offset, EventEnvelope<School.Event>> source =
        EventSourcedProvider.eventsByTag(system, CassandraReadJournal.Identifier(), School.TAG);
    return CassandraProjection.atLeastOnce(ProjectionId.of("school-registry", School.TAG), source,
            () -> new SchoolRegistryWriter(session, keyspace, schools))
        .withSaveOffset(100, Duration.ofMillis(500));
  }

  /** The queries over the read side's tables; cursors are signed with {@code serverKey}. */
  public IncidentQueries queries(org.schoolsafety.hub.secret.ServerKey serverKey) {
    return new IncidentQueries(session, keyspace, serverKey);
  }
}
