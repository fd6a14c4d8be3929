package org.schoolsafety.dev;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Six months of demo history on a fresh data directory (issue 18 item 6): the dev node runs sim's
 * history scenario against itself over HTTP — as a child process, since module {@code dev} does
 * not link the simulator — after the demo data and before it says it is ready. {@code bin/hub dev}
 * names the simulator's classpath and the scenario ({@code -Dhub.dev.history.classpath},
 * {@code -Dhub.dev.history.scenario}); without them (tests that start dev nodes from module
 * {@code dev}'s build output alone) there is no history. Loaded once per data directory (the
 * marker file {@code history-loaded}); loading it again would change nothing, but costs time.
 */
final class DevHistory {

  static final String CLASSPATH = "hub.dev.history.classpath";
  static final String SCENARIO = "hub.dev.history.scenario";
  private static final long WAIT_MINUTES = 10;

  private DevHistory() {}

  /** Loads the history unless it is there or cannot be; says what happened, for the banner. */
  static String load(Path dataDir, int httpPort) {
    String classpath = System.getProperty(CLASSPATH);
    String scenario = System.getProperty(SCENARIO);
    if (classpath == null || scenario == null) {
      return "none (start with bin/hub dev to load sim's history scenario)";
    }
    Path marker = dataDir.resolve(DemoMarker.HISTORY);
    Path log = dataDir.resolve("history.log");
    try {
      if (Files.exists(marker)) {
        return Files.readString(marker, StandardCharsets.UTF_8).trim() + " (loaded on the first start)";
      }
      System.out.println("Loading six months of demo history through the API (log " + log + ") ...");
      long started = System.nanoTime();
      Process process = new ProcessBuilder(List.of(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp", classpath,
              "org.schoolsafety.sim.Main", "drill", scenario,
              "--hub", "http://127.0.0.1:" + httpPort,
              "--data", dataDir.toString(),
              "--out", dataDir.resolve("history.json").toString()))
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
      if (!process.waitFor(WAIT_MINUTES, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        return "not loaded: the history did not finish within " + WAIT_MINUTES + " minutes (see " + log + ")";
      }
      if (process.exitValue() != 0) {
        return "not loaded completely (exit " + process.exitValue() + "; see " + log + "; the next start tries again)";
      }
      String first = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
          .filter(l -> l.startsWith("history:")).findFirst().orElse("history loaded");
      String summary = first.replaceFirst("^history: ", "") + String.format(" (%.0f s on this start)",
          (System.nanoTime() - started) / 1e9);
      Files.writeString(marker, first.replaceFirst("^history: ", "") + "\n", StandardCharsets.UTF_8);
      return summary;
    } catch (IOException e) {
      return "not loaded: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "not loaded: interrupted";
    }
  }
}
