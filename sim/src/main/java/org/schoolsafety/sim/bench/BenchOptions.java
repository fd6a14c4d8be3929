package org.schoolsafety.sim.bench;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.schoolsafety.sim.scenario.Durations;

/**
 * How to run one benchmark ({@code bin/hub bench --help}). Parsing is strict: an unknown option,
 * an option the workload does not take, a missing or malformed value are refused with a message
 * that names the option. {@code rate} null: no fixed rate (reports search for it, baseline runs
 * closed loop); {@code payloadBytes} null: the size of the reports' own request body.
 */
public record BenchOptions(
    Workload workload,
    URI hub,
    Path secretFile,
    int cassandraPort,
    int concurrency,
    Double rate,
    Duration duration,
    Duration warmup,
    Path out,
    long seed,
    Duration step,
    Duration baselineDuration,
    int schools,
    Duration p99Limit,
    Integer payloadBytes,
    int subscribers,
    String province,
    Long nodePid,
    int devices,
    int alarms) {

  /** The port the hub listens on: {@code --hub}'s, or its scheme's default. */
  public int hubPort() {
    return hub.getPort() != -1 ? hub.getPort() : "https".equals(hub.getScheme()) ? 443 : 80;
  }

  /** Bad usage: the message names the option. */
  public static final class UsageError extends RuntimeException {
    public UsageError(String message) {
      super(message);
    }
  }

  /** {@code --help}: usage for one workload (null: all). */
  public static final class HelpRequested extends RuntimeException {
    final transient Workload workload;

    HelpRequested(Workload workload) {
      super("help");
      this.workload = workload;
    }
  }

  static final String USAGE = """
      usage: hub bench <workload> [--rate R] [--concurrency C] [--duration D] [--hub URL] [--data DIR]
                                  [--cassandra-port N] [--out FILE] [--warmup D] [--seed N] [--secret-file FILE]
        workloads:
          reports    %s
                     [--step 15s] [--baseline-duration 15s] [--schools 200] [--p99-limit 100ms] [--payload-bytes N]
          streams    %s
                     [--subscribers 200] [--schools 200]
          surge      %s
                     [--schools 5000] [--province 65]
          baseline   %s
                     [--payload-bytes N]
          schools    %s
                     [--schools 100000] [--node-pid PID]
          sensors    %s
                     [--rate 50] [--schools 50] [--devices 20] [--alarms 10]
        --rate R            requests per second, open loop (Poisson arrivals, seeded); latency counts from the
                            intended send time, so a slow hub cannot hide behind a slow client
        --concurrency C     requests (or CQL inserts) in flight at most (default 32)
        --duration D        how long the measured load runs (reports: 60s at --rate; without --rate the whole rate
                            search, 2m, in --step steps; streams 60s; surge: the window of arrivals, 5m; baseline 30s;
                            sensors 30s)
        --warmup D          load before measuring, not counted (reports 10s, streams 5s, surge 0s, baseline 5s,
                            sensors 5s)
        --hub URL           the hub (default http://127.0.0.1:8080; loopback addresses only)
        --data DIR          the dev node's data directory: tokens are signed with DIR/auth/dev-secret (default ./data)
        --cassandra-port N  the hub's Cassandra node on 127.0.0.1, for the baseline and its write counters (9042)
        --out FILE          also write the result as JSON
        --devices N         sensors: readings per batch, one per device of the school (default 20)
        --alarms N          sensors: schools that press a panic button after the measured phase (default 10)
      Start the hub for a benchmark with raised per-principal limits, e.g.
        JAVA_OPTS="-Dhub.http.rate-limit.per-second=100000 -Dhub.http.rate-limit.burst=100000
                   -Dhub.http.streams.max-per-principal=64" bin/hub dev --port 18080 --cassandra-port 19042 --data /tmp/bench
      (docs/PERFORMANCE.md)""".formatted(Workload.REPORTS.brief(), Workload.STREAMS.brief(), Workload.SURGE.brief(),
      Workload.BASELINE.brief(), Workload.SCHOOLS.brief(), Workload.SENSORS.brief());

  private static final java.util.Set<String> FLAGS = java.util.Set.of("--rate", "--concurrency", "--duration",
      "--hub", "--data", "--secret-file", "--cassandra-port", "--out", "--warmup", "--seed", "--step",
      "--baseline-duration", "--schools", "--p99-limit", "--payload-bytes", "--subscribers", "--province",
      "--node-pid", "--devices", "--alarms");

  /**
   * Parses {@code bench <workload> [options]} (the leading "bench" is optional).
   *
   * @throws HelpRequested for -h/--help anywhere
   * @throws UsageError for anything wrong, naming the option
   */
  public static BenchOptions parse(String... args) {
    int i = args.length > 0 && args[0].equals("bench") ? 1 : 0;
    Workload workload = null;
    Map<String, String> given = new LinkedHashMap<>();
    boolean help = false;
    for (; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-h") || a.equals("--help")) {
        help = true;
      } else if (a.startsWith("-")) {
        String name = a;
        String value = null;
        int eq = a.indexOf('=');
        if (eq > 0) {
          name = a.substring(0, eq);
          value = a.substring(eq + 1);
        }
        if (!FLAGS.contains(name)) {
          throw new UsageError("unknown option " + name);
        }
        if (value == null) {
          if (i + 1 >= args.length) {
            throw new UsageError(name + " needs a value");
          }
          value = args[++i];
        }
        if (given.put(name, value) != null) {
          throw new UsageError(name + " is given twice");
        }
      } else if (workload == null) {
        workload = Workload.byLabel(a);
        if (workload == null) {
          if (help) {
            throw new HelpRequested(null);
          }
          throw new UsageError("unknown workload '" + a + "' (one of " + String.join(", ", Workload.labels()) + ")");
        }
      } else {
        throw new UsageError("one workload at a time: '" + a + "' after " + workload.label());
      }
    }
    if (help) {
      throw new HelpRequested(workload);
    }
    if (workload == null) {
      throw new UsageError("which workload? (one of " + String.join(", ", Workload.labels()) + ")");
    }
    for (String name : given.keySet()) {
      if (!workload.accepts(name)) {
        throw new UsageError(name + " does not apply to " + workload.label() + " (only to "
            + String.join(", ", Workload.accepting(name)) + ")");
      }
    }
    return build(workload, new Values(given));
  }

  private static BenchOptions build(Workload w, Values v) {
    URI hub = v.hub("--hub", "http://127.0.0.1:8080");
    Path data = Path.of(v.text("--data", "./data"));
    Path secret = v.has("--secret-file") ? Path.of(v.text("--secret-file", null)) : data.resolve("auth").resolve("dev-secret");
    int cassandraPort = v.integer("--cassandra-port", 9042, 1, 65535);
    int concurrency = v.integer("--concurrency", 32, 1, 1024);
    Double rate = v.has("--rate") ? v.decimal("--rate", 0.1, 100_000) : null;
    Duration duration = v.duration("--duration", switch (w) {
      case REPORTS -> rate == null ? Duration.ofMinutes(2) : Duration.ofSeconds(60);
      case STREAMS -> Duration.ofSeconds(60);
      case SURGE -> Duration.ofMinutes(5);
      case BASELINE -> Duration.ofSeconds(30);
      case SCHOOLS -> Duration.ZERO;
      case SENSORS -> Duration.ofSeconds(30);
    }, Duration.ofSeconds(1), Duration.ofHours(2));
    Duration warmup = v.duration("--warmup", switch (w) {
      case REPORTS -> Duration.ofSeconds(10);
      case STREAMS, BASELINE, SENSORS -> Duration.ofSeconds(5);
      case SURGE, SCHOOLS -> Duration.ZERO;
    }, Duration.ZERO, Duration.ofMinutes(30));
    Path out = v.has("--out") ? Path.of(v.text("--out", null)) : null;
    long seed = v.integer("--seed", 20261130, Integer.MIN_VALUE, Integer.MAX_VALUE);
    Duration step = v.duration("--step", Duration.ofSeconds(15), Duration.ofSeconds(1), Duration.ofMinutes(30));
    if (w == Workload.REPORTS && rate == null && step.compareTo(duration) > 0) {
      throw new UsageError("--step (" + Durations.format(step) + ") is longer than --duration (" + Durations.format(duration)
          + "), the rate search's whole budget");
    }
    Duration baselineDuration = v.duration("--baseline-duration", Duration.ofSeconds(15), Duration.ofSeconds(1),
        Duration.ofMinutes(30));
    int schools = v.integer("--schools", switch (w) {
      case SURGE -> 5000;
      case SCHOOLS -> 100_000;
      case SENSORS -> 50;
      default -> 200;
    }, 1, w == Workload.SCHOOLS ? 1_000_000 : 100_000);
    Duration p99Limit = v.duration("--p99-limit", Duration.ofMillis(100), Duration.ofMillis(1), Duration.ofMinutes(10));
    Integer payload = v.has("--payload-bytes") ? v.integer("--payload-bytes", 0, 1, 1_000_000) : null;
    int subscribers = v.integer("--subscribers", 200, 1, 10_000);
    String province = v.text("--province", "65");
    if (!province.matches("\\d{2}")) {
      throw new UsageError("--province must be a 2-digit province code, not '" + province + "'");
    }
    Long nodePid = v.has("--node-pid") ? (long) v.integer("--node-pid", 0, 1, Integer.MAX_VALUE) : null;
    int devices = v.integer("--devices", 20, 1, 500);
    int alarms = v.integer("--alarms", 10, 0, 100_000);
    return new BenchOptions(w, hub, secret, cassandraPort, concurrency, rate, duration, warmup, out, seed, step,
        baselineDuration, schools, p99Limit, payload, subscribers, province, nodePid, devices, alarms);
  }

  /** The options as given, read with checks whose messages name the option. */
  private record Values(Map<String, String> given) {

    boolean has(String name) {
      return given.containsKey(name);
    }

    String text(String name, String fallback) {
      String value = given.getOrDefault(name, fallback);
      if (value != null && value.isBlank()) {
        throw new UsageError(name + " needs a value");
      }
      return value;
    }

    int integer(String name, int fallback, long min, long max) {
      if (!has(name)) {
        return fallback;
      }
      String text = given.get(name);
      long value;
      try {
        value = Long.parseLong(text.strip());
      } catch (NumberFormatException e) {
        throw new UsageError(name + " needs a whole number, not '" + text + "'");
      }
      if (value < min || value > max) {
        throw new UsageError(name + " must be between " + min + " and " + max + ", not " + value);
      }
      return (int) value;
    }

    double decimal(String name, double min, double max) {
      String text = given.get(name);
      double value;
      try {
        value = Double.parseDouble(text.strip());
      } catch (NumberFormatException e) {
        throw new UsageError(name + " needs a number, not '" + text + "'");
      }
      if (!(value >= min && value <= max)) {
        throw new UsageError(name + " must be between " + min + " and " + (long) max + ", not " + text);
      }
      return value;
    }

    Duration duration(String name, Duration fallback, Duration min, Duration max) {
      if (!has(name)) {
        return fallback;
      }
      Duration d;
      try {
        d = Durations.parse(given.get(name));
      } catch (IllegalArgumentException e) {
        throw new UsageError(name + " " + e.getMessage());
      }
      if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
        throw new UsageError(name + " must be between " + Durations.format(min) + " and " + Durations.format(max)
            + ", not " + given.get(name));
      }
      return d;
    }

    /** The hub's base URL; only this machine's loopback addresses are load targets. */
    URI hub(String name, String fallback) {
      String text = given.getOrDefault(name, fallback).strip();
      URI uri;
      try {
        uri = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
      } catch (IllegalArgumentException e) {
        throw new UsageError(name + " is not a URL: '" + text + "'");
      }
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new UsageError(name + " must be an http(s) URL such as http://127.0.0.1:8080, not '" + text + "'");
      }
      if (!isLoopback(uri.getHost())) {
        throw new UsageError(name + " must be on this machine (127.0.0.1, localhost or [::1]): a benchmark loads"
            + " nothing else, not '" + uri.getHost() + "'");
      }
      return uri;
    }

    private static boolean isLoopback(String host) {
      String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
      if (h.equals("localhost")) {
        return true;
      }
      if (!h.matches("[0-9.]+|[0-9a-fA-F:]+")) {
        return false; // a name: not resolved, not loaded
      }
      try {
        return InetAddress.getByName(h).isLoopbackAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }
  }
}
