package org.schoolsafety.persistence;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.stream.javadsl.Sink;
import org.schoolsafety.hub.incident.Incident;
import org.schoolsafety.hub.incident.IncidentEvent;

/**
 * Who did what to an incident, and when, read straight from its event journal: the journal is
 * append-only, so the audit trail cannot be edited after the fact.
 */
public final class AuditTrail {

  /** One journal entry: its position, time, kind and the principal that caused it. */
  public record Entry(long sequenceNr, Instant at, String event, String by) {}

  private final ActorSystem<?> system;
  private final CassandraReadJournal journal;

  public AuditTrail(ActorSystem<?> system) {
    this.system = system;
    this.journal = PersistenceQuery.get(Adapter.toClassic(system))
        .getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier());
  }

  public CompletionStage<List<Entry>> ofIncident(String incidentId) {
    String persistenceId = PersistenceId.of(Incident.ENTITY_TYPE_KEY.name(), incidentId).id();
    return journal.currentEventsByPersistenceId(persistenceId, 0L, Long.MAX_VALUE)
        .map(envelope -> {
          IncidentEvent event = (IncidentEvent) envelope.event();
          return new Entry(envelope.sequenceNr(), event.at(), IncidentEvent.nameOf(event), event.by());
        })
        .runWith(Sink.seq(), system);
  }
}
