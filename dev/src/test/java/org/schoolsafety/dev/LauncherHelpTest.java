package org.schoolsafety.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/hub} itself, for the commands that answer without building anything (the others'
 * {@code --help} is each main class's own, tested beside it). {@code bin/hub test --help} used to
 * hand {@code --help} to Maven and {@code bin/hub jmh --help} to JMH, which refused it.
 */
class LauncherHelpTest {

  private record Outcome(int status, String out, String err) {}

  @Test
  void theLauncherListsEveryCommand() throws Exception {
    var outcome = launch("--help");
    assertThat(outcome.status()).isZero();
    assertThat(outcome.out()).contains("bin/hub dev", "bin/hub node", "bin/hub token", "bin/hub cluster",
        "bin/hub failover-test", "bin/hub drill", "bin/hub bench", "bin/hub test", "bin/hub jmh");
    assertThat(outcome.out()).contains("reports|streams|surge|baseline|schools|sensors");
  }

  @Test
  void testHelpIsTheHubsUsageNotMavens() throws Exception {
    var outcome = launch("test", "--help");
    assertThat(outcome.status()).isZero();
    assertThat(outcome.out()).startsWith("usage: hub test").contains("mvn -B verify").doesNotContain("usage: mvn");
  }

  @Test
  void jmhHelpIsAUsageNotAnError() throws Exception {
    var outcome = launch("jmh", "--help");
    assertThat(outcome.status()).isZero();
    assertThat(outcome.out()).startsWith("usage: hub jmh").contains("bin/hub jmh -h");
    assertThat(outcome.err()).doesNotContain("Error parsing command line");
  }

  @Test
  void anUnknownCommandIsAnErrorWithStatus2() throws Exception {
    var outcome = launch("deploy");
    assertThat(outcome.status()).isEqualTo(2);
    assertThat(outcome.err()).contains("hub: unknown command 'deploy'").contains("bin/hub dev");
  }

  private static Outcome launch(String... args) throws IOException, InterruptedException {
    Path launcher = repositoryRoot().resolve("bin/hub");
    List<String> command = new ArrayList<>(List.of("bash", launcher.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("hub-out", ".txt");
    Path err = Files.createTempFile("hub-err", ".txt");
    try {
      Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("bin/hub %s ended", String.join(" ", args)).isTrue();
      return new Outcome(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** The module runs from {@code dev/}; the launcher lives one level up. */
  private static Path repositoryRoot() {
    Path here = Path.of("").toAbsolutePath();
    for (Path dir = here; dir != null; dir = dir.getParent()) {
      if (Files.isExecutable(dir.resolve("bin/hub"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no bin/hub above " + here);
  }
}
