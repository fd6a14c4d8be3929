package org.schoolsafety.sim.sensors;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.schoolsafety.sim.hub.ClientStats;
import org.schoolsafety.sim.hub.HubHttp;
import org.schoolsafety.sim.hub.HubHttp.Call;
import org.schoolsafety.sim.hub.Tokens;

/**
 * A sensor drill ({@code bin/hub drill lab-fire-sensors}): simulated gateways of a few schools send
 * what a real fire, an accidental panic press and a dead camera look like, over real HTTP, and the
 * after-action report counts what the hub made of it — incidents opened per real danger (exactly
 * one each), false alarms counted and offline notices. A black box: HTTP and JSON only.
 *
 * <p>The script, per school (docs/DRILLS.md, "Sensor drills"): a quiet minute of readings below every
 * threshold and heartbeats; one smoke detector spikes once (no incident); the lab fire — four
 * detectors of the lab floor rise above 0.15 dB/m one after another, reported by two gateways whose
 * batches interleave, a camera sees FIRE_SMOKE and a heat detector passes 57 °C — which must be one
 * FIRE incident; a pupil leans on a panic button (one INTRUSION incident) and staff cancel it with
 * reason FALSE_ALARM; meanwhile the gate camera has gone silent, and the drill waits until the hub
 * has turned it OFFLINE and told the education agency, then brings it back.
 */
public final class SensorDrill {

  /** The scenario: which schools, the drill's mode, how long to wait for the silent camera. */
  public record Scenario(String name, String description, List<String> schools, String region, String mode,
      Duration quiet, Duration offlineWait) {

    public static Scenario read(Path file) {
      JsonNode json;
      try {
        json = HubHttp.JSON.readTree(Files.readString(file));
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
      }
      for (var it = json.fieldNames(); it.hasNext(); ) {
        String field = it.next();
        if (!List.of("name", "kind", "description", "schools", "region", "mode", "quiet", "offlineWait").contains(field)) {
          throw new IllegalArgumentException(file + ": unknown field '" + field + "'");
        }
      }
      var schools = new ArrayList<String>();
      json.path("schools").forEach(s -> schools.add(s.asText()));
      if (schools.isEmpty() || !json.path("region").asText().matches("\\d{6}")) {
        throw new IllegalArgumentException(file + ": needs 'schools' (a list of ids) and 'region' (6 digits)");
      }
      String mode = json.path("mode").asText("EXERCISE");
      if (!mode.equals("EXERCISE") && !mode.equals("ACTUAL")) {
        throw new IllegalArgumentException(file + ": mode must be EXERCISE or ACTUAL");
      }
      return new Scenario(json.path("name").asText(), json.path("description").asText(), List.copyOf(schools),
          json.path("region").asText(), mode, Duration.parse("PT" + json.path("quiet").asText("20s").toUpperCase(Locale.ROOT)),
          Duration.parse("PT" + json.path("offlineWait").asText("4m").toUpperCase(Locale.ROOT)));
    }

    /** Whether a scenario file is a sensor drill ({@code "kind": "sensors"}). */
    public static boolean isSensorDrill(Path file) {
      try {
        return "sensors".equals(HubHttp.JSON.readTree(Files.readString(file)).path("kind").asText());
      } catch (IOException | RuntimeException e) {
        return false;
      }
    }
  }

  /** What one school's gateways saw and what the hub made of it. */
  record SchoolReport(String schoolId, Map<String, List<String>> openedByPhase, int spikeIncidents, String fireIncident,
      int fireEvidence, String falseAlarmIncident, String falseAlarmStatus, int falseAlarmsCounted, int offlineNotices,
      boolean silentCameraBack, long readingsSent, int batchesSent, List<String> problems) {}

