package org.schoolsafety.sim.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the after-action report directory: {@code report.html} (self-contained, charts as
 * inline SVG), {@code summary.json} (every figure), {@code events.csv} (every timeline entry the
 * hub recorded, in drill time) and {@code dispatches.csv} (every dispatch).
 */
public final class ReportWriter {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ReportWriter() {}

  /** Writes the directory and returns the summary it wrote. */
  public static Map<String, Object> write(Path dir, Figures figures) {
    try {
      Files.createDirectories(dir);
      Map<String, Object> summary = figures.summary();
      Files.write(dir.resolve("summary.json"), JSON.writeValueAsBytes(summary));
      Files.writeString(dir.resolve("events.csv"), events(figures), StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("dispatches.csv"), dispatches(figures), StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("report.html"), HtmlReport.render(figures), StandardCharsets.UTF_8);
      return summary;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report to " + dir + ": " + e.getMessage(), e);
    }
  }

  private static String events(Figures f) {
    var out = new StringBuilder("drill_seconds,at,incident_id,school_id,region_code,type,level,event,by,detail\n");
    for (Figures.EventRow e : f.events) {
      row(out, List.of(String.format(Locale.ROOT, "%.3f", e.drillSeconds()), String.valueOf(e.at()), e.incidentId(),
          e.schoolId(), e.regionCode(), e.type(), e.level(), e.event(), e.by(), e.detail()));
    }
    return out.toString();
  }

  private static String dispatches(Figures f) {
    var out = new StringBuilder(
        "incident_id,school_id,type,level,agency_id,kind,tier,state,notified_at,ack_at,deadline,ack_drill_seconds,escalated,unanswered\n");
    for (Figures.DispatchRow d : f.dispatches) {
      row(out, List.of(d.incidentId(), d.schoolId(), d.type(), d.level(), d.agencyId(), d.kind(), d.tier(), d.state(),
          String.valueOf(d.notifiedAt()), d.ackAt() == null ? "" : d.ackAt().toString(),
          d.deadline() == null ? "" : d.deadline().toString(),
          d.ackTime() == null ? "" : String.format(Locale.ROOT, "%.3f", d.ackTime()),
          String.valueOf(d.escalated()), String.valueOf(d.unanswered())));
    }
    return out.toString();
  }

  private static void row(StringBuilder out, List<String> cells) {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      String c = cells.get(i) == null ? "" : cells.get(i);
      if (c.indexOf(',') >= 0 || c.indexOf('"') >= 0 || c.indexOf('\n') >= 0 || c.indexOf('\r') >= 0) {
        out.append('"').append(c.replace("\"", "\"\"")).append('"');
      } else {
        out.append(c);
      }
    }
    out.append('\n');
  }
}
