package org.schoolsafety.persistence;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The production schema, {@code schema/*.cql} on the classpath: what a platform team runs with
 * cqlsh (docs/DEPLOY.md). The files name the default keyspaces ({@code school_safety},
 * {@code school_safety_snapshot}, {@code school_safety_read}) and replicate with
 * NetworkTopologyStrategy, RF 3 in the placeholder datacenter {@code DATACENTER_NAME}; this class
 * reads them as statements with other keyspace names and replication filled in.
 */
public final class SchemaFiles {

  public static final String JOURNAL = "schema/journal.cql";
  public static final String SNAPSHOT = "schema/snapshot.cql";
  public static final String READ_SIDE = "schema/read-side.cql";
  /** The leases table of CassandraLease, in the journal's keyspace. */
  public static final String LEASE = "schema/lease.cql";
  public static final List<String> ALL = List.of(JOURNAL, SNAPSHOT, READ_SIDE, LEASE);

  /** The replication of every keyspace in the files. */
  public static final String FILE_REPLICATION = "{'class': 'NetworkTopologyStrategy', 'DATACENTER_NAME': 3}";

  private static final Pattern KEYSPACE = Pattern.compile("\\bschool_safety(_snapshot|_read)?\\b");

  private SchemaFiles() {}

  /** Keyspace names in place of the files' defaults. */
  public record Keyspaces(String journal, String snapshot, String read) {

    /** The keyspaces the node is configured with. */
    public static Keyspaces fromConfig(Config config) {
      return new Keyspaces(config.getString("pekko.persistence.cassandra.journal.keyspace"),
          config.getString("pekko.persistence.cassandra.snapshot.keyspace"),
          config.getString("hub.cassandra.read-keyspace"));
    }

    String of(String suffix) {
      return switch (suffix == null ? "" : suffix) {
        case "" -> journal;
        case "_snapshot" -> snapshot;
        case "_read" -> read;
        default -> throw new IllegalArgumentException(suffix);
      };
    }
  }

  /**
   * The file's CQL statements without comments, keyspaces renamed and {@code replication} (a CQL
   * map, e.g. {@code {'class': 'SimpleStrategy', 'replication_factor': 1}}) in place of the files'.
   */
  public static List<String> statements(String file, Keyspaces keyspaces, String replication) {
    String cql = read(file).lines().filter(line -> !line.strip().startsWith("--"))
        .collect(Collectors.joining("\n"));
    if (!cql.contains(FILE_REPLICATION)) {
      throw new IllegalStateException(file + " does not replicate with " + FILE_REPLICATION);
    }
    cql = cql.replace(FILE_REPLICATION, replication);
    cql = KEYSPACE.matcher(cql).replaceAll(m -> Matcher.quoteReplacement(keyspaces.of(m.group(1))));
    List<String> statements = new ArrayList<>();
    for (String part : cql.split(";")) {
      if (!part.isBlank()) {
        statements.add(part.strip());
      }
    }
    return statements;
  }

  /** The file's text. */
  public static String read(String file) {
    try (InputStream in = SchemaFiles.class.getClassLoader().getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalStateException("no " + file + " on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
