package org.schoolsafety.sim.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.schoolsafety.sim.scenario.Durations;
import org.schoolsafety.sim.scenario.Scenario;

/** The after-action report as one self-contained HTML page; charts are inline SVG, no scripts. */
final class HtmlReport {

  private static final String[] KIND_COLORS = {"#2b6cb0", "#c53030", "#2f855a", "#b7791f"};

  private HtmlReport() {}

  static String render(Figures f) {
    DrillMeta m = f.meta;
    var h = new StringBuilder();
    h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>Drill ").append(esc(m.drillId())).append("</title><style>").append(CSS).append("</style></head><body>");
    h.append("<h1>After-action report: ").append(esc(m.scenario().name())).append("</h1>");
    h.append("<p class=\"sub\">drill <code>").append(esc(m.drillId())).append("</code> · hub ").append(esc(m.hub()))
        .append(" · ").append(fmt(m.speed())).append("× real time · seed ").append(m.seed()).append("<br>")
        .append(esc(m.start().toString())).append(" → ").append(esc(m.end().toString())).append(" · wall time ")
        .append(Durations.formatSeconds(m.wallSeconds())).append("</p>");
    if (!m.scenario().description().isBlank()) {
      h.append("<p class=\"desc\">").append(esc(m.scenario().description())).append("</p>");
    }

    long passed = f.targets.stream().filter(Figures.TargetResult::pass).count();
    h.append("<div class=\"tiles\">");
    tile(h, "schools taking part", String.valueOf(f.schoolsTakingPart().size()), null);
    tile(h, "incidents recorded", String.valueOf(f.incidents.size()), f.missing.isEmpty() ? null : f.missing.size() + " missing from the hub's list");
    tile(h, "dispatches", String.valueOf(f.dispatches.size()), f.dispatches(null, d -> d.ackAt() != null) + " acknowledged");
    tile(h, "escalations", String.valueOf(f.timelineEvents("escalated")), null);
    tile(h, "unanswered dispatches", String.valueOf(f.timelineEvents("unanswered")), null);
    Stats dispatch = f.dispatchTime();
    tile(h, "time to dispatch p95", seconds(dispatch.percentile(95)), "max " + seconds(dispatch.max()) + " (real time)");
    tile(h, "targets passed", passed + " / " + f.targets.size(), null);
    h.append("</div>");

    h.append("<h2>Targets</h2>");
    if (f.targets.isEmpty()) {
      h.append("<p>The scenario sets no targets.</p>");
    } else {
      h.append("<table><tr><th></th><th>target</th><th>measured</th><th>samples</th></tr>");
      for (Figures.TargetResult t : f.targets) {
        h.append("<tr><td>").append(t.pass() ? "<span class=\"pass\">PASS</span>" : "<span class=\"fail\">FAIL</span>")
            .append("</td><td>").append(esc(t.target().name())).append("</td><td>").append(esc(t.measured()))
            .append("</td><td class=\"num\">").append(t.samples()).append("</td></tr>");
      }
      h.append("</table>");
    }

    h.append("<h2>Time to acknowledge, per kind and tier of agency</h2>");
    h.append("<p class=\"note\">Each dot is one acknowledged dispatch (notified → acknowledged by that agency), in drill time;"
        + " the bar spans p50–p95, the whisker reaches the maximum.</p>");
    h.append(ackChart(f));
    h.append("<table><tr><th>kind</th><th>tier</th><th>dispatches</th><th>acknowledged</th><th>of which late</th>"
        + "<th>escalated</th><th>unanswered</th><th>never acknowledged</th><th>p50</th><th>p95</th><th>max</th></tr>");
    f.ackByKindTier().forEach((kt, values) -> {
      Stats s = Stats.of(values);
      String[] k = kt.split("/");
      h.append("<tr><td>").append(k[0]).append("</td><td>").append(k[1]).append("</td>");
      num(h, f.dispatchesOf(kt));
      num(h, values.size());
      num(h, f.dispatches(kt, Figures.DispatchRow::late));
      num(h, f.dispatches(kt, Figures.DispatchRow::escalated));
      num(h, f.dispatches(kt, Figures.DispatchRow::unanswered));
      num(h, f.dispatches(kt, d -> d.ackAt() == null));
      h.append("<td class=\"num\">").append(seconds(s.percentile(50))).append("</td><td class=\"num\">")
          .append(seconds(s.percentile(95))).append("</td><td class=\"num\">").append(seconds(s.max())).append("</td></tr>");
    });
    h.append("</table>");
    h.append("<h3>Per kind, any tier</h3><p class=\"note\">From the first dispatch of a kind to the first"
        + " acknowledgement of that kind, escalations included.</p>");
    h.append("<table><tr><th>kind</th><th>incidents</th><th>never acknowledged</th><th>p50</th><th>p95</th><th>max</th></tr>");
    for (String kind : Scenario.KINDS) {
      var rows = f.kinds.stream().filter(k -> k.kind().equals(kind)).toList();
      if (rows.isEmpty()) {
        continue;
      }
      Stats s = Stats.of(rows.stream().map(Figures.KindRow::ackTime).filter(java.util.Objects::nonNull).toList());
      h.append("<tr><td>").append(kind).append("</td>");
      num(h, rows.size());
      num(h, rows.stream().filter(r -> r.ackTime() == null).count());
      h.append("<td class=\"num\">").append(seconds(s.percentile(50))).append("</td><td class=\"num\">")
          .append(seconds(s.percentile(95))).append("</td><td class=\"num\">").append(seconds(s.max())).append("</td></tr>");
    }
    h.append("</table>");

    h.append("<h2>Incidents and escalations over time</h2>");
    h.append(timeChart(f));

    h.append("<h2>Reporting</h2><table><tr><th>figure</th><th>samples</th><th>p50</th><th>p95</th><th>max</th></tr>");
    statRow(h, "time to dispatch (report recorded → first agency notified; real time, the hub's own processing)", dispatch);
    statRow(h, "initial report (occurred → recorded)", f.initialReport());
    statRow(h, "final report (after the initial report)", f.finalReport());
    h.append("</table>");
    Map<String, Object> summary = f.summary();
    @SuppressWarnings("unchecked")
    var reports = (Map<String, Object>) summary.get("reports");
    h.append("<p>Reports recorded: ").append(reports.get("initial")).append(" initial, ")
        .append(reports.get("continuation")).append(" continuation, ").append(reports.get("final")).append(" final.</p>");

    @SuppressWarnings("unchecked")
    var incidents = (Map<String, Object>) summary.get("incidents");
    h.append("<h2>Incidents</h2><table><tr><th>by type</th><th>by level</th><th>by status</th></tr><tr>");
    for (String key : List.of("byType", "byLevel", "byStatus")) {
      h.append("<td>");
      ((Map<?, ?>) incidents.get(key)).forEach((k, v) -> h.append(esc(String.valueOf(k))).append(": ").append(v).append("<br>"));
      h.append("</td>");
    }
    h.append("</tr></table>");
    h.append("<p class=\"note\">The hub's drill list held ").append(f.record.listed().size()).append(" incidents (")
        .append("filtered by ").append("hub".equals(f.record.listFilter()) ? "the hub on drillId" : "the simulator on its reports' answers")
        .append("); the simulator had ").append(m.created().size()).append(" reports accepted; ")
        .append(f.missing.size()).append(" missing from the list, ").append(f.unexpected.size())
        .append(" listed but not reported by this run, ").append(f.record.unreadable().size()).append(" unreadable.");
    if (m.scenario().schoolDrill() != null) {
      h.append(" Schools with this drill on record: ").append(f.schoolsWithDrillRecord()).append(" of ")
          .append(m.schools().size()).append('.');
    }
    h.append("</p>");

    h.append("<h2>Seen from the simulator</h2><p class=\"note\">Not hub records: latency from each request's"
        + " scheduled time to its final answer (queueing and retries included), so a slow hub shows here.</p>");
    h.append("<table><tr><th>requests</th><th>answers</th><th>statuses</th><th>retries</th><th>failures</th>"
        + "<th>p50</th><th>p95</th><th>p99</th><th>max</th></tr>");
    m.client().byKind().forEach((label, k) -> {
      var hist = k.latencyMicros();
      h.append("<tr><td>").append(esc(label)).append("</td>");
      num(h, hist.getTotalCount());
      h.append("<td>").append(esc(k.statuses().toString())).append("</td>");
      num(h, k.retries());
      num(h, k.failures());
      for (double p : new double[] {50, 95, 99}) {
        h.append("<td class=\"num\">").append(hist.getTotalCount() == 0 ? "-" : ms(hist.getValueAtPercentile(p))).append("</td>");
      }
      h.append("<td class=\"num\">").append(hist.getTotalCount() == 0 ? "-" : ms(hist.getMaxValue())).append("</td></tr>");
    });
    h.append("</table>");
    h.append("<p class=\"foot\">Every figure above except the last table is computed from what the hub recorded,"
        + " read back over its API after the drill. Durations are drill time: hub timestamps multiplied by each"
        + " incident's recorded time scale. Files: <code>summary.json</code>, <code>events.csv</code>,"
        + " <code>dispatches.csv</code>.</p>");
    h.append("</body></html>\n");
    return h.toString();
  }

