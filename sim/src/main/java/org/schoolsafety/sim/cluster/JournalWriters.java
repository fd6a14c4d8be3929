package org.schoolsafety.sim.cluster;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.net.InetSocketAddress;
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

  static List<String> describe(Map<String, Integer> doubled) {
    return doubled.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> e.getKey() + " (" + e.getValue() + " sequence numbers written twice)").toList();
  }
}
