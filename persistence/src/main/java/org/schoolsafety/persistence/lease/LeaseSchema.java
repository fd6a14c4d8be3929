package org.schoolsafety.persistence.lease;

import java.util.List;

/**
 * The table behind {@link CassandraLease}: one row per lease, in the journal's keyspace by default
 * ({@code hub.lease.cassandra.keyspace}). The same CQL is in {@code schema/lease.cql} for production,
 * where {@code SchemaFilesTest} keeps the two alike.
 *
 * <ul>
 *   <li>{@code name}: the lease's name, for a shard {@code <system>-shard-<entity type>-<shard id>};
 *   <li>{@code owner}: who holds it, as Pekko names the owner (a shard's: the node's {@code host:port});
 *   <li>{@code holder}: one lease object in one JVM: the compare-and-set key of every renewal and
 *       release, so that a restarted node with the same address is a different holder.
 * </ul>
 *
 * Every write sets every column with the lease's TTL, so a row that is not renewed disappears as a
 * whole ({@code SELECT name, owner, TTL(owner) FROM leases} shows what is held and for how long).
 */
public final class LeaseSchema {

  public static final String TABLE = "leases";

  private LeaseSchema() {}

  /** The CREATE TABLE statement in keyspace {@code ks}. */
  public static String createTable(String ks) {
    return "CREATE TABLE IF NOT EXISTS " + ks + "." + TABLE
        + " (name text PRIMARY KEY, owner text, holder uuid)";
  }

  /** Keyspace (if missing, with {@code replication}, a CQL map) and table. */
  public static List<String> statements(String ks, String replication) {
    return List.of("CREATE KEYSPACE IF NOT EXISTS " + ks + " WITH replication = " + replication, createTable(ks));
  }
}