  // --- charts ------------------------------------------------------------------------------

  private static String ackChart(Figures f) {
    Map<String, List<Double>> rows = f.ackByKindTier();
    if (rows.isEmpty()) {
      return "<p>No dispatches.</p>";
    }
    double max = rows.values().stream().flatMap(List::stream).mapToDouble(Double::doubleValue).max().orElse(1);
    max = niceCeil(Math.max(max, 1));
    int left = 210;
    int right = 20;
    int width = 960;
    int rowHeight = 30;
    int top = 10;
    int height = top + rows.size() * rowHeight + 40;
    double plot = width - left - right;
    var s = new StringBuilder();
    s.append("<svg class=\"chart\" viewBox=\"0 0 ").append(width).append(' ').append(height)
        .append("\" role=\"img\" aria-label=\"acknowledgement time per kind and tier\">");
    double step = niceStep(max / 6);
    for (double t = 0; t <= max + 1e-9; t += step) {
      double x = left + t / max * plot;
      s.append(line(x, top, x, top + rows.size() * rowHeight, "#e2e8f0", 1));
      s.append(text(x, top + rows.size() * rowHeight + 16, tick(t), "middle", 11, "#4a5568"));
    }
    s.append(text(left + plot / 2, height - 6, "drill time from notification to acknowledgement", "middle", 12, "#2d3748"));
    int r = 0;
    java.util.Random jitter = new java.util.Random(1);
    for (var e : rows.entrySet()) {
      double y = top + r * rowHeight + rowHeight / 2.0;
      String kind = e.getKey().substring(0, e.getKey().indexOf('/'));
      String color = KIND_COLORS[Math.max(0, Scenario.KINDS.indexOf(kind)) % KIND_COLORS.length];
      long total = f.dispatchesOf(e.getKey());
      s.append(text(left - 8, y + 4, e.getKey() + " (" + e.getValue().size() + "/" + total + ")", "end", 12, "#2d3748"));
      Stats st = Stats.of(e.getValue());
      if (st.count() > 0) {
        double[] v = st.values();
        int stride = Math.max(1, v.length / 500);
        for (int i = 0; i < v.length; i += stride) {
          double x = left + v[i] / max * plot;
          double dy = (jitter.nextDouble() - 0.5) * (rowHeight - 12);
          s.append("<circle cx=\"").append(fmt(x)).append("\" cy=\"").append(fmt(y + dy))
              .append("\" r=\"2\" fill=\"").append(color).append("\" fill-opacity=\"0.35\"/>");
        }
        double p50 = left + st.percentile(50) / max * plot;
        double p95 = left + st.percentile(95) / max * plot;
        double mx = left + st.max() / max * plot;
        s.append(line(p95, y, mx, y, color, 1.5));
        s.append("<rect x=\"").append(fmt(p50)).append("\" y=\"").append(fmt(y - 5)).append("\" width=\"")
            .append(fmt(Math.max(1, p95 - p50))).append("\" height=\"10\" fill=\"").append(color)
            .append("\" fill-opacity=\"0.6\"><title>p50 ").append(seconds(st.percentile(50))).append(", p95 ")
            .append(seconds(st.percentile(95))).append(", max ").append(seconds(st.max())).append("</title></rect>");
        s.append(line(p50, y - 8, p50, y + 8, "#1a202c", 2));
        s.append(line(mx, y - 5, mx, y + 5, color, 1.5));
      }
      r++;
    }
    s.append("</svg>");
    return s.toString();
  }

