package org.schoolsafety.edge.api.dto;

import org.schoolsafety.edge.api.Fields;
import org.schoolsafety.hub.tip.TipCategory;
import org.schoolsafety.hub.tip.TipPriority;
import org.schoolsafety.hub.tip.TipStatus;

/** Bodies of the tip endpoints (issue 17), each checked field by field into one 400. */
public final class TipRequests {

  /** The longest tip or message, in characters: room for a full account, not for a dump. */
  public static final int MAX_TEXT = 4000;
  public static final int MAX_WHEN_WHERE = 200;
  public static final int MAX_NOTE = 2000;

  private TipRequests() {}

  /** {@code POST /api/v1/tips}: no token, nothing about the tipster. */
  public record TipRequest(String schoolId, String category, String text, String when, String where) {

    public record Checked(String schoolId, TipCategory category, String text, String when, String where) {}

    public Checked check() {
      var f = new Fields();
      String school = f.id("schoolId", schoolId);
      TipCategory c = f.oneOf("category", category, TipCategory.class, null);
      String t = f.text("text", text, MAX_TEXT, true);
      String w = f.text("when", when, MAX_WHEN_WHERE, false);
      String wh = f.text("where", where, MAX_WHEN_WHERE, false);
      f.throwIfInvalid();
      return new Checked(school, c, t, w == null || w.isEmpty() ? null : w, wh == null || wh.isEmpty() ? null : wh);
    }
  }

  /** {@code POST /api/v1/tips/{tipId}/messages}, with the code in the Follow-Up-Code header. */
  public record MessageRequest(String text) {
    public String check() {
      var f = new Fields();
      String t = f.text("text", text, MAX_TEXT, true);
      f.throwIfInvalid();
      return t;
    }
  }

  /** {@code POST /api/v1/tips/{tipId}/triage}: a note is internal unless {@code toTipster}. */
  public record TriageRequest(String priority, String status, String note, Boolean toTipster) {

    public record Checked(TipPriority priority, TipStatus status, String note, boolean toTipster) {}

    public Checked check() {
      var f = new Fields();
      TipPriority p = f.oneOf("priority", priority, TipPriority.class, null);
      TipStatus s = f.oneOf("status", status, TipStatus.class, null);
      String n = f.text("note", note, MAX_NOTE, false);
      boolean to = Boolean.TRUE.equals(toTipster);
      if (to && (n == null || n.isEmpty())) {
        f.error("note", "is required when toTipster is true");
      }
      f.throwIfInvalid();
      return new Checked(p, s, n == null || n.isEmpty() ? null : n, to);
    }
  }

  /** {@code POST /api/v1/tips/{tipId}/acks}: a told agency acknowledges. */
  public record TipAckRequest(String agencyId) {
    public String check() {
      var f = new Fields();
      String id = f.id("agencyId", agencyId);
      f.throwIfInvalid();
      return id;
    }
  }

  /**
   * {@code POST /api/v1/tips/{tipId}/incident}: who reports it, and optionally the type (default
   * from the tip's category), level (default UNGRADED), a summary in the reporter's words and measures.
   */
  public record TipIncidentRequest(IncidentRequest.ReporterDto reporter, String type, String level, String summary,
      String measures) {

    public record Checked(org.schoolsafety.hub.incident.Reporter reporter, org.schoolsafety.hub.incident.IncidentType type,
        org.schoolsafety.hub.incident.Level level, String summary, String measures) {}

    public Checked check() {
      var f = new Fields();
      org.schoolsafety.hub.incident.Reporter who = null;
      if (f.required("reporter", reporter)) {
        who = new org.schoolsafety.hub.incident.Reporter(
            f.text("reporter.name", reporter.name(), 100, true),
            f.text("reporter.role", reporter.role(), 50, true),
            reporter.phone() == null ? null : f.matching("reporter.phone", reporter.phone(), IncidentRequest.PHONE,
                "a phone number of digits, spaces, '+', '(', ')' or '-'"));
      }
      var t = type == null ? null : f.oneOf("type", type, org.schoolsafety.hub.incident.IncidentType.class, null);
      var l = f.oneOf("level", level, org.schoolsafety.hub.incident.Level.class,
          org.schoolsafety.hub.incident.Level.UNGRADED);
      String s = f.text("summary", summary, 2000, false);
      String m = f.text("measures", measures, 2000, false);
      f.throwIfInvalid();
      return new Checked(who, t, l, s == null || s.isEmpty() ? null : s, m == null || m.isEmpty() ? null : m);
    }
  }

  /**
   * {@code POST /api/v1/tips/{tipId}/hazard}: the severity and the rectification plan (五定, every
   * fix required as for an inspection's hazard); optionally the category (default from the tip's
   * category), where (default: as reported in the tip) and a description in the recorder's words.
   */
  public record TipHazardRequest(String category, String severity, String location, String description,
      PreventionRequests.Plan rectification) {

    public record Checked(org.schoolsafety.hub.hazard.HazardCategory category,
        org.schoolsafety.hub.hazard.Severity severity, String location, String description,
        org.schoolsafety.hub.hazard.RectificationPlan plan) {}

    public Checked check() {
      var f = new Fields();
      var c = category == null ? null
          : f.oneOf("category", category, org.schoolsafety.hub.hazard.HazardCategory.class, null);
      var s = f.oneOf("severity", severity, org.schoolsafety.hub.hazard.Severity.class, null);
      String l = f.text("location", location, 200, false);
      String d = f.text("description", description, 2000, false);
      var plan = PreventionRequests.InspectionRequest.plan(f, "rectification", rectification);
      f.throwIfInvalid();
      return new Checked(c, s, l == null || l.isEmpty() ? null : l, d == null || d.isEmpty() ? null : d, plan);
    }
  }
}
