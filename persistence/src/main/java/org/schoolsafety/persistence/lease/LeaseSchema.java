package org.schoolsafety.persistence.lease;

import java.util.List;

/**
 * The tables behind {@link CassandraLease}, in the journal's keyspace by default
 * ({@code hub.lease.cassandra.keyspace}). The same CQL is in {@code schema/lease.cql} for production,
 * where {@code SchemaFilesTest} keeps the two alike.
 *
 * <p>{@code leases}: one row per lease, without TTL, held for as long as the session it names lives.
 * <ul>
 *   <li>{@code name}: the lease's name, for a shard {@code <system>-shard-<entity type>-<shard id>};
 *   <li>{@code owner}: who holds it, as Pekko names the owner (a shard's: the node's {@code host:port});
 *   <li>{@code holder}: one lease object in one JVM: the compare-and-set key of every release and take-over,
 *       so that a restarted node with the same address is a different holder;
 *   <li>{@code session}: the {@code lease_sessions} row that keeps it held.
 * </ul>
 *
 * <p>{@code lease_sessions}: one row per live owner session (a node's), written with the TTL
 * heartbeat-timeout and renewed every heartbeat-interval ({@link LeaseSession}). {@code SELECT l.name,
 * l.owner FROM leases} beside {@code SELECT id, owner, TTL(owner) FROM lease_sessions} shows what is
 * held and for how long.
 */
public final class LeaseSchema {

  public static final String TABLE = "leases";
  public static final String SESSIONS_TABLE = "lease_sessions";

  private LeaseSchema() {}

  /** The CREATE TABLE statement in keyspace {@code ks}. */
  public static String createTable(String ks) {
    return "CREATE TABLE IF NOT EXISTS " + ks + "." + TABLE
        + " (name text PRIMARY KEY, owner text, holder uuid, session uuid)";
  }

  /** The CREATE TABLE statement of the sessions table in keyspace {@code ks}. */
  public static String createSessionsTable(String ks) {
    return "CREATE TABLE IF NOT EXISTS " + ks + "." + SESSIONS_TABLE + " (id uuid PRIMARY KEY, owner text)";
  }

  /** The column a leases table made before sessions lacks (see {@code StorageSchema}). */
  public static String addSessionColumn(String ks) {
    return "ALTER TABLE " + ks + "." + TABLE + " ADD session uuid";
  }

  /** Keyspace (if missing, with {@code replication}, a CQL map) and table. */
  public static List<String> statements(String ks, String replication) {
    return List.of("CREATE KEYSPACE IF NOT EXISTS " + ks + " WITH replication = " + replication, createTable(ks),
        createSessionsTable(ks));
  }
}
