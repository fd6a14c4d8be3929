package org.schoolsafety.sim.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads one JSON object of a scenario and collects every problem with its field path
 * ({@code incidents[2].continuations[0].after}) and the line it is on.
 */
final class JsonFields {

  /** Collected problems and where each JSON value starts (JSON pointer -> line). */
  static final class Problems {
    final List<String> list = new ArrayList<>();
    private final Map<String, Integer> lines;

    Problems(Map<String, Integer> lines) {
      this.lines = lines;
    }

    void add(Path path, String message) {
      Integer line = null;
      // the value's own line, else the nearest enclosing value's (a missing field: its object's)
      for (String p = path.pointer(); line == null; p = p.contains("/") ? p.substring(0, p.lastIndexOf('/')) : null) {
        if (p == null) {
          break;
        }
        line = lines.get(p);
        if (p.isEmpty()) {
          break;
        }
      }
      String where = path.display().isEmpty() ? "(top level)" : path.display();
      list.add(where + (line == null ? "" : " (line " + line + ")") + ": " + message);
    }
  }

  /** A field path, for messages ({@code a.b[0].c}) and for looking up lines (JSON pointer). */
  record Path(String display, String pointer) {
    static final Path ROOT = new Path("", "");

    Path field(String name) {
      return new Path(display.isEmpty() ? name : display + "." + name, pointer + "/" + name.replace("~", "~0").replace("/", "~1"));
    }

    Path index(int i) {
      return new Path(display + "[" + i + "]", pointer + "/" + i);
    }
  }

  static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  static final Pattern REGION_PREFIX = Pattern.compile("\\d{2}|\\d{4}|\\d{6}");
  static final Pattern COUNTY = Pattern.compile("\\d{6}");

  final JsonNode node;
  final Path path;
  final Problems problems;

  JsonFields(JsonNode node, Path path, Problems problems) {
    this.node = node;
    this.path = path;
    this.problems = problems;
  }

  void error(String field, String message) {
    problems.add(field == null ? path : path.field(field), message);
  }

