package org.schoolsafety.persistence.readside;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.schoolsafety.hub.investment.Investment;
import org.schoolsafety.hub.investment.SchoolInvestments;

/**
 * Projection handler for schools' safety spending (issue 18): one row per investment in its
 * province's partition of the year it was spent, from the event alone. Keyed by school and
 * investment id, so a replay writes the same row again and changes nothing.
 */
final class InvestmentWriter extends Handler<EventEnvelope<SchoolInvestments.Event>> {

  private final CassandraSession session;
  private final String ks;
  private PreparedStatement upsert;

  InvestmentWriter(CassandraSession session, String keyspace) {
    this.session = session;
    this.ks = keyspace;
  }

  @Override
  public CompletionStage<Done> start() {
    return session.prepare("INSERT INTO " + ks + ".investments_by_province (province, year, school_id, investment_id, "
            + "region_code, date, category, amount_fen, hazard_id, programme, recorded_at) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .thenApply(prepared -> {
          upsert = prepared;
          return Done.getInstance();
        });
  }

  @Override
  public CompletionStage<Done> process(EventEnvelope<SchoolInvestments.Event> envelope) {
    if (!(envelope.event() instanceof SchoolInvestments.InvestmentRecorded recorded)) {
      return java.util.concurrent.CompletableFuture.completedFuture(Done.getInstance());
    }
    Investment i = recorded.investment();
    return session.executeWrite(upsert.bind(i.regionCode().substring(0, 2), i.date().getYear(), i.schoolId(),
        i.investmentId(), i.regionCode(), i.date(), i.category().name(), i.amountFen(), i.hazardId(), i.programme(),
        i.recordedAt()));
  }
}
