package org.schoolsafety.persistence.readside;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.NoOffset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.persistence.FirstTimeBucket;
import org.schoolsafety.persistence.StorageSchema;
import org.schoolsafety.persistence.testing.SharedCassandra;

/**
 * An entity created just before its node froze or died has its events in the journal but not yet
 * in the tag table. Its new owner writes the missing tag rows when it recovers the entity, with
 * the events' original timestamps — by then behind the offset of every running events-by-tag
 * query (the projections). Seen in a pause run: an incident reported on the frozen node never got
 * its row in the incident list. With {@code new-persistence-id-scan-timeout} (persistence.conf) the
 * query, meeting the entity first at tag sequence number 3, looks for 1 and 2 and delivers all
 * three in order.
 */
@ExtendWith(SharedCassandra.class)
class LateTagRowsTest {

  static final String TAG = "late-tag";
  static final String KEYSPACE = "it_late_tags";

  /** Appends each command as an event tagged {@link #TAG}; replies when it is written. */
  record Append(String event, ActorRef<Done> replyTo) {}

  static Behavior<Append> entity(String id) {
    return Behaviors.setup(ctx -> new EventSourcedBehavior<Append, String, List<String>>(PersistenceId.ofUniqueId(id)) {
      @Override
      public List<String> emptyState() {
        return List.of();
      }

      @Override
      public CommandHandler<Append, String, List<String>> commandHandler() {
        return (state, cmd) -> Effect().persist(cmd.event()).thenRun(s -> cmd.replyTo().tell(Done.getInstance()));
      }

      @Override
      public EventHandler<List<String>, String> eventHandler() {
        return (state, event) -> state;
      }

      @Override
      public Set<String> tagsFor(String event) {
        return Set.of(TAG);
      }
    });
  }

  static Config config(boolean eventsByTag) {
    return ConfigFactory.load(ConfigFactory.parseMap(Map.of(
            "hub.cassandra.journal-keyspace", KEYSPACE,
            "hub.cassandra.contact-points", List.of(SharedCassandra.contactPoint()),
            FirstTimeBucket.KEY, SharedCassandra.firstTimeBucket(),
            "datastax-java-driver.basic.request.timeout", "30s",
            "pekko.persistence.cassandra.events-by-tag.enabled", eventsByTag))
        .withFallback(ConfigFactory.parseResources("persistence.conf")));
  }

  @Test
  void anEntityWhoseFirstTagRowsAreWrittenLateIsDeliveredWhole() throws Exception {
    String run = Long.toHexString(System.nanoTime());
    String early = "Late|early-" + run;
    String orphan = "Late|orphan-" + run;
    ActorSystem<Void> owner = ActorSystem.create(Behaviors.empty(), "late-tags-owner", config(true));
    StorageSchema.initialize(owner, Duration.ofSeconds(120));  // as a node does, before any query
    try {
      List<String> delivered = new CopyOnWriteArrayList<>();
      AtomicLong latest = new AtomicLong();
      PersistenceQuery.get(owner).getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier())
          .eventsByTag(TAG, NoOffset.getInstance())
          .filter(e -> e.persistenceId().endsWith(run))
          .runWith(Sink.foreach(e -> {
            delivered.add(e.persistenceId() + ":" + e.sequenceNr());
            latest.accumulateAndGet(e.timestamp(), Math::max);
          }), owner);

      append(owner, early, "e1", "e2");
      await().atMost(Duration.ofSeconds(60)).until(() -> delivered.containsAll(List.of(early + ":1", early + ":2")));

      // A node that writes the orphan's first two events and dies before their tag rows.
      ActorSystem<Void> dying = ActorSystem.create(Behaviors.empty(), "late-tags-dying", config(false));
      try {
        append(dying, orphan, "o1", "o2");
      } finally {
        dying.terminate();
        dying.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
      }
      long orphaned = System.currentTimeMillis();
      // The query moves well past the orphan's events, beyond its short back-track (the last 10 s,
      // persistence.conf): events of another entity keep coming, and one written 15 s after the
      // orphan's is delivered. Only the scan for a new persistence id's earlier events can then
      // find the orphan's first two.
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> {
        append(owner, early, "e");
        return latest.get() > orphaned + 15_000;
      });
      assertThat(delivered).noneMatch(d -> d.startsWith(orphan));

      // The new owner recovers the orphan (writing its missing tag rows) and appends a third event.
      append(owner, orphan, "o3");
      await().atMost(Duration.ofSeconds(60)).until(() -> delivered.contains(orphan + ":3"));
      assertThat(delivered.stream().filter(d -> d.startsWith(orphan)).toList()).as("the orphan's events, in order")
          .containsExactly(orphan + ":1", orphan + ":2", orphan + ":3");
    } finally {
      owner.terminate();
    }
  }

  /** One running entity per system and id, as sharding would have. */
  private final Map<String, ActorRef<Append>> running = new java.util.concurrent.ConcurrentHashMap<>();

  private void append(ActorSystem<Void> system, String id, String... events) throws Exception {
    ActorRef<Append> ref = running.computeIfAbsent(system.name() + "/" + id,
        k -> system.systemActorOf(entity(id), "e-" + Long.toHexString(System.nanoTime()), Props.empty()));
    for (String event : events) {
      AskPattern.<Append, Done>ask(ref, r -> new Append(event, r), Duration.ofSeconds(30), system.scheduler())
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
