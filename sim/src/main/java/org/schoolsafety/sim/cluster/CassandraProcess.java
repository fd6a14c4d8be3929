package org.schoolsafety.sim.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local cluster's Cassandra: the embedded Cassandra launcher ({@value #LAUNCHER}, module
 * persistence/embedded-cassandra) run as a process of its own from the node's classpath, so that
 * nothing of the hub is loaded here. It is ready once it prints {@value #READY}; SIGTERM stops it in
 * order (the launcher's shutdown hook drains Cassandra), and it stops by itself when this JVM goes
 * (it watches its stdin), so no Cassandra outlives the cluster.
 */
public final class CassandraProcess {

  private static final Logger log = LoggerFactory.getLogger(CassandraProcess.class);

  static final String LAUNCHER = "org.schoolsafety.persistence.cassandra.EmbeddedCassandra";
  /** The launcher's line once CQL answers (EmbeddedCassandra.READY_LINE). */
  static final String READY = "Cassandra ready on ";
  /** The launcher gives up by itself after hub.cassandra.startup-timeout (120 s by default). */
  private static final Duration READY_WITHIN = Duration.ofMinutes(6);
  /** The launcher gives Cassandra 30 s to drain after SIGTERM, then kills it. */
  private static final Duration STOP_WITHIN = Duration.ofSeconds(60);

  private final String classpath;
  private final Path dataDir;
  private final int port;
  private final int storagePort;
  private final Map<String, String> systemProperties;
  private final Path logFile;
  private volatile Process process;

  CassandraProcess(String classpath, Path dataDir, int port, int storagePort, Map<String, String> systemProperties,
      Path logFile) {
    this.classpath = classpath;
    this.dataDir = dataDir;
    this.port = port;
    this.storagePort = storagePort;
    this.systemProperties = Map.copyOf(systemProperties);
    this.logFile = logFile;
  }

  /** The CQL port. */
  public int port() {
    return port;
  }

  /** {@code "127.0.0.1:port"}. */
  public String contactPoint() {
    return "127.0.0.1:" + port;
  }

  /** The launcher's output; Cassandra's own log is {@code cassandra.log} in its data directory. */
  public Path logFile() {
    return logFile;
  }

  public boolean isRunning() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /** Starts the launcher and returns once Cassandra answers CQL. Does nothing if it runs. */
  public synchronized void start() {
    if (isRunning()) {
      return;
    }
    var command = new ArrayList<String>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx128m");
    command.add("-Dhub.exit-when-stdin-closes=true");
    systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.addAll(List.of("-cp", classpath, LAUNCHER,
        "--data", dataDir.toString(), "--port", String.valueOf(port), "--storage-port", String.valueOf(storagePort)));
    Process p;
    try {
      Files.createDirectories(logFile.getParent());
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the Cassandra launcher", e);
    }
    process = p;
    CompletableFuture<String> ready = new CompletableFuture<>();
    Thread reader = new Thread(() -> copyOutput(p, ready), "cassandra-launcher-output");
    reader.setDaemon(true);
    reader.start();
    try {
      ready.get(READY_WITHIN.toSeconds(), TimeUnit.SECONDS);
      log.info("Cassandra ready on {} (launcher pid {}, its output in {})", contactPoint(), p.pid(), logFile);
    } catch (ExecutionException | TimeoutException e) {
      stop();
      throw new IllegalStateException("Cassandra did not start on " + contactPoint() + " ("
          + (e instanceof TimeoutException ? "not ready within " + READY_WITHIN.toMinutes() + " min"
              : e.getCause().getMessage()) + "); see " + logFile + " and " + dataDir.resolve("cassandra.log"), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop();
      throw new IllegalStateException("interrupted while Cassandra was starting", e);
    }
  }

  /** Appends the launcher's output to the log and completes {@code ready} with its ready line. */
  private void copyOutput(Process p, CompletableFuture<String> ready) {
    try (var in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
         Writer out = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
             StandardOpenOption.APPEND)) {
      String line;
      while ((line = in.readLine()) != null) {
        out.write(line);
        out.write('\n');
        out.flush();
        if (line.startsWith(READY)) {
          ready.complete(line);
        }
      }
    } catch (IOException e) {
      // the launcher is gone; the line below says so
    }
    ready.completeExceptionally(new IllegalStateException("the launcher exited" + exitStatus(p)));
  }

  private static String exitStatus(Process p) {
    try {
      return p.waitFor(5, TimeUnit.SECONDS) ? " with status " + p.exitValue() : "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** SIGTERM: the launcher stops Cassandra in order (it drains); SIGKILL if it is not gone in time. */
  public synchronized void stop() {
    Process p = process;
    if (p == null) {
      return;
    }
    process = null;
    if (!p.isAlive()) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(STOP_WITHIN.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("the Cassandra launcher (pid {}) did not stop within {} s of SIGTERM: killing it", p.pid(),
            STOP_WITHIN.toSeconds());
        // Cassandra itself exits when the launcher's end of its stdin closes.
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("Cassandra on {} stopped", contactPoint());
  }
}
