package org.schoolsafety.persistence.readside;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.schoolsafety.hub.device.DeviceState;
import org.schoolsafety.hub.region.RegionCode;
import org.schoolsafety.hub.school.School;

/**
 * Projection handler for the registered devices' states per province (issue 18: offline devices
 * as candidates of {@code GET /api/v1/priorities}), from the school's own tagged events — a
 * registration (kind) and each state change (OFFLINE, ACTIVE again, FAULT) — never by asking the
 * school. The events carry the school's region, so the province comes from the event itself. Events
 * written before they carried it (null) take the province from {@code school_provinces} (the school
 * registry projection's); until that row exists such an event fails and is retried. (New events did
 * the same: a device registered right after its school failed, logged an ERROR and waited out the
 * projection's restart backoff, because the two projections run independently.)
 * Every write is an upsert of the event's values, so a replay changes nothing.
 */
final class DeviceStateWriter extends Handler<EventEnvelope<School.Event>> {

  private final CassandraSession session;
  private final String ks;
  private PreparedStatement findProvince;
  private PreparedStatement registered;
  private PreparedStatement changed;

  DeviceStateWriter(CassandraSession session, String keyspace) {
    this.session = session;
    this.ks = keyspace;
  }

  @Override
  public CompletionStage<Done> start() {
    var statements = List.of(
        session.prepare("SELECT province FROM " + ks + ".school_provinces WHERE school_id = ?"),
        session.prepare("INSERT INTO " + ks + ".devices_by_province (province, school_id, device_id, kind, "
            + "registered_at) VALUES (?, ?, ?, ?, ?)"),
        session.prepare("UPDATE " + ks + ".devices_by_province SET state = ?, changed_at = ? "
            + "WHERE province = ? AND school_id = ? AND device_id = ?"));
    return Statements.all(statements).thenApply(prepared -> {
          findProvince = prepared.get(0);
          registered = prepared.get(1);
          changed = prepared.get(2);
          return Done.getInstance();
        });
  }

  @Override
  public CompletionStage<Done> process(EventEnvelope<School.Event> envelope) {
    School.Event event = envelope.event();
    String schoolId = envelope.persistenceId().substring(envelope.persistenceId().indexOf('|') + 1);
    if (event instanceof School.DeviceRegistered r) {
      return province(schoolId, r.regionCode()).thenCompose(p -> session.executeWrite(registered.bind(p, schoolId,
          r.device().deviceId(), r.device().kind().name(), r.at())));
    }
    if (event instanceof School.DeviceStatesChanged c) {
      return province(schoolId, c.regionCode()).thenCompose(p -> {
        var writes = new ArrayList<CompletableFuture<Done>>();
        for (Map.Entry<String, DeviceState> e : c.states().entrySet()) {
          writes.add(session.executeWrite(changed.bind(e.getValue().name(), c.at(), p, schoolId, e.getKey()))
              .toCompletableFuture());
        }
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).thenApply(done -> Done.getInstance());
      });
    }
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  private CompletionStage<String> province(String schoolId, String regionCode) {
    if (regionCode != null) {
      return CompletableFuture.completedFuture(new RegionCode(regionCode).province());
    }
    return session.selectOne(findProvince.bind(schoolId)).thenApply(row -> row
        .map(r -> r.getString("province"))
        .orElseThrow(() -> new IllegalStateException("school " + schoolId + " is not in school_provinces yet")));
  }
}
