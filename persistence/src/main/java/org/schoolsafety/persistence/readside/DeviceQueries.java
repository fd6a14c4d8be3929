package org.schoolsafety.persistence.readside;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;

/** The registered devices' states, from the province's partition of {@code devices_by_province}. */
public final class DeviceQueries {

  /** A registered device that is OFFLINE, with when it went so. */
  public record OfflineDevice(String schoolId, String deviceId, String kind, Instant since) {}

  private final CassandraSession session;
  private final String ks;

  DeviceQueries(CassandraSession session, String keyspace) {
    this.session = session;
    this.ks = keyspace;
  }

  /** The OFFLINE devices of the given schools of {@code province}, by school and device. */
  public CompletionStage<List<OfflineDevice>> offline(String province, Set<String> schoolIds) {
    return session.selectAll("SELECT school_id, device_id, kind, state, changed_at FROM " + ks
            + ".devices_by_province WHERE province = ?", province)
        .thenApply(rows -> rows.stream()
            .filter(r -> "OFFLINE".equals(r.getString("state")) && schoolIds.contains(r.getString("school_id")))
            .map(r -> new OfflineDevice(r.getString("school_id"), r.getString("device_id"), r.getString("kind"),
                r.getInstant("changed_at")))
            .toList());
  }
}
