package org.schoolsafety.persistence.lease;

import com.typesafe.config.Config;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.cassandra.journal.CassandraJournal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.immutable.Seq;
import scala.concurrent.Future;
import scala.runtime.BoxedUnit;
import scala.util.Try;

/**
 * The Cassandra journal with a write fence: a batch of an entity's events is written only while
 * this node holds its shard's lease ({@link ShardFence}). A refused batch fails like any journal
 * failure: the entity stops and restarts with backoff, and by then its shard has stopped here.
 * Cassandra's journal cannot refuse a second writer itself; this keeps a frozen node that wakes
 * from becoming one. Configured as the journal plugin's {@code class} (persistence.conf).
 */
public final class FencedCassandraJournal extends CassandraJournal {

  private static final Logger log = LoggerFactory.getLogger(FencedCassandraJournal.class);

  private final ShardFence fence;

  public FencedCassandraJournal(Config config, String configPath) {
    super(config, configPath);
    this.fence = new ShardFence((ExtendedActorSystem) context().system());
  }

  /** The lease the fence checks before writing events of {@code persistenceId} ("Type|entityId"). */
  public static String shardLeaseName(ExtendedActorSystem system, String persistenceId) {
    int bar = persistenceId.indexOf('|');
    return new ShardFence(system).leaseName(persistenceId.substring(0, bar), persistenceId.substring(bar + 1));
  }

  @Override
  public Future<Seq<Try<BoxedUnit>>> asyncWriteMessages(Seq<AtomicWrite> messages) {
    // One write request holds the events of one persistent entity.
    if (!messages.isEmpty()) {
      var refusal = fence.refusal(messages.head().persistenceId());
      if (refusal.isPresent()) {
        log.warn(refusal.get());
        return scala.concurrent.Future$.MODULE$.failed(new IllegalStateException(refusal.get()));
      }
    }
    return super.asyncWriteMessages(messages);
  }
}
