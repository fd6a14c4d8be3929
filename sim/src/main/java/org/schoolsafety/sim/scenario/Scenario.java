package org.schoolsafety.sim.scenario;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A drill scenario, as read from {@code sim/scenarios/*.json} (format: docs/DRILLS.md). All
 * times are drill time: the runner plays them {@code speed} times faster than real time.
 */
public record Scenario(
    String name,
    String description,
    long seed,
    double speed,
    Schools schools,
    List<Wave> incidents,
    Agencies agencies,
    List<Target> targets,
    SchoolDrill schoolDrill) {

  /** Incident types, levels, agency kinds and tiers the hub knows (docs/API.md). */
  public static final List<String> TYPES = List.of("FIRE", "INTRUSION", "VIOLENCE", "INJURY", "ILLNESS_OUTBREAK",
      "FOOD_POISONING", "TRAFFIC", "NATURAL_DISASTER", "STRUCTURAL", "HAZMAT", "MISSING_STUDENT", "BULLYING", "OTHER");
  public static final List<String> LEVELS = List.of("I", "II", "III", "IV", "UNGRADED");
  public static final List<String> KINDS = List.of("POLICE", "FIRE", "HEALTH", "EDUCATION");
  public static final List<String> TIERS = List.of("COUNTY", "CITY", "PROVINCE");
  public static final List<String> DRILL_TYPES = List.of("EVACUATION", "LOCKDOWN", "SHELTER", "FIRE", "EARTHQUAKE", "OTHER");

  /**
   * Which schools take part: an explicit {@code list}, or the registered schools of a region
   * prefix ({@code region}, optionally only {@code count} of them), topped up to {@code count}
   * with schools the drill registers itself when {@code provision} is given.
   */
  public record Schools(List<String> list, String region, Integer count, Provision provision) {}

  /**
   * Schools the drill registers (idempotently) when the region has fewer than needed:
   * {@code <prefix>-<county>-<nnnn>}, spread round-robin over {@code counties} (default: the
   * counties of the region's registered schools).
   */
  public record Provision(List<String> counties, String prefix, String type, int students, int staff, int floors) {}

  /** Integer figure: {@code min == max} for a fixed number. */
  public record Range(int min, int max) {
    public int sample(java.util.Random random) {
      return min == max ? min : min + random.nextInt(max - min + 1);
    }

    @Override
    public String toString() {
      return min == max ? String.valueOf(min) : min + ".." + max;
    }
  }

  public record Casualties(Range dead, Range injured, Range missing) {
    public static final Casualties NONE = new Casualties(new Range(0, 0), new Range(0, 0), new Range(0, 0));
  }

  public record Reporter(String name, String role, String phone) {}

  /**
   * A group of similar incidents at the participating schools number {@code fromSchool}
   * (1-based, default 1) onwards, {@code schools} of them (default: all). Each one occurs at a time within {@code [start, start+over]}
   * ({@code spacing} {@code random} or {@code even}), is reported after {@code reportDelay}, and
   * then follows up: continuation reports and the final report at their delays after the
   * initial report, closing after the final report — or, with {@code falseAlarm}, is cancelled.
   */
  public record Wave(
      String name,
      String type,
      Map<String, Double> levels,
      Integer count,
      Integer perSchool,
      Integer fromSchool,
      Integer schools,
      Duration start,
      Duration over,
      String spacing,
      Distribution reportDelay,
      String summary,
      String measures,
      Casualties casualties,
      Reporter reporter,
      List<Continuation> continuations,
      Final fin,
      Close close,
      FalseAlarm falseAlarm) {}

  public record Continuation(Distribution after, String summary, String measures, Casualties casualties, String level) {}

  public record Final(Distribution after, String summary, String cause, String outcome, Casualties casualties) {}

  public record Close(Distribution after, String note, String by) {}

  public record FalseAlarm(double probability, Distribution after, String reason) {}

  /** How agencies answer: the most specific matching rule applies (agency, kind+tier, kind, tier, default). */
  public record Agencies(List<Response> rules) {

    public static final Response DEFAULT = new Response(null, null, null,
        new Distribution.LogNormal(Duration.ofSeconds(30), Duration.ofMinutes(2)), 0.0, "drill: acknowledged");

    public Response forAgency(String agencyId, String kind, String tier) {
      Response best = null;
      int bestScore = -1;
      for (Response r : rules) {
        if (r.agency() != null && !r.agency().equals(agencyId)
            || r.kind() != null && !r.kind().equals(kind)
            || r.tier() != null && !r.tier().equals(tier)) {
          continue;
        }
        int score = (r.agency() != null ? 4 : 0) + (r.kind() != null ? 2 : 0) + (r.tier() != null ? 1 : 0);
        if (score > bestScore) {
          best = r;
          bestScore = score;
        }
      }
      return best == null ? DEFAULT : best;
    }
  }

  /** {@code noAnswer}: probability that the agency never acknowledges a dispatch. */
  public record Response(String agency, String kind, String tier, Distribution ackDelay, double noAnswer, String note) {}

  /**
   * What the drill is judged against. Duration metrics pass when at least {@code share} of the
   * samples are within {@code within} (a sample that never happened counts as late); count
   * metrics pass when the count is at most {@code atMost}.
   */
  public record Target(String name, String metric, Where where, Duration within, Double share, Integer atMost) {

    /** Metrics measured as durations per sample. */
    public static final Map<String, String> DURATION_METRICS = Map.of(
        "dispatchTime", "per incident: initial report recorded -> first agency notified",
        "ackTime", "per incident and kind of agency: first dispatch of the kind -> first acknowledgement of that kind (any tier)",
        "dispatchAckTime", "per dispatch: notified -> acknowledged by that agency",
        "initialReport", "per incident: occurred -> initial report recorded",
        "finalReport", "per incident: initial report -> final report recorded",
        "closeTime", "per incident: initial report -> closed");
    /** Metrics that are counts. */
    public static final Map<String, String> COUNT_METRICS = Map.of(
        "escalations", "dispatches escalated to the next tier",
        "unanswered", "dispatches unanswered at the top tier",
        "unacknowledged", "dispatches never acknowledged (escalated, unanswered or still waiting)",
        "missingIncidents", "incidents the simulator reported that the hub's drill list lacks");

    public boolean isDuration() {
      return DURATION_METRICS.containsKey(metric);
    }

    public double requiredShare() {
      return share == null ? 1.0 : share;
    }
  }

  /** Restricts a target to some incidents or dispatches; null fields match everything. */
  public record Where(String kind, String tier, String level, String type) {
    public static final Where ALL = new Where(null, null, null, null);

    public boolean isEmpty() {
      return kind == null && tier == null && level == null && type == null;
    }

    @Override
    public String toString() {
      var parts = new java.util.ArrayList<String>();
      if (type != null) parts.add("type " + type);
      if (level != null) parts.add("level " + level);
      if (kind != null) parts.add("kind " + kind);
      if (tier != null) parts.add("tier " + tier);
      return String.join(", ", parts);
    }
  }

  /** A drill record each participating school files at the end ({@code POST /schools/{id}/drills}). */
  public record SchoolDrill(String type, int durationMinutes, Range participants, Range evacuationSeconds) {}
}
