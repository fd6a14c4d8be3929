package org.schoolsafety.persistence.readside;

import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.school.School;
import org.schoolsafety.hub.school.SchoolProfile;

/** Projection handler: the school as it now stands, into the list of schools by province. */
final class SchoolRegistryWriter extends Handler<EventEnvelope<School.Event>> {

  private final CassandraSession session;
  private final String ks;
  private final Function<String, CompletionStage<School.State>> schools;

  SchoolRegistryWriter(CassandraSession session, String keyspace,
      Function<String, CompletionStage<School.State>> schools) {
    this.session = session;
    this.ks = keyspace;
    this.schools = schools;
  }

  @Override
  public CompletionStage<Done> process(EventEnvelope<School.Event> envelope) {
    // The persistence id is "School|<schoolId>".
    String schoolId = envelope.persistenceId().substring(envelope.persistenceId().indexOf('|') + 1);
    return schools.apply(schoolId).thenCompose(state -> {
      SchoolProfile p = state.profile();
      return session.prepare("INSERT INTO " + ks + ".schools_by_province (province, school_id, name, region_code, "
              + "type, lat, lon, posture, open_incidents, evacuation_months, open_exercises) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
          .thenCompose(stmt -> session.executeWrite(stmt.bind(p.region().province(), p.schoolId(), p.name(),
              p.region().value(), p.type().name(), p.location().lat(), p.location().lon(),
              state.posture().name(), open(state, Mode.ACTUAL), state.evacuationMonths(), open(state, Mode.EXERCISE))));
    });
  }

  private static int open(School.State state, Mode mode) {
    return (int) state.openIncidents().values().stream().filter(n -> n.mode() == mode).count();
  }
}
