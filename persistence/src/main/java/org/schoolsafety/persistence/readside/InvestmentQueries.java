package org.schoolsafety.persistence.readside;

import com.datastax.oss.driver.api.core.cql.Row;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.schoolsafety.hub.investment.Investment;
import org.schoolsafety.hub.investment.InvestmentCategory;

/** A region's safety spending in a year, from the province's partition of that year. */
public final class InvestmentQueries {

  private final CassandraSession session;
  private final String ks;

  InvestmentQueries(CassandraSession session, String keyspace) {
    this.session = session;
    this.ks = keyspace;
  }

  public CompletionStage<List<Investment>> ofRegion(String regionPrefix, int year) {
    return session.selectAll("SELECT * FROM " + ks + ".investments_by_province WHERE province = ? AND year = ?",
            regionPrefix.substring(0, 2), year)
        .thenApply(rows -> rows.stream()
            .filter(r -> r.getString("region_code").startsWith(regionPrefix))
            .map(InvestmentQueries::investment)
            .toList());
  }

  private static Investment investment(Row r) {
    return new Investment(r.getString("investment_id"), r.getString("school_id"), r.getString("region_code"),
        r.getLocalDate("date"), InvestmentCategory.valueOf(r.getString("category")), r.getLong("amount_fen"),
        r.getString("hazard_id"), r.getString("programme"), r.getInstant("recorded_at"), null);
  }
}
