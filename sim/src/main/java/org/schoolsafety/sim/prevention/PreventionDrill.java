package org.schoolsafety.sim.prevention;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.schoolsafety.sim.hub.ClientStats;
import org.schoolsafety.sim.hub.HubHttp;
import org.schoolsafety.sim.hub.HubHttp.Call;
import org.schoolsafety.sim.hub.Tokens;

/**
 * A prevention drill ({@code bin/hub drill prevention-term}): a term of a school's prevention work
 * played through the API in compressed time, and an after-action report of the early warnings the
 * hub raised and how long each took from its cause. A black box: HTTP and JSON only.
 *
 * <p>The term (docs/DRILLS.md, "Prevention drills"), for a school the drill registers: its
 * surroundings and a staff training; a monthly evacuation drill and inspection; the first
 * inspection finds a major fire-safety hazard (rectified and verified in time), an electrical one
 * (rectified, rejected once, rectified again, verified) and a cracked stairwell wall whose
 * rectification is missed — it goes overdue and is escalated; a norovirus-like cluster in class
 * 2-3 over four days of morning checks, then calm days until the warning clears; the county
 * agencies acknowledge every warning after a delay. At the end the drill waits (up to
 * {@code escalationWait}) for the missed hazard to reach the next tier, then rectifies it.
 *
 * <p>Time: one day of the term takes {@code 86400 / speed} seconds. The recorded dates are the
 * term's days counted back so that its last day is today (the API takes no dates in the future);
 * rectification deadlines are the real instants their term day falls on during the run, so the
 * hub's own deadline machinery makes the missed one overdue while the drill watches.
 */
public final class PreventionDrill {

  /** The scenario file ({@code "kind": "prevention"}). */
  public record Scenario(String name, String description, String region, double speed, int termDays,
      Duration ackDelay, Duration escalationWait) {

    static final List<String> FIELDS = List.of("name", "kind", "description", "region", "speed", "termDays", "ackDelay",
        "escalationWait");

    public static Scenario read(Path file) {
      JsonNode json;
      try {
        json = HubHttp.JSON.readTree(Files.readString(file));
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
      }
      var problems = new ArrayList<String>();
      for (var it = json.fieldNames(); it.hasNext(); ) {
        String field = it.next();
        if (!FIELDS.contains(field)) {
          problems.add("unknown field '" + field + "'");
        }
      }
      String region = json.path("region").asText();
      if (!region.matches("\\d{6}")) {
        problems.add("region: a county's 6-digit code, e.g. 650102");
      }
      double speed = json.path("speed").asDouble(28800);
      if (speed < 1 || speed > 1_000_000) {
        problems.add("speed: between 1 and 1000000 (term days per real day)");
      }
      int days = json.path("termDays").asInt(84);
      if (days < 21 || days > 120) {
        problems.add("termDays: between 21 and 120");
      }
      Duration ack = duration(json.path("ackDelay").asText("6h"), "ackDelay", problems);
      Duration wait = duration(json.path("escalationWait").asText("0s"), "escalationWait", problems);
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException(file + ": " + String.join("; ", problems));
      }
      return new Scenario(json.path("name").asText(), json.path("description").asText(), region, speed, days, ack, wait);
    }

    public Scenario withSpeed(double newSpeed) {
      return new Scenario(name, description, region, newSpeed, termDays, ackDelay, escalationWait);
    }

