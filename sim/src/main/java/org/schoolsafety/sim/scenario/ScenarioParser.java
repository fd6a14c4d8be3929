package org.schoolsafety.sim.scenario;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.schoolsafety.sim.scenario.JsonFields.Problems;

/**
 * Reads scenario files (docs/DRILLS.md). Strict: malformed JSON is reported with its line and
 * column, duplicate keys and unknown fields are errors, and every field is checked; all
 * problems of a file are reported at once, each with its field path and line.
 */
public final class ScenarioParser {

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");
  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,39}");
  private static final List<String> SCHOOL_TYPES = List.of("PRIMARY", "JUNIOR", "SENIOR", "NINE_YEAR", "KINDERGARTEN");

  private ScenarioParser() {}

  /** Reads a scenario file. */
  public static Scenario read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read scenario " + file + ": " + e.getMessage(), e);
    }
    return parse(text, file.toString());
  }

  /** Parses scenario text; {@code source} names it in messages. */
  public static Scenario parse(String text, String source) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
      throw new ScenarioException(source, List.of(where + "invalid JSON: " + e.getOriginalMessage()));
    }
    if (root == null || root.isMissingNode()) {
      throw new ScenarioException(source, List.of("line 1: the file is empty; a scenario is a JSON object"));
    }
    Problems problems = new Problems(lines(text));
    if (!root.isObject()) {
      problems.add(JsonFields.Path.ROOT, "a scenario must be a JSON object");
      throw new ScenarioException(source, problems.list);
    }
    Scenario scenario = scenario(new JsonFields(root, JsonFields.Path.ROOT, problems));
    if (!problems.list.isEmpty()) {
      throw new ScenarioException(source, problems.list);
    }
    return scenario;
  }

  /** Where each value starts: JSON pointer -> line. */
  private static Map<String, Integer> lines(String text) {
    Map<String, Integer> lines = new HashMap<>();
    try (JsonParser p = new JsonFactory().createParser(text)) {
      JsonToken token;
      while ((token = p.nextToken()) != null) {
        if (token == JsonToken.FIELD_NAME || token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
          continue;
        }
        // for START_OBJECT/START_ARRAY the context is already the new one: its parent holds the path
        var context = token.isStructStart() ? p.getParsingContext().getParent() : p.getParsingContext();
        String pointer = context == null ? "" : context.pathAsPointer().toString();
        lines.putIfAbsent(pointer, (int) p.currentTokenLocation().getLineNr());
      }
    } catch (IOException e) {
      // the text was parsed once already; without lines the messages still name the fields
    }
    return lines;
  }

  private static Scenario scenario(JsonFields f) {
    f.allowOnly("name", "description", "seed", "speed", "schools", "incidents", "agencies", "targets", "schoolDrill");
    String name = f.matching("name", true, NAME, "1-40 of a-z, 0-9 and '-'");
    String description = f.text("description", false, 4000);
    long seed = 1;
    if (f.has("seed")) {
      JsonNode s = f.node.get("seed");
      if (!s.isIntegralNumber() || !s.canConvertToLong()) {
        f.error("seed", "must be a whole number");
      } else {
        seed = s.longValue();
      }
    }
    Double speed = f.number("speed", false, 1, 3600);
    JsonFields schoolsNode = f.object("schools", true);
    Scenario.Schools schools = schoolsNode == null ? null : schools(schoolsNode);
    var waves = new ArrayList<Scenario.Wave>();
    List<JsonFields> waveNodes = f.objects("incidents", true);
    if (f.has("incidents") && waveNodes.isEmpty() && f.node.get("incidents").isArray()) {
      f.error("incidents", "needs at least one group of incidents");
    }
    for (JsonFields w : waveNodes) {
      waves.add(wave(w));
    }
    var rules = new ArrayList<Scenario.Response>();
    for (JsonFields r : f.objects("agencies", false)) {
      rules.add(response(r));
    }
    var targets = new ArrayList<Scenario.Target>();
    for (JsonFields t : f.objects("targets", false)) {
      targets.add(target(t));
    }
    JsonFields drill = f.object("schoolDrill", false);
    return new Scenario(name, description == null ? "" : description, seed, speed == null ? 60.0 : speed, schools,
        waves, new Scenario.Agencies(rules), targets, drill == null ? null : schoolDrill(drill));
  }

  private static Scenario.Schools schools(JsonFields f) {
    f.allowOnly("list", "region", "count", "provision");
    List<String> list = f.strings("list", false, JsonFields.ID, "a school id (1-64 of A-Z a-z 0-9 . _ -)");
    String region = f.matching("region", false, JsonFields.REGION_PREFIX, "a region-code prefix of 2, 4 or 6 digits");
    Integer count = f.integer("count", false, 1, 100_000);
    if (!f.has("list") && !f.has("region")) {
      f.error(null, "needs \"list\" (school ids) or \"region\" (a region-code prefix)");
    }
    if (f.has("list") && (f.has("region") || f.has("count") || f.has("provision"))) {
      f.error("list", "takes the schools as listed: leave out region, count and provision");
    }
    if (f.has("list") && list.isEmpty() && f.node.get("list").isArray()) {
      f.error("list", "needs at least one school id");
    }
    if (list.size() != list.stream().distinct().count()) {
      f.error("list", "names a school twice");
    }
    Scenario.Provision provision = null;
    JsonFields p = f.object("provision", false);
    if (p != null) {
      p.allowOnly("counties", "prefix", "type", "students", "staff", "floors");
      if (count == null && f.has("region")) {
        f.error("count", "is required with provision: how many schools should take part");
      }
      List<String> counties = p.strings("counties", false, JsonFields.COUNTY, "a 6-digit county code");
      for (int i = 0; i < counties.size(); i++) {
        if (region != null && !counties.get(i).startsWith(region)) {
          p.problems.add(p.path.field("counties").index(i), "must lie within region " + region);
        }
      }
      String prefix = p.matching("prefix", false, PREFIX, "1-40 of A-Z a-z 0-9 . _ -");
      String type = p.oneOf("type", false, SCHOOL_TYPES);
      Integer students = p.integer("students", false, 0, 100_000);
      Integer staff = p.integer("staff", false, 0, 20_000);
      Integer floors = p.integer("floors", false, 1, 200);
      provision = new Scenario.Provision(counties, prefix == null ? "sch-drill" : prefix,
          type == null ? "PRIMARY" : type, students == null ? 800 : students, staff == null ? 60 : staff,
          floors == null ? 3 : floors);
    }
    return new Scenario.Schools(list, region, count, provision);
  }

  private static Scenario.Wave wave(JsonFields f) {
    f.allowOnly("name", "type", "level", "count", "perSchool", "fromSchool", "schools", "start", "over", "spacing", "reportDelay",
        "summary", "measures", "casualties", "reporter", "continuations", "final", "close", "falseAlarm");
    String name = f.text("name", false, 100);
    String type = f.oneOf("type", true, Scenario.TYPES);
    Map<String, Double> levels = f.levels("level");
    Integer count = f.integer("count", false, 1, 1_000_000);
    Integer perSchool = f.integer("perSchool", false, 1, 10_000);
    if (f.has("count") == f.has("perSchool")) {
      f.error(null, "needs exactly one of \"count\" (incidents in all) and \"perSchool\" (incidents per school)");
    }
    Integer fromSchool = f.integer("fromSchool", false, 1, 100_000);
    Integer schools = f.integer("schools", false, 1, 100_000);
    Duration start = f.duration("start", false);
    Duration over = f.duration("over", false);
    String spacing = f.oneOf("spacing", false, List.of("random", "even"));
    Distribution reportDelay = f.distribution("reportDelay", false);
    String summary = f.text("summary", true, 2000);
    String measures = f.text("measures", false, 2000);
    JsonFields c = f.object("casualties", false);
    Scenario.Casualties casualties = c == null ? Scenario.Casualties.NONE : casualties(c);
    JsonFields r = f.object("reporter", false);
    Scenario.Reporter reporter = new Scenario.Reporter("Drill reporter", "principal", null);
    if (r != null) {
      r.allowOnly("name", "role", "phone");
      reporter = new Scenario.Reporter(r.text("name", true, 100), r.text("role", true, 50),
          r.matching("phone", false, Pattern.compile("[+0-9][0-9 ()-]{2,31}"), "a phone number"));
    }
    var continuations = new ArrayList<Scenario.Continuation>();
    for (JsonFields cf : f.objects("continuations", false)) {
      cf.allowOnly("after", "summary", "measures", "casualties", "level");
      JsonFields cc = cf.object("casualties", false);
      continuations.add(new Scenario.Continuation(cf.distribution("after", true), cf.text("summary", true, 2000),
          cf.text("measures", false, 2000), cc == null ? null : casualties(cc),
          cf.oneOf("level", false, Scenario.LEVELS)));
    }
    Scenario.Final fin = null;
    JsonFields ff = f.object("final", false);
    if (ff != null) {
      ff.allowOnly("after", "summary", "cause", "outcome", "casualties");
      JsonFields fc = ff.object("casualties", false);
      String fs = ff.text("summary", false, 2000);
      String cause = ff.text("cause", false, 2000);
      String outcome = ff.text("outcome", false, 2000);
      fin = new Scenario.Final(ff.distribution("after", true), fs == null ? "drill: final report" : fs,
          cause == null ? "drill scenario" : cause, outcome == null ? "drill completed" : outcome,
          fc == null ? null : casualties(fc));
    }
    Scenario.Close close = null;
    JsonFields cl = f.object("close", false);
    if (cl != null) {
      cl.allowOnly("after", "note", "by");
      Distribution after = cl.distribution("after", false);
      String by = cl.oneOf("by", false, List.of("COMMAND_CENTER", "OPERATOR"));
      close = new Scenario.Close(after == null ? new Distribution.Fixed(Duration.ZERO) : after,
          cl.text("note", false, 500), by == null ? "COMMAND_CENTER" : by);
      if (fin == null) {
        cl.error(null, "needs a \"final\" report first: the hub closes only resolved incidents");
      }
    }
    Scenario.FalseAlarm falseAlarm = null;
    JsonFields fa = f.object("falseAlarm", false);
    if (fa != null) {
      fa.allowOnly("probability", "after", "reason");
      Double probability = fa.number("probability", true, 0, 1);
      Distribution after = fa.distribution("after", true);
      String reason = fa.text("reason", false, 500);
      falseAlarm = new Scenario.FalseAlarm(probability == null ? 0 : probability, after,
          reason == null ? "drill: false alarm" : reason);
    }
    return new Scenario.Wave(name, type, levels, count, perSchool, fromSchool == null ? 1 : fromSchool, schools,
        start == null ? Duration.ZERO : start, over == null ? Duration.ZERO : over,
        spacing == null ? "random" : spacing, reportDelay == null ? new Distribution.Fixed(Duration.ZERO) : reportDelay,
        summary, measures, casualties, reporter, continuations, fin, close, falseAlarm);
  }

  private static Scenario.Casualties casualties(JsonFields f) {
    f.allowOnly("dead", "injured", "missing");
    var zero = new Scenario.Range(0, 0);
    return new Scenario.Casualties(f.range("dead", 0, 100_000, zero), f.range("injured", 0, 100_000, zero),
        f.range("missing", 0, 100_000, zero));
  }

  private static Scenario.Response response(JsonFields f) {
    f.allowOnly("agency", "kind", "tier", "ackDelay", "noAnswer", "note");
    String agency = f.matching("agency", false, JsonFields.ID, "an agency id");
    String kind = f.oneOf("kind", false, Scenario.KINDS);
    String tier = f.oneOf("tier", false, Scenario.TIERS);
    Distribution delay = f.distribution("ackDelay", true);
    Double noAnswer = f.number("noAnswer", false, 0, 1);
    String note = f.text("note", false, 500);
    return new Scenario.Response(agency, kind, tier, delay, noAnswer == null ? 0 : noAnswer,
        note == null ? "drill: acknowledged" : note);
  }

  private static Scenario.Target target(JsonFields f) {
    f.allowOnly("name", "metric", "where", "within", "share", "atMost");
    var metrics = new ArrayList<String>(Scenario.Target.DURATION_METRICS.keySet());
    metrics.addAll(Scenario.Target.COUNT_METRICS.keySet());
    metrics.sort(null);
    String metric = f.oneOf("metric", true, metrics);
    Scenario.Where where = Scenario.Where.ALL;
    JsonFields w = f.object("where", false);
    if (w != null) {
      w.allowOnly("kind", "tier", "level", "type");
      where = new Scenario.Where(w.oneOf("kind", false, Scenario.KINDS), w.oneOf("tier", false, Scenario.TIERS),
          w.oneOf("level", false, Scenario.LEVELS), w.oneOf("type", false, Scenario.TYPES));
      boolean perDispatch = List.of("dispatchAckTime", "escalations", "unanswered", "unacknowledged").contains(metric);
      if (w.has("kind") && !perDispatch && !"ackTime".equals(metric)) {
        w.error("kind", "applies only to ackTime, dispatchAckTime, escalations, unanswered and unacknowledged");
      }
      if (w.has("tier") && !perDispatch) {
        w.error("tier", "applies only to dispatchAckTime, escalations, unanswered and unacknowledged");
      }
    }
    Duration within = f.duration("within", false);
    Double share = f.number("share", false, 0, 1);
    Integer atMost = f.integer("atMost", false, 0, Integer.MAX_VALUE);
    if (metric != null && Scenario.Target.DURATION_METRICS.containsKey(metric)) {
      if (!f.has("within")) {
        f.error("within", "is required for metric " + metric + " (a duration such as \"2m\")");
      }
      if (f.has("atMost")) {
        f.error("atMost", "applies to count metrics " + Scenario.Target.COUNT_METRICS.keySet() + "; use within and share");
      }
    } else if (metric != null) {
      if (!f.has("atMost")) {
        f.error("atMost", "is required for metric " + metric + " (a count)");
      }
      if (f.has("within") || f.has("share")) {
        f.error(f.has("within") ? "within" : "share", "applies to duration metrics; use atMost for " + metric);
      }
    }
    String name = f.text("name", false, 200);
    if (name == null && metric != null) {
      name = defaultName(metric, where, within, share, atMost);
    }
    return new Scenario.Target(name, metric, where, within, share, atMost);
  }

  private static String defaultName(String metric, Scenario.Where where, Duration within, Double share, Integer atMost) {
    String scope = where.isEmpty() ? "" : " (" + where + ")";
    if (within != null) {
      String how = share == null || share >= 1.0 ? "all" : Math.round(share * 1000) / 10.0 + "%";
      return metric + scope + ": " + how + " within " + Durations.format(within);
    }
    return metric + scope + " at most " + atMost;
  }

  private static Scenario.SchoolDrill schoolDrill(JsonFields f) {
    f.allowOnly("type", "durationMinutes", "participants", "evacuationSeconds");
    String type = f.oneOf("type", true, Scenario.DRILL_TYPES);
    Integer minutes = f.integer("durationMinutes", true, 1, 1440);
    if (!f.has("participants")) {
      f.error("participants", "is required (a number or [min, max])");
    }
    Scenario.Range participants = f.range("participants", 0, 100_000, new Scenario.Range(0, 0));
    Scenario.Range evacuation = f.range("evacuationSeconds", 1, 86_400, null);
    return new Scenario.SchoolDrill(type, minutes == null ? 1 : minutes, participants, evacuation);
  }
}
