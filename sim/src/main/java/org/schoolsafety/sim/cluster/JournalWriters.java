package org.schoolsafety.sim.cluster;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads the journal straight from Cassandra to find entities that had two writers at once: two
 * incarnations of one entity that both went on from the same state write the same sequence
 * number twice (the journal's key includes a time-based id, so it keeps both). A failover that
 * works leaves one row per sequence number, whichever node wrote it.
 */
final class JournalWriters {

  private JournalWriters() {}

  /** Persistence ids with a sequence number written more than once, with how many such numbers. */
  static Map<String, Integer> twoWriterEntities(String host, int port, String keyspace) {
    try (CqlSession cql = CqlSession.builder().addContactPoint(new InetSocketAddress(host, port))
        .withLocalDatacenter("datacenter1").build()) {
      var seen = new HashMap<String, TreeSet<Long>>();
      var doubled = new HashMap<String, Integer>();
      var query = SimpleStatement.newInstance("SELECT persistence_id, sequence_nr FROM " + keyspace + ".messages")
          .setPageSize(5000);
      for (Row row : cql.execute(query)) {
        String id = row.getString("persistence_id");
        long seq = row.getLong("sequence_nr");
        if (!seen.computeIfAbsent(id, k -> new TreeSet<>()).add(seq)) {
          doubled.merge(id, 1, Integer::sum);
        }
      }
      return doubled;
    }
  }

  /**
   * Of {@code ids} (entities with a sequence number written twice), those where one of the rows
   * of such a number was created at or before {@code instant} (the journal's time-based id is made
   * on the writing node, after the write fence let it through): a write already in flight then.
   */
  static List<String> writtenBefore(String host, int port, String keyspace, List<String> ids, Instant instant) {
    try (CqlSession cql = CqlSession.builder().addContactPoint(new InetSocketAddress(host, port))
        .withLocalDatacenter("datacenter1").build()) {
      var found = new ArrayList<String>();
      for (String id : ids) {
        var rows = new HashMap<Long, List<Long>>();
        for (Row row : cql.execute(SimpleStatement.newInstance("SELECT sequence_nr, timestamp FROM " + keyspace
            + ".messages WHERE persistence_id = ? AND partition_nr = 0", id))) {
          rows.computeIfAbsent(row.getLong("sequence_nr"), k -> new ArrayList<>())
              .add(Uuids.unixTimestamp(row.getUuid("timestamp")));
        }
        boolean inFlight = rows.values().stream().filter(created -> created.size() > 1)
            .allMatch(created -> created.stream().anyMatch(ms -> ms <= instant.toEpochMilli()));
        if (inFlight && rows.values().stream().anyMatch(created -> created.size() > 1)) {
          found.add(id);
        }
      }
      return found;
    }
  }

  static List<String> describe(Map<String, Integer> doubled) {
    return doubled.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> e.getKey() + " (" + e.getValue() + " sequence numbers written twice)").toList();
  }
}
