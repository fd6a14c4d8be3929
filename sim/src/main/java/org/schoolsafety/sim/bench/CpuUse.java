package org.schoolsafety.sim.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * CPU time spent between two readings, from Linux's own accounting ({@code /proc}): by the whole
 * machine, by the benchmark's JVM, and by the processes listening on the hub's HTTP port and on
 * its Cassandra node's CQL port (found through {@code /proc/net/tcp*} and the processes' sockets).
 * The machine's figure less the benchmark's is what the hub and its storage cost, plus whatever
 * else ran meanwhile; the two processes say how that splits.
 *
 * <p>Off Linux, or for a process of another user, the figures that cannot be read are absent:
 * the benchmark runs on without them.
 */
final class CpuUse {

  /** One reading: CPU seconds so far. {@code machine} is null when {@code /proc/stat} cannot be read. */
  record Reading(long atNanos, Double machine, double benchmark, Map<String, Double> processes) {}

  /** Milliseconds of CPU per unit of work between two readings. */
  record PerUnit(long units, double seconds, Double machine, double benchmark, Map<String, Double> processes) {

    /** The machine less the benchmark: the hub, its storage, and anything else that ran. */
    Double withoutBenchmark() {
      return machine == null ? null : Math.max(0, machine - benchmark);
    }

    /**
     * What the work cost beyond what the machine and each process burn idle ({@code idle}, per
     * second, measured with no load): the window's idle share, {@code idle × seconds / units},
     * taken off every figure. This is what one more unit of work costs.
     */
    PerUnit aboveIdle(PerUnit idle) {
      double idleShare = units == 0 ? Double.NaN : seconds / units;
      var processes = new LinkedHashMap<String, Double>();
      this.processes.forEach((name, ms) -> {
        Double idleMs = idle.processes().get(name);
        if (idleMs != null) {
          processes.put(name, Math.max(0, ms - idleMs * idleShare));
        }
      });
      Double machine = this.machine == null || idle.machine() == null ? null
          : Math.max(0, this.machine - (idle.machine() - idle.benchmark()) * idleShare);
      return new PerUnit(units, seconds, machine, benchmark, processes);
    }

    Map<String, Object> json() {
      var m = new LinkedHashMap<String, Object>();
      m.put("units", units);
      m.put("seconds", BenchResult.round(seconds));
      m.put("machineWithoutBenchmark", round(withoutBenchmark()));
      processes.forEach((name, ms) -> m.put(name, round(ms)));
      m.put("benchmark", round(benchmark));
      return m;
    }

    String describe(String unit) {
      if (machine == null && processes.isEmpty()) {
        return "- (no /proc here)";
      }
      if (units == 0) {
        return "- (no " + unit + ")";
      }
      var b = new StringBuilder();
      if (machine != null) {
        b.append(String.format(Locale.ROOT, "%.1f ms per %s on the machine without the benchmark", withoutBenchmark(), unit));
      }
      if (!processes.isEmpty()) {
        b.append(b.length() == 0 ? "" : ": ");
        var parts = new java.util.ArrayList<String>();
        processes.forEach((name, ms) -> parts.add(String.format(Locale.ROOT, "%s %.1f ms", label(name), ms)));
        b.append(String.join(", ", parts));
      }
      b.append(String.format(Locale.ROOT, " (benchmark %.1f ms)", benchmark));
      return b.toString();
    }
  }

  private static final Path PROC = Path.of("/proc");
  private static final double TICKS_PER_SECOND = ticksPerSecond();

  /** Who is measured besides the machine and the benchmark, by name. */
  private final Map<String, Long> pids;

