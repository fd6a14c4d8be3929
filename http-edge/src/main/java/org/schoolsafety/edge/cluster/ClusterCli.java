package org.schoolsafety.edge.cluster;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code bin/hub cluster --nodes 3 [--data ./data/cluster] [--port 8081] [--remoting-port 25521]
 * [--cassandra-port 9042] [--no-demo]}: a local cluster for trying failover by hand.
 */
public final class ClusterCli {

  public static void main(String[] args) throws InterruptedException {
    Map<String, String> o = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--no-demo")) {
        o.put("--no-demo", "true");
      } else if (args[i].startsWith("--") && i + 1 < args.length) {
        o.put(args[i], args[++i]);
      } else {
        System.err.println("hub cluster: unexpected argument " + args[i]);
        System.err.println("usage: hub cluster [--nodes 3] [--data DIR] [--port 8081] [--remoting-port 25521] "
            + "[--cassandra-port 9042] [--no-demo]");
        System.exit(2);
      }
    }
    int nodes = Integer.parseInt(o.getOrDefault("--nodes", "3"));
    Path data = Path.of(o.getOrDefault("--data", "./data/cluster"));
    int cassandraPort = Integer.parseInt(o.getOrDefault("--cassandra-port", "9042"));
    var layout = new LocalCluster.Layout(nodes, data,
        Integer.parseInt(o.getOrDefault("--port", "8081")),
        Integer.parseInt(o.getOrDefault("--remoting-port", "25521")),
        cassandraPort, Integer.parseInt(o.getOrDefault("--storage-port", "7000")),
        "768m", Map.of(), !o.containsKey("--no-demo"));
    System.out.println("Starting Cassandra and " + nodes + " nodes (data in " + data.toAbsolutePath().normalize() + ") ...");
    LocalCluster cluster = LocalCluster.start(layout);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      cluster.close();
      stopped.countDown();
    }, "cluster-shutdown"));
    System.out.println("\nCluster ready. Cassandra on " + cluster.cassandra().contactPoint() + ".");
    System.out.printf("%-6s %-8s %-28s %-10s %s%n", "node", "pid", "API", "remoting", "log");
    for (var node : cluster.nodes()) {
      System.out.printf("%-6d %-8d %-28s %-10d %s%n", node.index(), node.pid(),
          "http://127.0.0.1:" + node.httpPort(), node.remotingPort(), node.logFile());
    }
    System.out.println("\nTokens: bin/hub token --role OPERATOR --subject me --data " + cluster.dataDir()
        + "\nTry: kill -9 <pid of a node> and watch the others take over. Ctrl-C stops everything.");
    stopped.await();
  }

  private ClusterCli() {}
}
