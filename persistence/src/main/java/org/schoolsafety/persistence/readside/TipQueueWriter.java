package org.schoolsafety.persistence.readside;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.schoolsafety.hub.tip.NewTip;
import org.schoolsafety.hub.tip.TipEvent;

/**
 * Projection handler for the tips queue per region (issue 17): a tip's metadata in its province's
 * partition — category, priority, status, school, response deadline, overdue — never its text nor
 * anything of the tipster. Later events name only the school, so the arrival also records the
 * tip's province. Every write is an upsert of values from the event: a replay changes nothing.
 * The first triage also keeps its time and the response deadline the tip had until then
 * ({@code triaged_at}, {@code triage_due}) for the monthly evaluation; later triages leave them.
 */
final class TipQueueWriter extends Handler<EventEnvelope<TipEvent>> {

  private final CassandraSession session;
  private final String ks;
  private PreparedStatement insert;
  private PreparedStatement province;
  private PreparedStatement findProvince;
  private PreparedStatement triaged;
  private PreparedStatement overdue;
  private PreparedStatement findTriage;
  private PreparedStatement firstTriage;

  TipQueueWriter(CassandraSession session, String keyspace) {
    this.session = session;
    this.ks = keyspace;
  }

  @Override
  public CompletionStage<Done> start() {
    var statements = java.util.List.of(
        session.prepare("INSERT INTO " + ks + ".tips_by_province (province, tip_id, school_id, school_name, "
            + "region_code, category, priority, status, received_at, deadline, overdue) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, false)"),
        session.prepare("INSERT INTO " + ks + ".tip_provinces (tip_id, province) VALUES (?, ?)"),
        session.prepare("SELECT province FROM " + ks + ".tip_provinces WHERE tip_id = ?"),
        session.prepare("UPDATE " + ks + ".tips_by_province SET priority = ?, status = ?, deadline = ? "
            + "WHERE province = ? AND tip_id = ?"),
        session.prepare("UPDATE " + ks + ".tips_by_province SET overdue = true WHERE province = ? AND tip_id = ?"),
        session.prepare("SELECT triaged_at, deadline FROM " + ks + ".tips_by_province WHERE province = ? AND tip_id = ?"),
        session.prepare("UPDATE " + ks + ".tips_by_province SET priority = ?, status = ?, deadline = ?, "
            + "triaged_at = ?, triage_due = ? WHERE province = ? AND tip_id = ?"));
    return Statements.all(statements).thenApply(prepared -> {
          insert = prepared.get(0);
          province = prepared.get(1);
          findProvince = prepared.get(2);
          triaged = prepared.get(3);
          overdue = prepared.get(4);
          findTriage = prepared.get(5);
          firstTriage = prepared.get(6);
          return Done.getInstance();
        });
  }

  @Override
  public CompletionStage<Done> process(EventEnvelope<TipEvent> envelope) {
    TipEvent event = envelope.event();
    if (event instanceof TipEvent.Submitted s) {
      NewTip t = s.tip();
      String p = t.region().province();
      return session.executeWrite(province.bind(s.tipId(), p))
          .thenCompose(done -> session.executeWrite(insert.bind(p, s.tipId(), t.schoolId(), t.schoolName(),
              t.region().value(), t.category().name(), s.priority().name(), "NEW", s.at(), s.deadline())));
    }
    if (event instanceof TipEvent.Triaged e) {
      return inProvince(e.tipId(), p -> session.selectOne(findTriage.bind(p, e.tipId())).thenCompose(row -> {
        // The first triage answers the tip (issue 18's "tips answered in time"); it had to come by
        // the deadline the row held until now. A replay finds triaged_at set and keeps it.
        if (row.isPresent() && row.get().getInstant("triaged_at") == null) {
          return session.executeWrite(firstTriage.bind(e.priority().name(), e.status().name(), e.deadline(),
              e.at(), row.get().getInstant("deadline"), p, e.tipId()));
        }
        return session.executeWrite(triaged.bind(e.priority().name(), e.status().name(), e.deadline(), p, e.tipId()));
      }));
    }
    if (event instanceof TipEvent.WentOverdue e) {
      return inProvince(e.tipId(), p -> session.executeWrite(overdue.bind(p, e.tipId())));
    }
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  /** A tip submitted before its events were tagged has no row to update: it is left out. */
  private CompletionStage<Done> inProvince(String tipId,
      java.util.function.Function<String, CompletionStage<Done>> write) {
    return session.selectOne(findProvince.bind(tipId))
        .thenCompose(row -> row.isPresent() ? write.apply(row.get().getString("province"))
            : CompletableFuture.completedFuture(Done.getInstance()));
  }
}