  private static String timeChart(Figures f) {
    var events = f.events.stream().filter(e -> !Double.isNaN(e.drillSeconds())).toList();
    if (events.isEmpty()) {
      return "<p>No events.</p>";
    }
    double end = niceCeil(Math.max(1, events.stream().mapToDouble(Figures.EventRow::drillSeconds).max().orElse(1)));
    int bins = 60;
    double binWidth = end / bins;
    int[] reported = new int[bins];
    int[] escalated = new int[bins];
    int[] acknowledged = new int[bins];
    // open incidents at the end of each bin: reported and not yet resolved or cancelled
    int[] delta = new int[bins];
    for (Figures.EventRow e : events) {
      int b = Math.max(0, Math.min(bins - 1, (int) (e.drillSeconds() / binWidth)));
      switch (e.event()) {
        case "reported" -> {
          reported[b]++;
          delta[b]++;
        }
        case "escalated", "unanswered" -> escalated[b]++;
        case "acknowledged" -> acknowledged[b]++;
        case "resolved", "cancelled" -> delta[b]--;
        default -> { }
      }
    }
    int[] open = new int[bins];
    int running = 0;
    for (int b = 0; b < bins; b++) {
      running += delta[b];
      open[b] = running;
    }
    int ymax = 1;
    for (int b = 0; b < bins; b++) {
      ymax = Math.max(ymax, Math.max(Math.max(reported[b], escalated[b]), Math.max(open[b], acknowledged[b])));
    }
    double ystep = niceCountStep(ymax / 5.0);
    double yTop = Math.ceil(ymax / ystep) * ystep;
    int left = 60;
    int width = 900;
    int right = 20;
    int top = 20;
    int plotH = 240;
    int height = top + plotH + 60;
    double plotW = width - left - right;
    double bw = plotW / bins;
    var s = new StringBuilder();
    s.append("<svg class=\"chart\" viewBox=\"0 0 ").append(width).append(' ').append(height)
        .append("\" role=\"img\" aria-label=\"incidents and escalations over time\">");
    for (double v = 0; v <= yTop + 1e-9; v += ystep) {
      double y = top + plotH - v / yTop * plotH;
      s.append(line(left, y, left + plotW, y, "#e2e8f0", 1));
      s.append(text(left - 6, y + 4, String.valueOf((long) v), "end", 11, "#4a5568"));
    }
    double xstep = niceStep(end / 8);
    for (double t = 0; t <= end + 1e-9; t += xstep) {
      double x = left + t / end * plotW;
      s.append(line(x, top + plotH, x, top + plotH + 4, "#4a5568", 1));
      s.append(text(x, top + plotH + 18, tick(t), "middle", 11, "#4a5568"));
    }
    for (int b = 0; b < bins; b++) {
      double x = left + b * bw;
      bar(s, x + 1, bw * 0.45, reported[b], yTop, top, plotH, "#4299e1", "reported " + reported[b] + " at t+" + tick(b * binWidth));
      bar(s, x + bw * 0.5, bw * 0.45, escalated[b], yTop, top, plotH, "#e53e3e", "escalated/unanswered " + escalated[b] + " at t+" + tick(b * binWidth));
    }
    s.append(polyline(open, yTop, left, top, plotH, bw, "#2d3748"));
    s.append(polyline(acknowledged, yTop, left, top, plotH, bw, "#38a169"));
    int ly = height - 14;
    legend(s, left, ly, "#4299e1", "incidents reported");
    legend(s, left + 170, ly, "#e53e3e", "escalations (incl. unanswered)");
    legend(s, left + 400, ly, "#38a169", "acknowledgements");
    legend(s, left + 570, ly, "#2d3748", "open incidents");
    s.append(text(left + plotW, ly, "drill time, per " + tick(binWidth), "end", 11, "#4a5568"));
    s.append("</svg>");
    return s.toString();
  }

