package org.schoolsafety.dev;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.schoolsafety.dev.demo.DemoData;
import org.schoolsafety.edge.HubNode;
import org.schoolsafety.edge.Main;
import org.schoolsafety.edge.StartupGate;
import org.schoolsafety.persistence.FirstTimeBucket;
import org.schoolsafety.persistence.lease.ShardingLayout;
import org.schoolsafety.persistence.cassandra.EmbeddedCassandra;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dev launcher: {@code dev} starts one node on an embedded Cassandra, registers the demo data
 * and writes dev tokens; {@code node --config FILE --demo} starts a node of a cluster (as
 * http-edge's production {@link Main} does) and registers the demo data on it, which the local
 * cluster of {@code bin/hub cluster} asks of its first node. Dev tooling (module {@code dev}): the
 * production image has the node only. See {@code bin/hub --help}.
 */
public final class DevMain {

  private static final Logger log = LoggerFactory.getLogger(DevMain.class);

  public static void main(String[] args) {
    org.schoolsafety.edge.CommonPool.warnIfThreadPerCallback(System.err);
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * The command without exiting: returns the exit status (0 also after a node has run and
   * stopped; 1 when it could not start; 2 bad usage).
   */
  static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLine cli;
    try {
      cli = CommandLine.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("hub: " + e.getMessage());
      err.println(CommandLine.USAGE);
      return 2;
    }
    if (cli.flag("--help")) {
      out.println(CommandLine.USAGE);
      return 0;
    }
    try {
      switch (cli.command()) {
        case "dev" -> dev(cli);
        case "node" -> node(cli);
        default -> throw new IllegalStateException("unreachable");
      }
      return 0;
    } catch (Exception e) {
      log.error("hub failed to start: {}", e.getMessage(), e);
      err.println("hub: " + e.getMessage());
      return 1;
    }
  }

  /**
   * The dev node's Cassandra listens for other Cassandra nodes (storage port) this far below its
   * CQL port: 9042 and 7000 as Cassandra's own defaults, 19042 and 17000 for a second dev hub.
   */
  static final int STORAGE_PORT_BELOW_CQL = 2042;

  /** The embedded Cassandra's storage port for a CQL port (above it when below would be privileged). */
  static int storagePortFor(int cqlPort) {
    int below = cqlPort - STORAGE_PORT_BELOW_CQL;
    return below >= 1024 ? below : cqlPort + STORAGE_PORT_BELOW_CQL;
  }

  private static void dev(CommandLine cli) throws Exception {
    Path dataDir = Path.of(cli.option("--data", "./data")).toAbsolutePath().normalize();
    Path secretFile = DevSecret.fileIn(dataDir);
    byte[] secret = DevSecret.readOrCreate(secretFile);
    Config config = devConfig(cli, dataDir, secretFile);

    // Not ready before the demo data is registered and the tokens file is written: a script that
    // waits for /health/ready may use both at once.
    var startup = StartupGate.closedUntil(cli.flag("--no-demo") ? "the dev tokens"
        : "the demo data, its history and the dev tokens");
    boolean embedded = config.getBoolean("hub.cassandra.embedded");
    if (embedded) {
      DemoMarker.forgetUnlessStorageKept(dataDir, Path.of(config.getString("hub.cassandra.data-dir")));
    }
    Running running = run(config, startup);
    String demo = cli.flag("--no-demo") ? "skipped (--no-demo)" : registerDemo(running, dataDir, embedded);
    // Six months of history (issue 18), through the API: before "ready", so that the evaluation
    // and cost-benefit pages show something real as soon as the banner says so.
    String history = cli.flag("--no-demo") ? "skipped (--no-demo)"
        : cli.flag("--no-history") ? "skipped (--no-history)"
        : DevHistory.load(dataDir, running.node().httpPort());
    var tokens = DevTokens.write(dataDir.resolve("auth").resolve("dev-tokens.env"), secret, config);
    startup.open();
    Banner.print(running.node().httpPort(), running.cassandraAddress(), dataDir, demo, history, tokens.file(),
        tokens.tokens().get(DevTokens.CONSOLE));
    running.node().whenTerminated().join();
  }

  /**
   * Registers the demo data unless this data directory's own Cassandra already holds this very
   * demo file ({@link DemoMarker}); says what happened, for the banner.
   */
  private static String registerDemo(Running running, Path dataDir, boolean embedded) throws Exception {
    if (embedded) {
      var before = DemoMarker.registeredBefore(dataDir);
      if (before.isPresent()) {
        return before.get() + " (registered on an earlier start)";
      }
    }
    var loaded = DemoData.load(running.node().context()).toCompletableFuture().get(5, TimeUnit.MINUTES);
    String registered = loaded.schools() + " schools and " + loaded.agencies() + " agencies";
    if (embedded) {
      DemoMarker.remember(dataDir, registered);
    }
    return registered + " registered" + (loaded.preventionWritten() > 0
        ? ", prevention work of " + loaded.preventionWritten() + " schools recorded" : "");
  }

  static Config devConfig(CommandLine cli, Path dataDir, Path secretFile) {
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("hub.cassandra.data-dir", dataDir.resolve("cassandra").toString());
    overrides.put("hub.auth.hs256-secret-file", secretFile.toString());
    // The dev node brings its own Cassandra unless told otherwise (-Dhub.cassandra.embedded=off).
    overrides.put("hub.cassandra.embedded", System.getProperty("hub.cassandra.embedded", "on"));
    cli.ifPresent("--cassandra-port", port -> overrides.put("hub.cassandra.port", port));
    cli.ifPresent("--port", port -> overrides.put("hub.http.port", port));
    // The storage port follows the CQL port, so that two dev hubs can run side by side; an
    // explicit -Dhub.cassandra.storage-port still wins (system properties win over overrides).
    Config config = HubNode.config(overrides);
    overrides.put("hub.cassandra.storage-port", storagePortFor(config.getInt("hub.cassandra.port")));
    if (config.getBoolean("hub.cassandra.embedded")) {
      // Its own Cassandra, as old as its files here: projections need not look further back.
      boolean fresh = !EmbeddedCassandra.holdsData(Path.of(config.getString("hub.cassandra.data-dir")));
      FirstTimeBucket.forStorage(dataDir.resolve(FirstTimeBucket.FILE), fresh, Instant.now())
          .ifPresent(bucket -> overrides.put(FirstTimeBucket.KEY, bucket));
      ShardingLayout.forStorage(dataDir.resolve(ShardingLayout.FILE), fresh)
          .ifPresent(shards -> overrides.put(ShardingLayout.KEY, shards));
    }
    return HubNode.config(overrides);
  }

  private static void node(CommandLine cli) {
    String file = cli.option("--config", null);
    if (file == null) {
      throw new IllegalArgumentException("node needs --config FILE");
    }
    Config config = Main.nodeConfig(file);
    Main.exitWhenParentGoes();
    // With --demo, not ready before the demo data is registered; otherwise ready as soon as it can serve.
    var startup = cli.flag("--demo") ? StartupGate.closedUntil("the demo data") : StartupGate.opened();
    Running running = run(config, startup);
    if (cli.flag("--demo")) {
      var loaded = DemoData.load(running.node().context()).toCompletableFuture().join();
      log.info("demo data: {} schools and {} agencies registered, prevention work of {} schools recorded",
          loaded.schools(), loaded.agencies(), loaded.preventionWritten());
      startup.open();
    }
    running.node().whenTerminated().join();
  }

  record Running(HubNode node, String cassandraAddress) {}

  /** Starts the embedded Cassandra when configured, then the node on it. */
  private static Running run(Config config, StartupGate startup) {
    if (!config.getBoolean("hub.cassandra.embedded")) {
      return new Running(HubNode.start(config, startup), String.join(", ",
          config.getStringList("datastax-java-driver.basic.contact-points")));
    }
    var settings = EmbeddedCassandra.Settings.fromConfig(config);
    System.out.println("Starting Cassandra (data in " + settings.dataDir() + ", log "
        + settings.dataDir().resolve("cassandra.log") + ") ...");
    EmbeddedCassandra cassandra = EmbeddedCassandra.start(settings);
    Config withCassandra = ConfigFactory.parseMap(Map.of(
            "datastax-java-driver.basic.contact-points", List.of(cassandra.contactPoint())))
        .withFallback(config);  // contact-points is read as is: nothing derives from it
    try {
      HubNode node = HubNode.start(withCassandra, startup);
      // On Ctrl-C, Pekko's shutdown hook leaves the cluster and stops the node; Cassandra after it.
      cassandra.stopOnlyAfter(node.whenTerminated());
      return new Running(node, cassandra.contactPoint());
    } catch (RuntimeException e) {
      cassandra.stop();
      throw e;
    }
  }

  /** The few options the launcher understands. */
  record CommandLine(String command, Map<String, String> options) {

    static final String USAGE = """
        usage: hub dev [--port N] [--data DIR] [--cassandra-port N] [--no-demo] [--no-history]
               hub node --config FILE [--demo]
          dev   one node with its own Cassandra and the demo data; tokens in DIR/auth/dev-tokens.env
                --port N            the API's port (8080)
                --data DIR          data directory: Cassandra, the dev secret, the tokens (./data)
                --cassandra-port N  the embedded Cassandra's CQL port (9042); its storage (internode)
                                    port is N - 2042 (7000), or N + 2042 below 3066, unless
                                    -Dhub.cassandra.storage-port says otherwise
                --no-demo           do not register the demo data (nor its history)
                --no-history        do not load six months of demo history on a fresh --data
                                    (sim's history-six-months scenario, run against the node
                                    before it is ready: about 25 s on the first start)
          node  one node of a production cluster, configured by FILE (external Cassandra), as the
                production image runs it
                --demo              register the demo data
          Any config key with JAVA_OPTS="-Dkey=value" (README, Configuration).""";

    private static final List<String> VALUED = List.of("--port", "--data", "--cassandra-port", "--config");
    private static final List<String> FLAGS = List.of("--no-demo", "--no-history", "--demo", "--help", "-h");

    static CommandLine parse(String[] args) {
      if (args.length == 0 || !List.of("dev", "node").contains(args[0])) {
        throw new IllegalArgumentException("expected a command: dev or node");
      }
      Map<String, String> options = new HashMap<>();
      for (int i = 1; i < args.length; i++) {
        String arg = args[i];
        if (FLAGS.contains(arg)) {
          options.put(arg.equals("-h") ? "--help" : arg, "true");
        } else if (VALUED.contains(arg) && i + 1 < args.length) {
          options.put(arg, args[++i]);
        } else {
          throw new IllegalArgumentException("unknown or incomplete option: " + arg);
        }
      }
      return new CommandLine(args[0], options);
    }

    String option(String name, String fallback) {
      return options.getOrDefault(name, fallback);
    }

    int intOption(String name, int fallback) {
      String value = options.get(name);
      if (value == null) {
        return fallback;
      }
      try {
        return Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " needs a number, not '" + value + "'");
      }
    }

    void ifPresent(String name, Consumer<Integer> action) {
      if (options.containsKey(name)) {
        action.accept(intOption(name, 0));
      }
    }

    boolean flag(String name) {
      return options.containsKey(name);
    }
  }

  private DevMain() {}
}
