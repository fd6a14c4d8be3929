package org.schoolsafety.edge;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts one node of a production cluster: {@code node --config FILE}, external Cassandra. The
 * container image runs it (deploy/Dockerfile), and so does {@code bin/hub node}. The dev node
 * ({@code bin/hub dev}: embedded Cassandra, demo data, dev tokens) is the dev launcher's, module
 * {@code dev}, which is not part of the production image.
 */
public final class Main {

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  static final String USAGE = """
      usage: hub node --config FILE
        node  one node of a production cluster, configured by FILE (external Cassandra)
        Any config key with JAVA_OPTS="-Dkey=value" (README, Configuration).
        bin/hub dev and bin/hub node --demo run the dev launcher (module dev: embedded Cassandra, demo
        data, dev tokens), which the production image does not have.""";

  public static void main(String[] args) {
    CommonPool.warnIfThreadPerCallback(System.err);
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * The command without exiting: returns the exit status (0 also after the node has run and
   * stopped; 1 when it could not start; 2 bad usage).
   */
  static int run(String[] args, PrintStream out, PrintStream err) {
    String file;
    try {
      file = configFile(args);
    } catch (IllegalArgumentException e) {
      err.println("hub: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    if (file == null) {
      out.println(USAGE);
      return 0;
    }
    try {
      node(nodeConfig(file));
      return 0;
    } catch (Exception e) {
      log.error("hub failed to start: {}", e.getMessage(), e);
      err.println("hub: " + e.getMessage());
      return 1;
    }
  }

  /** The FILE of {@code node --config FILE}; null for {@code --help}. */
  static String configFile(String[] args) {
    if (args.length == 0 || !args[0].equals("node")) {
      throw new IllegalArgumentException(args.length > 0 && args[0].equals("dev")
          ? "dev is the dev launcher's command (bin/hub dev, module dev); this is the production node: node --config FILE"
          : "expected a command: node");
    }
    String file = null;
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        return null;
      } else if (arg.equals("--config") && i + 1 < args.length) {
        file = args[++i];
      } else if (arg.equals("--demo")) {
        throw new IllegalArgumentException("--demo: the demo data is dev tooling, not part of the production node;"
            + " bin/hub node --config FILE --demo runs the dev launcher");
      } else {
        throw new IllegalArgumentException("unknown or incomplete option: " + arg);
      }
    }
    if (file == null) {
      throw new IllegalArgumentException("node needs --config FILE");
    }
    return file;
  }

  /** The node's configuration: FILE over application.conf (system properties win). */
  public static Config nodeConfig(String file) {
    return HubNode.config(Map.of(), ConfigFactory.parseFile(new File(file)).withFallback(ConfigFactory.defaultApplication()));
  }

  private static void node(Config config) {
    if (config.getBoolean("hub.cassandra.embedded")) {
      throw new IllegalArgumentException("hub.cassandra.embedded = on: the production node has no embedded Cassandra;"
          + " point datastax-java-driver.basic.contact-points at Cassandra (or run bin/hub dev)");
    }
    exitWhenParentGoes();
    HubNode.start(config, StartupGate.opened()).whenTerminated().join();
  }

  /**
   * A node started by a launcher ({@code -Dhub.exit-when-stdin-closes=on}) exits when the
   * launcher's end of its stdin closes, even if the launcher was killed: no orphan nodes.
   */
  public static void exitWhenParentGoes() {
    if (!Boolean.getBoolean("hub.exit-when-stdin-closes")) {
      return;
    }
    Thread watcher = new Thread(() -> {
      try {
        while (System.in.read() >= 0) {
          // nothing is sent; EOF means the launcher is gone
        }
      } catch (IOException ignored) {
        // closed
      }
      log.info("the launcher is gone: shutting down");
      System.exit(0);
    }, "parent-watcher");
    watcher.setDaemon(true);
    watcher.start();
  }

  private Main() {}
}
