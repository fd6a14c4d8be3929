package org.schoolsafety.sim;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A real dev node ({@code org.schoolsafety.dev.DevMain dev}: embedded Cassandra, demo data) in a
 * child process, run from module dev's build output exactly as bin/hub runs it. Nothing of the
 * hub is loaded into the test JVM.
 *
 * <p>The child is wrapped in {@code sh}, which exits with the node; a watcher it starts waits on
 * sh's stdin: closing it (or the test JVM dying for any reason) sends SIGTERM to the node, whose
 * shutdown stops its Cassandra (and Cassandra exits by itself when the node is gone).
 * {@link #close()} does that, then kills whatever of the process tree is still alive.
 */
final class DevNode implements AutoCloseable {

  final Path dataDir;
  final int port;
  /** The embedded Cassandra's CQL port (the benchmark's baseline and write counters use it). */
  final int cassandraPort;
  final Path log;
  private final Process process;
  private final Thread shutdownHook;

  private DevNode(Path dataDir, int port, int cassandraPort, Path log, Process process) {
    this.dataDir = dataDir;
    this.port = port;
    this.cassandraPort = cassandraPort;
    this.log = log;
    this.process = process;
    this.shutdownHook = new Thread(this::stop, "dev-node-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  static DevNode start(Path dataDir) throws IOException {
    return start(dataDir, List.of());
  }

  /** With extra JVM options for the node, e.g. {@code -Dhub.hazard.escalation-interval=10s}. */
  static DevNode start(Path dataDir, List<String> jvmOptions) throws IOException {
    Path nodeClasses = Path.of(required("sim.node.classes"));
    Path nodeClasspath = Path.of(required("sim.node.classpath-file"));
    Path cassandraClasspath = Path.of(required("sim.cassandra.classpath-file"));
    for (Path p : List.of(nodeClasses, nodeClasspath, cassandraClasspath)) {
      if (!Files.exists(p)) {
        throw new IllegalStateException(p + " is missing: build with `mvn -B -pl sim -am verify` (module dev is packaged first)");
      }
    }
    Files.createDirectories(dataDir);
    int port = freePort();
    int cassandraPort = freePort();
    Path log = dataDir.resolve("node.log");
    // sh runs the node and exits with it; a watcher holding sh's stdin stops the node when the
    // test closes that stdin or dies (the kernel closes the pipe then)
    List<String> command = new ArrayList<>(List.of("sh", "-c",
        "exec 3<&0; \"$@\" </dev/null 3<&- & node=$!; (cat <&3 >/dev/null; kill $node 2>/dev/null) & exec 3<&-;"
            + " wait $node", "dev-node"));
    command.addAll(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx768m",
        org.schoolsafety.sim.cluster.LocalCluster.commonPoolParallelism(),
        "-Dhub.cassandra.classpath-file=" + cassandraClasspath,
        "-Dhub.cassandra.storage-port=" + freePort(), // other test JVMs run Cassandra nodes too
        "-Dhub.cassandra.heap=512m",
        // schema DDL on a freshly started Cassandra of a busy machine can take longer than the
        // driver's default 2 s per request
        "-Ddatastax-java-driver.basic.request.timeout=10s",
        "-Dpekko.remote.artery.canonical.port=" + freePort()));
    command.addAll(jvmOptions);
    command.addAll(List.of(
        "-cp", nodeClasses + ":" + Files.readString(nodeClasspath).trim(),
        "org.schoolsafety.dev.DevMain", "dev",
        "--port", String.valueOf(port),
        "--cassandra-port", String.valueOf(cassandraPort),
        "--data", dataDir.toString()));
    Process process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.PIPE)
        .start();
    return new DevNode(dataDir, port, cassandraPort, log, process);
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /**
   * Starts a node and waits until it is ready; a node that gives up while starting (its storage
   * schema timing out on a badly overloaded machine, say) is started once more on a fresh directory.
   */
  static DevNode startReady(Path dir, Duration timeout) throws IOException {
    return startReady(dir, timeout, List.of());
  }

  static DevNode startReady(Path dir, Duration timeout, List<String> jvmOptions) throws IOException {
    DevNode node = start(dir.resolve("data"), jvmOptions);
    try {
      node.awaitReady(timeout);
      return node;
    } catch (RuntimeException e) {
      boolean exited = false;
      for (Throwable t = e; t != null; t = t.getCause()) {
        exited |= t instanceof NodeExited;
      }
      if (!exited) {
        node.close();
        throw e;
      }
      System.err.println("the dev node exited while starting; starting another. Its log:\n" + node.tail());
      node.close();
      DevNode second = start(dir.resolve("data-2"), jvmOptions);
      second.awaitReady(timeout);
      return second;
    }
  }

  /** The node's process ended before it was ready. */
  static final class NodeExited extends IllegalStateException {
    NodeExited(String message) {
      super(message);
    }
  }

  /** Until the node is ready and the demo data is in (the dev tokens file is written after it). */
  void awaitReady(Duration timeout) {
    HttpClient client = HttpClient.newHttpClient();
    Awaitility.await("dev node ready on port " + port).atMost(timeout).pollInterval(Duration.ofSeconds(1))
        .dontCatchUncaughtExceptions()
        .until(() -> {
          if (!process.isAlive()) {
            throw new NodeExited("the dev node exited (" + process.exitValue() + ")");
          }
          if (!Files.exists(dataDir.resolve("auth").resolve("dev-tokens.env"))) {
            return false;
          }
          try {
            var r = client.send(HttpRequest.newBuilder(uri().resolve("/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
          } catch (IOException e) {
            return false;
          }
        });
  }

  String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running
    }
  }

  /** Stops the node (SIGTERM through sh, which lets it stop Cassandra), then kills what is left. */
  private synchronized void stop() {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.add(process.toHandle());
    try (OutputStream stdin = process.getOutputStream()) {
      stdin.flush();
    } catch (IOException ignored) {
      // already closed
    }
    try {
      if (!process.waitFor(90, TimeUnit.SECONDS)) {
        process.destroy();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (ProcessHandle p : tree) {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
    for (ProcessHandle p : tree) {
      try {
        p.onExit().get(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("process " + p.pid() + " did not exit: " + e);
      }
    }
  }

  boolean anyAlive(List<ProcessHandle> handles) {
    return handles.stream().anyMatch(ProcessHandle::isAlive);
  }

  List<ProcessHandle> processTree() {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.add(process.toHandle());
    return tree;
  }

  private static String required(String property) {
    String value = System.getProperty(property);
    if (value == null) {
      throw new IllegalStateException("system property " + property + " is not set (surefire sets it, see sim/pom.xml)");
    }
    return value;
  }

  static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }
}
