package org.schoolsafety.hub.priorities;

import com.typesafe.config.Config;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.schoolsafety.hub.risk.RiskWeights;

/**
 * Where the next yuan lowers risk most (issue 18 item 4): the region's open hazards and missing
 * measures as candidates, each with its cost and the points the risk model's own weights give it
 * in its school's score, and the best set within a budget by the exact {@link Knapsack}. A pure
 * function of read-side facts: the same facts, weights and costs give the same answer.
 */
public final class Priorities {

  /** More candidates than this in one request are refused rather than solved approximately. */
  public static final int MAX_CANDIDATES = 500;

  private Priorities() {}

  /** Unit costs of the missing measures ({@code hub.priorities.costs}), in yuan. */
  public record Costs(long trainingPerStaff, long evacuationDrill, long deviceReconnect) {

    public static Costs fromConfig(Config config) {
      Config c = config.getConfig("hub.priorities.costs");
      return new Costs(c.getLong("staff-training"), c.getLong("evacuation-drill"), c.getLong("device-reconnect"));
    }
  }

  /** An open (not yet rectified) hazard with its rectification plan's funding, when the read side knows it. */
  public record OpenHazard(String hazardId, String schoolId, String schoolName, String regionCode, String category,
      String severity, boolean overdue, Long fundingYuan) {}

  /** A school's missing measures: staff not trained in the last twelve months, no evacuation drill this month. */
  public record School(String schoolId, String schoolName, String regionCode, int staff, int staffTrained,
      boolean drilledThisMonth) {}

  /** One action: what it is, where, what it costs and what it takes off its school's score, and why. */
  public record Action(String actionId, String kind, String schoolId, String schoolName, String regionCode,
      Long costYuan, double riskReduction, String dimension, String reason, String leftOutBecause) {}

  /** The chosen actions and those left out, with their totals, per county too. */
  public record Plan(String region, long budgetYuan, List<Action> chosen, List<Action> leftOut, long costYuan,
      double riskReduction, long candidates, List<Map<String, Object>> counties) {}

  /** Thrown when the region has too many candidates to solve exactly. */
  public static final class TooLarge extends RuntimeException {
    public TooLarge(String message) {
      super(message);
    }
  }

  /** A registered device of a school that the read side lists OFFLINE, since {@code since}. */
  public record OfflineDevice(String schoolId, String deviceId, String kind, Instant since) {}

  public static Plan plan(String region, long budgetYuan, List<OpenHazard> hazards, List<School> schools,
      RiskWeights w, Costs costs) {
    return plan(region, budgetYuan, hazards, schools, List.of(), w, costs);
  }

