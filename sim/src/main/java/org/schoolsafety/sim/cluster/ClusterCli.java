package org.schoolsafety.sim.cluster;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code bin/hub cluster --nodes 3 [--data ./data/cluster] [--port 8081] [--remoting-port 25521]
 * [--cassandra-port 9042] [--no-demo]}: a local cluster for trying failover by hand.
 */
public final class ClusterCli {

  static final String USAGE = """
      usage: hub cluster [--nodes 3] [--data DIR] [--port 8081] [--remoting-port 25521] [--cassandra-port 9042]
                         [--storage-port 7000] [--no-demo]
        Cassandra and N node processes on 127.0.0.1, for trying failover by hand; Ctrl-C stops everything.
        --nodes N           how many nodes (3)
        --data DIR          Cassandra's and the nodes' data and logs (./data/cluster)
        --port P            node i serves HTTP on P + i - 1 (8081)
        --remoting-port R   node i's Pekko remoting port is R + i - 1 (25521)
        --cassandra-port N  Cassandra's CQL port (9042); --storage-port its internode port (7000)
        --no-demo           do not register the demo data""";

  private static final List<String> VALUED = List.of("--nodes", "--data", "--port", "--remoting-port",
      "--cassandra-port", "--storage-port");

  public static void main(String[] args) throws InterruptedException {
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** The command without exiting: returns the exit status (0 after Ctrl-C, 2 bad usage). */
  static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
    Map<String, String> o = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--help") || args[i].equals("-h")) {
        out.println(USAGE);
        return 0;
      } else if (args[i].equals("--no-demo")) {
        o.put("--no-demo", "true");
      } else if (VALUED.contains(args[i]) && i + 1 < args.length) {
        o.put(args[i], args[++i]);
      } else {
        err.println("hub cluster: " + (VALUED.contains(args[i]) ? args[i] + " needs a value" : "unexpected argument " + args[i]));
        err.println(USAGE);
        return 2;
      }
    }
    LocalCluster.Layout layout;
    int nodes;
    Path data;
    try {
      nodes = number(o, "--nodes", "3");
      data = Path.of(o.getOrDefault("--data", "./data/cluster"));
      layout = new LocalCluster.Layout(nodes, data, number(o, "--port", "8081"), number(o, "--remoting-port", "25521"),
          number(o, "--cassandra-port", "9042"), number(o, "--storage-port", "7000"),
          "768m", Map.of(), !o.containsKey("--no-demo"));
    } catch (IllegalArgumentException e) {
      err.println("hub cluster: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    out.println("Starting Cassandra and " + nodes + " nodes (data in " + data.toAbsolutePath().normalize() + ") ...");
    LocalCluster cluster = LocalCluster.start(layout);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      cluster.close();
      stopped.countDown();
    }, "cluster-shutdown"));
    out.println("\nCluster ready. Cassandra on " + cluster.cassandra().contactPoint() + ".");
    out.printf("%-6s %-8s %-28s %-10s %s%n", "node", "pid", "API", "remoting", "log");
    for (var node : cluster.nodes()) {
      out.printf("%-6d %-8d %-28s %-10d %s%n", node.index(), node.pid(),
          "http://127.0.0.1:" + node.httpPort(), node.remotingPort(), node.logFile());
    }
    out.println("\nTokens: bin/hub token --role OPERATOR --subject me --data " + cluster.dataDir()
        + "\nTry: kill -9 <pid of a node> and watch the others take over. Ctrl-C stops everything.");
    stopped.await();
    return 0;
  }

  private static int number(Map<String, String> options, String name, String fallback) {
    String value = options.getOrDefault(name, fallback);
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " needs a number, not '" + value + "'");
    }
  }

  private ClusterCli() {}
}