    private static Duration duration(String text, String field, List<String> problems) {
      try {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.endsWith("d")) {
          return Duration.ofDays(Long.parseLong(t.substring(0, t.length() - 1)));
        }
        return Duration.parse("PT" + t.toUpperCase(Locale.ROOT));
      } catch (RuntimeException e) {
        problems.add(field + ": a duration such as 90s, 6h or 2d, not '" + text + "'");
        return Duration.ZERO;
      }
    }

    public static boolean isPreventionDrill(Path file) {
      try {
        return "prevention".equals(HubHttp.JSON.readTree(Files.readString(file)).path("kind").asText());
      } catch (IOException | RuntimeException e) {
        return false;
      }
    }

    /** One line for {@code --check} and {@code --list}. */
    public String describe() {
      double dayMillis = 86_400_000 / speed;
      return String.format(Locale.ROOT, "prevention drill %s: a term of %d days in region %s at %.0fx (one day = %.1f s, about %s),"
              + " agencies acknowledge after %s of term time, waits up to %s for the next tier", name, termDays, region, speed,
          dayMillis / 1000, Duration.ofMillis((long) (dayMillis * termDays)).toString().substring(2).toLowerCase(Locale.ROOT),
          ackDelay.toString().substring(2).toLowerCase(Locale.ROOT), escalationWait.toString().substring(2).toLowerCase(Locale.ROOT));
    }
  }

  /** Something the drill did that can cause a warning, with the real instant it was sent. */
  record Cause(double day, String what, Instant sentAt) {}

  private final Scenario scenario;
  private final HubHttp http;
  private final Tokens tokens;
  private final PrintStream err;
  private final Path out;
  private final String drillId;
  private final String schoolId;
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private final List<Cause> causes = new ArrayList<>();
  private final List<Step> steps = new ArrayList<>();
  private final Map<String, String> hazardRoles = new LinkedHashMap<>();
  private final Map<String, Instant> checkSent = new ConcurrentHashMap<>();
  private final Map<String, Instant> firstSeen = new ConcurrentHashMap<>();
  private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
  private final List<String> problems = new ArrayList<>();
  private String education;
  private String health;
  private Instant start;
  private LocalDate firstDay;

  public PreventionDrill(Scenario scenario, URI hub, Path secretFile, Path out, String drillId, PrintStream err) {
    this.scenario = scenario;
    this.http = new HubHttp(hub, 8, scheduler, new ClientStats());
    this.tokens = Tokens.fromSecretFile(secretFile);
    this.err = err;
    this.out = out;
    this.drillId = drillId;
    this.schoolId = "sch-drill-" + scenario.region() + "-" + drillId;
  }

  /** Runs the term; returns the after-action summary (also written, with report.html, to {@code out}). */
  public Map<String, Object> run() {
    http.awaitReady(Duration.ofMinutes(2)).ifPresent(why -> {
      throw new IllegalStateException("the hub at " + http.base() + " is not ready: " + why);
    });
    setUp();
    start = Instant.now();
    firstDay = LocalDate.now(ZoneOffset.UTC).minusDays(scenario.termDays() - 1L);
    var watcher = scheduler.scheduleWithFixedDelay(this::watchWarnings, 500, 1000, TimeUnit.MILLISECONDS);
    try {
      playTerm();
      awaitEscalation();
      settle();
    } finally {
      watcher.cancel(false);
    }
    watchWarnings();
    Map<String, Object> summary = PreventionReport.summarize(this, readBack());
    PreventionReport.write(out, summary, err);
    scheduler.shutdownNow();
    return summary;
  }

  // --- the term ----------------------------------------------------------------------------

  private void playTerm() {
    int n = scenario.termDays();
    int cluster = Math.min(10, n - 9); // the cluster's first day; calm days follow
    say("a term of %d days at %.0fx: one day every %.1f s; school %s", n, scenario.speed(), dayMillis() / 1000, schoolId);
    at(0, () -> {
      post("/api/v1/schools/" + schoolId + "/surroundings", Map.of("surroundingId", "road", "kind", "MAJOR_ROAD",
          "distanceMetres", 150, "description", "ring road beside the gate"), "surroundings", 0);
    });
    for (int month = 0; month * 30 < n; month++) {
      int day = month * 30;
      int m = month;
      at(day, () -> post("/api/v1/schools/" + schoolId + "/drills", Map.of("drillId", drillId + "-evac-" + m, "type",
          "EVACUATION", "date", date(day), "durationMinutes", 20, "participants", 850, "evacuationSeconds", 230),
          "evacuation drill", day));
    }
    at(2, () -> post("/api/v1/schools/" + schoolId + "/trainings", Map.of("trainingId", "staff-fire", "date", date(2),
        "topic", "FIRE", "audience", "STAFF", "participants", 70, "hours", 2.0), "staff training", 2));

    // The first inspection: a major hazard, a general one, and the one whose rectification is missed.
    at(1, () -> {
      var answer = post("/api/v1/schools/" + schoolId + "/inspections", inspection("insp-1", 1, List.of(
          hazard("FIRE_SAFETY", "MAJOR", "building B stairwell", "fire door wedged open with a fire extinguisher", 8),
          hazard("ELECTRICAL", "GENERAL", "computer room", "cable cover missing under the teacher's desk", 9),
          hazard("BUILDING", "GENERAL", "stairwell 2", "crack across the stairwell wall, plaster falling", 6))),
          "inspection with a major hazard", 1);
      var ids = new ArrayList<String>();
      answer.body().path("hazards").forEach(h -> ids.add(h.path("hazardId").asText()));
      if (ids.size() == 3) {
        hazardRoles.put(ids.get(0), "major");
        hazardRoles.put(ids.get(1), "rejected once");
        hazardRoles.put(ids.get(2), "missed");
      } else {
        problems.add("the first inspection answered " + answer.describe());
      }
    });
    at(4, () -> rectify(hazard("major"), "fire door closed, extinguisher back on its bracket", 4));
    at(5, () -> verify(hazard("major"), true, "checked on site", 5));
    at(6, () -> rectify(hazard("rejected once"), "cover fitted", 6));
    at(7, () -> verify(hazard("rejected once"), false, "cover fitted on one side only", 7));
    at(8, () -> rectify(hazard("rejected once"), "cover fitted along the whole cable", 8));
    at(8.5, () -> verify(hazard("rejected once"), true, "checked on site", 8.5));

    // Morning checks of three classes from the day before the cluster until it has been calm three
    // days: diarrhoea and vomiting spread in class 2-3 over three days (3 with diarrhoea on the third
    // day: the one-day rule; 5 with vomiting over the three: the three-day rule), then the class is
    // disinfected and the sick stay home (absent, no symptoms among those present).
    int[] diarrhoea = {0, 1, 2, 3, 0, 0, 0, 0};
    int[] vomiting = {0, 1, 2, 2, 0, 0, 0, 0};
    int[] absent = {0, 1, 3, 5, 4, 2, 1, 0};
    for (int i = 0; i < diarrhoea.length; i++) {
      int day = cluster - 1 + i;
      int k = i;
      at(day + 0.3, () -> {
        for (String cls : List.of("2-1", "2-3", "4-1")) {
          boolean sick = cls.equals("2-3");
          var symptoms = new LinkedHashMap<String, Integer>();
          if (sick && diarrhoea[k] > 0) {
            symptoms.put("DIARRHOEA", diarrhoea[k]);
          }
          if (sick && vomiting[k] > 0) {
            symptoms.put("VOMITING", vomiting[k]);
          }
          int ill = sick ? absent[k] : (k == 4 && cls.equals("2-1") ? 1 : 0);
          checkSent.put(cls + "@" + date(day), Instant.now());
          post("/api/v1/schools/" + schoolId + "/health-checks", Map.of("date", date(day), "session", "MORNING",
              "classId", cls, "present", 40 - ill, "absentIll", ill, "symptoms", symptoms), "health check " + cls, day + 0.3);
        }
      });
    }
    // A routine inspection each later month: nothing found.
    for (int month = 1; month * 30 + 1 < n; month++) {
      int day = month * 30 + 1;
      int m = month;
      at(day, () -> post("/api/v1/schools/" + schoolId + "/inspections", inspection("insp-" + (m + 1), day, List.of()),
          "monthly inspection", day));
    }
    at(n - 1, () -> say("the term is over"));
    // In term order (the steps above are grouped by subject); steps of one day keep their order.
    steps.sort(Comparator.comparingDouble(Step::day));
    for (Step step : steps) {
      long wait = Duration.between(Instant.now(), instant(step.day())).toMillis();
      if (wait > 0) {
        sleep(wait);
      }
      step.action().run();
    }
  }

  private record Step(double day, Runnable action) {}

  /** Waits (up to escalationWait) until the missed hazard has reached the next tier, then has it rectified. */
  private void awaitEscalation() {
    String missed = hazard("missed");
    if (missed == null) {
      return;
    }
    Instant until = Instant.now().plus(scenario.escalationWait());
    if (!scenario.escalationWait().isZero()) {
      say("waiting up to %s for the missed rectification to reach the next tier", scenario.escalationWait());
    }
    while (Instant.now().isBefore(until) && tiers(missed) < 2) {
      sleep(1000);
    }
    rectify(missed, "wall repaired and replastered (late)", scenario.termDays());
    verify(missed, true, "checked on site", scenario.termDays());
  }

  /** Until every warning has been seen, acknowledged and, where its cause went away, cleared. */
  private void settle() {
    Instant until = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(until)) {
      List<JsonNode> list = warnings();
      boolean pendingAck = list.stream().anyMatch(w -> w.path("state").asText().equals("RAISED"));
      boolean clusterOpen = list.stream().anyMatch(w -> w.path("cause").asText().matches("HEALTH_CLUSTER|MAJOR_HAZARD|OVERDUE_HAZARD")
          && !w.path("state").asText().equals("CLEARED"));
      if (!pendingAck && !clusterOpen) {
        return;
      }
      sleep(1000);
    }
  }

  // --- agencies: acknowledge what they see, after the scenario's delay ----------------------

  private void watchWarnings() {
    try {
      for (JsonNode w : warnings()) {
        String id = w.path("warningId").asText();
        firstSeen.putIfAbsent(id, Instant.now());
        if (w.path("state").asText().equals("RAISED") && acknowledged.putIfAbsent(id, "scheduled") == null) {
          String agency = w.path("audience").asText().startsWith("HEALTH") && health != null ? health : education;
          long delay = (long) (scenario.ackDelay().toMillis() / scenario.speed());
          scheduler.schedule(() -> {
            var r = http.call(Call.post("/api/v1/warnings/" + id + "/acks", Map.of("note", "seen by the drill's " + agency),
                () -> tokens.agency(agency), "ack", true));
            acknowledged.put(id, r.status() == 200 ? agency : "failed: " + r.describe());
          }, delay, TimeUnit.MILLISECONDS);
        }
      }
    } catch (RuntimeException e) {
      err.println("[prevention drill] reading the warnings failed: " + e.getMessage());
    }
  }

  List<JsonNode> warnings() {
    var r = http.call(Call.get("/api/v1/warnings?region=" + scenario.region() + "&limit=1000",
        () -> tokens.commandCenter(scenario.region().substring(0, 2)), "warnings"));
    var mine = new ArrayList<JsonNode>();
    r.body().path("warnings").forEach(w -> {
      if (w.path("schoolId").asText().equals(schoolId)) {
        mine.add(w);
      }
    });
    return mine;
  }

  // --- read-back ---------------------------------------------------------------------------

  record ReadBack(List<JsonNode> warnings, Map<String, JsonNode> hazards, JsonNode clusters, JsonNode riskHistory,
      JsonNode risk) {}

  private ReadBack readBack() {
    String cc = tokens.commandCenter(scenario.region().substring(0, 2));
    var hazards = new TreeMap<String, JsonNode>();
    hazardRoles.keySet().forEach(id -> hazards.put(id, http.call(Call.get("/api/v1/hazards/" + id, () -> cc, "read-back")).body()));
    JsonNode clusters = http.call(Call.get("/api/v1/schools/" + schoolId + "/health-checks", () -> tokens.school(schoolId),
        "read-back")).body().path("clusters");
    JsonNode history = http.call(Call.get("/api/v1/schools/" + schoolId + "/risk/history?limit=500", () -> cc, "read-back"))
        .body().path("history");
    JsonNode risk = http.call(Call.get("/api/v1/schools/" + schoolId + "/risk", () -> cc, "read-back")).body();
    return new ReadBack(warnings(), hazards, clusters, history, risk);
  }

  /** How many tiers the hazard has been escalated to for being overdue. */
  private int tiers(String hazardId) {
    var r = http.call(Call.get("/api/v1/hazards/" + hazardId, () -> tokens.commandCenter(scenario.region().substring(0, 2)), "watch"));
    int n = 0;
    for (JsonNode x : r.body().path("notified")) {
      if (x.path("reason").asText().equals("OVERDUE")) {
        n++;
      }
    }
    return n;
  }

  // --- setup and requests --------------------------------------------------------------------

  private void setUp() {
    String operator = tokens.operator("prevention-drill");
    education = agency(operator, "edu-", "education-");
    health = agency(operator, "health-", "health-");
    if (education == null) {
      throw new IllegalStateException("no education agency covers region " + scenario.region()
          + " (looked for edu-/education-<county|city>): the drill needs one to acknowledge warnings");
    }
    var created = http.call(Call.post("/api/v1/schools", Map.of("schoolId", schoolId, "name", "Prevention drill school "
        + drillId, "regionCode", scenario.region(), "type", "PRIMARY", "students", 900, "staff", 70, "floors", 4,
        "location", Map.of("lat", 43.82, "lon", 87.61)), () -> operator, "setup", true));
    if (created.status() != 201 && created.status() != 200) {
      throw new IllegalStateException("cannot register " + schoolId + ": " + created.describe());
    }
    say("school %s registered; warnings go to %s%s", schoolId, education, health == null ? "" : " and " + health);
  }

  private String agency(String operator, String prefix, String otherPrefix) {
    String county = scenario.region();
    for (String id : List.of(prefix + county, otherPrefix + county, prefix + county.substring(0, 4),
        otherPrefix + county.substring(0, 4))) {
      if (http.call(Call.get("/api/v1/agencies/" + id, () -> operator, "setup")).status() == 200) {
        return id;
      }
    }
    return null;
  }

  private Map<String, Object> inspection(String id, int day, List<Map<String, Object>> hazards) {
    return Map.of("inspectionId", drillId + "-" + id, "date", date(day), "inspector",
        Map.of("name", "Drill safety officer", "role", "safety officer"), "areas", List.of("all buildings", "gate"),
        "hazards", hazards);
  }

  private Map<String, Object> hazard(String category, String severity, String location, String description, double deadlineDay) {
    Instant deadline = instant(deadlineDay);
    return Map.of("category", category, "severity", severity, "location", location, "description", description,
        "rectification", Map.of("responsible", "Drill caretaker", "measures", "repair and report", "fundingYuan", 500,
            "deadline", deadline.atOffset(ZoneOffset.ofHours(8)).toString(), "interimSafeguard", "area taped off"));
  }

  private String hazard(String role) {
    return hazardRoles.entrySet().stream().filter(e -> e.getValue().equals(role)).map(Map.Entry::getKey).findFirst().orElse(null);
  }

  private void rectify(String hazardId, String note, double day) {
    if (hazardId != null) {
      post("/api/v1/hazards/" + hazardId + "/rectification", Map.of("note", note), "rectification", day);
    }
  }

  private void verify(String hazardId, boolean accepted, String note, double day) {
    if (hazardId != null) {
      var r = http.call(Call.post("/api/v1/hazards/" + hazardId + "/verification", Map.of("accepted", accepted, "note", note),
          () -> tokens.agency(education), accepted ? "verification" : "rejection", true));
      synchronized (causes) {
        causes.add(new Cause(day, accepted ? "verification" : "rejection", Instant.now()));
      }
      if (r.status() != 200) {
        problems.add((accepted ? "verifying " : "rejecting ") + hazardId + " answered " + r.describe());
      }
    }
  }

  private HubHttp.Response post(String path, Object body, String what, double day) {
    Instant sent = Instant.now();
    var r = http.call(Call.post(path, body, () -> tokens.school(schoolId), what, true));
    synchronized (causes) {
      causes.add(new Cause(day, what, sent));
    }
    if (r.status() != 200 && r.status() != 201) {
      problems.add(what + " (day " + day + ") answered " + r.describe());
    }
    return r;
  }

  /** Plans {@code action} for the real instant of term day {@code day} (at once if that has passed when it comes up). */
  private void at(double day, Runnable action) {
    steps.add(new Step(day, action));
  }

  Instant instant(double day) {
    return start.plusMillis((long) (day * dayMillis()));
  }

  /** The term day a real instant falls on. */
  double dayOf(Instant at) {
    return Duration.between(start, at).toMillis() / dayMillis();
  }

  private String date(double day) {
    return firstDay.plusDays((long) day).toString();
  }

  double dayMillis() {
    return 86_400_000 / scenario.speed();
  }

  private void say(String format, Object... args) {
    err.printf("[prevention drill] " + format + "%n", args);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The lines printed at the end of a run. */
  public static String text(Map<String, Object> summary) {
    return PreventionReport.text(summary);
  }

  // --- what the report reads -----------------------------------------------------------------

  Scenario scenario() {
    return scenario;
  }

  String drillId() {
    return drillId;
  }

  String schoolId() {
    return schoolId;
  }

  String hubUri() {
    return http.base().toString();
  }

  List<Cause> causes() {
    synchronized (causes) {
      return List.copyOf(causes);
    }
  }

  Map<String, String> hazardRoles() {
    return hazardRoles;
  }

  Map<String, Instant> checkSent() {
    return checkSent;
  }

  Map<String, Instant> firstSeen() {
    return firstSeen;
  }

  Map<String, String> acknowledgedBy() {
    return acknowledged;
  }

  List<String> problems() {
    return problems;
  }

  Instant start() {
    return start;
  }

  LocalDate firstDay() {
    return firstDay;
  }
}
