package org.schoolsafety.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What ships is the node (deploy/Dockerfile copies http-edge's jar and its runtime classpath): no
 * class of http-edge refers to the dev launcher (module dev: demo data, dev tokens and secret), the
 * embedded Cassandra launcher (module persistence/embedded-cassandra) or the outside-in tools
 * (module sim: drills, benchmark, local cluster, failover harness), and none of them, nor Cassandra
 * itself, is on the node's runtime classpath. Dependencies point one way: dev and sim use the node,
 * never the other way round.
 */
class NodeOnlyTest {

  /** Packages that are dev or test tooling: the dev launcher, the embedded Cassandra launcher, sim. */
  private static final List<String> TOOLING = List.of("org/schoolsafety/dev/", "org/schoolsafety/persistence/cassandra/",
      "org/schoolsafety/sim/");

  @Test
  void theNodesClassesReferToNoDevOrTestTooling() throws IOException {
    Path classes = Path.of("target", "classes");
    try (Stream<Path> files = Files.walk(classes)) {
      var offenders = files.filter(p -> p.toString().endsWith(".class")).filter(p -> {
        String text = new String(read(p), StandardCharsets.ISO_8859_1);
        return TOOLING.stream().anyMatch(text::contains) || text.contains("org.schoolsafety.persistence.cassandra.");
      }).toList();
      assertThat(offenders).isEmpty();
    }
    assertThat(classes.resolve("org/schoolsafety/edge/cluster")).doesNotExist();
    assertThat(classes.resolve("org/schoolsafety/edge/demo")).doesNotExist();
    assertThat(classes.resolve("demo")).as("the demo data").doesNotExist();
  }

  /** The jars the image copies beside http-edge's own hold no launcher, demo data or tools either. */
  @Test
  void theNodesRuntimeClasspathHoldsNoDevOrTestTooling() throws IOException {
    Path file = Path.of("target", "runtime.classpath");
    if (!Files.exists(file)) {
      return; // written at package, after the tests of a first build
    }
    List<String> jars = Arrays.asList(Files.readString(file).trim().split(File.pathSeparator));
    assertThat(jars).noneMatch(jar -> jar.contains("embedded-cassandra") || jar.contains("/cassandra-all")
        || jar.contains("/dev/") || jar.contains("/sim/") || jar.endsWith("-tests.jar"));
    var offenders = new ArrayList<String>();
    for (String jar : jars.stream().filter(j -> j.contains("schoolsafety") || j.contains("/hub/")
        || j.contains("/persistence/")).toList()) {
      try (JarFile contents = new JarFile(jar)) {
        contents.stream().map(e -> e.getName())
            .filter(name -> TOOLING.stream().anyMatch(name::startsWith) || name.startsWith("demo/"))
            .forEach(name -> offenders.add(jar + "!" + name));
      }
    }
    assertThat(offenders).isEmpty();
  }

  private static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