  public static Plan plan(String region, long budgetYuan, List<OpenHazard> hazards, List<School> schools,
      List<OfflineDevice> offline, RiskWeights w, Costs costs) {
    var actions = new ArrayList<Action>();
    var bySchool = new HashMap<String, School>();
    schools.forEach(s -> bySchool.put(s.schoolId(), s));
    for (OfflineDevice d : offline) {
      School s = bySchool.get(d.schoolId());
      if (s == null) {
        continue;
      }
      // The risk model does not weigh device availability yet: a life-safety device that is
      // silent is counted like a known, unfixed general equipment hazard (its execution points).
      double points = round(w.generalHazard());
      actions.add(new Action("device:" + d.schoolId() + ":" + d.deviceId(), "RECONNECT_DEVICE", s.schoolId(),
          s.schoolName(), s.regionCode(), costs.deviceReconnect(), points, "execution",
          d.kind() + " device " + d.deviceId() + " offline" + (d.since() == null ? "" : " since " + d.since())
              + ": counted like a general equipment hazard, " + fmt(w.generalHazard())
              + " execution points (the risk score does not weigh devices yet); cost "
              + costs.deviceReconnect() + " yuan (hub.priorities.costs.device-reconnect)", null));
    }
    for (OpenHazard h : hazards) {
      double base = h.severity().equals("MAJOR") ? w.majorHazard() : w.generalHazard();
      double points = round(base * (h.overdue() ? w.overdueFactor() : 1.0) + (h.overdue() ? w.overdueHazardPoints() : 0));
      String dimension = switch (h.category()) {
        case "SURROUNDINGS" -> "surroundings";
        case "TRAFFIC" -> "traffic";
        case "FOOD_HYGIENE" -> "health";
        default -> "execution";
      };
      String reason = h.severity() + " " + h.category() + " hazard " + h.hazardId() + ": " + fmt(base)
          + " points in " + dimension + (h.overdue() ? " × " + fmt(w.overdueFactor()) + " overdue, plus "
          + fmt(w.overdueHazardPoints()) + " overdue-hazard points in execution" : "")
          + "; cost = its rectification plan's funding";
      actions.add(new Action("hazard:" + h.hazardId(), "RECTIFY_HAZARD", h.schoolId(), h.schoolName(), h.regionCode(),
          h.fundingYuan(), points, dimension, reason,
          h.fundingYuan() == null ? "its rectification plan's funding is not known to the read side" : null));
    }
    for (School s : schools) {
      int untrained = Math.max(0, s.staff() - Math.min(s.staff(), s.staffTrained()));
      if (s.staff() > 0 && untrained > 0) {
        double points = round(w.trainingPoints() * untrained / s.staff());
        actions.add(new Action("training:" + s.schoolId(), "TRAIN_STAFF", s.schoolId(), s.schoolName(),
            s.regionCode(), untrained * costs.trainingPerStaff(), points, "execution",
            untrained + " of " + s.staff() + " staff not trained in the last 12 months: " + fmt(w.trainingPoints())
                + " × " + untrained + "/" + s.staff() + " training-coverage points; cost " + untrained + " × "
                + costs.trainingPerStaff() + " yuan", null));
      }
      if (!s.drilledThisMonth()) {
        actions.add(new Action("drill:" + s.schoolId(), "EVACUATION_DRILL", s.schoolId(), s.schoolName(),
            s.regionCode(), costs.evacuationDrill(), round(w.missedDrillPoints()), "execution",
            "no evacuation drill this month: a missed month counts " + fmt(w.missedDrillPoints())
                + " execution points for the next " + w.drillMonths() + " months", null));
      }
    }
    actions.sort(Comparator.comparing(Action::regionCode).thenComparing(Action::schoolId)
        .thenComparing(Action::actionId));
    var solvable = actions.stream().filter(a -> a.leftOutBecause() == null).toList();
    if (solvable.size() > MAX_CANDIDATES) {
      throw new TooLarge(solvable.size() + " candidates in region " + region + ", more than " + MAX_CANDIDATES
          + " that are solved exactly in one request; ask for a county");
    }
    Knapsack.Selection selection;
    try {
      selection = Knapsack.best(solvable.stream().map(a -> new Candidate(a.actionId(), a.costYuan(), a.riskReduction()))
          .toList(), budgetYuan);
    } catch (IllegalStateException e) {
      throw new TooLarge(e.getMessage() + "; ask for a county");
    }
    var chosenIds = new HashSet<String>();
    selection.chosen().forEach(c -> chosenIds.add(c.id()));
    var chosen = new ArrayList<Action>();
    var leftOut = new ArrayList<Action>();
    for (Action a : actions) {
      if (chosenIds.contains(a.actionId())) {
        chosen.add(a);
      } else if (a.leftOutBecause() != null) {
        leftOut.add(a);
      } else {
        leftOut.add(withReason(a, a.riskReduction() == 0 ? "takes no points off the score"
            : a.costYuan() > budgetYuan ? "costs more than the whole budget"
            : "the budget buys more risk reduction elsewhere"));
      }
    }
    var counties = new TreeMap<String, long[]>();
    var countyPoints = new TreeMap<String, double[]>();
    for (Action a : actions) {
      String county = a.regionCode().substring(0, Math.min(6, a.regionCode().length()));
      long[] t = counties.computeIfAbsent(county, k -> new long[3]);
      double[] p = countyPoints.computeIfAbsent(county, k -> new double[1]);
      t[0]++;
      if (chosenIds.contains(a.actionId())) {
        t[1]++;
        t[2] += a.costYuan();
        p[0] += a.riskReduction();
      }
    }
    var countyRows = new ArrayList<Map<String, Object>>();
    counties.forEach((code, t) -> {
      var row = new LinkedHashMap<String, Object>();
      row.put("regionCode", code);
      row.put("candidates", t[0]);
      row.put("chosen", t[1]);
      row.put("costYuan", t[2]);
      row.put("riskReduction", round(countyPoints.get(code)[0]));
      countyRows.add(row);
    });
    return new Plan(region, budgetYuan, List.copyOf(chosen), List.copyOf(leftOut), selection.costYuan(),
        round(selection.riskReduction()), actions.size(), List.copyOf(countyRows));
  }

  private static Action withReason(Action a, String why) {
    return new Action(a.actionId(), a.kind(), a.schoolId(), a.schoolName(), a.regionCode(), a.costYuan(),
        a.riskReduction(), a.dimension(), a.reason(), why);
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }

  static double round(double value) {
    return Math.round(value * 10.0) / 10.0;
  }
}
