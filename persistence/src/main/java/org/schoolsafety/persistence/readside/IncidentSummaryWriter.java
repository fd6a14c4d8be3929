package org.schoolsafety.persistence.readside;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.schoolsafety.hub.incident.Dispatch;
import org.schoolsafety.hub.incident.IncidentEvent;
import org.schoolsafety.hub.incident.IncidentState;

/**
 * Projection handler: after any event of an incident, writes the incident as it now stands
 * (asked from the entity) to the query tables — by region and day, open by region, and each
 * dispatch by agency — for the province, city and county prefixes of its region. Every write
 * is an upsert of the current state, so replays are harmless.
 */
final class IncidentSummaryWriter extends Handler<EventEnvelope<IncidentEvent>> {

  private static final String COLUMNS = "school_id, school_name, region_code, type, level, mode, status, "
      + "updated_at, notified, acknowledged, escalated, unanswered, drill_id";

  private final CassandraSession session;
  private final String ks;
  private final Function<String, CompletionStage<IncidentState>> incidents;

  IncidentSummaryWriter(CassandraSession session, String keyspace,
      Function<String, CompletionStage<IncidentState>> incidents) {
    this.session = session;
    this.ks = keyspace;
    this.incidents = incidents;
  }

  @Override
  public CompletionStage<Done> process(EventEnvelope<IncidentEvent> envelope) {
    return incidents.apply(envelope.event().incidentId()).thenCompose(this::write);
  }

  CompletionStage<Done> write(IncidentState state) {
    IncidentSummary s = IncidentSummary.of(state);
    String region = s.regionCode();
    var writes = new ArrayList<CompletionStage<Done>>();
    for (String prefix : List.of(region.substring(0, 2), region.substring(0, 4), region)) {
      writes.add(upsert("INSERT INTO " + ks + ".incidents_by_region_day (region_prefix, day, reported_at, incident_id, "
          + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          prefix, s.reportedAt().atZone(ZoneOffset.UTC).toLocalDate(), s.reportedAt(), s.incidentId(),
          s.schoolId(), s.schoolName(), s.regionCode(), s.type(), s.level(), s.mode(), s.status(), s.updatedAt(),
          s.notified(), s.acknowledged(), s.escalated(), s.unanswered(), s.drillId()));
      if (state.status().isActive()) {
        writes.add(upsert("INSERT INTO " + ks + ".open_incidents_by_region (region_prefix, reported_at, incident_id, "
            + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            prefix, s.reportedAt(), s.incidentId(),
            s.schoolId(), s.schoolName(), s.regionCode(), s.type(), s.level(), s.mode(), s.status(), s.updatedAt(),
            s.notified(), s.acknowledged(), s.escalated(), s.unanswered(), s.drillId()));
      } else {
        writes.add(upsert("DELETE FROM " + ks + ".open_incidents_by_region WHERE region_prefix = ? "
            + "AND reported_at = ? AND incident_id = ?", prefix, s.reportedAt(), s.incidentId()));
      }
    }
    for (Dispatch d : state.dispatches()) {
      writes.add(upsert("INSERT INTO " + ks + ".dispatches_by_agency (agency_id, notified_at, incident_id, school_id, "
          + "school_name, region_code, type, level, mode, incident_status, state, deadline, ack_at) "
          + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          d.agencyId(), d.notifiedAt(), s.incidentId(), s.schoolId(), s.schoolName(), s.regionCode(), s.type(),
          s.level(), s.mode(), s.status(), d.state().name(), d.deadline(), d.ackAt()));
    }
    return CompletableFuture.allOf(writes.stream().map(CompletionStage::toCompletableFuture)
        .toArray(CompletableFuture[]::new)).thenApply(done -> Done.getInstance());
  }

  private CompletionStage<Done> upsert(String cql, Object... values) {
    return session.prepare(cql).thenCompose(prepared -> session.executeWrite(prepared.bind(values)));
  }
}
