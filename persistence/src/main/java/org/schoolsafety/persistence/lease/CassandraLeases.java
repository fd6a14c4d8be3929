package org.schoolsafety.persistence.lease;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.Done;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.ActorPath;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.Terminated;
import org.apache.pekko.cluster.sharding.ClusterSharding;
import org.apache.pekko.stream.connectors.cassandra.CassandraSessionSettings;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the {@link CassandraLease}s of one actor system share: their Cassandra sessions and prepared
 * statements, the actor that watches the shards holding leases, the lease operations still in flight
 * (a coordinated shutdown waits for them, so that the releases of shards handed off on the way out
 * reach Cassandra before the session closes).
 */
final class CassandraLeases implements Extension {

  private static final Logger log = LoggerFactory.getLogger(CassandraLeases.class);

  static final class Id extends AbstractExtensionId<CassandraLeases> implements ExtensionIdProvider {
    @Override
    public CassandraLeases createExtension(ExtendedActorSystem system) {
      return new CassandraLeases(system);
    }

    @Override
    public Id lookup() {
      return ID;
    }
  }

  static final Id ID = new Id();

  static CassandraLeases get(ExtendedActorSystem system) {
    return ID.get(system);
  }

  private final ExtendedActorSystem system;
  private final Map<String, Store> stores = new ConcurrentHashMap<>();
  private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
  private volatile ActorRef watcher;

