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
 * modules (hub, persistence, http-edge), and its runtime classpath holds none of their jars.
 */
class BlackBoxTest {

  private static final List<String> FORBIDDEN = List.of("org/schoolsafety/hub/", "org/schoolsafety/persistence/",
      "org/schoolsafety/edge/", "org/apache/pekko/", "com/datastax/");

  @Test
  void mainClassesReferToNothingOfTheHub() throws IOException {
    Path classes = Path.of("target", "classes");
    try (Stream<Path> files = Files.walk(classes)) {
      var offenders = files.filter(p -> p.toString().endsWith(".class")).filter(p -> {
        String text = new String(read(p), StandardCharsets.ISO_8859_1);
        return FORBIDDEN.stream().anyMatch(text::contains);
      }).toList();
      assertThat(offenders).isEmpty();
    }
  }

  @Test
  void runtimeClasspathHasNoHubJars() throws IOException {
    Path file = Path.of("target", "runtime.classpath");
    if (!Files.exists(file)) {
      return; // written at package, after the tests of a first build
    }
    assertThat(Files.readString(file)).doesNotContain("/hub/", "/persistence/", "/http-edge/", "pekko", "cassandra");
  }

  private static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
