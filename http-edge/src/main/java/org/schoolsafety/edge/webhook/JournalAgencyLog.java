package org.schoolsafety.edge.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.stream.javadsl.Sink;
import org.schoolsafety.hub.agency.Agency;
import org.schoolsafety.hub.webhook.AgencyLog;

/** An agency's journal through the Cassandra read journal (a read by partition, no tag needed). */
public final class JournalAgencyLog implements AgencyLog {

  private final ActorSystem<?> system;
  private final CassandraReadJournal journal;
  private final Duration askTimeout;

  public JournalAgencyLog(ActorSystem<?> system, Duration askTimeout) {
    this.system = system;
    this.journal = PersistenceQuery.get(Adapter.toClassic(system))
        .getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier());
    this.askTimeout = askTimeout;
  }

  @Override
  public CompletionStage<List<Entry>> after(String agencyId, long afterSeq, int max) {
    return journal.currentEventsByPersistenceId(PersistenceId.of(Agency.ENTITY_TYPE_KEY.name(), agencyId).id(),
            afterSeq + 1, afterSeq + max)
        .filter(e -> e.event() instanceof Agency.Event)
        .map(e -> new Entry(e.sequenceNr(), Instant.ofEpochMilli(e.timestamp()), (Agency.Event) e.event()))
        .runWith(Sink.seq(), system);
  }

  @Override
  public CompletionStage<Long> position(String agencyId) {
    return ClusterSharding.get(system).entityRefFor(Agency.ENTITY_TYPE_KEY, agencyId)
        .ask(Agency.GetPosition::new, askTimeout);
  }
}