  static final String[] SMOKE = {"smoke-B-3F-1", "smoke-B-3F-2", "smoke-B-3F-3", "smoke-B-3F-4",
      "smoke-B-2F-1", "smoke-B-2F-2", "smoke-B-1F-1", "smoke-B-1F-2"};
  static final String[] HEAT = {"heat-B-3F-1", "heat-B-1F-1"};
  static final String[] PANIC = {"panic-A-office", "panic-A-gym"};
  static final String LAB_CAMERA = "cam-B-3F-lab";
  static final String GATE_CAMERA = "cam-A-gate";

  private final Scenario scenario;
  private final HubHttp http;
  private final Tokens tokens;
  private final PrintStream err;
  private final Path out;

  public SensorDrill(Scenario scenario, URI hub, Path secretFile, Path out, PrintStream err) {
    this.scenario = scenario;
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    this.http = new HubHttp(hub, 16, scheduler, new ClientStats());
    this.tokens = Tokens.fromSecretFile(secretFile);
    this.err = err;
    this.out = out;
  }

  /** Runs the drill; returns the after-action report (also written to {@code out}, if given). */
  public Map<String, Object> run() {
    http.awaitReady(Duration.ofMinutes(2)).ifPresent(why -> {
      throw new IllegalStateException("the hub at " + http.base() + " is not ready: " + why);
    });
    String education = educationAgency();
    var reports = new ArrayList<SchoolReport>();
    for (String school : scenario.schools()) {
      say("%s: setting up (devices, leftovers of earlier runs)", school);
      setUp(school);
    }
    Map<String, Map<String, JsonNode>> before = new LinkedHashMap<>();
    for (String school : scenario.schools()) {
      before.put(school, devices(school));
    }
    var runs = new LinkedHashMap<String, Run>();
    scenario.schools().forEach(s -> runs.put(s, new Run(s)));

    say("quiet: %s of readings below every threshold", scenario.quiet());
    for (Instant end = Instant.now().plus(scenario.quiet()); Instant.now().isBefore(end); ) {
      runs.values().forEach(r -> r.send("quiet", quiet(Phase.QUIET)));
      sleep(5000);
    }
    say("spike: one smoke detector reads 0.6 dB/m once");
    runs.values().forEach(r -> r.send("spike", List.of(reading(SMOKE[0], "SMOKE", 0.6, Instant.now()))));
    sleep(1000);
    runs.values().forEach(r -> r.send("spike", List.of(reading(SMOKE[0], "SMOKE", 0.02, Instant.now()))));

    say("lab fire: four detectors of the 3rd floor rise over 45 s, two gateways interleaving; the gate camera is silent");
    Instant fire = Instant.now();
    for (int s = 0; s <= 45; s += 5) {
      Instant now = Instant.now();
      for (Run r : runs.values()) {
        var east = new ArrayList<Map<String, Object>>();
        var west = new ArrayList<Map<String, Object>>();
        for (int d = 0; d < 4; d++) {
          boolean burning = s >= d * 5;
          (d % 2 == 0 ? east : west).add(reading(SMOKE[d], "SMOKE", burning ? 0.18 + 0.03 * (s - d * 5) / 5.0 : 0.03, now));
        }
        if (s >= 20) {
          west.add(camera(LAB_CAMERA, "FIRE_SMOKE", 0.9, now));
        }
        east.add(reading(HEAT[0], "TEMPERATURE", s >= 30 ? 58 + s : 24 + s / 5.0, now));
        west.addAll(quiet(Phase.FIRE));
        r.send("fire", west, "gw-B-west");
        r.send("fire", east, "gw-B-east");
      }
      sleep(Math.max(0, fire.plusSeconds(s + 5).toEpochMilli() - Instant.now().toEpochMilli()));
    }

    say("false alarm: a pupil leans on a panic button; staff cancel it as FALSE_ALARM");
    runs.values().forEach(r -> r.send("panic", List.of(reading(PANIC[0], "PANIC", 1, Instant.now()))));
    sleep(2000);
    runs.values().forEach(r -> r.send("panic", List.of(reading(PANIC[0], "PANIC", 0, Instant.now()))));
    for (Run r : runs.values()) {
      String id = r.opened("panic").stream().findFirst().orElse(null);
      if (id != null) {
        awaitIncident(id);
        var cancel = http.call(Call.post("/api/v1/incidents/" + id + "/cancel",
            Map.of("reason", "FALSE_ALARM: pressed by a pupil in passing"), () -> tokens.school(r.school), "cancel", true));
        if (cancel.status() != 200) {
          r.problems.add("cancelling the false alarm " + id + " answered " + cancel.describe());
        }
      }
    }

    say("silent device: waiting (up to %s) for the hub to turn the gate camera OFFLINE and notify %s",
        scenario.offlineWait(), education == null ? "the education agency" : education);
    Instant deadline = Instant.now().plus(scenario.offlineWait());
    var offline = new LinkedHashMap<String, Boolean>();
    while (Instant.now().isBefore(deadline) && offline.size() < runs.size()) {
      runs.values().forEach(r -> r.send("heartbeats", quiet(Phase.WAIT)));
      for (Run r : runs.values()) {
        JsonNode cam = devices(r.school).get(GATE_CAMERA);
        if (cam != null && cam.path("state").asText().equals("OFFLINE")) {
          offline.put(r.school, true);
        }
      }
      sleep(10_000);
    }
    sleep(3000);
    var notices = deviceNotices(education);
    say("the gate camera reports again");
    runs.values().forEach(r -> r.send("back", List.of(camera(GATE_CAMERA, "CROWDING", 0.05, Instant.now()))));

    for (Run r : runs.values()) {
      Map<String, JsonNode> after = devices(r.school);
      String fireId = r.opened("fire").stream().findFirst().orElse(null);
      int evidence = fireId == null ? 0 : awaitIncident(fireId).path("evidenceCount").asInt();
      String panicId = r.opened("panic").stream().findFirst().orElse(null);
      String panicStatus = panicId == null ? null : awaitIncident(panicId).path("status").asText();
      int falseAlarms = after.get(PANIC[0]).path("falseAlarms").asInt() - before.get(r.school).get(PANIC[0]).path("falseAlarms").asInt();
      int schoolNotices = (int) notices.stream().filter(n -> n.path("schoolId").asText().equals(r.school)
          && n.path("deviceId").asText().equals(GATE_CAMERA)).count();
      boolean back = after.get(GATE_CAMERA).path("state").asText().equals("ACTIVE");
      reports.add(new SchoolReport(r.school, r.openedByPhase, r.opened("spike").size(), fireId, evidence, panicId,
          panicStatus, falseAlarms, schoolNotices, back, r.readings, r.batches, r.problems));
      if (fireId != null) {
        closeDrillIncident(fireId);
      }
    }
    Map<String, Object> report = report(reports, education);
    write(report);
    return report;
  }

