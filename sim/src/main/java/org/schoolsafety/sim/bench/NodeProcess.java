package org.schoolsafety.sim.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hub node as a process on this machine, through the JDK's {@code jcmd}: which JVM it is (by
 * its command line) and what its live heap holds (a class histogram, taken after a full GC).
 */
final class NodeProcess {

  /** The histogram's total, under this key. */
  static final String TOTAL = "(total)";
  private static final String MAIN = "org.schoolsafety.edge.Main";
  private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
  private static final Pattern TOTAL_ROW = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)");

  private NodeProcess() {}

  /** The pid of the hub node serving HTTP on {@code port} ({@code --port}; 8080 when it has none). */
  static long find(int port) {
    var found = new ArrayList<Long>();
    for (String line : jcmd("-l")) {
      String[] words = line.trim().split("\\s+");
      if (words.length < 2 || !words[1].equals(MAIN)) {
        continue;
      }
      int nodePort = 8080;
      for (int i = 2; i + 1 < words.length; i++) {
        if (words[i].equals("--port")) {
          nodePort = Integer.parseInt(words[i + 1]);
        }
      }
      if (nodePort == port) {
        found.add(Long.parseLong(words[0]));
      }
    }
    if (found.size() != 1) {
      throw new BenchFailed(found.isEmpty()
          ? "no hub node (" + MAIN + " --port " + port + ") among this machine's JVMs (jcmd -l); give it with --node-pid"
          : "several hub nodes serve port " + port + " " + found + "; give the one to measure with --node-pid");
    }
    return found.get(0);
  }

  /** The node's heap flags, e.g. "-Xmx2g" as the JVM reports it (MaxHeapSize, InitialHeapSize, the collector). */
  static String heapFlags(long pid) {
    var flags = new ArrayList<String>();
    for (String line : jcmd(pid + "", "VM.flags")) {
      for (String flag : line.trim().split("\\s+")) {
        if (flag.startsWith("-XX:MaxHeapSize=") || flag.startsWith("-XX:InitialHeapSize=")
            || flag.matches("-XX:\\+Use\\w+GC")) {
          flags.add(flag);
        }
      }
    }
    return String.join(" ", flags);
  }

  /** Live instances and bytes by class after a full GC; {@link #TOTAL} holds the sums. */
  static Map<String, long[]> histogram(long pid) {
    var classes = new HashMap<String, long[]>();
    for (String line : jcmd(pid + "", "GC.class_histogram")) {
      Matcher row = ROW.matcher(line);
      if (row.find()) {
        classes.merge(row.group(3), new long[] {Long.parseLong(row.group(1)), Long.parseLong(row.group(2))},
            (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
        continue;
      }
      Matcher total = TOTAL_ROW.matcher(line);
      if (total.find()) {
        classes.put(TOTAL, new long[] {Long.parseLong(total.group(1)), Long.parseLong(total.group(2))});
      }
    }
    if (!classes.containsKey(TOTAL)) {
      throw new BenchFailed("jcmd " + pid + " GC.class_histogram gave no total");
    }
    return classes;
  }

  private static List<String> jcmd(String... args) {
    Path java = ProcessHandle.current().info().command().map(Path::of).orElse(Path.of("java"));
    Path jcmd = java.resolveSibling("jcmd");
    var command = new ArrayList<String>();
    command.add(Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd");
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new BenchFailed(String.join(" ", command) + " failed: " + new String(out, StandardCharsets.UTF_8).strip());
      }
      return new String(out, StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      throw new BenchFailed("cannot run " + String.join(" ", command) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchFailed("interrupted");
    }
  }
}
