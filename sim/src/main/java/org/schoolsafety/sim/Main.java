package org.schoolsafety.sim;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.schoolsafety.sim.history.HistoryLoad;
import org.schoolsafety.sim.history.HistoryScenario;
import org.schoolsafety.sim.plan.Plan;
import org.schoolsafety.sim.plan.Planner;
import org.schoolsafety.sim.prevention.PreventionDrill;
import org.schoolsafety.sim.run.DrillFailed;
import org.schoolsafety.sim.run.DrillOptions;
import org.schoolsafety.sim.run.DrillRunner;
import org.schoolsafety.sim.run.Progress;
import org.schoolsafety.sim.scenario.Durations;
import org.schoolsafety.sim.scenario.Scenario;
import org.schoolsafety.sim.scenario.ScenarioException;
import org.schoolsafety.sim.scenario.ScenarioParser;
import org.schoolsafety.sim.sensors.SensorDrill;

/**
 * {@code bin/hub drill}: runs a drill scenario against a hub and writes the after-action report.
 * Exit status: 0 all targets passed, 3 the drill ran but a target failed, 1 the drill could not
 * run, 2 bad usage or scenario.
 */
public final class Main {

  static final String USAGE = """
      usage: hub drill <scenario> [--hub http://127.0.0.1:8080] [--speed N] [--out DIR] [--data ./data]
                       [--secret-file FILE] [--seed N] [--drill-id ID] [--concurrency 32]
                       [--progress auto|bar|plain|off] [--settle 2m] [--read-back-timeout 2m]
             hub drill --check <scenario>...      parse the scenarios and show their plans, send nothing
             hub drill --list                     the scenarios in sim/scenarios
             hub drill history-six-months [--hub URL] [--data DIR] [--months N] [--seed N] [--out FILE]
                                                  months of history for the demo schools (docs/DRILLS.md)
        <scenario> is a file or the name of one in sim/scenarios (e.g. school-fire).
        --speed N   drill time runs N times faster than real time (1..3600, default: the scenario's);
                    the hub's acknowledgement deadlines of the drill's incidents are divided by N.
        --data DIR  the dev node's data directory: tokens are signed with DIR/auth/dev-secret.
        --out DIR   where the report goes (default drill-reports/<drill id>; a history scenario: a JSON file).
        --months N  a history scenario: how many months before the current one (1..24, default: the scenario's).""";