  private static void bar(StringBuilder s, double x, double w, int v, double yTop, int top, int plotH, String color, String title) {
    if (v == 0) {
      return;
    }
    double h = v / yTop * plotH;
    s.append("<rect x=\"").append(fmt(x)).append("\" y=\"").append(fmt(top + plotH - h)).append("\" width=\"")
        .append(fmt(Math.max(1, w))).append("\" height=\"").append(fmt(h)).append("\" fill=\"").append(color)
        .append("\"><title>").append(esc(title)).append("</title></rect>");
  }

  private static String polyline(int[] values, double yTop, int left, int top, int plotH, double bw, String color) {
    var pts = new ArrayList<String>();
    for (int b = 0; b < values.length; b++) {
      pts.add(fmt(left + (b + 0.5) * bw) + "," + fmt(top + plotH - values[b] / yTop * plotH));
    }
    return "<polyline fill=\"none\" stroke=\"" + color + "\" stroke-width=\"2\" points=\"" + String.join(" ", pts) + "\"/>";
  }

  private static void legend(StringBuilder s, double x, double y, String color, String label) {
    s.append("<rect x=\"").append(fmt(x)).append("\" y=\"").append(fmt(y - 9)).append("\" width=\"12\" height=\"10\" fill=\"")
        .append(color).append("\"/>").append(text(x + 16, y, label, "start", 11, "#2d3748"));
  }

