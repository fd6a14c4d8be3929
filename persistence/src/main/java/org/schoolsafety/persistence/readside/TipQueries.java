package org.schoolsafety.persistence.readside;

import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.schoolsafety.hub.evaluation.TipFacts;

/** A region's open tips, most urgent first, from the province's partition: metadata, never text. */
public final class TipQueries {

  private static final Set<String> CLOSED = Set.of("RESOLVED", "UNFOUNDED");
  private static final List<String> PRIORITIES = List.of("URGENT", "HIGH", "MEDIUM", "LOW");

  private final CassandraSession session;
  private final String ks;

  TipQueries(CassandraSession session, String keyspace) {
    this.session = session;
    this.ks = keyspace;
  }

  /**
   * Open tips of the schools in {@code regionPrefix}: overdue first, then by response deadline,
   * then by priority; at most {@code limit}.
   */
  public CompletionStage<List<Map<String, Object>>> openOfRegion(String regionPrefix, int limit) {
    return session.selectAll("SELECT * FROM " + ks + ".tips_by_province WHERE province = ?", regionPrefix.substring(0, 2))
        .thenApply(rows -> rows.stream()
            .filter(r -> r.getString("region_code") != null && r.getString("region_code").startsWith(regionPrefix))
            .filter(r -> !CLOSED.contains(r.getString("status")))
            .sorted(Comparator.comparing((Row r) -> !r.getBoolean("overdue"))
                .thenComparing(r -> r.getInstant("deadline"), Comparator.nullsLast(Comparator.<Instant>naturalOrder()))
                .thenComparing(r -> PRIORITIES.indexOf(r.getString("priority"))))
            .limit(limit)
            .map(TipQueries::tip)
            .toList());
  }

  /**
   * The tips of the schools in {@code regionPrefix} received in [{@code from}, {@code to}), with
   * their first triage, for the monthly evaluation (issue 18). One read of the province's partition.
   */
  public CompletionStage<List<TipFacts>> receivedBetween(String regionPrefix, Instant from, Instant to) {
    return session.selectAll("SELECT tip_id, school_id, region_code, received_at, deadline, triaged_at, triage_due, "
            + "overdue FROM " + ks + ".tips_by_province WHERE province = ?", regionPrefix.substring(0, 2))
        .thenApply(rows -> rows.stream()
            .filter(r -> r.getString("region_code") != null && r.getString("region_code").startsWith(regionPrefix))
            .filter(r -> r.getInstant("received_at") != null && !r.getInstant("received_at").isBefore(from)
                && r.getInstant("received_at").isBefore(to))
            .map(r -> new TipFacts(r.getString("tip_id"), r.getString("school_id"), r.getString("region_code"),
                r.getInstant("received_at"), r.getInstant("deadline"), r.getInstant("triaged_at"),
                r.getInstant("triage_due"), r.getBoolean("overdue")))
            .toList());
  }

  private static Map<String, Object> tip(Row r) {
    var m = new LinkedHashMap<String, Object>();
    m.put("tipId", r.getString("tip_id"));
    m.put("schoolId", r.getString("school_id"));
    m.put("schoolName", r.getString("school_name"));
    m.put("regionCode", r.getString("region_code"));
    m.put("category", r.getString("category"));
    m.put("priority", r.getString("priority"));
    m.put("status", r.getString("status"));
    m.put("receivedAt", String.valueOf(r.getInstant("received_at")));
    m.put("deadline", r.getInstant("deadline") == null ? null : r.getInstant("deadline").toString());
    m.put("overdue", r.getBoolean("overdue"));
    return m;
  }
}
