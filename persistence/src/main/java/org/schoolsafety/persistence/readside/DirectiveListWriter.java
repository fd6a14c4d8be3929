package org.schoolsafety.persistence.readside;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.schoolsafety.hub.directive.Directive;
import org.schoolsafety.hub.directive.DirectiveSpec;
import org.schoolsafety.hub.directive.TargetSchool;

/**
 * Projection handler for the list of directives (tag "directive": issued, revised, lifted): one
 * row per directive in the partition of every province one of its schools is in, so that a
 * command center opening the console finds the directives in force over its region. Lifting
 * names no school, so issuing also records the directive's provinces. Every write sets values
 * from the event (a revision rewrites the whole row, in the provinces of the old and the new
 * schools): a replay writes the same rows again.
 */
final class DirectiveListWriter extends Handler<EventEnvelope<Directive.Event>> {

  private static final String COLUMNS = "province, directive_id, scope, posture, mode, instruction, schools, "
      + "school_regions, issued_at, issued_by, source, revised_at";

  private final CassandraSession session;
  private final String ks;
  private PreparedStatement upsert;
  private PreparedStatement provinces;
  private PreparedStatement findProvinces;
  private PreparedStatement findRow;
  private PreparedStatement lifted;

  DirectiveListWriter(CassandraSession session, String keyspace) {
    this.session = session;
    this.ks = keyspace;
  }

  @Override
  public CompletionStage<Done> start() {
    var statements = List.of(
        session.prepare("INSERT INTO " + ks + ".directives_by_province (" + COLUMNS + ") "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        session.prepare("INSERT INTO " + ks + ".directive_provinces (directive_id, provinces) VALUES (?, ?)"),
        session.prepare("SELECT provinces FROM " + ks + ".directive_provinces WHERE directive_id = ?"),
        session.prepare("SELECT issued_at, issued_by FROM " + ks + ".directives_by_province "
            + "WHERE province = ? AND directive_id = ?"),
        session.prepare("UPDATE " + ks + ".directives_by_province SET lifted_at = ?, lifted_by = ?, lift_reason = ? "
            + "WHERE province = ? AND directive_id = ?"));
    return Statements.all(statements).thenApply(prepared -> {
          upsert = prepared.get(0);
          provinces = prepared.get(1);
          findProvinces = prepared.get(2);
          findRow = prepared.get(3);
          lifted = prepared.get(4);
          return Done.getInstance();
        });
  }

  @Override
  public CompletionStage<Done> process(EventEnvelope<Directive.Event> envelope) {
    String directiveId = envelope.persistenceId().substring(envelope.persistenceId().indexOf('|') + 1);
    Directive.Event event = envelope.event();
    if (event instanceof Directive.Issued e) {
      return write(directiveId, e.spec(), provincesOf(e.spec()), e.at(), e.by(), null);
    }
    if (event instanceof Directive.Revised e) {
      return known(directiveId).thenCompose(before -> {
        if (before.isEmpty()) {
          return CompletableFuture.completedFuture(Done.getInstance());  // issued before it was tagged
        }
        Set<String> all = new TreeSet<>(before);
        all.addAll(provincesOf(e.spec()));
        return session.selectOne(findRow.bind(before.iterator().next(), directiveId)).thenCompose(row -> row.isEmpty()
            ? CompletableFuture.completedFuture(Done.getInstance())
            : write(directiveId, e.spec(), all, row.get().getInstant("issued_at"), row.get().getString("issued_by"), e.at()));
      });
    }
    if (event instanceof Directive.Lifted e) {
      return known(directiveId).thenCompose(in -> all(in.stream()
          .map(p -> session.executeWrite(lifted.bind(e.at(), e.by(), e.reason(), p, directiveId)))
          .toList()));
    }
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  private CompletionStage<Done> write(String directiveId, DirectiveSpec spec, Set<String> in, java.time.Instant issuedAt,
      String issuedBy, java.time.Instant revisedAt) {
    Set<String> regions = new TreeSet<>();
    spec.schools().forEach(s -> regions.add(s.region().value()));
    return session.executeWrite(provinces.bind(directiveId, in)).thenCompose(done -> all(in.stream()
        .map(p -> session.executeWrite(upsert.bind(p, directiveId, spec.scope(), spec.posture().name(),
            spec.mode().name(), spec.instruction(), spec.schools().size(), regions, issuedAt, issuedBy, spec.source(),
            revisedAt)))
        .toList()));
  }

  /** The provinces of the directive's schools (and of its scope, when it names one). */
  static Set<String> provincesOf(DirectiveSpec spec) {
    Set<String> in = new TreeSet<>();
    for (TargetSchool school : spec.schools()) {
      in.add(school.region().value().substring(0, 2));
    }
    if (spec.scope() != null && spec.scope().length() >= 2) {
      in.add(spec.scope().substring(0, 2));
    }
    return in;
  }

  private CompletionStage<Set<String>> known(String directiveId) {
    return session.selectOne(findProvinces.bind(directiveId))
        .thenApply(row -> row.map((Row r) -> r.getSet("provinces", String.class)).orElse(Set.of()));
  }

  private static CompletionStage<Done> all(List<CompletionStage<Done>> writes) {
    return CompletableFuture.allOf(writes.stream().map(CompletionStage::toCompletableFuture)
        .toArray(CompletableFuture[]::new)).thenApply(x -> Done.getInstance());
  }
}