  // --- the after-action report -------------------------------------------------------------

  private Map<String, Object> report(List<SchoolReport> schools, String education) {
    var checks = new ArrayList<Map<String, Object>>();
    int failed = 0;
    for (SchoolReport s : schools) {
      failed += check(checks, s.schoolId(), "the spike opened no incident", s.spikeIncidents() == 0, s.spikeIncidents());
      failed += check(checks, s.schoolId(), "the lab fire opened exactly one incident",
          s.openedByPhase().getOrDefault("fire", List.of()).size() == 1, s.openedByPhase().getOrDefault("fire", List.of()));
      failed += check(checks, s.schoolId(), "the panic press opened exactly one incident",
          s.openedByPhase().getOrDefault("panic", List.of()).size() == 1, s.openedByPhase().getOrDefault("panic", List.of()));
      failed += check(checks, s.schoolId(), "the false alarm was cancelled", "CANCELLED".equals(s.falseAlarmStatus()),
          s.falseAlarmStatus());
      failed += check(checks, s.schoolId(), "one false alarm counted on the panic button", s.falseAlarmsCounted() == 1,
          s.falseAlarmsCounted());
      failed += check(checks, s.schoolId(), "one offline notice for the silent camera", s.offlineNotices() == 1,
          s.offlineNotices());
      failed += check(checks, s.schoolId(), "the silent camera is ACTIVE again after reporting", s.silentCameraBack(),
          s.silentCameraBack());
      failed += check(checks, s.schoolId(), "no request refused", s.problems().isEmpty(), s.problems());
    }
    var report = new LinkedHashMap<String, Object>();
    report.put("scenario", scenario.name());
    report.put("hub", http.base().toString());
    report.put("mode", scenario.mode());
    report.put("educationAgency", education);
    report.put("schools", schools);
    int dangers = schools.size() * 2;
    long incidents = schools.stream().mapToLong(s -> s.openedByPhase().values().stream().mapToLong(List::size).sum()).sum();
    report.put("realDangers", dangers);
    report.put("incidentsOpened", incidents);
    report.put("falseAlarmsCounted", schools.stream().mapToInt(SchoolReport::falseAlarmsCounted).sum());
    report.put("offlineNotices", schools.stream().mapToInt(SchoolReport::offlineNotices).sum());
    report.put("readingsSent", schools.stream().mapToLong(SchoolReport::readingsSent).sum());
    report.put("checks", checks);
    report.put("checksFailed", failed);
    return report;
  }