  private CpuUse(Map<String, Long> pids) {
    this.pids = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(pids)); // in order, unlike Map.copyOf
  }

  /**
   * The JVMs listening on the ports (in the ports' order); a port held by anything else (a proxy,
   * say) is not measured.
   */
  static CpuUse listeningOn(Map<String, Integer> ports) {
    var pids = new LinkedHashMap<String, Long>();
    ports.forEach((name, port) -> pidListeningOn(port).ifPresent(pid -> {
      if (isJava(pid)) {
        pids.put(name, pid);
      }
    }));
    return new CpuUse(pids);
  }

  Map<String, Long> pids() {
    return pids;
  }

  Reading read() {
    var processes = new LinkedHashMap<String, Double>();
    pids.forEach((name, pid) -> processSeconds(pid).ifPresent(s -> processes.put(name, s)));
    return new Reading(System.nanoTime(), machineSeconds(), benchmarkSeconds(), processes);
  }

  /** CPU milliseconds per unit between two readings; a process missing from either is left out. */
  static PerUnit between(Reading before, Reading after, long units) {
    return per(before, after, units, units);
  }

  /** CPU milliseconds per second of wall-clock time between two readings. */
  static PerUnit perSecond(Reading before, Reading after) {
    double seconds = (after.atNanos() - before.atNanos()) / 1e9;
    return per(before, after, Math.round(seconds), seconds);
  }

  private static PerUnit per(Reading before, Reading after, long units, double divisor) {
    double per = divisor <= 0 ? Double.NaN : 1000.0 / divisor;
    Double machine = before.machine() == null || after.machine() == null ? null : (after.machine() - before.machine()) * per;
    var processes = new LinkedHashMap<String, Double>();
    after.processes().forEach((name, s) -> {
      Double was = before.processes().get(name);
      if (was != null && s >= was) {
        processes.put(name, (s - was) * per);
      }
    });
    return new PerUnit(units, (after.atNanos() - before.atNanos()) / 1e9, machine,
        (after.benchmark() - before.benchmark()) * per, processes);
  }

  /**
   * Busy time of all cores: user, nice, system, irq and softirq from the first line of /proc/stat.
   * Not steal: time a hypervisor gave to others is no process's here.
   */
  static Double machineSeconds() {
    try {
      String line = Files.readAllLines(PROC.resolve("stat")).get(0);
      String[] f = line.trim().split("\\s+");
      if (!f[0].equals("cpu") || f.length < 9) {
        return null;
      }
      long busy = 0;
      for (int i : new int[] {1, 2, 3, 6, 7}) {
        busy += Long.parseLong(f[i]);
      }
      return busy / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** User and system time of a process (fields 14 and 15 of /proc/PID/stat; the name in field 2 may hold spaces). */
  static Optional<Double> processSeconds(long pid) {
    try {
      String stat = Files.readString(PROC.resolve(pid + "").resolve("stat"), StandardCharsets.US_ASCII);
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // f[0] is field 3 (state), so fields 14 and 15 are f[11] and f[12]
      return Optional.of((Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static double benchmarkSeconds() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun && sun.getProcessCpuTime() >= 0) {
      return sun.getProcessCpuTime() / 1e9;
    }
    return processSeconds(ProcessHandle.current().pid()).orElse(0.0);
  }

  /** Whether the process runs a JVM (its command line's first word ends in "java"). */
  static boolean isJava(long pid) {
    try {
      byte[] cmdline = Files.readAllBytes(PROC.resolve(pid + "").resolve("cmdline"));
      String first = new String(cmdline, StandardCharsets.UTF_8).split("\u0000", 2)[0];
      return first.equals("java") || first.endsWith("/java");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** The process with a socket listening on {@code port} (IPv4 or IPv6, any address). */
  static OptionalLong pidListeningOn(int port) {
    Set<String> inodes = new HashSet<>();
    for (String table : List.of("tcp", "tcp6")) {
      try {
        for (String line : Files.readAllLines(PROC.resolve("net").resolve(table))) {
          String[] f = line.trim().split("\\s+");
          // sl local_address rem_address st tx:rx tr:tm retrnsmt uid timeout inode; st 0A = LISTEN
          if (f.length > 9 && f[3].equals("0A") && f[1].endsWith(String.format(Locale.ROOT, ":%04X", port))) {
            inodes.add("socket:[" + f[9] + "]");
          }
        }
      } catch (IOException | RuntimeException e) {
        // no such table here: IPv6 off, or not Linux
      }
    }
    if (inodes.isEmpty()) {
      return OptionalLong.empty();
    }
    try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path process : processes) {
        if (holdsAny(process, inodes)) {
          return OptionalLong.of(Long.parseLong(process.getFileName().toString()));
        }
      }
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
    return OptionalLong.empty();
  }

  private static boolean holdsAny(Path process, Set<String> inodes) {
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
      for (Path fd : fds) {
        try {
          if (inodes.contains(Files.readSymbolicLink(fd).toString())) {
            return true;
          }
        } catch (IOException e) {
          // the descriptor closed meanwhile
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone, or another user's
    }
    return false;
  }

  /** The kernel's USER_HZ (getconf CLK_TCK); 100 on every Linux this runs on when getconf is missing. */
  private static double ticksPerSecond() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
        return Double.parseDouble(out);
      }
    } catch (IOException | RuntimeException e) {
      // fall through
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 100;
  }

  /** "hubNode" as "hub node". */
  static String label(String name) {
    return name.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT).replace("cassandra", "Cassandra");
  }

  private static Double round(Double ms) {
    return ms == null || ms.isNaN() ? null : Math.round(ms * 100) / 100.0;
  }
}