  /** Reports every field not in {@code known}. */
  void allowOnly(String... known) {
    Set<String> allowed = Set.of(known);
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        error(name, "unknown field; expected one of " + List.of(known));
      }
    }
  }

  boolean has(String field) {
    return node.has(field) && !node.get(field).isNull();
  }

  private JsonNode get(String field, boolean required) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        error(field, "is required");
      }
      return null;
    }
    return value;
  }

  JsonFields object(String field, boolean required) {
    JsonNode value = get(field, required);
    if (value == null) {
      return null;
    }
    if (!value.isObject()) {
      error(field, "must be an object");
      return null;
    }
    return new JsonFields(value, path.field(field), problems);
  }

  List<JsonFields> objects(String field, boolean required) {
    JsonNode value = get(field, required);
    var result = new ArrayList<JsonFields>();
    if (value == null) {
      return result;
    }
    if (!value.isArray()) {
      error(field, "must be an array of objects");
      return result;
    }
    for (int i = 0; i < value.size(); i++) {
      if (value.get(i).isObject()) {
        result.add(new JsonFields(value.get(i), path.field(field).index(i), problems));
      } else {
        problems.add(path.field(field).index(i), "must be an object");
      }
    }
    return result;
  }

  String text(String field, boolean required, int maxLength) {
    JsonNode value = get(field, required);
    if (value == null) {
      return null;
    }
    if (!value.isTextual()) {
      error(field, "must be a string");
      return null;
    }
    String text = value.asText();
    if (text.isBlank() && required) {
      error(field, "must not be empty");
      return null;
    }
    if (text.length() > maxLength) {
      error(field, "must be at most " + maxLength + " characters");
      return null;
    }
    return text;
  }

  String matching(String field, boolean required, Pattern pattern, String what) {
    String text = text(field, required, 200);
    if (text != null && !pattern.matcher(text).matches()) {
      error(field, "must be " + what + ", not '" + text + "'");
      return null;
    }
    return text;
  }

  String oneOf(String field, boolean required, List<String> allowed) {
    String text = text(field, required, 100);
    if (text != null && !allowed.contains(text)) {
      error(field, "must be one of " + allowed + ", not '" + text + "'");
      return null;
    }
    return text;
  }

  Integer integer(String field, boolean required, int min, int max) {
    JsonNode value = get(field, required);
    if (value == null) {
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      error(field, "must be a whole number");
      return null;
    }
    int n = value.intValue();
    if (n < min || n > max) {
      error(field, "must be between " + min + " and " + max + ", not " + n);
      return null;
    }
    return n;
  }

  Double number(String field, boolean required, double min, double max) {
    JsonNode value = get(field, required);
    if (value == null) {
      return null;
    }
    if (!value.isNumber()) {
      error(field, "must be a number");
      return null;
    }
    double d = value.doubleValue();
    if (!(d >= min && d <= max)) {
      error(field, "must be between " + min + " and " + max + ", not " + value.asText());
      return null;
    }
    return d;
  }

  Duration duration(String field, boolean required) {
    JsonNode value = get(field, required);
    if (value == null) {
      return null;
    }
    return durationOf(value, path.field(field));
  }

  private Duration durationOf(JsonNode value, Path at) {
    if (!value.isTextual()) {
      problems.add(at, "must be a duration string such as \"90s\" or \"2m\"");
      return null;
    }
    try {
      return Durations.parse(value.asText());
    } catch (IllegalArgumentException e) {
      problems.add(at, e.getMessage());
      return null;
    }
  }

  /** {@code "30s"}, {@code {"fixed":…}}, {@code {"uniform":[min,max]}}, {@code {"exponential":mean}}, {@code {"lognormal":{"median","p95"}}}. */
  Distribution distribution(String field, boolean required) {
    JsonNode value = get(field, required);
    if (value == null) {
      return null;
    }
    Path at = path.field(field);
    if (value.isTextual()) {
      Duration d = durationOf(value, at);
      return d == null ? null : new Distribution.Fixed(d);
    }
    String expected = "must be a duration (\"30s\") or one of {\"fixed\":\"30s\"}, {\"uniform\":[\"10s\",\"1m\"]},"
        + " {\"exponential\":\"40s\"}, {\"lognormal\":{\"median\":\"40s\",\"p95\":\"3m\"}}";
    if (!value.isObject() || value.size() != 1) {
      problems.add(at, expected);
      return null;
    }
    String kind = value.fieldNames().next();
    JsonNode arg = value.get(kind);
    Path argPath = at.field(kind);
    switch (kind) {
      case "fixed" -> {
        Duration d = durationOf(arg, argPath);
        return d == null ? null : new Distribution.Fixed(d);
      }
      case "exponential" -> {
        Duration d = durationOf(arg, argPath);
        if (d != null && d.isZero()) {
          problems.add(argPath, "the mean must be positive");
          return null;
        }
        return d == null ? null : new Distribution.Exponential(d);
      }
      case "uniform" -> {
        if (!arg.isArray() || arg.size() != 2) {
          problems.add(argPath, "must be [min, max], e.g. [\"10s\", \"1m\"]");
          return null;
        }
        Duration min = durationOf(arg.get(0), argPath.index(0));
        Duration max = durationOf(arg.get(1), argPath.index(1));
        if (min == null || max == null) {
          return null;
        }
        if (max.compareTo(min) < 0) {
          problems.add(argPath, "max must not be less than min");
          return null;
        }
        return new Distribution.Uniform(min, max);
      }
      case "lognormal" -> {
        if (!arg.isObject()) {
          problems.add(argPath, "must be {\"median\": \"40s\", \"p95\": \"3m\"}");
          return null;
        }
        var inner = new JsonFields(arg, argPath, problems);
        inner.allowOnly("median", "p95");
        Duration median = inner.duration("median", true);
        Duration p95 = inner.duration("p95", true);
        if (median == null || p95 == null) {
          return null;
        }
        if (median.isZero() || p95.compareTo(median) <= 0) {
          problems.add(argPath, "needs 0 < median < p95");
          return null;
        }
        return new Distribution.LogNormal(median, p95);
      }
      default -> {
        problems.add(at, expected);
        return null;
      }
    }
  }

  /** A whole number or {@code [min, max]}. */
  Scenario.Range range(String field, int min, int max, Scenario.Range fallback) {
    JsonNode value = get(field, false);
    if (value == null) {
      return fallback;
    }
    Path at = path.field(field);
    if (value.isIntegralNumber() && value.canConvertToInt()) {
      int n = value.intValue();
      if (n < min || n > max) {
        problems.add(at, "must be between " + min + " and " + max + ", not " + n);
        return fallback;
      }
      return new Scenario.Range(n, n);
    }
    if (value.isArray() && value.size() == 2 && value.get(0).canConvertToInt() && value.get(1).canConvertToInt()
        && value.get(0).isIntegralNumber() && value.get(1).isIntegralNumber()) {
      int lo = value.get(0).intValue();
      int hi = value.get(1).intValue();
      if (lo < min || hi > max || hi < lo) {
        problems.add(at, "must be [min, max] with " + min + " <= min <= max <= " + max);
        return fallback;
      }
      return new Scenario.Range(lo, hi);
    }
    problems.add(at, "must be a whole number or [min, max]");
    return fallback;
  }

  List<String> strings(String field, boolean required, Pattern pattern, String what) {
    JsonNode value = get(field, required);
    var result = new ArrayList<String>();
    if (value == null) {
      return result;
    }
    if (!value.isArray()) {
      error(field, "must be an array of strings");
      return result;
    }
    for (int i = 0; i < value.size(); i++) {
      JsonNode item = value.get(i);
      if (!item.isTextual() || !pattern.matcher(item.asText()).matches()) {
        problems.add(path.field(field).index(i), "must be " + what);
      } else {
        result.add(item.asText());
      }
    }
    return result;
  }

  /** A level ({@code "II"}) or weights by level ({@code {"I": 1, "II": 3}}). */
  Map<String, Double> levels(String field) {
    JsonNode value = get(field, false);
    var weights = new LinkedHashMap<String, Double>();
    if (value == null) {
      weights.put("UNGRADED", 1.0);
      return weights;
    }
    Path at = path.field(field);
    if (value.isTextual()) {
      if (!Scenario.LEVELS.contains(value.asText())) {
        problems.add(at, "must be one of " + Scenario.LEVELS + " or weights such as {\"I\": 1, \"II\": 3}, not '" + value.asText() + "'");
        return null;
      }
      weights.put(value.asText(), 1.0);
      return weights;
    }
    if (!value.isObject() || value.isEmpty()) {
      problems.add(at, "must be a level such as \"II\" or weights such as {\"I\": 1, \"II\": 3}");
      return null;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      var e = it.next();
      if (!Scenario.LEVELS.contains(e.getKey())) {
        problems.add(at.field(e.getKey()), "unknown level; expected one of " + Scenario.LEVELS);
      } else if (!e.getValue().isNumber() || e.getValue().doubleValue() < 0) {
        problems.add(at.field(e.getKey()), "must be a weight >= 0");
      } else {
        weights.put(e.getKey(), e.getValue().doubleValue());
      }
    }
    if (weights.values().stream().mapToDouble(Double::doubleValue).sum() <= 0) {
      problems.add(at, "needs at least one positive weight");
      return null;
    }
    return weights;
  }
}
