package org.schoolsafety.persistence.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.OptionsMap;
import com.datastax.oss.driver.api.core.config.TypedDriverOption;
import com.datastax.oss.driver.api.core.cql.Row;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Cassandra 5.0.6 node in a child JVM, for development, demos and tests.
 *
 * <p>{@link #start()} writes a single-node {@code cassandra.yaml} under {@code dataDir/conf}, starts
 * {@code CassandraDaemon} (through {@link CassandraNodeMain}) with the JDK 17 flags Cassandra needs, and
 * returns once CQL answers {@code SELECT release_version FROM system.local}. The child's stdout and stderr
 * are appended to {@code dataDir/cassandra.log}; its pid is kept in {@code dataDir/cassandra.pid}.
 *
 * <p>The child never outlives its parent: it exits when its stdin closes, which the kernel does when the
 * parent dies, even by SIGKILL. It runs in its own session ({@code setsid}), so a Ctrl-C in the terminal
 * reaches only the parent, whose shutdown hook then stops Cassandra in order.
 *
 * <p>The Cassandra classpath comes from the file that module {@code persistence/cassandra-node} writes
 * when the project is built; Cassandra is never on this module's own classpath.
 *
 * <p>Dev and test tooling (module {@code persistence/embedded-cassandra}): the dev launcher (module
 * {@code dev}) and the tests use it, and the local cluster of {@code bin/hub cluster} runs its
 * {@link #main} as a process of its own; the production node does not have it.
 */
public final class EmbeddedCassandra implements AutoCloseable {

  /**
   * Cassandra closes a client connection that has been silent this long
   * ({@code native_transport_idle_timeout}). It must stay below the lease's give-up margin minus
   * 1 s (hub.lease.cassandra in persistence.conf).
   */
  public static final Duration IDLE_CLOSE = Duration.ofSeconds(3);
  /** How often a client with this node should send a heartbeat on an idle connection. */
  public static final Duration CLIENT_HEARTBEAT = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(EmbeddedCassandra.class);

  /** Where module persistence/cassandra-node writes Cassandra's runtime classpath. */
  public static final String CLASSPATH_FILE_RELATIVE = "persistence/cassandra-node/target/cassandra.classpath";
  /** System property that names the classpath file explicitly (also the config key's path). */
  public static final String CLASSPATH_FILE_PROPERTY = "hub.cassandra.classpath-file";

  static final String LOCAL_DATACENTER = "datacenter1";
  static final String CLUSTER_NAME = "school-safety-hub";
  static final String HOST = "127.0.0.1";
  private static final int LOG_TAIL_LINES = 40;
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);
  private static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final String INITIAL_HEAP = "256m";
  private static final String NODE_MARKER = "-Dhub.cassandra.launcher=" + CassandraNodeMain.class.getSimpleName();
  private static final long INITIAL_HEAP_BYTES = 256L << 20;

  /** Cassandra's usual JDK 17 module flags (shared/cassandra/jdk17-flags.txt). */
  private static final List<String> JDK17_FLAGS = List.of(
      "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
      "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-exports", "java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
      "--add-exports", "java.rmi/sun.rmi.registry=ALL-UNNAMED",
      "--add-exports", "java.rmi/sun.rmi.server=ALL-UNNAMED",
      "--add-exports", "java.sql/java.sql=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang.module=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.loader=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.reflect=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.math=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.module=ALL-UNNAMED",
      "--add-opens", "java.base/jdk.internal.util.jar=ALL-UNNAMED",
      "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
      "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens", "java.base/java.io=ALL-UNNAMED",
      "--add-opens", "java.base/java.nio=ALL-UNNAMED",
      "--add-opens", "java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens", "java.base/java.util=ALL-UNNAMED",
      "--add-opens", "java.base/java.util.concurrent.atomic=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang=ALL-UNNAMED",
      "--add-opens", "java.base/java.math=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens", "java.base/java.net=ALL-UNNAMED");

  /**
   * How to run the node. Build it from config ({@link #fromConfig(Config)}, path {@code hub.cassandra})
   * or from code ({@link #defaults()} and the {@code with...} methods).
   *
   * @param dataDir        everything of the node lives here: data, commitlog, conf, log file, pid file
   * @param port           CQL native transport port
   * @param storagePort    internode (gossip) port; two nodes on one machine need different ones
   * @param heap           the child's maximum heap, a JVM size such as {@code 1g} or {@code 512m}
   * @param startupTimeout how long {@link #start()} waits for CQL to answer
   * @param classpathFile  file holding Cassandra's classpath (absolute jar paths joined by ':')
   * @param javaHome       the JDK/JRE whose {@code bin/java} runs the child
   */
  public record Settings(
      Path dataDir,
      int port,
      int storagePort,
      String heap,
      Duration startupTimeout,
      Path classpathFile,
      Path javaHome,
      boolean unsafeSystem) {

    private static final Pattern HEAP = Pattern.compile("[1-9][0-9]*[kKmMgG]?");

    public Settings {
      requireNonNull(dataDir, "dataDir");
      requireNonNull(heap, "heap");
      requireNonNull(startupTimeout, "startupTimeout");
      requireNonNull(classpathFile, "classpathFile");
      requireNonNull(javaHome, "javaHome");
      checkPort(port, "port");
      checkPort(storagePort, "storagePort");
      if (port == storagePort) {
        throw new IllegalArgumentException(
            "hub.cassandra.port and hub.cassandra.storage-port must differ, both are " + port);
      }
      if (!HEAP.matcher(heap).matches()) {
        throw new IllegalArgumentException(
            "hub.cassandra.heap must be a JVM size such as 1g or 512m, not '" + heap + "'");
      }
      if (startupTimeout.isNegative() || startupTimeout.isZero()) {
        throw new IllegalArgumentException("hub.cassandra.startup-timeout must be positive: " + startupTimeout);
      }
    }

    /** The defaults of reference.conf, without reading any config. */
    public static Settings defaults() {
      return new Settings(
          Path.of("data", "cassandra"), 9042, 7000, "1g", Duration.ofSeconds(120),
          defaultClasspathFile(), runningJavaHome(), false);
    }

    /** Reads {@code hub.cassandra} from {@code ConfigFactory.load()}. */
    public static Settings load() {
      return fromConfig(ConfigFactory.load());
    }

    /**
     * Reads the settings under {@code hub.cassandra} of the given (root) config. Empty
     * {@code classpath-file} and {@code java-home} mean: the default lookup.
     */
    public static Settings fromConfig(Config root) {
      Config c = root.getConfig("hub.cassandra");
      String classpathFile = c.hasPath("classpath-file") ? c.getString("classpath-file").trim() : "";
      String javaHome = c.hasPath("java-home") ? c.getString("java-home").trim() : "";
      return new Settings(
          Path.of(c.getString("data-dir")),
          c.getInt("port"),
          c.getInt("storage-port"),
          c.getString("heap"),
          c.getDuration("startup-timeout"),
          classpathFile.isEmpty() ? defaultClasspathFile() : Path.of(classpathFile),
          javaHome.isEmpty() ? runningJavaHome() : Path.of(javaHome), false);
    }

    public Settings withDataDir(Path dataDir) {
      return new Settings(dataDir, port, storagePort, heap, startupTimeout, classpathFile, javaHome, unsafeSystem);
    }

    public Settings withPort(int port) {
      return new Settings(dataDir, port, storagePort, heap, startupTimeout, classpathFile, javaHome, unsafeSystem);
    }

    public Settings withStoragePort(int storagePort) {
      return new Settings(dataDir, port, storagePort, heap, startupTimeout, classpathFile, javaHome, unsafeSystem);
    }

    public Settings withHeap(String heap) {
      return new Settings(dataDir, port, storagePort, heap, startupTimeout, classpathFile, javaHome, unsafeSystem);
    }

    public Settings withStartupTimeout(Duration startupTimeout) {
      return new Settings(dataDir, port, storagePort, heap, startupTimeout, classpathFile, javaHome, unsafeSystem);
    }

    public Settings withClasspathFile(Path classpathFile) {
      return new Settings(dataDir, port, storagePort, heap, startupTimeout, classpathFile, javaHome, unsafeSystem);
    }

    public Settings withJavaHome(Path javaHome) {
      return new Settings(dataDir, port, storagePort, heap, startupTimeout, classpathFile, javaHome, unsafeSystem);
    }

    /**
     * Tests only: Cassandra does not flush and sync its system tables on every schema change
     * ({@code cassandra.unsafesystem}, as in Cassandra's own test runs). Creating a keyspace's
     * tables gets several times faster; a crash of the node may lose schema changes.
     */
    public Settings withUnsafeSystem(boolean unsafeSystem) {
      return new Settings(dataDir, port, storagePort, heap, startupTimeout, classpathFile, javaHome, unsafeSystem);
    }

    /** {@link #heap()} in bytes. */
    public long heapBytes() {
      long n = Long.parseLong(heap.replaceAll("[kKmMgG]$", ""));
      return switch (Character.toLowerCase(heap.charAt(heap.length() - 1))) {
        case 'k' -> n << 10;
        case 'm' -> n << 20;
        case 'g' -> n << 30;
        default -> n;
      };
    }

    /** {@code javaHome/bin/java}. */
    public Path javaExecutable() {
      return javaHome.resolve("bin").resolve("java");
    }

    /**
     * System property {@value #CLASSPATH_FILE_PROPERTY} if set; else the first
     * {@value #CLASSPATH_FILE_RELATIVE} found in the working directory or one of its parents; else that
     * relative path itself (then {@link EmbeddedCassandra#start()} explains how to create it).
     */
    public static Path defaultClasspathFile() {
      String property = System.getProperty(CLASSPATH_FILE_PROPERTY, "").trim();
      if (!property.isEmpty()) {
        return Path.of(property);
      }
      for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
        Path candidate = dir.resolve(CLASSPATH_FILE_RELATIVE);
        if (Files.isRegularFile(candidate)) {
          return candidate;
        }
      }
      return Path.of(CLASSPATH_FILE_RELATIVE);
    }

    private static Path runningJavaHome() {
      return Path.of(System.getProperty("java.home"));
    }

    private static void requireNonNull(Object value, String name) {
      if (value == null) {
        throw new IllegalArgumentException("EmbeddedCassandra.Settings." + name + " must not be null");
      }
    }

    private static void checkPort(int port, String name) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("EmbeddedCassandra.Settings." + name + " out of range: " + port);
      }
    }
  }

  private final Settings settings;
  private final Path dataDir;
  private final Path pidFile;
  private final Path logFile;

  private volatile Process process;
  private volatile boolean stopRequested;
  private OutputStream childStdin;
  private Thread shutdownHook;
  private volatile java.util.concurrent.CompletableFuture<?> stopAfter;

  public EmbeddedCassandra(Settings settings) {
    this.settings = settings;
    this.dataDir = settings.dataDir().toAbsolutePath().normalize();
    this.pidFile = dataDir.resolve("cassandra.pid");
    this.logFile = dataDir.resolve("cassandra.log");
  }

  /**
   * Whether a node started in {@code dataDir} before, so that its files (and whatever the hub
   * wrote to it) are still there; false for a directory the next start creates afresh.
   */
  public static boolean holdsData(Path dataDir) {
    return Files.isDirectory(dataDir.resolve("data"));
  }

  /** Creates a node with the given settings and starts it; returns once CQL answers. */
  public static EmbeddedCassandra start(Settings settings) {
    EmbeddedCassandra cassandra = new EmbeddedCassandra(settings);
    cassandra.start();
    return cassandra;
  }

  public Settings settings() {
    return settings;
  }

  /** The CQL port. */
  public int port() {
    return settings.port();
  }

  /** {@code "127.0.0.1:port"}, for {@code datastax-java-driver.basic.contact-points}. */
  public String contactPoint() {
    return HOST + ":" + settings.port();
  }

  /** The local datacenter the driver must be configured with. */
  public String localDatacenter() {
    return LOCAL_DATACENTER;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** {@code dataDir/cassandra.log}: the child's stdout and stderr, appended across runs. */
  public Path logFile() {
    return logFile;
  }

  public boolean isRunning() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /** The pid of the running child, if any. */
  public Optional<Long> pid() {
    Process p = process;
    return p != null && p.isAlive() ? Optional.of(p.pid()) : Optional.empty();
  }

  /**
   * Starts the node and returns once CQL answers. Does nothing if this instance already runs a node.
   *
   * @throws CassandraStartException with a message a human can act on
   */
  public synchronized void start() {
    if (isRunning()) {
      return;
    }
    stop(); // a node of ours that died by itself: forget it (pid file, shutdown hook)
    Instant began = Instant.now();
    String classpath = readCassandraClasspath();
    Path java = settings.javaExecutable();
    if (!Files.isExecutable(java)) {
      throw new CassandraStartException("No java executable at " + java
          + " (hub.cassandra.java-home = " + settings.javaHome() + "). Point hub.cassandra.java-home at a JDK 17.");
    }
    try {
      for (String sub : List.of("data", "commitlog", "saved_caches", "hints", "cdc", "conf", "logs")) {
        Files.createDirectories(dataDir.resolve(sub));
      }
    } catch (IOException e) {
      throw new CassandraStartException("Cannot create the Cassandra data directory " + dataDir + ": " + e, e);
    }

    stopLeftoverNode();
    requirePortFree(settings.port(), "CQL", "hub.cassandra.port");
    requirePortFree(settings.storagePort(), "storage (internode)", "hub.cassandra.storage-port");

    Path conf = dataDir.resolve("conf");
    Path yaml = conf.resolve("cassandra.yaml");
    Path logback = conf.resolve("logback.xml");
    Path launcherDir = conf.resolve("launcher");
    long logOffset;
    List<String> command;
    try {
      Files.writeString(yaml, cassandraYaml());
      Files.writeString(logback, LOGBACK_XML);
      writeLauncherClass(launcherDir);
      command = command(java, classpath, yaml, logback, launcherDir);
      logOffset = Files.exists(logFile) ? Files.size(logFile) : 0L;
      Files.writeString(logFile,
          String.format("%n===== %s EmbeddedCassandra starting: CQL %s, storage port %d, heap %s =====%n",
              Instant.now(), contactPoint(), settings.storagePort(), settings.heap()),
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new CassandraStartException("Cannot prepare the Cassandra configuration in " + conf + ": " + e, e);
    }

    log.info("Starting Cassandra on {} (storage port {}, data {}, log {})",
        contactPoint(), settings.storagePort(), dataDir, logFile);
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(dataDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(Redirect.appendTo(logFile.toFile()))
        .redirectInput(Redirect.PIPE); // held open by us; EOF tells CassandraNodeMain that we are gone
    stopRequested = false;
    Process child;
    try {
      child = builder.start();
    } catch (IOException e) {
      throw new CassandraStartException("Cannot start the Cassandra JVM (" + java + "): " + e, e);
    }
    process = child;
    childStdin = child.getOutputStream();
    shutdownHook = new Thread(this::stopFromShutdownHook, "embedded-cassandra-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    try {
      Files.writeString(pidFile, child.pid() + System.lineSeparator());
    } catch (IOException e) {
      log.warn("Cannot write pid file {}: {}", pidFile, e.toString());
    }

    awaitCql(child, began, logOffset);
    child.onExit().thenAccept(p -> {
      if (!stopRequested) {
        log.error("Cassandra (pid {}) on {} exited unexpectedly with code {}; see {}",
            p.pid(), contactPoint(), p.exitValue(), logFile);
      }
    });
    log.info("Cassandra ready on {} in {} ms (pid {}, data {})",
        contactPoint(), Duration.between(began, Instant.now()).toMillis(), child.pid(), dataDir);
  }

  /**
   * Stops the node: SIGTERM (Cassandra drains), up to 30 s grace, then SIGKILL. Idempotent. Removes the
   * pid file.
   */
  public synchronized void stop() {
    stop(false);
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * At JVM exit, wait (up to a minute) for {@code dependent} before stopping Cassandra: the hub
   * node must finish its shutdown while its storage is still there. JVM shutdown hooks run
   * concurrently, so without this Cassandra could vanish under a node that is still writing.
   */
  public void stopOnlyAfter(java.util.concurrent.CompletionStage<?> dependent) {
    this.stopAfter = dependent.toCompletableFuture();
  }

  /** Runs without the lock: {@link #start()} holds it while it waits for CQL, and Ctrl-C may come then. */
  private void stopFromShutdownHook() {
    var first = stopAfter;
    if (first != null) {
      try {
        first.get(60, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("stopping Cassandra without waiting any longer for its dependent: {}", e.toString());
      }
    }
    stopRequested = true;
    Process p = process;
    if (p != null) {
      terminate(p);
      deletePidFileIfOurs(p.pid());
    }
  }

  private void stop(boolean fromShutdownHook) {
    Process p = process;
    if (p == null) {
      return;
    }
    stopRequested = true;
    process = null;
    terminate(p);
    closeQuietly(childStdin);
    childStdin = null;
    deletePidFileIfOurs(p.pid());
    if (!fromShutdownHook && shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // the hook is running or about to; it will find nothing left to do
      }
    }
    shutdownHook = null;
  }

  /** SIGTERM, so that Cassandra drains; SIGKILL if it is not gone after {@link #STOP_GRACE}. */
  private void terminate(Process p) {
    if (!p.isAlive()) {
      return;
    }
    Instant began = Instant.now();
    log.info("Stopping Cassandra (pid {}) on {}", p.pid(), contactPoint());
    p.destroy();
    if (!waitFor(p, STOP_GRACE)) {
      log.warn("Cassandra (pid {}) did not stop within {} s after SIGTERM: killing it (log: {})",
          p.pid(), STOP_GRACE.toSeconds(), logFile);
      p.destroyForcibly();
      waitFor(p, Duration.ofSeconds(10));
    }
    log.info("Cassandra (pid {}) stopped in {} ms", p.pid(), Duration.between(began, Instant.now()).toMillis());
  }

  // ---------------------------------------------------------------------------------------------

  private String readCassandraClasspath() {
    Path file = settings.classpathFile().toAbsolutePath().normalize();
    if (!Files.isRegularFile(file)) {
      throw new CassandraStartException("Cassandra classpath file not found: " + file
          + ". It is written by module persistence/cassandra-node: run `mvn -B -DskipTests package` in the"
          + " project root, or point system property " + CLASSPATH_FILE_PROPERTY
          + " (config hub.cassandra.classpath-file) at an existing cassandra.classpath.");
    }
    String classpath;
    try {
      classpath = Files.readString(file).trim();
    } catch (IOException e) {
      throw new CassandraStartException("Cannot read Cassandra classpath file " + file + ": " + e, e);
    }
    List<String> entries = Arrays.stream(classpath.split(File.pathSeparator))
        .map(String::trim).filter(s -> !s.isEmpty()).toList();
    List<String> missing = entries.stream().filter(e -> !Files.exists(Path.of(e))).toList();
    if (entries.isEmpty() || !missing.isEmpty()) {
      throw new CassandraStartException("Cassandra classpath file " + file + (entries.isEmpty()
          ? " is empty"
          : " lists " + missing.size() + " missing file(s), e.g. " + missing.get(0))
          + ". Re-run `mvn -B -DskipTests package` in the project root to rebuild it.");
    }
    return String.join(File.pathSeparator, entries);
  }

  private List<String> command(Path java, String cassandraClasspath, Path yaml, Path logback, Path launcherDir) {
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(SETSID)) {
      // own session and process group: a terminal Ctrl-C reaches only the parent, which stops us in order
      cmd.add(SETSID.toString());
    }
    cmd.add(java.toString());
    // early on the command line: ProcessHandle.Info.commandLine() is cut at 4096 characters, long before
    // the main class that follows Cassandra's classpath (see stopLeftoverNode)
    cmd.add(NODE_MARKER);
    cmd.add("-Xmx" + settings.heap());
    // Cassandra mlockall()s its memory at start: a full-size initial heap would be touched (and kept
    // resident) at once, costing seconds and RSS. The heap still grows up to -Xmx as needed.
    cmd.add("-Xms" + (settings.heapBytes() < INITIAL_HEAP_BYTES ? settings.heap() : INITIAL_HEAP));
    cmd.add("-XX:ErrorFile=" + dataDir.resolve("hs_err_pid%p.log"));
    // GC pauses and safepoints beside cassandra.log: a client whose requests or heartbeats time out
    // can tell a stalled node from a busy one
    cmd.add("-Xlog:gc,safepoint:file=" + dataDir.resolve("logs").resolve("gc.log") + ":time,uptime:filecount=4,filesize=20m");
    cmd.add("-Djava.net.preferIPv4Stack=true");
    cmd.add("-Djdk.attach.allowAttachSelf=true");
    cmd.addAll(JDK17_FLAGS);
    cmd.add("-Dcassandra.config=" + yaml.toUri());
    cmd.add("-Dcassandra.storagedir=" + dataDir);
    cmd.add("-Dcassandra.logdir=" + dataDir.resolve("logs"));
    cmd.add("-Dlogback.configurationFile=" + logback.toUri());
    cmd.add("-Dcassandra-foreground=yes");
    // single node, nobody to gossip with: do not wait for gossip or ring settling
    cmd.add("-Dcassandra.skip_wait_for_gossip_to_settle=0");
    cmd.add("-Dcassandra.ring_delay_ms=100");
    cmd.add("-Dcassandra.superuser_setup_delay_ms=0");
    // estimating the memtable row overhead loops 100000 times by default (~2 s); Cassandra's own test
    // runs use 100
    cmd.add("-Dcassandra.memtable_row_overhead_computation_step=100");
    if (settings.unsafeSystem()) {
      cmd.add("-Dcassandra.unsafesystem=true");
    }
    cmd.add("-cp");
    cmd.add(launcherDir + File.pathSeparator + cassandraClasspath);
    cmd.add(CassandraNodeMain.class.getName());
    return cmd;
  }

  /**
   * Copies {@link CassandraNodeMain}'s class file into {@code dir}, so that the child's classpath holds
   * that single class next to Cassandra's jars, whatever jar (maybe an uber-jar full of other versions of
   * Netty, Jackson, ...) this code itself was loaded from.
   */
  static void writeLauncherClass(Path dir) throws IOException {
    String resource = CassandraNodeMain.class.getSimpleName() + ".class";
    Path target = dir.resolve(CassandraNodeMain.class.getName().replace('.', '/') + ".class");
    Files.createDirectories(target.getParent());
    try (InputStream in = CassandraNodeMain.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("class file of " + CassandraNodeMain.class.getName() + " not found (loaded from "
            + CassandraNodeMain.class.getProtectionDomain().getCodeSource().getLocation() + ")");
      }
      byte[] bytes = in.readAllBytes();
      if (!Files.exists(target) || !Arrays.equals(Files.readAllBytes(target), bytes)) {
        Files.write(target, bytes);
      }
    }
  }

  String cassandraYaml() {
    String d = dataDir.toString();
    return String.join("\n",
        "# Written by EmbeddedCassandra on every start: edits are overwritten. Single node on " + HOST + ".",
        "# commitlog_sync periodic: acknowledged writes can be lost if the whole host dies within the sync",
        "# period. Fine for development and tests; production settings belong in the deployment docs.",
        "cluster_name: " + CLUSTER_NAME,
        "num_tokens: 1",
        "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
        "commitlog_sync: periodic",
        "commitlog_sync_period: 10000ms",
        "endpoint_snitch: SimpleSnitch",
        "seed_provider:",
        "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
        "    parameters:",
        "      - seeds: \"" + HOST + ":" + settings.storagePort() + "\"",
        "listen_address: " + HOST,
        "rpc_address: " + HOST,
        "storage_port: " + settings.storagePort(),
        "native_transport_port: " + settings.port(),
        "start_native_transport: true",
        "data_file_directories: [" + yamlQuote(d + "/data") + "]",
        "commitlog_directory: " + yamlQuote(d + "/commitlog"),
        "saved_caches_directory: " + yamlQuote(d + "/saved_caches"),
        "hints_directory: " + yamlQuote(d + "/hints"),
        "cdc_raw_directory: " + yamlQuote(d + "/cdc"),
        "concurrent_reads: 2",
        "concurrent_writes: 2",
        "concurrent_counter_writes: 2",
        "# Unslabbed: a memtable holds what it stores. The slab allocator gives every written table a",
        "# 1 MiB region the flush accounting does not see; a test run creates a keyspace of ~20 tables",
        "# per test class, and the shared test node's heap filled with regions until it ran out",
        "# (docs/RELIABILITY.md, 'The shared test Cassandra out of heap').",
        "memtable_allocation_type: unslabbed_heap_buffers",
        "# dev/test node: DROP and TRUNCATE (frequent in tests) need not snapshot the data first",
        "auto_snapshot: false",
        "# Close a client connection silent this long: a frozen hub node's writes then die with its",
        "# connections before its leases expire (docs/RELIABILITY.md, 'A write in flight at a freeze').",
        "# Live clients send a heartbeat every " + CLIENT_HEARTBEAT.toSeconds() + " s (advanced.heartbeat.interval).",
        "native_transport_idle_timeout: " + IDLE_CLOSE.toMillis() + "ms",
        "");
  }

  private static String yamlQuote(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  /** Cassandra 5.0.6's jar carries no logback config (logback would log DEBUG); INFO to stdout. */
  private static final String LOGBACK_XML = String.join("\n",
      "<configuration>",
      "  <appender name=\"STDOUT\" class=\"ch.qos.logback.core.ConsoleAppender\">",
      "    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>",
      "  </appender>",
      "  <root level=\"INFO\"><appender-ref ref=\"STDOUT\"/></root>",
      "</configuration>",
      "");

  /**
   * If the pid file names a live CassandraNodeMain (an earlier run whose parent did not stop it, or a
   * node still draining), stop it: it holds this data dir and most likely our ports.
   */
  private void stopLeftoverNode() {
    if (!Files.exists(pidFile)) {
      return;
    }
    Optional<ProcessHandle> leftover = readPid(pidFile)
        .flatMap(ProcessHandle::of)
        .filter(ProcessHandle::isAlive)
        .filter(h -> h.info().commandLine().map(c -> c.contains(CassandraNodeMain.class.getSimpleName()))
            .orElse(false));
    if (leftover.isPresent()) {
      ProcessHandle h = leftover.get();
      log.warn("A Cassandra node from an earlier run (pid {}) still holds data dir {}: stopping it before"
          + " starting a new one", h.pid(), dataDir);
      h.destroy();
      if (!waitFor(h, STOP_GRACE)) {
        log.warn("Earlier Cassandra node (pid {}) ignored SIGTERM for {} s: killing it", h.pid(), STOP_GRACE.toSeconds());
        h.destroyForcibly();
        if (!waitFor(h, Duration.ofSeconds(10))) {
          throw new CassandraStartException("A Cassandra node from an earlier run (pid " + h.pid()
              + ") holds data dir " + dataDir + " and could not be stopped. Kill it by hand (kill -9 "
              + h.pid() + ") and try again.");
        }
      }
      log.info("Earlier Cassandra node (pid {}) stopped", h.pid());
    }
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException e) {
      log.warn("Cannot delete stale pid file {}: {}", pidFile, e.toString());
    }
  }

  private static Optional<Long> readPid(Path file) {
    try {
      return Optional.of(Long.parseLong(Files.readString(file).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private void deletePidFileIfOurs(long pid) {
    if (readPid(pidFile).map(p -> p == pid).orElse(false)) {
      try {
        Files.deleteIfExists(pidFile);
      } catch (IOException e) {
        log.warn("Cannot delete pid file {}: {}", pidFile, e.toString());
      }
    }
  }

  private static void requirePortFree(int port, String what, String configKey) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true); // as Cassandra binds: connections in TIME_WAIT do not block the port
      socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
    } catch (IOException e) {
      throw new CassandraStartException("Cannot start Cassandra: the " + what + " port " + port + " on " + HOST
          + " is already in use (" + e.getMessage() + "). Another Cassandra node or another program holds it."
          + " Stop it, or choose a free port (" + configKey
          + (configKey.equals("hub.cassandra.port") ? ", or --cassandra-port on the command line" : "")
          + ").");
    }
  }

  private void awaitCql(Process child, Instant began, long logOffset) {
    long deadline = System.nanoTime() + settings.startupTimeout().toNanos();
    String lastProblem = "CQL port not open yet";
    while (true) {
      if (Thread.currentThread().isInterrupted()) {
        stop();
        throw new CassandraStartException("Interrupted while waiting for Cassandra on " + contactPoint()
            + " to answer CQL; the node was stopped. Log file: " + logFile);
      }
      if (!child.isAlive()) {
        int exit = child.exitValue();
        long pid = child.pid();
        stop();
        throw new CassandraStartException("Cassandra (pid " + pid + ") exited during startup with exit code "
            + exit + " after " + secondsSince(began) + " s; it never answered CQL on " + contactPoint() + "."
            + logReport(logOffset));
      }
      if (tcpAccepts()) {
        Optional<String> problem = probeCql();
        if (problem.isEmpty()) {
          return;
        }
        lastProblem = problem.get();
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        long pid = child.pid();
        stop();
        throw new CassandraStartException("Cassandra (pid " + pid + ") did not answer CQL on " + contactPoint()
            + " within " + settings.startupTimeout().toMillis() / 1000.0 + " s (last problem: " + lastProblem
            + "), so it was stopped. If the machine is just slow, raise hub.cassandra.startup-timeout."
            + logReport(logOffset));
      }
      // pause between probes; returns at once if the child dies
      waitFor(child, Duration.ofNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(250))));
    }
  }

  private boolean tcpAccepts() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(HOST, settings.port()), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Empty if {@code SELECT release_version FROM system.local} answered; else what went wrong. */
  private Optional<String> probeCql() {
    try (CqlSession session = CqlSession.builder().withConfigLoader(probeDriverConfig()).build()) {
      Row row = session.execute("SELECT release_version FROM system.local").one();
      if (row == null) {
        return Optional.of("system.local returned no row");
      }
      log.debug("Cassandra {} answers CQL on {}", row.getString("release_version"), contactPoint());
      return Optional.empty();
    } catch (RuntimeException e) {
      return Optional.of(e.toString());
    }
  }

  private DriverConfigLoader probeDriverConfig() {
    // fromMap: driver defaults only, independent of any application.conf of the running application
    OptionsMap options = OptionsMap.driverDefaults();
    options.put(TypedDriverOption.CONTACT_POINTS, List.of(contactPoint()));
    options.put(TypedDriverOption.LOAD_BALANCING_LOCAL_DATACENTER, LOCAL_DATACENTER);
    options.put(TypedDriverOption.SESSION_NAME, "embedded-cassandra-probe");
    options.put(TypedDriverOption.CONNECTION_CONNECT_TIMEOUT, Duration.ofSeconds(5));
    options.put(TypedDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(5));
    options.put(TypedDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(10));
    options.put(TypedDriverOption.HEARTBEAT_INTERVAL, CLIENT_HEARTBEAT);
    options.put(TypedDriverOption.METADATA_SCHEMA_ENABLED, false);
    options.put(TypedDriverOption.METADATA_TOKEN_MAP_ENABLED, false);
    options.put(TypedDriverOption.PROTOCOL_VERSION, "V5"); // Cassandra 5: no DSE protocol negotiation
    options.put(TypedDriverOption.NETTY_IO_SIZE, 1);
    options.put(TypedDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0); // default 2 s per close
    options.put(TypedDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0);
    return DriverConfigLoader.fromMap(options);
  }

  private String logReport(long fromOffset) {
    return System.lineSeparator() + "Log file: " + logFile + System.lineSeparator()
        + "Last lines of this run's log:" + System.lineSeparator() + logTail(fromOffset);
  }

  /** The last {@value #LOG_TAIL_LINES} lines the log got since {@code fromOffset}, indented. */
  String logTail(long fromOffset) {
    try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
      long start = Math.max(fromOffset, file.length() - 256 * 1024);
      file.seek(start);
      byte[] bytes = new byte[(int) (file.length() - start)];
      file.readFully(bytes);
      List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines()
          .dropWhile(String::isBlank).toList();
      List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
      return tail.isEmpty() ? "  (the log is empty)" : "  " + String.join(System.lineSeparator() + "  ", tail);
    } catch (IOException e) {
      return "  (cannot read " + logFile + ": " + e + ")";
    }
  }

  private static boolean waitFor(Process p, Duration timeout) {
    try {
      return p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !p.isAlive();
    }
  }

  private static boolean waitFor(ProcessHandle h, Duration timeout) {
    try {
      h.onExit().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return !h.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !h.isAlive();
    }
  }

  private static String secondsSince(Instant began) {
    return String.format(Locale.ROOT, "%.1f", Duration.between(began, Instant.now()).toMillis() / 1000.0);
  }

  private static void closeQuietly(OutputStream out) {
    if (out != null) {
      try {
        out.close();
      } catch (IOException ignored) {
        // the child is gone already
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** What {@link #main} prints once CQL answers, followed by the contact point. */
  public static final String READY_LINE = "Cassandra ready on ";

  /**
   * {@code EmbeddedCassandra [--data DIR] [--port N] [--storage-port N] [--heap SIZE]} starts a node
   * (defaults from {@code hub.cassandra}) and keeps it running until Ctrl-C or SIGTERM, which stop it in
   * order. The local cluster of {@code bin/hub cluster} (module sim) runs it as a process; with
   * {@code -Dhub.exit-when-stdin-closes=true} it also stops when its launcher's end of its stdin closes
   * (the launcher stopped, or died), so that no Cassandra outlives the cluster.
   */
  public static void main(String[] args) throws InterruptedException {
    Settings settings;
    try {
      settings = parseArgs(args, Settings.load());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println("usage: EmbeddedCassandra [--data DIR] [--port N] [--storage-port N] [--heap SIZE]"
          + " [--startup-timeout SECONDS]");
      System.exit(64);
      return;
    }
    if (Boolean.getBoolean("hub.exit-when-stdin-closes")) {
      Thread watcher = new Thread(EmbeddedCassandra::exitWhenStdinCloses, "launcher-watcher");
      watcher.setDaemon(true);
      watcher.start();
    }
    EmbeddedCassandra cassandra = new EmbeddedCassandra(settings);
    System.out.println("Starting Cassandra in " + cassandra.dataDir() + " (log: " + cassandra.logFile() + ") ...");
    Instant began = Instant.now();
    try {
      cassandra.start();
    } catch (CassandraStartException e) {
      System.err.println(e.getMessage());
      System.exit(1);
      return;
    }
    System.out.println(READY_LINE + cassandra.contactPoint() + " (datacenter " + LOCAL_DATACENTER
        + ") after " + secondsSince(began) + " s, pid " + cassandra.pid().orElse(-1L)
        + ". Press Ctrl-C to stop it.");
    // Ctrl-C / SIGTERM: the shutdown hook stops Cassandra in order. Here we only notice a node that dies.
    Process child = cassandra.process;
    int exit = child.onExit().join().exitValue();
    if (!cassandra.stopRequested) {
      System.err.println("Cassandra exited by itself with code " + exit + "; see " + cassandra.logFile());
      System.exit(1);
    }
  }

  /** EOF on stdin: whoever started this process is gone; the shutdown hook stops Cassandra in order. */
  private static void exitWhenStdinCloses() {
    try {
      while (System.in.read() >= 0) {
        // nothing is sent
      }
    } catch (IOException ignored) {
      // closed
    }
    System.out.println("The launcher is gone: stopping Cassandra.");
    System.exit(0);
  }

  static Settings parseArgs(String[] args, Settings base) {
    Settings s = base;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("--help") || flag.equals("-h")) {
        throw new IllegalArgumentException("Starts an embedded Cassandra node and waits for Ctrl-C.");
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value after " + flag);
      }
      String value = args[++i];
      try {
        s = switch (flag) {
          case "--data" -> s.withDataDir(Path.of(value));
          case "--port" -> s.withPort(Integer.parseInt(value));
          case "--storage-port" -> s.withStoragePort(Integer.parseInt(value));
          case "--heap" -> s.withHeap(value);
          case "--startup-timeout" -> s.withStartupTimeout(Duration.ofSeconds(Long.parseLong(value)));
          default -> throw new IllegalArgumentException("unknown option " + flag);
        };
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a number after " + flag + ": " + value);
      }
    }
    return s;
  }

  @Override
  public String toString() {
    return "EmbeddedCassandra[" + contactPoint() + ", storage port " + settings.storagePort() + ", " + dataDir + "]";
  }
}
