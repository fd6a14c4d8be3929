package org.schoolsafety.persistence.readside;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.school.DrillType;
import org.schoolsafety.hub.school.School;
import org.schoolsafety.hub.school.SchoolProfile;

/**
 * Projection handler: the list of schools by province, from the schools' events alone. Every
 * write is idempotent without reading first — the profile is an upsert, evacuation months a set
 * addition — so replays change nothing and no school entity is ever asked. A school's open
 * incidents (sets of ids, counted by their sizes) are added and removed by the incident
 * projection when incidents start and end; the school's own incident notices are no longer
 * tagged, and those of older journals, replayed, make the same idempotent changes.
 */
final class SchoolRegistryWriter extends Handler<EventEnvelope<School.Event>> {

  private static final int REMEMBERED = 100_000;

  private final CassandraSession session;
  private final String ks;
  /** The province of each school (the partition of its row), learnt from Registered. */
  private final Map<String, String> provinces = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > REMEMBERED;
    }
  };
  private PreparedStatement profile;
  private PreparedStatement province;
  private PreparedStatement provinceOf;
  private PreparedStatement opened;
  private PreparedStatement exerciseOpened;
  private PreparedStatement ended;
  private PreparedStatement evacuated;
  private PreparedStatement posture;
  private PreparedStatement guardianNotice;

  SchoolRegistryWriter(CassandraSession session, String keyspace) {
    this.session = session;
    this.ks = keyspace;
  }

  @Override
  public CompletionStage<Done> start() {
    String row = " WHERE province = ? AND school_id = ?";
    var statements = List.of(
        session.prepare("UPDATE " + ks + ".schools_by_province SET name = ?, region_code = ?, type = ?, lat = ?, "
            + "lon = ?, posture = ?, staff = ?, students = ?" + row),
        session.prepare("INSERT INTO " + ks + ".school_provinces (school_id, province) VALUES (?, ?)"),
        session.prepare("SELECT province FROM " + ks + ".school_provinces WHERE school_id = ?"),
        session.prepare("UPDATE " + ks + ".schools_by_province SET open_ids = open_ids + ?" + row),
        session.prepare("UPDATE " + ks + ".schools_by_province SET open_exercise_ids = open_exercise_ids + ?" + row),
        session.prepare("UPDATE " + ks + ".schools_by_province SET open_ids = open_ids - ?, "
            + "open_exercise_ids = open_exercise_ids - ?" + row),
        session.prepare("UPDATE " + ks + ".schools_by_province SET evacuation_months = evacuation_months + ?" + row),
        session.prepare("UPDATE " + ks + ".schools_by_province SET posture = ?" + row),
        session.prepare("INSERT INTO " + ks + ".guardian_notices_by_directive (directive_id, school_id, seq, posture, at) "
            + "VALUES (?, ?, ?, ?, ?)"));
    return Statements.all(statements).thenApply(prepared -> {
          profile = prepared.get(0);
          province = prepared.get(1);
          provinceOf = prepared.get(2);
          opened = prepared.get(3);
          exerciseOpened = prepared.get(4);
          ended = prepared.get(5);
          evacuated = prepared.get(6);
          posture = prepared.get(7);
          guardianNotice = prepared.get(8);
          return Done.getInstance();
        });
  }

  @Override
  public CompletionStage<Done> process(EventEnvelope<School.Event> envelope) {
    // The persistence id is "School|<schoolId>".
    String schoolId = envelope.persistenceId().substring(envelope.persistenceId().indexOf('|') + 1);
    School.Event event = envelope.event();
    if (event instanceof School.Registered r) {
      SchoolProfile p = r.profile();
      provinces.put(schoolId, p.region().province());
      return session.executeWrite(province.bind(schoolId, p.region().province()))
          .thenCompose(done -> session.executeWrite(profile.bind(p.name(), p.region().value(), p.type().name(),
              p.location().lat(), p.location().lon(), "NORMAL", p.staff(), p.students(), p.region().province(), schoolId)));
    }
    return provinceOf(schoolId).thenCompose(known -> known.map(prov -> write(prov, schoolId, event, envelope.sequenceNr()))
        .orElseGet(() -> CompletableFuture.completedFuture(Done.getInstance())));
  }

  private CompletionStage<Done> write(String prov, String schoolId, School.Event event, long seq) {
    if (event instanceof School.IncidentTracked t) {
      Set<String> id = Set.of(t.notice().incidentId());
      if (t.notice().status().isTerminal()) {
        return session.executeWrite(ended.bind(id, id, prov, schoolId));
      }
      return session.executeWrite((t.notice().mode() == Mode.EXERCISE ? exerciseOpened : opened).bind(id, prov, schoolId));
    }
    if (event instanceof School.PostureDirected d) {
      var postured = session.executeWrite(posture.bind(d.schoolPosture().name(), prov, schoolId));
      if (!GuardianNoticeCount.isDirective(d.directiveId())) {
        return postured;
      }
      // Every PostureDirected is a notice to the school's guardians (GuardianNotices.of): the row
      // counts it for the directive that caused it, keyed by journal position so a replay changes nothing.
      return postured.thenCompose(done -> session.executeWrite(guardianNotice.bind(d.directiveId(), schoolId, seq,
          d.posture().name(), d.at())));
    }
    if (event instanceof School.DrillRecorded d && d.drill().type() == DrillType.EVACUATION) {
      return session.executeWrite(evacuated.bind(Set.of(d.drill().date().toString().substring(0, 7)), prov, schoolId));
    }
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  /** Empty only for a school never registered (its events cannot exist, but a replay must not fail). */
  private CompletionStage<Optional<String>> provinceOf(String schoolId) {
    String known = provinces.get(schoolId);
    if (known != null) {
      return CompletableFuture.completedFuture(Optional.of(known));
    }
    return session.selectOne(provinceOf.bind(schoolId)).thenApply(row -> {
      row.ifPresent(r -> provinces.put(schoolId, r.getString("province")));
      return row.map(r -> r.getString("province"));
    });
  }
}
