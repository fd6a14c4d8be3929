package org.schoolsafety.sim.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real cluster on one machine: embedded Cassandra and N hub node processes on 127.0.0.1,
 * each a separate JVM with its own HTTP and remoting ports and log file, joined into one Pekko
 * cluster through the same seed nodes. Nodes can be killed (SIGKILL), stopped gracefully
 * (SIGTERM: they leave the cluster and hand off their shards) and started again; Cassandra can
 * be stopped and started under them.
 *
 * <p>A black box like the rest of sim: it links nothing of the hub. It starts the node JVMs from
 * the node's build output ({@value #NODE_CLASSES_PROPERTY} and {@value #NODE_CLASSPATH_PROPERTY}:
 * module dev's classes and runtime classpath, which hold the node and the dev launcher; bin/hub and
 * sim/pom.xml set them), runs the production main class {@value #NODE_MAIN} and, for the node that
 * registers the demo data, the dev launcher {@value #DEV_MAIN}, and talks to them over HTTP.
 */
public final class LocalCluster implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalCluster.class);

  /** The node's build output: a classes directory and a file with its runtime classpath. */
  public static final String NODE_CLASSES_PROPERTY = "sim.node.classes";
  public static final String NODE_CLASSPATH_PROPERTY = "sim.node.classpath-file";
  /** The file with Cassandra's own classpath (persistence/cassandra-node), for the embedded launcher. */
  public static final String CASSANDRA_CLASSPATH_PROPERTY = "sim.cassandra.classpath-file";
  /** The production node's main class (http-edge), run as a process. */
  static final String NODE_MAIN = "org.schoolsafety.edge.Main";
  /** The dev launcher's main class (module dev): {@code node --demo} registers the demo data. */
  static final String DEV_MAIN = "org.schoolsafety.dev.DevMain";

  /** How to lay the cluster out. {@code systemProperties} go to every node JVM. */
  public record Layout(
      int nodes, Path dataDir, int firstHttpPort, int firstRemotingPort, int cassandraPort, int cassandraStoragePort,
      String nodeHeap, Map<String, String> systemProperties, boolean demo) {}

  /** One node process and where it listens. */
  public static final class Node {
    final int index;
    final int httpPort;
    final int remotingPort;
    final Path config;
    final Path log;
    volatile Process process;

    Node(int index, int httpPort, int remotingPort, Path config, Path log) {
      this.index = index;
      this.httpPort = httpPort;
      this.remotingPort = remotingPort;
      this.config = config;
      this.log = log;
    }

    public int index() {
      return index;
    }

    public int httpPort() {
      return httpPort;
    }

    public int remotingPort() {
      return remotingPort;
    }

    public Path logFile() {
      return log;
    }

    public long pid() {
      return process == null ? -1 : process.pid();
    }

    public boolean isAlive() {
      return process != null && process.isAlive();
    }
  }

  private final Layout layout;
  private final String classpath;
  private final CassandraProcess cassandra;
  private final List<Node> nodes = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private LocalCluster(Layout layout, String classpath, CassandraProcess cassandra) {
    this.layout = layout;
    this.classpath = classpath;
    this.cassandra = cassandra;
  }

  /** Starts Cassandra and every node, and returns once all nodes answer ready. */
  public static LocalCluster start(Layout layout) {
    Path data = layout.dataDir().toAbsolutePath().normalize();
    String classpath = nodeClasspath();
    // The launcher takes the hub.cassandra.* settings (heap, startup-timeout, ...) given to this JVM.
    Map<String, String> cassandraSettings = new LinkedHashMap<>();
    System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("hub.cassandra.")).sorted()
        .forEach(k -> cassandraSettings.put(k, System.getProperty(k)));
    cassandraClasspathFile().ifPresent(file -> cassandraSettings.put("hub.cassandra.classpath-file", file));
    boolean freshStorage = !Files.isDirectory(data.resolve("cassandra").resolve("data"));
    var cassandra = new CassandraProcess(classpath, data.resolve("cassandra"), layout.cassandraPort(),
        layout.cassandraStoragePort(), cassandraSettings, data.resolve("cassandra-launcher.log"));
    cassandra.start();
    var cluster = new LocalCluster(layout, classpath, cassandra);
    try {
      secret(data);
      cluster.writeConfigs(data, freshStorage ? Optional.of(hourBefore(Instant.now())) : Optional.empty(),
          numberOfShards(data.resolve(SHARDS_FILE), freshStorage));
      for (Node node : cluster.nodes) {
        cluster.launch(node, layout.demo() && node.index == 1);
      }
      for (Node node : cluster.nodes) {
        cluster.awaitReady(node, Duration.ofMinutes(5));
      }
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /**
   * The node's hub.cassandra.first-time-bucket for storage created now: the hour before, in the
   * plugin's format. Projections on a new keyspace then skip the empty hours since the default
   * (8,772 queries over a fresh node's first ~18 s on 2026-12-01, 336 more every day).
   */
  static String hourBefore(Instant now) {
    return DateTimeFormatter.ofPattern("yyyyMMdd'T'HH:mm").withZone(ZoneOffset.UTC)
        .format(now.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(1)));
  }

  /**
   * The shards per entity type of new storage, as the hub's ShardingLayout.FOR_NEW_STORAGE (this
   * module is a black-box client and does not depend on the hub): 5 per node of three. A dead
   * node's shards are moved one at a time, so its share is what a failover's last incident waits for.
   */
  static final int NEW_STORAGE_SHARDS = 15;
  /** Beside the cluster's storage: the number of shards its journal was started with. */
  static final String SHARDS_FILE = "number-of-shards";

  /**
   * On fresh storage, records {@link #NEW_STORAGE_SHARDS} in {@code file} and returns it; on kept
   * storage, what was recorded, if anything (older storage keeps the hub's default, which every node
   * checks against the journal's own record before it starts).
   */
  static Optional<Integer> numberOfShards(Path file, boolean freshStorage) {
    try {
      if (freshStorage) {
        Files.writeString(file, NEW_STORAGE_SHARDS + "\n", StandardCharsets.US_ASCII);
        return Optional.of(NEW_STORAGE_SHARDS);
      }
      return Files.exists(file)
          ? Optional.of(Integer.parseInt(Files.readString(file, StandardCharsets.US_ASCII).trim()))
          : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record or read " + file, e);
    }
  }

  private void writeConfigs(Path data, Optional<String> firstTimeBucket, Optional<Integer> numberOfShards) {
    try {
      Path dir = Files.createDirectories(data.resolve("nodes"));
      String seeds = seedNodes(layout.nodes(), layout.firstRemotingPort(), 0);
      for (int i = 0; i < layout.nodes(); i++) {
        int httpPort = layout.firstHttpPort() + i;
        int remotingPort = layout.firstRemotingPort() + i;
        Path conf = dir.resolve("node-" + (i + 1) + ".conf");
        Files.writeString(conf, String.join("\n",
            "# Node " + (i + 1) + " of a local cluster (written by bin/hub cluster).",
            "hub.http.port = " + httpPort,
            "pekko.remote.artery.canonical.port = " + remotingPort,
            "pekko.cluster.seed-nodes = [" + seeds + "]",
            "hub.cassandra.embedded = off",
            "datastax-java-driver.basic.contact-points = [\"" + cassandra.contactPoint() + "\"]",
            "hub.auth.hs256-secret-file = \"" + secretFile(data) + "\"",
            firstTimeBucket.map(b -> "hub.cassandra.first-time-bucket = \"" + b + "\"").orElse(""),
            numberOfShards.map(n -> "pekko.cluster.sharding.number-of-shards = " + n).orElse(""),
            ""));
        nodes.add(new Node(i + 1, httpPort, remotingPort, conf, data.resolve("nodes").resolve("node-" + (i + 1) + ".log")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the node configurations", e);
    }
  }

  /**
   * As bin/hub gives every node: a common fork-join pool of at least 2, or on a 2-core machine
   * every callback of Pekko's Java futures starts a thread (the node's CommonPool warns of it).
   */
  public static String commonPoolParallelism() {
    int cores = Runtime.getRuntime().availableProcessors();
    return "-Djava.util.concurrent.ForkJoinPool.common.parallelism=" + Math.max(2, cores - 1);
  }

  /**
   * JVM options for every node from the environment variable {@code HUB_NODE_JAVA_OPTS}, split on
   * spaces, with {@code {node}} replaced by the node's number: how profiles of a failover were taken,
   * e.g. {@code -XX:StartFlightRecording=filename=/tmp/node-{node}.jfr} (docs/RELIABILITY.md).
   */
  private static List<String> extraJvmOptions(Node node) {
    String options = System.getenv("HUB_NODE_JAVA_OPTS");
    if (options == null || options.isBlank()) {
      return List.of();
    }
    return java.util.Arrays.stream(options.trim().split("\\s+"))
        .map(option -> option.replace("{node}", Integer.toString(node.index())))
        .toList();
  }

  private void launch(Node node, boolean demo) {
    var command = new ArrayList<String>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + layout.nodeHeap());
    command.add(commonPoolParallelism());
    command.add("-Dhub.exit-when-stdin-closes=true");
    cassandraClasspathFile().ifPresent(file -> command.add("-Dhub.cassandra.classpath-file=" + file));
    layout.systemProperties().forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.addAll(extraJvmOptions(node));
    command.add("-cp");
    command.add(classpath);
    command.add(demo ? DEV_MAIN : NODE_MAIN);
    command.add("node");
    command.add("--config");
    command.add(node.config.toString());
    if (demo) {
      command.add("--demo");
    }
    try {
      node.process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(node.log.toFile()))
          .start();
      log.info("node {} started: pid {}, http {}, remoting {}, log {}", node.index, node.process.pid(),
          node.httpPort, node.remotingPort, node.log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start node " + node.index, e);
    }
  }

  /** Waits until the node's /health/ready answers 200. */
  public void awaitReady(Node node, Duration within) {
    Instant deadline = Instant.now().plus(within);
    while (Instant.now().isBefore(deadline)) {
      if (!node.isAlive()) {
        throw new IllegalStateException("node " + node.index + " exited; see " + node.log);
      }
      if (ready(node)) {
        return;
      }
      pause(Duration.ofMillis(300));
    }
    throw new IllegalStateException("node " + node.index + " not ready within " + within + "; see " + node.log);
  }

  public boolean ready(Node node) {
    try {
      var response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort + "/health/ready"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public List<Node> nodes() {
    return List.copyOf(nodes);
  }

  public Node node(int index) {
    return nodes.get(index - 1);
  }

  public CassandraProcess cassandra() {
    return cassandra;
  }

  public Path dataDir() {
    return layout.dataDir().toAbsolutePath().normalize();
  }

  /** SIGKILL: the node vanishes without leaving the cluster, as when a machine dies. */
  public void kill(Node node) {
    Process p = node.process;
    p.destroyForcibly();
    waitFor(p, Duration.ofSeconds(30));
    log.warn("node {} killed (pid {})", node.index, p.pid());
  }

  /** SIGSTOP: the node freezes as in a long GC pause or a stalled VM, and believes nothing changed. */
  public void freeze(Node node) {
    signal(node, "STOP");
    log.warn("node {} frozen (pid {})", node.index, node.pid());
  }

  /** SIGCONT: a frozen node wakes up. */
  public void thaw(Node node) {
    signal(node, "CONT");
    log.warn("node {} thawed (pid {})", node.index, node.pid());
  }

  private static void signal(Node node, String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(node.pid())).inheritIO().start();
      if (kill.waitFor() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + node.pid() + " failed");
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** SIGTERM: the node leaves the cluster and hands its shards off before it exits. */
  public void stop(Node node) {
    Process p = node.process;
    if (p == null || !p.isAlive()) {
      return;
    }
    p.destroy();
    if (!waitFor(p, Duration.ofSeconds(60))) {
      log.warn("node {} did not stop within 60 s of SIGTERM: killing it", node.index);
      p.destroyForcibly();
      waitFor(p, Duration.ofSeconds(10));
    }
  }

  /**
   * Starts a stopped or killed node again. It rejoins with itself last among the seed nodes:
   * the first seed node of the list forms a new cluster of its own when no other seed answers
   * within {@code seed-node-timeout} (5 s) — on a starved machine, a second cluster running the
   * same incidents.
   */
  public void restart(Node node) {
    rewriteSeedNodes(node, node.index);
    launch(node, false);
  }

  /**
   * Stops whatever is left and starts every node again with the original seed order (node 1
   * first, so that it can form the cluster): what an orchestrator does after the cluster downed
   * itself. Waits until all are ready.
   */
  public void restartAll(Duration within) {
    nodes.parallelStream().forEach(this::stop);
    nodes.forEach(node -> rewriteSeedNodes(node, 0));
    nodes.forEach(node -> launch(node, false));
    nodes.forEach(node -> awaitReady(node, within));
  }

  /** Writes the seed nodes into the node's configuration, node {@code last} (0: none) at the end. */
  private void rewriteSeedNodes(Node node, int last) {
    try {
      String conf = Files.readString(node.config);
      Files.writeString(node.config, withSeedNodes(conf, seedNodes(layout.nodes(), layout.firstRemotingPort(), last)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rewrite " + node.config, e);
    }
  }

  /** A node's configuration with its seed-nodes line replaced. */
  static String withSeedNodes(String conf, String seeds) {
    return conf.replaceFirst("(?m)^pekko\\.cluster\\.seed-nodes = \\[.*]$",
        java.util.regex.Matcher.quoteReplacement("pekko.cluster.seed-nodes = [" + seeds + "]"));
  }

  /** The seed node addresses, node {@code last} (1-based; 0: none) moved to the end. */
  static String seedNodes(int nodes, int firstRemotingPort, int last) {
    return java.util.stream.IntStream.rangeClosed(1, nodes)
        .boxed()
        .sorted(java.util.Comparator.comparing(i -> i == last))
        .map(i -> "\"pekko://hub@127.0.0.1:" + (firstRemotingPort + i - 1) + "\"")
        .collect(Collectors.joining(", "));
  }

  private static boolean waitFor(Process p, Duration timeout) {
    try {
      return p.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The nodes' classpath: {@value #NODE_CLASSES_PROPERTY} and the jars listed in {@value #NODE_CLASSPATH_PROPERTY}. */
  static String nodeClasspath() {
    Path classes = Path.of(required(NODE_CLASSES_PROPERTY));
    Path file = Path.of(required(NODE_CLASSPATH_PROPERTY));
    for (Path p : List.of(classes, file)) {
      if (!Files.exists(p)) {
        throw new IllegalStateException(p + " is missing: build the project first (bin/hub builds what is missing)");
      }
    }
    try {
      return classes + java.io.File.pathSeparator + Files.readString(file).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static java.util.Optional<String> cassandraClasspathFile() {
    return java.util.Optional.ofNullable(System.getProperty(CASSANDRA_CLASSPATH_PROPERTY));
  }

  private static String required(String property) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("system property " + property + " is not set: it names the node's build output"
          + " (bin/hub cluster and bin/hub failover-test set it; sim/pom.xml sets it for the tests)");
    }
    return value;
  }

  /** Where the cluster's HS256 secret is: the nodes accept tokens signed with it, and the harness signs with it. */
  static Path secretFile(Path dataDir) {
    return dataDir.resolve("auth").resolve("dev-secret");
  }

  /** The cluster's secret (32 random bytes, base64, owner-only), created on the first start, kept afterwards. */
  private static void secret(Path dataDir) {
    Path file = secretFile(dataDir);
    if (Files.exists(file)) {
      return;
    }
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, Base64.getEncoder().encodeToString(secret) + "\n", StandardCharsets.US_ASCII);
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        // best effort on file systems without POSIX permissions
      }
      Files.move(tmp, file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the cluster's secret " + file, e);
    }
  }

  /** Stops every node gracefully, then Cassandra. */
  @Override
  public void close() {
    nodes.parallelStream().forEach(this::stop);
    cassandra.stop();
  }
}