  private static final List<String> VALUED = List.of("--hub", "--speed", "--out", "--data", "--secret-file", "--seed",
      "--drill-id", "--concurrency", "--progress", "--settle", "--read-back-timeout", "--months");

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** The command without exiting: returns the exit status. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    List<String> positional = new ArrayList<>();
    Map<String, String> options = new HashMap<>();
    boolean check = false;
    boolean list = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (i == 0 && a.equals("drill")) {
        continue;
      }
      if (a.equals("--check")) {
        check = true;
      } else if (a.equals("--list")) {
        list = true;
      } else if (a.equals("-h") || a.equals("--help")) {
        out.println(USAGE);
        return 0;
      } else if (VALUED.contains(a)) {
        if (i + 1 >= args.length) {
          return usage(err, a + " needs a value");
        }
        options.put(a, args[++i]);
      } else if (a.startsWith("--")) {
        return usage(err, "unknown option " + a);
      } else {
        positional.add(a);
      }
    }
    if (list) {
      return listScenarios(out);
    }
    if (positional.isEmpty()) {
      return usage(err, "which scenario? (--list shows them)");
    }
    if (check) {
      int status = 0;
      for (String name : positional) {
        try {
          if (PreventionDrill.Scenario.isPreventionDrill(resolve(name))) {
            out.println(PreventionDrill.Scenario.read(resolve(name)).describe());
            continue;
          }
          if (HistoryScenario.isHistory(resolve(name))) {
            out.println(HistoryScenario.read(resolve(name)).describe());
            continue;
          }
          if (SensorDrill.Scenario.isSensorDrill(resolve(name))) {
            var sensors = SensorDrill.Scenario.read(resolve(name));
            out.println("sensor drill " + sensors.name() + ": schools " + sensors.schools() + ", mode " + sensors.mode()
                + ", quiet " + sensors.quiet() + ", waits up to " + sensors.offlineWait() + " for the silent camera");
            continue;
          }
          Scenario s = ScenarioParser.read(resolve(name));
          out.println(describe(s));
        } catch (ScenarioException | IllegalArgumentException e) {
          err.println("hub drill: " + e.getMessage());
          status = 2;
        } catch (java.io.UncheckedIOException e) {
          err.println("hub drill: " + e.getMessage());
          status = 2;
        }
      }
      return status;
    }
    if (positional.size() > 1) {
      return usage(err, "one scenario at a time, not " + positional);
    }

    try {
      if (SensorDrill.Scenario.isSensorDrill(resolve(positional.get(0)))) {
        return sensorDrill(positional.get(0), options, out, err);
      }
      if (PreventionDrill.Scenario.isPreventionDrill(resolve(positional.get(0)))) {
        return preventionDrill(positional.get(0), options, out, err);
      }
      if (HistoryScenario.isHistory(resolve(positional.get(0)))) {
        return history(positional.get(0), options, out, err);
      }
    } catch (IllegalArgumentException e) {
      return usage(err, e.getMessage());
    }

    DrillOptions drill;
    Scenario scenario;
    try {
      scenario = ScenarioParser.read(resolve(positional.get(0)));
      Path data = Path.of(options.getOrDefault("--data", "./data"));
      drill = new DrillOptions(
          Path.of(positional.get(0)),
          URI.create(stripSlash(options.getOrDefault("--hub", "http://127.0.0.1:8080"))),
          options.containsKey("--speed") ? number("--speed", options.get("--speed")) : null,
          options.containsKey("--out") ? Path.of(options.get("--out")) : null,
          options.containsKey("--secret-file") ? Path.of(options.get("--secret-file")) : data.resolve("auth").resolve("dev-secret"),
          options.containsKey("--seed") ? (long) number("--seed", options.get("--seed")) : null,
          options.containsKey("--drill-id") ? id(options.get("--drill-id")) : null,
          options.containsKey("--concurrency") ? (int) number("--concurrency", options.get("--concurrency")) : DrillOptions.DEFAULT_CONCURRENCY,
          Progress.Mode.valueOf(options.getOrDefault("--progress", "auto").toUpperCase(Locale.ROOT)),
          duration("--settle", options.getOrDefault("--settle", "2m")),
          duration("--read-back-timeout", options.getOrDefault("--read-back-timeout", "2m")));
      if (drill.concurrency() < 1 || drill.concurrency() > 1024) {
        return usage(err, "--concurrency must be between 1 and 1024");
      }
    } catch (ScenarioException e) {
      err.println("hub drill: " + e.getMessage());
      return 2;
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      return usage(err, e.getMessage());
    }

    try {
      DrillRunner.Result result = new DrillRunner(drill, scenario, err).run();
      out.println(headline(result));
      long failed = ((Number) result.summary().get("targetsFailed")).longValue();
      return failed == 0 ? 0 : 3;
    } catch (DrillFailed | IllegalArgumentException e) {
      err.println("hub drill: " + e.getMessage());
      return 1;
    } catch (RuntimeException e) {
      err.println("hub drill: the drill failed: " + e);
      e.printStackTrace(err);
      return 1;
    }
  }

  /** A sensor drill (docs/DRILLS.md, "Sensor drills"): its own script, the same options where they apply. */
  private static int sensorDrill(String name, Map<String, String> options, PrintStream out, PrintStream err) {
    try {
      var scenario = SensorDrill.Scenario.read(resolve(name));
      Path data = Path.of(options.getOrDefault("--data", "./data"));
      var drill = new SensorDrill(scenario, URI.create(stripSlash(options.getOrDefault("--hub", "http://127.0.0.1:8080"))),
          options.containsKey("--secret-file") ? Path.of(options.get("--secret-file")) : data.resolve("auth").resolve("dev-secret"),
          options.containsKey("--out") ? Path.of(options.get("--out")) : null, err);
      Map<String, Object> report = drill.run();
      out.print(SensorDrill.summary(report));
      return ((Number) report.get("checksFailed")).intValue() == 0 ? 0 : 3;
    } catch (IllegalArgumentException e) {
      return usage(err, e.getMessage());
    } catch (RuntimeException e) {
      err.println("hub drill: the sensor drill failed: " + e);
      return 1;
    }
  }

  /**
   * A prevention drill (docs/DRILLS.md, "Prevention drills"): a term of prevention work in compressed
   * time; {@code --speed} is term days per real day here (default: the scenario's).
   */
  private static int preventionDrill(String name, Map<String, String> options, PrintStream out, PrintStream err) {
    try {
      var scenario = PreventionDrill.Scenario.read(resolve(name));
      if (options.containsKey("--speed")) {
        double speed = number("--speed", options.get("--speed"));
        if (speed < 1 || speed > 1_000_000) {
          return usage(err, "--speed of a prevention drill must be between 1 and 1000000");
        }
        scenario = scenario.withSpeed(speed);
      }
      Path data = Path.of(options.getOrDefault("--data", "./data"));
      String drillId = options.containsKey("--drill-id") ? id(options.get("--drill-id"))
          : scenario.name() + "-" + DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
      Path report = options.containsKey("--out") ? Path.of(options.get("--out")) : Path.of("drill-reports", drillId);
      var drill = new PreventionDrill(scenario, URI.create(stripSlash(options.getOrDefault("--hub", "http://127.0.0.1:8080"))),
          options.containsKey("--secret-file") ? Path.of(options.get("--secret-file")) : data.resolve("auth").resolve("dev-secret"),
          report, drillId, err);
      Map<String, Object> summary = drill.run();
      out.print(PreventionDrill.text(summary));
      out.println("report: " + report.resolve("report.html").toAbsolutePath().normalize());
      return ((Number) summary.get("checksFailed")).intValue() == 0 ? 0 : 3;
    } catch (IllegalArgumentException e) {
      return usage(err, e.getMessage());
    } catch (RuntimeException e) {
      err.println("hub drill: the prevention drill failed: " + e);
      return 1;
    }
  }

  /**
   * A history scenario (docs/DRILLS.md, "History"): months of plausible history recorded through
   * the API; exit 0 when every call recorded something or found it recorded, 1 otherwise.
   */
  private static int history(String name, Map<String, String> options, PrintStream out, PrintStream err) {
    try {
      var scenario = HistoryScenario.read(resolve(name));
      if (options.containsKey("--months")) {
        scenario = scenario.withMonths((int) number("--months", options.get("--months")));
      }
      if (options.containsKey("--seed")) {
        scenario = scenario.withSeed((long) number("--seed", options.get("--seed")));
      }
      Path data = Path.of(options.getOrDefault("--data", "./data"));
      var load = new HistoryLoad(scenario, URI.create(stripSlash(options.getOrDefault("--hub", "http://127.0.0.1:8080"))),
          options.containsKey("--secret-file") ? Path.of(options.get("--secret-file")) : data.resolve("auth").resolve("dev-secret"),
          java.time.Clock.systemUTC());
      HistoryLoad.Result result = load.run();
      out.print(result.text());
      if (options.containsKey("--out")) {
        HistoryLoad.write(result, Path.of(options.get("--out")));
      }
      return result.count("failed") == 0 ? 0 : 1;
    } catch (IllegalArgumentException e) {
      return usage(err, e.getMessage());
    } catch (RuntimeException e) {
      err.println("hub drill: the history failed: " + e);
      return 1;
    }
  }

  /** A file, or a name in the scenarios directory ({@code -Dsim.scenarios}, else ./sim/scenarios). */
  static Path resolve(String name) {
    Path file = Path.of(name);
    if (Files.isRegularFile(file)) {
      return file;
    }
    Path dir = scenariosDir();
    Path named = dir.resolve(name.endsWith(".json") ? name : name + ".json");
    if (Files.isRegularFile(named)) {
      return named;
    }
    throw new IllegalArgumentException("no scenario file '" + name + "' and none of that name in " + dir
        + " (shipped: " + String.join(", ", shipped()) + ")");
  }

  static Path scenariosDir() {
    return Path.of(System.getProperty("sim.scenarios", "sim/scenarios"));
  }

  private static List<String> shipped() {
    try (Stream<Path> files = Files.list(scenariosDir())) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
          .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
    } catch (java.io.IOException e) {
      return List.of();
    }
  }

  private static int listScenarios(PrintStream out) {
    for (String name : shipped()) {
      try {
        Path file = scenariosDir().resolve(name + ".json");
        String description = SensorDrill.Scenario.isSensorDrill(file) ? SensorDrill.Scenario.read(file).description()
            : PreventionDrill.Scenario.isPreventionDrill(file) ? PreventionDrill.Scenario.read(file).description()
            : HistoryScenario.isHistory(file) ? HistoryScenario.read(file).description()
            : ScenarioParser.read(file).description();
        String first = description.split("(?<=\\.)\\s")[0];
        out.printf("%-26s %s%n", name, first);
      } catch (RuntimeException e) {
        out.printf("%-26s (invalid: %s)%n", name, e.getMessage());
      }
    }
    return 0;
  }

  /** The scenario and its plan with stand-in school ids (the real ones come from the hub). */
  static String describe(Scenario s) {
    int schools = !s.schools().list().isEmpty() ? s.schools().list().size()
        : s.schools().count() != null ? s.schools().count() : 20;
    var ids = new ArrayList<String>();
    for (int i = 1; i <= schools; i++) {
      ids.add("school-" + i);
    }
    Plan plan = Planner.plan(s, ids, s.seed());
    Duration real = Duration.ofNanos((long) (plan.end().toNanos() / s.speed()));
    return String.format(Locale.ROOT, "%s: ok — %d schools%s, %d incidents, %d requests, %s of drill time (%s at %sx),"
            + " %d targets", s.name(), schools, s.schools().count() == null && s.schools().list().isEmpty()
            ? " (all of region " + s.schools().region() + "; 20 assumed here)" : "",
        plan.incidents().size(), plan.requests(), Durations.format(plan.end()), Durations.format(real),
        s.speed() == Math.rint(s.speed()) ? String.valueOf((long) s.speed()) : String.valueOf(s.speed()), s.targets().size());
  }

  @SuppressWarnings("unchecked")
  private static String headline(DrillRunner.Result r) {
    Map<String, Object> s = r.summary();
    var schools = (Map<String, Object>) s.get("schools");
    var incidents = (Map<String, Object>) s.get("incidents");
    var dispatches = (Map<String, Object>) s.get("dispatches");
    var dispatch = (Map<String, Object>) s.get("timeToDispatch");
    var b = new StringBuilder();
    b.append("drill ").append(r.drillId()).append(" done in ").append(Durations.formatSeconds(r.wallSeconds()))
        .append(" (wall time)\n");
    b.append(String.format(Locale.ROOT, "  schools taking part %s, incidents recorded %s (missing from the hub's list %s)%n",
        schools.get("takingPart"), incidents.get("recorded"), incidents.get("missingFromList")));
    b.append(String.format(Locale.ROOT, "  dispatches %s: acknowledged %s (%s after the deadline), never acknowledged %s;"
            + " escalations %s, unanswered %s%n",
        dispatches.get("total"), dispatches.get("acknowledged"), dispatches.get("acknowledgedAfterDeadline"),
        dispatches.get("neverAcknowledged"), s.get("escalations"), s.get("unansweredDispatches")));
    b.append(String.format(Locale.ROOT, "  time to dispatch p50 %s p95 %s max %s (real time)%n", secs(dispatch.get("p50")),
        secs(dispatch.get("p95")), secs(dispatch.get("max"))));
    var ack = (Map<String, Object>) ((Map<String, Object>) s.get("timeToAcknowledge")).get("byKind");
    ack.forEach((kind, v) -> {
      var m = (Map<String, Object>) v;
      b.append(String.format(Locale.ROOT, "  time to acknowledge %-9s p50 %s p95 %s max %s (drill time), never %s of %s%n", kind,
          secs(m.get("p50")), secs(m.get("p95")), secs(m.get("max")), m.get("neverAcknowledged"), m.get("incidents")));
    });
    for (Object t : (List<Object>) s.get("targets")) {
      var m = (Map<String, Object>) t;
      b.append("  ").append(Boolean.TRUE.equals(m.get("pass")) ? "PASS " : "FAIL ").append(m.get("name"))
          .append(": ").append(m.get("measured")).append('\n');
    }
    b.append("report: ").append(r.reportDir().resolve("report.html").toAbsolutePath().normalize());
    return b.toString();
  }

  private static String secs(Object seconds) {
    return seconds == null ? "-" : Durations.formatSeconds(((Number) seconds).doubleValue());
  }

  private static int usage(PrintStream err, String problem) {
    err.println("hub drill: " + problem);
    err.println(USAGE);
    return 2;
  }

  private static double number(String option, String value) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs a number, not '" + value + "'");
    }
  }

  private static Duration duration(String option, String value) {
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + " " + e.getMessage());
    }
  }

  private static String id(String value) {
    if (!value.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
      throw new IllegalArgumentException("--drill-id must be 1-64 of A-Z a-z 0-9 . _ - (starting with a letter or digit)");
    }
    return value;
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