  private CassandraLeases(ExtendedActorSystem system) {
    this.system = system;
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
        "await-lease-releases", () -> {
          CompletableFuture<?>[] pending = inFlight.toArray(CompletableFuture[]::new);
          return CompletableFuture.allOf(pending).handle((x, e) -> Done.getInstance())
              .completeOnTimeout(Done.getInstance(), 5, java.util.concurrent.TimeUnit.SECONDS);
        });
  }

  /** This node's leases by name: what the journal's write fence asks ({@link ShardFence}). */
  private final Map<String, CassandraLease> byName = new ConcurrentHashMap<>();

  void register(CassandraLease lease) {
    byName.put(lease.getSettings().leaseName(), lease);
  }

  /** The lease of this name on this node, if one was ever asked for. */
  java.util.Optional<CassandraLease> lease(String name) {
    return java.util.Optional.ofNullable(byName.get(name));
  }

  /**
   * Runs {@code task} after {@code delay} on the system's dispatcher; not at all once the system is
   * shutting down (then null).
   */
  Cancellable schedule(Duration delay, Runnable task) {
    try {
      return system.scheduler().scheduleOnce(delay, task, system.dispatcher());
    } catch (IllegalStateException terminated) {
      return null;
    }
  }

  /** Remembers {@code operation} until it completes (see the class comment). */
  <T> CompletableFuture<T> track(CompletableFuture<T> operation) {
    inFlight.add(operation);
    operation.whenComplete((x, e) -> inFlight.remove(operation));
    return operation;
  }

  /** The store of one keyspace; the first time, also checks Cassandra's idle timeout against the margin. */
  Store store(String sessionConfigPath, String keyspace, Duration giveUpMargin) {
    return stores.computeIfAbsent(sessionConfigPath + "|" + keyspace, k -> {
      var store = new Store(
          CassandraSessionRegistry.get(system).sessionFor(CassandraSessionSettings.create(sessionConfigPath)),
          keyspace);
      store.driver().thenCompose(session -> IdleCloseCheck.run(session, giveUpMargin));
      return store;
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Cassandra

  /**
   * The outcome of a conditional write: applied, or the holder, owner and session found instead (all
   * null: no row; session null in a row of the per-lease design, which expires by its own TTL).
   */
  record Outcome(boolean applied, UUID holder, String owner, UUID session) {}

  /** Statement options of one lease configuration. */
  record Options(ConsistencyLevel consistency, ConsistencyLevel serialConsistency, Duration timeout) {}

  /** This JVM's session of {@code owner} in {@code store}, with the timings of {@code settings}. */
  LeaseSession session(Store store, String owner, CassandraLease.Settings settings) {
    return sessions.computeIfAbsent(new SessionKey(store, owner, settings),
        k -> new LeaseSession(store, owner, settings, this));
  }

  private record SessionKey(Store store, String owner, CassandraLease.Settings settings) {}

  private final Map<SessionKey, LeaseSession> sessions = new ConcurrentHashMap<>();

  /** The leases and lease_sessions tables of one keyspace, through one session. */
  static final class Store {
    private final CassandraSession session;
    private final String acquireCql;
    private final String takeOverCql;
    private final String releaseCql;
    private final String sessionAliveCql;
    private final String startSessionCql;
    private final String renewSessionCql;
    private final Map<String, CompletableFuture<PreparedStatement>> prepared = new ConcurrentHashMap<>();
    /** Sessions seen gone: never written again, so never alive again (bounded: a few per node restart). */
    private final Set<UUID> over = ConcurrentHashMap.newKeySet();
    /** Sessions seen alive, until when (System.nanoTime()) that answer is reused. */
    private final Map<UUID, Long> aliveUntil = new ConcurrentHashMap<>();
    static final Duration ALIVE_KNOWN_FOR = Duration.ofSeconds(1);
    /** The driver's own session, once Pekko's has it (see {@link #driver()}). */
    private volatile CompletableFuture<CqlSession> driver;

    Store(CassandraSession session, String keyspace) {
      this.session = session;
      String table = keyspace + "." + LeaseSchema.TABLE;
      String sessions = keyspace + "." + LeaseSchema.SESSIONS_TABLE;
      // No TTL: the row is held for as long as the session it names lives.
      this.acquireCql = "INSERT INTO " + table + " (name, owner, holder, session) VALUES (?, ?, ?, ?) IF NOT EXISTS";
      // From a holder whose session is over (seen gone by a SERIAL read), or from this lease object's
      // own row under its node's previous session; only if nobody else took it meanwhile.
      this.takeOverCql = "UPDATE " + table + " SET owner = ?, holder = ?, session = ? WHERE name = ?"
          + " IF holder = ? AND session = ?";
      this.releaseCql = "DELETE FROM " + table + " WHERE name = ? IF owner = ? AND holder = ?";
      this.sessionAliveCql = "SELECT owner FROM " + sessions + " WHERE id = ?";
      this.startSessionCql = "INSERT INTO " + sessions + " (id, owner) VALUES (?, ?) IF NOT EXISTS USING TTL ?";
      // The condition makes an expired session stay over: a plain write would bring it back after
      // another node had seen it gone and taken its leases.
      this.renewSessionCql = "UPDATE " + sessions + " USING TTL ? SET owner = ? WHERE id = ? IF owner = ?";
    }

    CompletionStage<Outcome> acquire(String name, String owner, UUID holder, UUID session, Options options) {
      return execute(acquireCql, options, name, owner, holder, session);
    }

    CompletionStage<Outcome> takeOver(String name, String owner, UUID holder, UUID session, Outcome found,
        Options options) {
      return execute(takeOverCql, options, owner, holder, session, name, found.holder(), found.session());
    }

    /** Whether the session is still alive: a linearizable (SERIAL) read, so that no renewal can follow "gone". */
    CompletionStage<Boolean> sessionAlive(UUID session, Options options) {
      if (over.contains(session)) {
        return CompletableFuture.completedFuture(false);
      }
      Long until = aliveUntil.get(session);
      if (until != null && System.nanoTime() - until < 0) {
        // seen alive less than a second ago: refusing again is safe, and spares the owner's renewals
        // the contention of a Paxos read per contending shard
        return CompletableFuture.completedFuture(true);
      }
      return statement(sessionAliveCql).thenCompose(ps -> {
        BoundStatement bound = ps.bind(session)
            .setConsistencyLevel(options.serialConsistency())
            .setTimeout(options.timeout());
        return driver().thenCompose(cql -> cql.executeAsync(bound));
      }).thenApply(rs -> {
        boolean alive = rs.one() != null;
        if (alive) {
          aliveUntil.values().removeIf(t -> System.nanoTime() - t >= 0);
          aliveUntil.put(session, System.nanoTime() + ALIVE_KNOWN_FOR.toNanos());
        } else {
          aliveUntil.remove(session);
          over.add(session);
        }
        return alive;
      });
    }

    CompletionStage<Outcome> startSession(UUID session, String owner, int ttlSeconds, Options options) {
      return execute(startSessionCql, options, session, owner, ttlSeconds);
    }

    CompletionStage<Outcome> renewSession(UUID session, String owner, int ttlSeconds, Options options) {
      return execute(renewSessionCql, options, ttlSeconds, owner, session, owner);
    }

    CompletionStage<Outcome> release(String name, String owner, UUID holder, Options options) {
      return execute(releaseCql, options, name, owner, holder);
    }

    private CompletionStage<Outcome> execute(String cql, Options options, Object... values) {
      return statement(cql).thenCompose(ps -> {
        BoundStatement bound = ps.bind(values)
            .setConsistencyLevel(options.consistency())
            .setSerialConsistencyLevel(options.serialConsistency())
            .setTimeout(options.timeout());
        return driver().thenCompose(cql2 -> cql2.executeAsync(bound));
      }).thenApply(Store::outcome);
    }

    /**
     * The driver's session, whose futures run their callbacks on the thread that completes them.
     * Pekko's javadsl futures are Scala's CompletableFuture wrappers, which run every callback
     * asynchronously on the JDK's default executor: with one core to spare (the common pool's
     * parallelism is cores - 1), that is a new thread per callback — two per lease renewal, ~220
     * threads a second on a 2-core node holding ~330 leases (docs/PERFORMANCE.md).
     */
    CompletableFuture<CqlSession> driver() {
      CompletableFuture<CqlSession> d = driver;
      if (d == null || d.isCompletedExceptionally()) {
        var resolved = new CompletableFuture<CqlSession>();
        session.underlying().whenCompleteAsync((s, failure) -> {
          if (failure != null) {
            resolved.completeExceptionally(failure);
          } else {
            resolved.complete(s);
          }
        }, Runnable::run);
        driver = d = resolved;
      }
      return d;
    }

    private static Outcome outcome(AsyncResultSet rs) {
      if (rs.wasApplied()) {
        return new Outcome(true, null, null, null);
      }
      Row row = rs.one();
      if (row == null) {
        return new Outcome(false, null, null, null);
      }
      var columns = row.getColumnDefinitions();
      return new Outcome(false, columns.contains("holder") ? row.getUuid("holder") : null,
          columns.contains("owner") ? row.getString("owner") : null,
          columns.contains("session") ? row.getUuid("session") : null);
    }

    /** Prepared once; a failed preparation (e.g. the table not there yet) is tried again next time. */
    private CompletableFuture<PreparedStatement> statement(String cql) {
      return prepared.compute(cql, (k, existing) ->
          existing != null && !existing.isCompletedExceptionally() ? existing
              : driver().thenCompose(s -> s.prepareAsync(cql)));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Shards

  /**
   * When the lease is a shard's (Pekko names it {@code <system>-shard-<type name>-<shard id>}):
   * watches that Shard actor and runs {@code onStop} once it has terminated, i.e. after all its
   * entities have stopped. Pekko 1.2.1's Shard never releases its lease (not on hand-off, rebalance
   * or stop; Pekko 2.0 does, in the Shard's postStop), so without this a shard that moved to another
   * node would stay leased by the old one for as long as that node runs. Returns false when the name
   * is not a shard's or no such shard runs here.
   */
  boolean watchShard(String leaseName, Runnable onStop) {
    String prefix = system.name() + "-shard-";
    if (!leaseName.startsWith(prefix)) {
      return false;
    }
    String rest = leaseName.substring(prefix.length());
    ActorRef nobody = system.deadLetters();
    for (String typeName : ClusterSharding.get(system).getShardTypeNames()) {
      if (!rest.startsWith(typeName + "-")) {
        continue;
      }
      String shardId = rest.substring(typeName.length() + 1);
      // as ClusterShardingGuardian and ShardRegion name their children. Resolved here, while the
      // Shard that asks for the lease is alive (it acquires from its own preStart or timer), so that
      // a Shard stopping right after is still watched (a dead actor's watch fires at once).
      ActorPath path = system.provider().rootPath().child("system").child("sharding")
          .child(URLEncoder.encode(typeName, StandardCharsets.UTF_8))
          .child(URLEncoder.encode(shardId, StandardCharsets.UTF_8));
      ActorRef shard = system.provider().resolveActorRef(path);
      if (shard != null && !shard.equals(nobody) && shard.path().equals(path)) {
        watcher().tell(new ShardWatcher.Watch(shard, onStop), ActorRef.noSender());
        return true;
      }
    }
    log.warn("no shard actor found for lease {}: it is released only by its TTL once this node stops renewing it",
        leaseName);
    return false;
  }

  private ActorRef watcher() {
    ActorRef w = watcher;
    if (w == null) {
      synchronized (this) {
        if (watcher == null) {
          watcher = system.systemActorOf(Props.create(ShardWatcher.class, ShardWatcher::new), "cassandra-lease-shards");
        }
        w = watcher;
      }
    }
    return w;
  }

  /** Watches the Shard actors that hold leases; runs a lease's callback when its Shard has stopped. */
  static final class ShardWatcher extends AbstractActor {

    /** {@code onStop} replaces an earlier one for the same shard: only a lease's latest acquire counts. */
    record Watch(ActorRef shard, Runnable onStop) {}

    private final Map<ActorRef, Runnable> watched = new HashMap<>();

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .match(Watch.class, w -> {
            getContext().watch(w.shard());
            watched.put(w.shard(), w.onStop());
          })
          .match(Terminated.class, t -> {
            Runnable onStop = watched.remove(t.getActor());
            if (onStop != null) {
              onStop.run();
            }
          })
          .build();
    }
  }
}
