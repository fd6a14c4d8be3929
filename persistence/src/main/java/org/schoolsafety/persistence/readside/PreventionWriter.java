package org.schoolsafety.persistence.readside;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.schoolsafety.hub.hazard.HazardEvent;
import org.schoolsafety.hub.hazard.NewHazard;
import org.schoolsafety.hub.prevention.Prevention;
import org.schoolsafety.hub.prevention.Warning;

/**
 * Projection handler for prevention: hazards by province and by school, the risk ranking by
 * province, each school's risk history, the warnings by province and the trainings by province
 * (for coverage) — from the hazards' and the
 * prevention records' events alone (every event names its school and region), through
 * idempotent upserts, so that replays change nothing and no entity is ever asked.
 */
final class PreventionWriter extends Handler<EventEnvelope<Object>> {

  private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

  private final CassandraSession session;
  private final String ks;
  private PreparedStatement hazardByProvince;
  private PreparedStatement hazardBySchool;
  private PreparedStatement statusByProvince;
  private PreparedStatement statusBySchool;
  private PreparedStatement risk;
  private PreparedStatement history;
  private PreparedStatement warning;
  private PreparedStatement training;

  PreventionWriter(CassandraSession session, String keyspace) {
    this.session = session;
    this.ks = keyspace;
  }

  @Override
  public CompletionStage<Done> start() {
    String hazardValues = "school_name, region_code, inspection_id, category, severity, status, location, "
        + "description, deadline, recorded_at, funding_yuan) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    String status = " SET status = ?, overdue_at = ?, rectified_at = ?, verified_at = ?";
    var statements = List.of(
        session.prepare("INSERT INTO " + ks + ".hazards_by_province (province, hazard_id, school_id, " + hazardValues),
        session.prepare("INSERT INTO " + ks + ".hazards_by_school (school_id, hazard_id, province, " + hazardValues),
        session.prepare("UPDATE " + ks + ".hazards_by_province" + status + " WHERE province = ? AND hazard_id = ?"),
        session.prepare("UPDATE " + ks + ".hazards_by_school" + status + " WHERE school_id = ? AND hazard_id = ?"),
        session.prepare("INSERT INTO " + ks + ".risk_by_province (province, school_id, school_name, region_code, overall, "
            + "level, dimensions, factors, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        session.prepare("INSERT INTO " + ks + ".risk_history (school_id, computed_at, overall, level, dimensions) "
            + "VALUES (?, ?, ?, ?, ?)"),
        session.prepare("INSERT INTO " + ks + ".warnings_by_province (province, warning_id, school_id, school_name, "
            + "region_code, cause, cause_id, level, summary, audience, state, raised_at, acknowledged_at, "
            + "acknowledged_by, cleared_at, cleared_because, incident_id) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        session.prepare("INSERT INTO " + ks + ".trainings_by_province (province, school_id, training_id, school_name, "
            + "region_code, staff, day, topic, audience, participants, hours) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    return CompletableFuture.allOf(statements.stream().map(CompletionStage::toCompletableFuture)
        .toArray(CompletableFuture[]::new)).thenApply(all -> {
          hazardByProvince = statements.get(0).toCompletableFuture().join();
          hazardBySchool = statements.get(1).toCompletableFuture().join();
          statusByProvince = statements.get(2).toCompletableFuture().join();
          statusBySchool = statements.get(3).toCompletableFuture().join();
          risk = statements.get(4).toCompletableFuture().join();
          history = statements.get(5).toCompletableFuture().join();
          warning = statements.get(6).toCompletableFuture().join();
          training = statements.get(7).toCompletableFuture().join();
          return Done.getInstance();
        });
  }

  @Override
  public CompletionStage<Done> process(EventEnvelope<Object> envelope) {
    Object event = envelope.event();
    if (event instanceof HazardEvent.Opened o) {
      NewHazard h = o.hazard();
      String province = h.region().province();
      Object[] rest = {h.schoolName(), h.region().value(), h.inspectionId(), h.category().name(), h.severity().name(),
          "OPEN", h.location(), h.description(), h.plan().deadline(), o.at(), h.plan().fundingYuan()};
      return both(session.executeWrite(hazardByProvince.bind(concat(new Object[] {province, h.hazardId(), h.schoolId()}, rest))),
          session.executeWrite(hazardBySchool.bind(concat(new Object[] {h.schoolId(), h.hazardId(), province}, rest))));
    }
    if (event instanceof HazardEvent e) {
      // Status columns only: the timestamps of the other transitions are kept (null binds are unset).
      String status = null;
      java.time.Instant overdue = null;
      java.time.Instant rectified = null;
      java.time.Instant verified = null;
      if (event instanceof HazardEvent.WentOverdue) {
        status = "OVERDUE";
        overdue = e.at();
      } else if (event instanceof HazardEvent.Rectified) {
        status = "RECTIFIED";
        rectified = e.at();
      } else if (event instanceof HazardEvent.Verified) {
        status = "VERIFIED";
        verified = e.at();
      } else if (event instanceof HazardEvent.RectificationRejected) {
        status = "OPEN";
      }
      if (status == null) {
        return CompletableFuture.completedFuture(Done.getInstance());
      }
      String province = e.regionCode().substring(0, 2);
      var byProvince = statusByProvince.bind(status, overdue, rectified, verified, province, e.hazardId());
      var bySchool = statusBySchool.bind(status, overdue, rectified, verified, e.schoolId(), e.hazardId());
      return both(session.executeWrite(unsetNulls(byProvince)), session.executeWrite(unsetNulls(bySchool)));
    }
    if (event instanceof Prevention.RiskAssessed r) {
      var s = r.score();
      String factors;
      try {
        factors = JSON.writeValueAsString(s.factors());
      } catch (JsonProcessingException ex) {
        throw new IllegalStateException(ex);
      }
      return both(
          session.executeWrite(risk.bind(r.regionCode().substring(0, 2), r.schoolId(), r.schoolName(), r.regionCode(),
              s.overall(), s.level().name(), s.dimensions(), factors, s.computedAt())),
          session.executeWrite(history.bind(r.schoolId(), s.computedAt(), s.overall(), s.level().name(), s.dimensions())));
    }
    if (event instanceof Prevention.WarningChanged c) {
      Warning w = c.warning();
      return session.executeWrite(warning.bind(w.regionCode().substring(0, 2), w.warningId(), w.schoolId(), w.schoolName(),
          w.regionCode(), w.cause(), w.causeId(), w.level(), w.summary(), w.audience(), w.state(), w.raisedAt(),
          w.acknowledgedAt(), w.acknowledgedBy(), w.clearedAt(), w.clearedBecause(), w.incidentId()));
    }
    if (event instanceof Prevention.TrainingRecorded t && t.school() != null) {
      var school = t.school();
      var tr = t.training();
      return session.executeWrite(training.bind(school.region().province(), school.schoolId(), tr.trainingId(),
          school.name(), school.region().value(), school.staff(), tr.date(), tr.topic(), tr.audience(),
          tr.participants(), tr.hours()));
    }
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  private static com.datastax.oss.driver.api.core.cql.BoundStatement unsetNulls(
      com.datastax.oss.driver.api.core.cql.BoundStatement statement) {
    for (int i = 1; i <= 3; i++) {
      if (statement.isNull(i)) {
        statement = statement.unset(i);
      }
    }
    return statement;
  }

  private static Object[] concat(Object[] a, Object[] b) {
    Object[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  private static CompletionStage<Done> both(CompletionStage<Done> a, CompletionStage<Done> b) {
    return a.thenCombine(b, (x, y) -> Done.getInstance());
  }
}
