package org.schoolsafety.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The simulator is a black-box client of the hub: no class of it refers to the hub's own
 * modules (hub, persistence with its embedded Cassandra launcher, http-edge, dev) or their stack
 * (Pekko), and its runtime classpath holds none of their jars nor Cassandra's. The CQL driver is the
 * one exception, and only where CQL is the point: the benchmark's storage package
 * ({@code bench/storage}: the baseline writes straight into the hub's Cassandra node and reads its
 * write counters, as the benchmark's definition asks) and the failover harness's journal check
 * ({@code cluster/JournalWriters}). The local cluster starts the node and the Cassandra launcher as
 * processes, by main class name; it does not link them.
 */
class BlackBoxTest {

  private static final List<String> FORBIDDEN = List.of("org/schoolsafety/hub/", "org/schoolsafety/persistence/",
      "org/schoolsafety/edge/", "org/schoolsafety/dev/", "org/apache/pekko/");
  private static final String DRIVER = "com/datastax/";
  private static final String STORAGE_PACKAGE = "org/schoolsafety/sim/bench/storage/";
  /** Class files whose path starts with one of these may speak CQL. */
  private static final List<String> CQL_ALLOWED = List.of(STORAGE_PACKAGE, "org/schoolsafety/sim/cluster/JournalWriters");

  @Test
  void mainClassesReferToNothingOfTheHub() throws IOException {
    Path classes = Path.of("target", "classes");
    try (Stream<Path> files = Files.walk(classes)) {
      var offenders = files.filter(p -> p.toString().endsWith(".class")).filter(p -> {
        String text = new String(read(p), StandardCharsets.ISO_8859_1);
        String path = classes.relativize(p).toString().replace('\\', '/');
        boolean cql = CQL_ALLOWED.stream().anyMatch(path::startsWith);
        return FORBIDDEN.stream().anyMatch(text::contains) || (!cql && text.contains(DRIVER));
      }).toList();
      assertThat(offenders).isEmpty();
    }
  }

  /** The outside-in tools live here, not in the node: the local cluster and the failover harness. */
  @Test
  void theClusterToolsAreHere() {
    assertThat(Path.of("target", "classes", "org", "schoolsafety", "sim", "cluster"))
        .isDirectoryContaining("glob:**/LocalCluster.class")
        .isDirectoryContaining("glob:**/FailoverHarness.class")
        .isDirectoryContaining("glob:**/ClusterCli.class");
  }

  @Test
  void onlyTheStoragePackageSpeaksCql() throws IOException {
    Path storage = Path.of("target", "classes").resolve(STORAGE_PACKAGE);
    assertThat(storage).isDirectory();
    try (Stream<Path> files = Files.walk(storage)) {
      assertThat(files.filter(p -> p.toString().endsWith(".class"))
          .anyMatch(p -> new String(read(p), StandardCharsets.ISO_8859_1).contains(DRIVER))).isTrue();
    }
  }

  @Test
  void runtimeClasspathHasNoHubJars() throws IOException {
    Path file = Path.of("target", "runtime.classpath");
    if (!Files.exists(file)) {
      return; // written at package, after the tests of a first build
    }
    String classpath = Files.readString(file);
    assertThat(classpath).doesNotContain("/hub/", "/persistence/", "/http-edge/", "/dev/", "embedded-cassandra", "pekko",
        "cassandra-all");
    // the CQL driver (org.apache.cassandra:java-driver-core) is the only Cassandra jar
    assertThat(classpath.split(java.io.File.pathSeparator)).filteredOn(jar -> jar.contains("/org/apache/cassandra/"))
        .allMatch(jar -> jar.contains("/java-driver-"));
  }

  private static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
