package org.schoolsafety.sim.prevention;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.schoolsafety.sim.hub.HubHttp;
import org.schoolsafety.sim.prevention.PreventionDrill.Cause;
import org.schoolsafety.sim.prevention.PreventionDrill.ReadBack;

/**
 * The prevention drill's after-action report: every warning the hub raised for the drill's school,
 * what caused it and how long it took from the cause (the request that completed it, or the
 * deadline that passed), how long until it was listed, acknowledged and cleared; the hazards'
 * escalations; the school's risk levels over the term; and the checks. {@code summary.json} and a
 * self-contained {@code report.html} (inline SVG, no scripts).
 */
final class PreventionReport {

  private PreventionReport() {}

  static Map<String, Object> summarize(PreventionDrill drill, ReadBack back) {
    var s = drill.scenario();
    var clusters = new LinkedHashMap<String, JsonNode>();
    back.clusters().forEach(c -> clusters.put(c.path("clusterId").asText(), c));
    List<Cause> causes = drill.causes();

    var warnings = new ArrayList<Map<String, Object>>();
    for (JsonNode w : back.warnings()) {
      var row = new LinkedHashMap<String, Object>();
      String cause = w.path("cause").asText();
      String causeId = w.path("causeId").asText();
      Instant raised = instant(w.path("raisedAt"));
      row.put("warningId", w.path("warningId").asText());
      row.put("cause", cause);
      row.put("causeId", causeId);
      row.put("level", w.path("level").asText());
      row.put("audience", w.path("audience").asText());
      row.put("summary", w.path("summary").asText());
      row.put("state", w.path("state").asText());
      row.put("raisedAt", String.valueOf(raised));
      row.put("raisedOnDay", round(drill.dayOf(raised)));
      Instant causeAt = null;
      String causeWhat;
      switch (cause) {
        case "OVERDUE_HAZARD" -> {
          JsonNode h = back.hazards().get(causeId);
          causeAt = h == null ? null : instant(h.path("deadline"));
          causeWhat = "the rectification deadline of the " + drill.hazardRoles().getOrDefault(causeId, "") + " hazard passed";
        }
        case "MAJOR_HAZARD" -> {
          causeAt = latest(causes, raised, "inspection");
          causeWhat = "the inspection that found it was recorded";
        }
        case "HEALTH_CLUSTER" -> {
          JsonNode c = clusters.get(causeId);
          causeAt = c == null ? null : drill.checkSent().get(c.path("classId").asText() + "@" + c.path("to").asText());
          causeWhat = c == null ? "a health check" : "the " + c.path("to").asText() + " check of class "
              + c.path("classId").asText() + " (" + c.path("cases").asInt() + " " + c.path("symptom").asText() + ", rule "
              + c.path("rule").asText() + ")";
        }
        default -> {
          Cause last = causes.stream().filter(c -> !c.sentAt().isAfter(raised)).reduce((a, b) -> b).orElse(null);
          causeAt = last == null ? null : last.sentAt();
          causeWhat = last == null ? "an input change" : "the change that moved the score: " + last.what();
        }
      }
      row.put("causedBy", causeWhat);
      row.put("causeAt", String.valueOf(causeAt));
      Long took = causeAt == null ? null : Duration.between(causeAt, raised).toMillis();
      row.put("tookFromCauseMs", took);
      row.put("tookFromCauseTermMinutes", took == null ? null : round(took * s.speed() / 60_000.0));
      Instant seen = drill.firstSeen().get(w.path("warningId").asText());
      row.put("listedAfterMs", seen == null ? null : Duration.between(raised, seen).toMillis());
      Instant acked = instant(w.path("acknowledgedAt"));
      row.put("acknowledgedBy", w.path("acknowledgedBy").isNull() ? null : w.path("acknowledgedBy").asText());
      row.put("acknowledgedAfterTermHours", acked == null ? null
          : round(Duration.between(raised, acked).toMillis() * s.speed() / 3_600_000.0));
      Instant cleared = instant(w.path("clearedAt"));
      row.put("clearedBecause", w.path("clearedBecause").isNull() ? null : w.path("clearedBecause").asText());
      row.put("clearedOnDay", cleared == null ? null : round(drill.dayOf(cleared)));
      warnings.add(row);
    }
    warnings.sort((a, b) -> ((String) a.get("raisedAt")).compareTo((String) b.get("raisedAt")));

    var hazards = new ArrayList<Map<String, Object>>();
    back.hazards().forEach((id, h) -> {
      var row = new LinkedHashMap<String, Object>();
      Instant deadline = instant(h.path("deadline"));
      row.put("hazardId", id);
      row.put("role", drill.hazardRoles().get(id));
      row.put("category", h.path("category").asText());
      row.put("severity", h.path("severity").asText());
      row.put("status", h.path("status").asText());
      row.put("deadlineDay", round(drill.dayOf(deadline)));
      Instant overdue = instant(h.path("overdueAt"));
      row.put("overdueAfterDeadlineMs", overdue == null ? null : Duration.between(deadline, overdue).toMillis());
      var notified = new ArrayList<Map<String, Object>>();
      h.path("notified").forEach(n -> notified.add(Map.of("agencyId", n.path("agencyId").asText(), "tier",
          n.path("tier").asText(), "reason", n.path("reason").asText(), "onDay", round(drill.dayOf(instant(n.path("at")))),
          "afterDeadlineMs", Duration.between(deadline, instant(n.path("at"))).toMillis())));
      row.put("notified", notified);
      row.put("timeline", h.path("timeline").size());
      hazards.add(row);
    });

    var levels = new ArrayList<Map<String, Object>>();
    String previous = null;
    var history = new ArrayList<JsonNode>();
    back.riskHistory().forEach(history::add);
    for (int i = history.size() - 1; i >= 0; i--) { // the history is newest first
      JsonNode e = history.get(i);
      String level = e.path("level").asText();
      if (!level.equals(previous)) {
        levels.add(Map.of("level", level, "overall", e.path("overall").asDouble(),
            "onDay", round(drill.dayOf(instant(e.path("computedAt"))))));
        previous = level;
      }
    }

    var byCause = new TreeMap<String, Integer>();
    warnings.forEach(w -> byCause.merge((String) w.get("cause"), 1, Integer::sum));
    var checks = new ArrayList<Map<String, Object>>();
    int failed = 0;
    failed += check(checks, "the major hazard raised a MAJOR_HAZARD warning", byCause.getOrDefault("MAJOR_HAZARD", 0) >= 1,
        byCause.getOrDefault("MAJOR_HAZARD", 0));
    var missed = hazards.stream().filter(h -> "missed".equals(h.get("role"))).findFirst().orElse(Map.of());
    boolean overdueWarned = warnings.stream().anyMatch(w -> w.get("cause").equals("OVERDUE_HAZARD")
        && w.get("causeId").equals(missed.get("hazardId")));
    failed += check(checks, "the missed rectification went overdue and raised an OVERDUE_HAZARD warning", overdueWarned,
        missed.get("overdueAfterDeadlineMs"));
    @SuppressWarnings("unchecked")
    var missedNotices = (List<Map<String, Object>>) missed.getOrDefault("notified", List.of());
    long overdueTiers = missedNotices.stream().filter(n -> n.get("reason").equals("OVERDUE")).count();
    failed += check(checks, "the county education agency was told of the overdue hazard", overdueTiers >= 1, missedNotices);
    if (!s.escalationWait().isZero()) {
      failed += check(checks, "the overdue hazard reached the next tier within " + s.escalationWait(), overdueTiers >= 2,
          overdueTiers + " tier(s)");
    }
    var clusterWarnings = warnings.stream().filter(w -> w.get("cause").equals("HEALTH_CLUSTER")).toList();
    failed += check(checks, "the cluster in class 2-3 raised a HEALTH_CLUSTER warning to health and education",
        !clusterWarnings.isEmpty() && clusterWarnings.stream().allMatch(w -> ((String) w.get("audience")).contains("HEALTH")
            && ((String) w.get("summary")).contains("class 2-3")), clusterWarnings.size());
    long healthyClusters = clusters.values().stream().filter(c -> !c.path("classId").asText().equals("2-3")).count();
    failed += check(checks, "no cluster in the healthy classes", healthyClusters == 0, healthyClusters);
    failed += check(checks, "the cluster warnings cleared after three calm days",
        !clusterWarnings.isEmpty() && clusterWarnings.stream().allMatch(w -> "CLEARED".equals(w.get("state"))),
        clusterWarnings.stream().map(w -> w.get("state")).toList());
    // A warning cleared before the agencies' next look at the list is never acknowledged: that is fine.
    long unacknowledged = warnings.stream().filter(w -> w.get("acknowledgedBy") == null && !"CLEARED".equals(w.get("state"))).count();
    long acknowledged = warnings.stream().filter(w -> w.get("acknowledgedBy") != null).count();
    failed += check(checks, "every warning still active acknowledged by its agency", unacknowledged == 0,
        acknowledged + " acknowledged, " + unacknowledged + " active and not");
    failed += check(checks, "the hazard warnings cleared once the hazards were verified",
        warnings.stream().filter(w -> ((String) w.get("cause")).endsWith("_HAZARD")).allMatch(w -> "CLEARED".equals(w.get("state"))),
        warnings.stream().filter(w -> ((String) w.get("cause")).endsWith("_HAZARD")).map(w -> w.get("state")).toList());
    failed += check(checks, "no request refused", drill.problems().isEmpty(), drill.problems());

    var summary = new LinkedHashMap<String, Object>();
    summary.put("kind", "prevention");
    summary.put("scenario", s.name());
    summary.put("drillId", drill.drillId());
    summary.put("hub", drill.hubUri());
    summary.put("schoolId", drill.schoolId());
    summary.put("region", s.region());
    summary.put("speed", s.speed());
    summary.put("termDays", s.termDays());
    summary.put("dayLengthSeconds", round(drill.dayMillis() / 1000));
    summary.put("termFrom", drill.firstDay().toString());
    summary.put("startedAt", drill.start().toString());
    summary.put("requests", causes.size());
    summary.put("warningsRaised", warnings.size());
    summary.put("warningsByCause", byCause);
    summary.put("warnings", warnings);
    summary.put("hazards", hazards);
    summary.put("clusters", HubHttp.JSON.convertValue(back.clusters(), List.class));
    summary.put("riskLevels", levels);
    summary.put("finalRisk", Map.of("level", back.risk().path("level").asText(), "overall", back.risk().path("overall").asDouble()));
    summary.put("checks", checks);
    summary.put("checksFailed", failed);
    return summary;
  }

