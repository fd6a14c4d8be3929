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

/** The directives over a region, newest first, from its province's partition (DirectiveListWriter). */
public final class DirectiveQueries {

  /** Which directives: in force (not lifted), lifted, or both. */
  public enum Which { ACTIVE, LIFTED, ALL }

  private final CassandraSession session;
  private final String ks;

  DirectiveQueries(CassandraSession session, String keyspace) {
    this.session = session;
    this.ks = keyspace;
  }

  /**
   * The directives issued within {@code regionPrefix} (their scope is in it) or naming one of its
   * schools, of the given modes; newest first, at most {@code limit}.
   */
  public CompletionStage<List<Map<String, Object>>> ofRegion(String regionPrefix, Set<String> modes, Which which,
      int limit) {
    return session.selectAll("SELECT * FROM " + ks + ".directives_by_province WHERE province = ?",
            regionPrefix.substring(0, 2))
        .thenApply(rows -> rows.stream()
            .filter(r -> concerns(r, regionPrefix))
            .filter(r -> modes.contains(r.getString("mode")))
            .filter(r -> which == Which.ALL || (which == Which.ACTIVE) == (r.getInstant("lifted_at") == null))
            .sorted(Comparator.comparing((Row r) -> r.getInstant("issued_at"),
                    Comparator.nullsLast(Comparator.<Instant>reverseOrder()))
                .thenComparing(r -> r.getString("directive_id")))
            .limit(limit)
            .map(DirectiveQueries::directive)
            .toList());
  }

  private static boolean concerns(Row r, String regionPrefix) {
    String scope = r.getString("scope");
    return (scope != null && !scope.isEmpty() && scope.startsWith(regionPrefix))
        || r.getSet("school_regions", String.class).stream().anyMatch(code -> code.startsWith(regionPrefix));
  }

  private static Map<String, Object> directive(Row r) {
    var m = new LinkedHashMap<String, Object>();
    m.put("directiveId", r.getString("directive_id"));
    m.put("scope", r.getString("scope"));
    m.put("posture", r.getString("posture"));
    m.put("mode", r.getString("mode"));
    m.put("instruction", r.getString("instruction"));
    m.put("schools", r.getInt("schools"));
    m.put("issuedAt", instant(r, "issued_at"));
    m.put("issuedBy", r.getString("issued_by"));
    m.put("source", r.getString("source"));
    m.put("revisedAt", instant(r, "revised_at"));
    m.put("state", r.getInstant("lifted_at") == null ? "ACTIVE" : "LIFTED");
    m.put("liftedAt", instant(r, "lifted_at"));
    m.put("liftReason", r.getString("lift_reason"));
    return m;
  }

  private static String instant(Row r, String column) {
    Instant at = r.getInstant(column);
    return at == null ? null : at.toString();
  }
}
