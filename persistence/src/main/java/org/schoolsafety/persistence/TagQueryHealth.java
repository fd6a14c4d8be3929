package org.schoolsafety.persistence;

import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.cassandra.query.scaladsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import scala.util.Try;

/**
 * Whether this node can still read events by tag, which every projection and the live streams
 * need. pekko-persistence-cassandra (1.1.0, and its main branch as of 2026-12) prepares the
 * statement behind its tag scanner once, when the read journal is made, and keeps the outcome for
 * the journal's life ({@code CassandraReadJournal.tagViewScanner} is a {@code val} holding a
 * {@code Future}); its other statements are prepared again after a failure. A prepare that failed
 * then (Cassandra timed out on a busy start, or the tables were not there yet) fails every
 * events-by-tag query of the node, and only a restart mends it (docs/RELIABILITY.md). Writes are
 * unaffected, so nothing else about the node shows it.
 */
public final class TagQueryHealth {

  private final CassandraReadJournal journal;

  /**
   * Makes the read journal if nothing has yet: make this only once the schema is ready
   * (StorageSchema), as the node does.
   */
  public TagQueryHealth(ActorSystem<?> system) {
    this.journal = PersistenceQuery.get(Adapter.toClassic(system))
        .<CassandraReadJournal>readJournalFor(CassandraReadJournal.Identifier());
  }

  /**
   * Why the node's tag queries cannot work until it restarts; empty while they can (or while the
   * prepare has not completed yet).
   */
  public Optional<String> brokenBecause() {
    var outcome = journal.tagViewScanner().value();
    if (outcome.isEmpty()) {
      return Optional.empty();
    }
    Try<?> done = outcome.get();
    if (done.isSuccess()) {
      return Optional.empty();
    }
    return Optional.of("events-by-tag queries fail for good on this node (the Cassandra plugin keeps the"
        + " failure of a statement prepared as its read journal started: " + done.failed().get()
        + "); projections and live streams here are stalled until the node restarts");
  }
}