  private static Instant latest(List<Cause> causes, Instant before, String what) {
    return causes.stream().filter(c -> c.what().startsWith(what) && !c.sentAt().isAfter(before)).map(Cause::sentAt)
        .reduce((a, b) -> b).orElse(null);
  }

  private static int check(List<Map<String, Object>> checks, String what, boolean ok, Object actual) {
    checks.add(Map.of("check", what, "passed", ok, "actual", String.valueOf(actual)));
    return ok ? 0 : 1;
  }

  private static Instant instant(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode() || node.asText().isBlank() || node.asText().equals("null")
        ? null : Instant.parse(node.asText());
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  // --- output ------------------------------------------------------------------------------

  /** The lines printed at the end of a run. */
  @SuppressWarnings("unchecked")
  static String text(Map<String, Object> summary) {
    var b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "prevention drill %s (%s) against %s: a term of %s days at %.0fx, school %s%n",
        summary.get("scenario"), summary.get("drillId"), summary.get("hub"), summary.get("termDays"), summary.get("speed"),
        summary.get("schoolId")));
    b.append(String.format(Locale.ROOT, "  %s requests; %s warnings raised %s; risk levels over the term %s%n",
        summary.get("requests"), summary.get("warningsRaised"), summary.get("warningsByCause"),
        ((List<Map<String, Object>>) summary.get("riskLevels")).stream().map(l -> l.get("level") + "@" + l.get("onDay")).toList()));
    for (var w : (List<Map<String, Object>>) summary.get("warnings")) {
      b.append(String.format(Locale.ROOT, "  %-15s day %5s  %s ms after its cause (%s term min), listed +%s ms, %s, %s — %s%n",
          w.get("cause"), w.get("raisedOnDay"), w.get("tookFromCauseMs"), w.get("tookFromCauseTermMinutes"), w.get("listedAfterMs"),
          w.get("acknowledgedAfterTermHours") == null ? "not acknowledged"
              : "acknowledged after " + w.get("acknowledgedAfterTermHours") + " term h",
          w.get("state"), w.get("causedBy")));
    }
    for (var c : (List<Map<String, Object>>) summary.get("checks")) {
      b.append(String.format(Locale.ROOT, "  [%s] %s (%s)%n", Boolean.TRUE.equals(c.get("passed")) ? "ok" : "FAILED",
          c.get("check"), c.get("actual")));
    }
    return b.toString();
  }

  static void write(Path out, Map<String, Object> summary, PrintStream err) {
    if (out == null) {
      return;
    }
    try {
      Files.createDirectories(out);
      Files.write(out.resolve("summary.json"), HubHttp.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(summary));
      Files.writeString(out.resolve("report.html"), html(summary));
    } catch (IOException e) {
      err.println("hub drill: cannot write the report to " + out + ": " + e.getMessage());
    }
  }

  private static final Map<String, String> COLOURS = Map.of("RED", "#d7301f", "ORANGE", "#f28e2b", "YELLOW", "#e8c21a",
      "BLUE", "#2f7ed8");

  @SuppressWarnings("unchecked")
  static String html(Map<String, Object> summary) {
    var warnings = (List<Map<String, Object>>) summary.get("warnings");
    double days = ((Number) summary.get("termDays")).doubleValue();
    var b = new StringBuilder();
    b.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Prevention drill ")
        .append(esc(summary.get("drillId"))).append("</title><style>")
        .append("body{font-family:system-ui,sans-serif;margin:24px;color:#1b2430;max-width:1200px}")
        .append("table{border-collapse:collapse;width:100%;font-size:14px}th,td{border-bottom:1px solid #dde3ea;padding:5px 8px;text-align:left;vertical-align:top}")
        .append(".pass{color:#1a7f37;font-weight:700}.fail{color:#c62828;font-weight:700}.fig{display:inline-block;margin:0 28px 12px 0}")
        .append(".fig b{display:block;font-size:28px}.muted{color:#667}</style></head><body>");
    b.append("<h1>Prevention drill: ").append(esc(summary.get("scenario"))).append("</h1><p class=\"muted\">")
        .append(esc(summary.get("drillId"))).append(" · ").append(esc(summary.get("hub"))).append(" · school ")
        .append(esc(summary.get("schoolId"))).append(" · a term of ").append(summary.get("termDays")).append(" days from ")
        .append(esc(summary.get("termFrom"))).append(" at ").append(summary.get("speed")).append("× (one day = ")
        .append(summary.get("dayLengthSeconds")).append(" s)</p>");
    b.append("<div>");
    fig(b, "warnings raised", summary.get("warningsRaised"));
    ((Map<String, Object>) summary.get("warningsByCause")).forEach((k, v) -> fig(b, k, v));
    var risk = (Map<String, Object>) summary.get("finalRisk");
    fig(b, "final risk", risk.get("level") + " " + risk.get("overall"));
    fig(b, "checks failed", summary.get("checksFailed"));
    b.append("</div>");

    // Timeline: a row per warning from raised to cleared, the ack as a tick; the risk levels along the top.
    int w = 1100;
    int x0 = 170;
    int row = 24;
    int h = 60 + warnings.size() * row;
    b.append("<h2>Warnings over the term</h2><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w)
        .append("\" height=\"").append(h).append("\" role=\"img\" aria-label=\"warnings over the term\">");
    for (int d = 0; d <= days; d += 7) {
      double x = x0 + d / days * (w - x0 - 20);
      b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"30\" y2=\"%d\" stroke=\"#e3e8ee\"/>"
          + "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"#667\" text-anchor=\"middle\">day %d</text>", x, x, h - 14, x, h - 2, d));
    }
    var levels = (List<Map<String, Object>>) summary.get("riskLevels");
    for (int i = 0; i < levels.size(); i++) {
      double from = Math.max(0, ((Number) levels.get(i).get("onDay")).doubleValue());
      double to = i + 1 < levels.size() ? ((Number) levels.get(i + 1).get("onDay")).doubleValue() : days;
      double xa = x0 + Math.min(from, days) / days * (w - x0 - 20);
      double xb = x0 + Math.min(Math.max(to, from), days) / days * (w - x0 - 20);
      b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"8\" width=\"%.1f\" height=\"12\" fill=\"%s\"><title>%s</title></rect>",
          xa, Math.max(1, xb - xa), COLOURS.getOrDefault((String) levels.get(i).get("level"), "#999"),
          esc(levels.get(i).get("level") + " from day " + from)));
    }
    b.append("<text x=\"0\" y=\"18\" font-size=\"12\">risk level</text>");
    for (int i = 0; i < warnings.size(); i++) {
      var wr = warnings.get(i);
      double y = 40 + i * row;
      double raised = ((Number) wr.get("raisedOnDay")).doubleValue();
      Object clearedDay = wr.get("clearedOnDay");
      double end = clearedDay == null ? days : ((Number) clearedDay).doubleValue();
      double xa = x0 + Math.min(raised, days) / days * (w - x0 - 20);
      double xb = x0 + Math.min(Math.max(end, raised), days) / days * (w - x0 - 20);
      String colour = COLOURS.getOrDefault((String) wr.get("level"), "#999");
      b.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"%.1f\" font-size=\"12\">%s</text>"
              + "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"10\" rx=\"3\" fill=\"%s\" opacity=\".75\"><title>%s</title></rect>"
              + "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\"/>",
          y + 9, esc(wr.get("cause")), xa, y, Math.max(2, xb - xa), colour, esc(wr.get("summary")), xa, y + 5, colour));
    }
    b.append("</svg>");

    b.append("<h2>Warnings and how long each took</h2><table><tr><th>cause</th><th>raised (day)</th><th>caused by</th>"
        + "<th>from cause to warning</th><th>listed after</th><th>acknowledged after</th><th>state</th><th>summary</th></tr>");
    for (var wr : warnings) {
      b.append("<tr><td>").append(esc(wr.get("cause"))).append("</td><td>").append(wr.get("raisedOnDay"))
          .append("</td><td>").append(esc(wr.get("causedBy"))).append("</td><td>").append(wr.get("tookFromCauseMs"))
          .append(" ms<br><span class=\"muted\">").append(wr.get("tookFromCauseTermMinutes")).append(" min of term time</span></td><td>")
          .append(wr.get("listedAfterMs")).append(" ms</td><td>").append(wr.get("acknowledgedAfterTermHours") == null ? "–"
              : wr.get("acknowledgedAfterTermHours") + " h (" + esc(wr.get("acknowledgedBy")) + ")")
          .append("</td><td>").append(esc(wr.get("state")))
          .append(wr.get("clearedBecause") == null ? "" : "<br><span class=\"muted\">" + esc(wr.get("clearedBecause"))
              + " (day " + wr.get("clearedOnDay") + ")</span>")
          .append("</td><td>").append(esc(wr.get("summary"))).append("</td></tr>");
    }
    b.append("</table><h2>Hazards</h2><table><tr><th>hazard</th><th>role</th><th>status</th><th>deadline (day)</th>"
        + "<th>overdue after deadline</th><th>agencies told</th></tr>");
    for (var hz : (List<Map<String, Object>>) summary.get("hazards")) {
      b.append("<tr><td>").append(esc(hz.get("severity") + " " + hz.get("category"))).append("<br><span class=\"muted\">")
          .append(esc(hz.get("hazardId"))).append("</span></td><td>").append(esc(hz.get("role"))).append("</td><td>")
          .append(esc(hz.get("status"))).append("</td><td>").append(hz.get("deadlineDay")).append("</td><td>")
          .append(hz.get("overdueAfterDeadlineMs") == null ? "–" : hz.get("overdueAfterDeadlineMs") + " ms").append("</td><td>");
      for (var n : (List<Map<String, Object>>) hz.get("notified")) {
        // A major hazard is told at once, long before its deadline: its day says more than a negative offset.
        String when = "OVERDUE".equals(n.get("reason")) ? "+" + n.get("afterDeadlineMs") + " ms after the deadline"
            : "on day " + n.get("onDay");
        b.append(esc(n.get("agencyId") + " (" + n.get("tier") + ", " + n.get("reason") + ") " + when)).append("<br>");
      }
      b.append("</td></tr>");
    }
    b.append("</table><h2>Checks</h2><table>");
    for (var c : (List<Map<String, Object>>) summary.get("checks")) {
      boolean ok = Boolean.TRUE.equals(c.get("passed"));
      b.append("<tr><td class=\"").append(ok ? "pass\">PASS" : "fail\">FAIL").append("</td><td>").append(esc(c.get("check")))
          .append("</td><td class=\"muted\">").append(esc(c.get("actual"))).append("</td></tr>");
    }
    b.append("</table></body></html>\n");
    return b.toString();
  }

  private static void fig(StringBuilder b, String label, Object value) {
    b.append("<span class=\"fig\"><b>").append(esc(value)).append("</b>").append(esc(label)).append("</span>");
  }

  private static String esc(Object o) {
    return String.valueOf(o).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