  private static String line(double x1, double y1, double x2, double y2, String color, double width) {
    return "<line x1=\"" + fmt(x1) + "\" y1=\"" + fmt(y1) + "\" x2=\"" + fmt(x2) + "\" y2=\"" + fmt(y2)
        + "\" stroke=\"" + color + "\" stroke-width=\"" + fmt(width) + "\"/>";
  }

  private static String text(double x, double y, String text, String anchor, int size, String color) {
    return "<text x=\"" + fmt(x) + "\" y=\"" + fmt(y) + "\" text-anchor=\"" + anchor + "\" font-size=\"" + size
        + "\" fill=\"" + color + "\">" + esc(text) + "</text>";
  }

  /** Seconds steps that read well on a time axis: 1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min, 1, 2, 3, 6, 12 h, days. */
  private static final double[] TIME_STEPS = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60,
      120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400};

  /** The smallest step of {@link #TIME_STEPS} (or 1-2-5 x 10^n for counts beyond it) that is at least {@code raw}. */
  static double niceStep(double raw) {
    if (raw <= 0) {
      return 1;
    }
    for (double step : TIME_STEPS) {
      if (step >= raw) {
        return step;
      }
    }
    return oneTwoFive(raw);
  }

  /** Count axes: 1, 2, 5 x 10^n. */
  static double niceCountStep(double raw) {
    if (raw <= 1) {
      return 1;
    }
    return oneTwoFive(raw);
  }

  /** The smallest 1, 2 or 5 x 10^n that is at least {@code raw} (> 0). */
  private static double oneTwoFive(double raw) {
    double pow = Math.pow(10, Math.floor(Math.log10(raw)));
    for (double m : new double[] {1, 2, 5}) {
      if (m * pow >= raw) {
        return m * pow;
      }
    }
    return 10 * pow;
  }

  static double niceCeil(double v) {
    double step = niceStep(v / 5);
    return Math.ceil(v / step - 1e-9) * step;
  }

  private static String tick(double seconds) {
    if (seconds == 0) {
      return "0";
    }
    if (seconds < 1) {
      return trimNum(seconds * 1000) + "ms";
    }
    if (seconds < 60) {
      return trimNum(seconds) + "s";
    }
    long s = Math.round(seconds);
    if (s < 3600) {
      return s % 60 == 0 ? (s / 60) + "m" : (s / 60) + "m" + String.format(Locale.ROOT, "%02ds", s % 60);
    }
    long m = Math.round(seconds / 60);
    return m % 60 == 0 ? (m / 60) + "h" : (m / 60) + "h" + String.format(Locale.ROOT, "%02d", m % 60);
  }

  private static String trimNum(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  private static void tile(StringBuilder h, String label, String value, String note) {
    h.append("<div class=\"tile\"><div class=\"v\">").append(esc(value)).append("</div><div class=\"l\">")
        .append(esc(label)).append("</div>");
    if (note != null) {
      h.append("<div class=\"n\">").append(esc(note)).append("</div>");
    }
    h.append("</div>");
  }

  private static void statRow(StringBuilder h, String label, Stats s) {
    h.append("<tr><td>").append(esc(label)).append("</td><td class=\"num\">").append(s.count())
        .append("</td><td class=\"num\">").append(seconds(s.percentile(50))).append("</td><td class=\"num\">")
        .append(seconds(s.percentile(95))).append("</td><td class=\"num\">").append(seconds(s.max())).append("</td></tr>");
  }

  private static void num(StringBuilder h, long n) {
    h.append("<td class=\"num\">").append(n).append("</td>");
  }

  private static String seconds(double s) {
    return Double.isNaN(s) ? "-" : Durations.formatSeconds(s);
  }

  private static String ms(long micros) {
    return String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
  }

  private static String fmt(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e9 ? String.valueOf((long) d) : String.format(Locale.ROOT, "%.1f", d);
  }

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    var out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static final String CSS = """
      body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1060px;color:#1a202c;padding:0 1rem}
      h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #e2e8f0;padding-bottom:.2rem}
      .sub{color:#4a5568;margin-top:0}.desc{font-style:italic}.note,.foot{color:#4a5568;font-size:.9rem}
      table{border-collapse:collapse;margin:.5rem 0;font-size:.85rem}td,th{border:1px solid #e2e8f0;padding:.25rem .5rem;text-align:left;vertical-align:top}
      th{background:#f7fafc}.num{text-align:right;font-variant-numeric:tabular-nums}
      .pass{background:#c6f6d5;color:#22543d;padding:.1rem .4rem;border-radius:3px;font-weight:600}
      .fail{background:#fed7d7;color:#822727;padding:.1rem .4rem;border-radius:3px;font-weight:600}
      .tiles{display:flex;flex-wrap:wrap;gap:.6rem;margin:1rem 0}.tile{border:1px solid #e2e8f0;border-radius:6px;padding:.5rem .8rem;min-width:120px}
      .tile .v{font-size:1.4rem;font-weight:600}.tile .l{color:#4a5568;font-size:.85rem}.tile .n{color:#718096;font-size:.75rem}
      svg.chart{width:100%;height:auto;font-family:inherit}code{background:#f7fafc;padding:0 .2rem}
      """;
}