  private static int check(List<Map<String, Object>> checks, String school, String what, boolean ok, Object actual) {
    checks.add(Map.of("school", school, "check", what, "passed", ok, "actual", String.valueOf(actual)));
    return ok ? 0 : 1;
  }

  /** A human summary of the report. */
  public static String summary(Map<String, Object> report) {
    var b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "sensor drill %s against %s (%s): %s readings sent%n", report.get("scenario"),
        report.get("hub"), report.get("mode"), report.get("readingsSent")));
    b.append(String.format(Locale.ROOT, "  real dangers %s (a lab fire and a panic press per school), incidents opened %s,"
        + " false alarms counted %s, offline notices %s%n", report.get("realDangers"), report.get("incidentsOpened"),
        report.get("falseAlarmsCounted"), report.get("offlineNotices")));
    @SuppressWarnings("unchecked")
    var checks = (List<Map<String, Object>>) report.get("checks");
    for (var c : checks) {
      b.append(String.format(Locale.ROOT, "  [%s] %s: %s (%s)%n", Boolean.TRUE.equals(c.get("passed")) ? "ok" : "FAILED",
          c.get("school"), c.get("check"), c.get("actual")));
    }
    return b.toString();
  }

  private void write(Map<String, Object> report) {
    if (out == null) {
      return;
    }
    try {
      Files.createDirectories(out);
      Files.write(out.resolve("report.json"), HubHttp.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(report));
      Files.writeString(out.resolve("report.txt"), summary(report));
    } catch (IOException e) {
      err.println("hub drill: cannot write the report to " + out + ": " + e.getMessage());
    }
  }

  // --- one school's gateways -----------------------------------------------------------------

  private final class Run {
    final String school;
    final Map<String, List<String>> openedByPhase = new LinkedHashMap<>();
    final List<String> problems = new ArrayList<>();
    long readings;
    int batches;

    Run(String school) {
      this.school = school;
    }

    void send(String phase, List<Map<String, Object>> batch) {
      send(phase, batch, "gw-A");
    }

    void send(String phase, List<Map<String, Object>> batch, String gateway) {
      if (batch.isEmpty()) {
        return;
      }
      var body = new LinkedHashMap<String, Object>();
      body.put("schoolId", school);
      body.put("gatewayId", gateway);
      body.put("mode", scenario.mode());
      body.put("readings", batch);
      var answer = http.call(Call.post("/api/v1/sensors/readings", body, () -> tokens.token("SENSOR_GATEWAY", school),
          "readings", true));
      batches++;
      if (answer.status() != 202) {
        problems.add(phase + ": " + answer.describe());
        return;
      }
      readings += batch.size();
      for (JsonNode t : answer.body().path("incidents")) {
        if (t.path("opened").asBoolean()) {
          openedByPhase.computeIfAbsent(phase, p -> new ArrayList<>()).add(t.path("incidentId").asText());
        }
      }
    }

    List<String> opened(String phase) {
      return openedByPhase.getOrDefault(phase, List.of());
    }
  }

  /** QUIET: every device; FIRE: those not in the fire (and not the silent camera); WAIT: all but the silent camera. */
  private enum Phase { QUIET, FIRE, WAIT }

  /** Readings below every threshold and heartbeats of the school's devices in this phase. */
  private static List<Map<String, Object>> quiet(Phase phase) {
    Instant now = Instant.now();
    var batch = new ArrayList<Map<String, Object>>();
    for (int i = 4; i < SMOKE.length; i++) {
      batch.add(reading(SMOKE[i], "SMOKE", 0.01, now));
    }
    batch.add(reading(HEAT[1], "TEMPERATURE", 22.5, now));
    for (String p : PANIC) {
      batch.add(heartbeat(p, now));
    }
    if (phase == Phase.QUIET) {
      batch.add(camera(GATE_CAMERA, "CROWDING", 0.05, now));
      for (int i = 0; i < 4; i++) {
        batch.add(reading(SMOKE[i], "SMOKE", 0.01, now));
      }
      batch.add(reading(HEAT[0], "TEMPERATURE", 23, now));
      batch.add(camera(LAB_CAMERA, "FIRE_SMOKE", 0.02, now));
    } else if (phase == Phase.WAIT) {
      // The fire's devices stay alive (heartbeats do not end their episodes); the gate camera stays silent.
      for (int i = 0; i < 4; i++) {
        batch.add(heartbeat(SMOKE[i], now));
      }
      batch.add(heartbeat(HEAT[0], now));
      batch.add(heartbeat(LAB_CAMERA, now));
    }
    return batch;
  }

  static Map<String, Object> heartbeat(String id, Instant at) {
    return Map.of("sensorId", id, "kind", "HEARTBEAT", "at", at.truncatedTo(ChronoUnit.MILLIS).toString());
  }

  static Map<String, Object> reading(String id, String kind, double value, Instant at) {
    return Map.of("sensorId", id, "kind", kind, "value", Math.round(value * 1000) / 1000.0,
        "at", at.truncatedTo(ChronoUnit.MILLIS).toString());
  }

  static Map<String, Object> camera(String id, String label, double confidence, Instant at) {
    return Map.of("sensorId", id, "kind", "CAMERA", "label", label, "confidence", confidence,
        "at", at.truncatedTo(ChronoUnit.MILLIS).toString());
  }

  // --- setup and read-back -------------------------------------------------------------------

  private void setUp(String school) {
    String operator = tokens.operator("sensor-drill");
    var known = http.call(Call.get("/api/v1/schools/" + school + "?mode=EXERCISE", () -> operator, "setup"));
    if (known.status() == 404) {
      var created = http.call(Call.post("/api/v1/schools", Map.of("schoolId", school, "name", "Sensor drill school " + school,
          "regionCode", scenario.region(), "type", "JUNIOR", "students", 900, "staff", 70, "floors", 4,
          "location", Map.of("lat", 43.8, "lon", 87.6)), () -> operator, "setup", true));
      if (created.status() != 201) {
        throw new IllegalStateException("cannot register " + school + ": " + created.describe());
      }
    } else if (known.status() == 200) {
      // Exercise incidents an earlier run left open would absorb this run's alarms (one incident per danger).
      for (JsonNode open : known.body().path("openIncidents")) {
        http.call(Call.post("/api/v1/incidents/" + open.path("incidentId").asText() + "/cancel",
            Map.of("reason", "drill reset before a new run"), () -> operator, "setup", true));
      }
    } else {
      throw new IllegalStateException("cannot read " + school + ": " + known.describe());
    }
    var devices = new ArrayList<Map<String, Object>>();
    for (String id : SMOKE) {
      devices.add(device(id, "SMOKE", "B", id.substring(8, 10), "gw-B-" + (devices.size() % 2 == 0 ? "east" : "west")));
    }
    devices.add(device(HEAT[0], "TEMPERATURE", "B", "3F", "gw-B-east"));
    devices.add(device(HEAT[1], "TEMPERATURE", "B", "1F", "gw-B-east"));
    devices.add(device(LAB_CAMERA, "CAMERA", "B", "3F", "gw-B-west"));
    devices.add(device(PANIC[0], "PANIC", "A", "1F", "gw-A"));
    devices.add(device(PANIC[1], "PANIC", "A", "1F", "gw-A"));
    devices.add(device(GATE_CAMERA, "CAMERA", "A", "1F", "gw-A"));
    for (var d : devices) {
      var r = http.call(Call.post("/api/v1/schools/" + school + "/devices", d, () -> operator, "setup", true));
      if (r.status() != 201) {
        throw new IllegalStateException("cannot register device " + d.get("deviceId") + " of " + school + ": " + r.describe());
      }
    }
  }

  private static Map<String, Object> device(String id, String kind, String building, String floor, String gateway) {
    return Map.of("deviceId", id, "kind", kind, "gatewayId", gateway,
        "location", Map.of("building", building, "floor", floor, "room", "room of " + id));
  }

  private Map<String, JsonNode> devices(String school) {
    var r = http.call(Call.get("/api/v1/schools/" + school + "/devices", () -> tokens.school(school), "read-back"));
    var byId = new LinkedHashMap<String, JsonNode>();
    r.body().path("devices").forEach(d -> byId.put(d.path("deviceId").asText(), d));
    return byId;
  }

  private JsonNode awaitIncident(String id) {
    String cc = tokens.commandCenter(scenario.region().substring(0, 2));
    for (int i = 0; i < 50; i++) {
      var r = http.call(Call.get("/api/v1/incidents/" + id, () -> cc, "read-back"));
      if (r.status() == 200 && !r.body().path("status").asText().equals("REPORTED")) {
        return r.body();
      }
      sleep(200);
    }
    return http.call(Call.get("/api/v1/incidents/" + id, () -> cc, "read-back")).body();
  }

  /** The most specific education agency of the region, by the naming of the demo data (edu-…) or the tests (education-…). */
  private String educationAgency() {
    String operator = tokens.operator("sensor-drill");
    String county = scenario.region();
    for (String id : List.of("edu-" + county, "education-" + county, "edu-" + county.substring(0, 4),
        "education-" + county.substring(0, 4))) {
      if (http.call(Call.get("/api/v1/agencies/" + id, () -> operator, "setup")).status() == 200) {
        return id;
      }
    }
    return null;
  }

  private List<JsonNode> deviceNotices(String agency) {
    if (agency == null) {
      return List.of();
    }
    var r = http.call(Call.get("/api/v1/agencies/" + agency + "/dispatches?state=all", () -> tokens.agency(agency), "read-back"));
    var notices = new ArrayList<JsonNode>();
    r.body().path("deviceNotices").forEach(notices::add);
    return notices;
  }

  private void closeDrillIncident(String id) {
    String operator = tokens.operator("sensor-drill");
    http.call(Call.post("/api/v1/incidents/" + id + "/reports", Map.of("kind", "FINAL", "summary", "drill over",
        "cause", "drill scenario: lab fire", "outcome", "one incident for the whole burst"), () -> operator, "close", true));
    http.call(Call.post("/api/v1/incidents/" + id + "/close", Map.of("note", "drill closed"), () -> operator, "close", true));
  }

  private void say(String format, Object... args) {
    err.printf("[sensor drill] " + format + "%n", args);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
