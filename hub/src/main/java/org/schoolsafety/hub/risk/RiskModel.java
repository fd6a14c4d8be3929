package org.schoolsafety.hub.risk;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import org.schoolsafety.hub.risk.RiskScore.Factor;

/**
 * The five-dimension risk score as a pure function: the same inputs and the same {@code now}
 * give the same score. Every dimension is the sum of its factors' points, capped at 100 (higher
 * is riskier); overall is {@code (1 - peakShare) × weighted mean + peakShare × highest
 * dimension}, so that one critical dimension shows even when the others are calm. The formulas
 * and the reasoning behind the default numbers are in docs/RISK.md.
 */
public final class RiskModel {

  /** Illness absence rates are taken over this many days of health checks. */
  public static final Duration ILLNESS_WINDOW = Duration.ofDays(14);
  /** Staff training coverage counts trainings of the last twelve months. */
  public static final Duration TRAINING_WINDOW = Duration.ofDays(365);

  /** Surroundings kinds that count for traffic rather than surroundings. */
  static final Set<String> TRAFFIC_KINDS = Set.of("MAJOR_ROAD", "RAILWAY");
  static final Set<String> HEALTH_INCIDENTS = Set.of("ILLNESS_OUTBREAK", "FOOD_POISONING");

  private final RiskWeights w;

  public RiskModel(RiskWeights weights) {
    this.w = weights;
  }

  public RiskScore score(RiskInputs in, Instant now) {
    var factors = new ArrayList<Factor>();
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);

    // surroundings and traffic: what is around the school, by kind and distance
    for (RiskInputs.Nearby n : in.surroundings()) {
      double distance = n.distanceMetres() <= w.near() ? 1.0
          : n.distanceMetres() <= w.mid() ? w.midFactor() : n.distanceMetres() <= w.far() ? w.farFactor() : 0.0;
      double points = w.nearbyPoints().getOrDefault(n.kind(), w.nearbyPoints().getOrDefault("OTHER", 0.0)) * distance;
      if (points > 0) {
        factors.add(new Factor(TRAFFIC_KINDS.contains(n.kind()) ? "traffic" : "surroundings", "nearby-" + n.kind(),
            round(points), n.kind() + " at " + n.distanceMetres() + " m"));
      }
    }
    // open hazards: by category into their dimension; overdue ones weigh more, and count against execution
    for (RiskInputs.OpenHazard h : in.hazards()) {
      double points = (h.severity().equals("MAJOR") ? w.majorHazard() : w.generalHazard())
          * (h.overdue() ? w.overdueFactor() : 1.0);
      String dimension = switch (h.category()) {
        case "SURROUNDINGS" -> "surroundings";
        case "TRAFFIC" -> "traffic";
        case "FOOD_HYGIENE" -> "health";
        default -> "execution";
      };
      factors.add(new Factor(dimension, "open-hazard", round(points),
          h.severity() + " " + h.category() + " hazard " + h.hazardId() + (h.overdue() ? " (overdue)" : "")));
      if (h.overdue()) {
        factors.add(new Factor("execution", "overdue-hazard", round(w.overdueHazardPoints()),
            "hazard " + h.hazardId() + " not rectified by its deadline"));
      }
    }
    // health: suspected clusters, illness absence rate
    long clusters = in.clusters().stream()
        .filter(d -> !d.isBefore(today.minusDays(w.clusterWindow().toDays())))
        .count();
    if (clusters > 0) {
      factors.add(new Factor("health", "outbreak-cluster", round(clusters * w.clusterPoints()),
          clusters + " suspected outbreak cluster(s) in the last " + w.clusterWindow().toDays() + " days"));
    }
    if (in.studentDaysChecked() > 0 && in.illnessAbsences() > 0) {
      double percent = 100.0 * in.illnessAbsences() / in.studentDaysChecked();
      factors.add(new Factor("health", "illness-absence", round(Math.min(w.illnessCap(), percent * w.pointsPerIllnessPercent())),
          String.format(java.util.Locale.ROOT, "%.1f%% of student-days absent for illness (last %d days)",
              percent, ILLNESS_WINDOW.toDays())));
    }
    // incidents: history (all), health and traffic (their types), decaying with age
    for (RiskInputs.PastIncident i : in.incidents()) {
      double base = w.levelPoints().getOrDefault(i.level(), 0.0);
      double age = Math.max(0, Duration.between(i.reportedAt(), now).toSeconds());
      String what = i.type() + " incident (level " + i.level() + ") " + i.incidentId();
      factors.add(new Factor("history", "incident", round(base * decay(age, w.historyHalfLife())), what));
      if (HEALTH_INCIDENTS.contains(i.type())) {
        factors.add(new Factor("health", "health-incident", round(base * decay(age, w.healthHalfLife())), what));
      } else if (i.type().equals("TRAFFIC")) {
        factors.add(new Factor("traffic", "traffic-incident", round(base * decay(age, w.historyHalfLife())), what));
      }
    }
    // execution: monthly evacuation drills, inspections on cadence, staff training
    YearMonth month = YearMonth.from(today);
    int missed = 0;
    for (int i = 1; i <= w.drillMonths(); i++) {
      if (!in.evacuationMonths().contains(month.minusMonths(i).toString())) {
        missed++;
      }
    }
    if (missed > 0) {
      factors.add(new Factor("execution", "missed-evacuation-drills", round(missed * w.missedDrillPoints()),
          missed + " of the last " + w.drillMonths() + " months without an evacuation drill"));
    }
    LocalDate cadenceStart = today.minusDays(w.inspectionCadence().toDays());
    if (in.inspections().stream().noneMatch(d -> !d.isBefore(cadenceStart))) {
      factors.add(new Factor("execution", "inspection-overdue", round(w.missedInspectionPoints()),
          "no hazard inspection in the last " + w.inspectionCadence().toDays() + " days"));
    }
    if (in.staff() > 0) {
      double coverage = Math.min(1.0, (double) in.staffTrained() / in.staff());
      if (coverage < 1.0) {
        factors.add(new Factor("execution", "training-coverage", round(w.trainingPoints() * (1.0 - coverage)),
            String.format(java.util.Locale.ROOT, "staff training coverage %.0f%% in the last 12 months", coverage * 100)));
      }
    }
    // execution: initial reports filed later than hub.reporting.initial after the incident happened
    Instant lateFrom = now.minus(w.lateInitialReportWindow());
    for (RiskInputs.PastIncident i : in.incidents()) {
      if (i.occurredAt() != null && !i.reportedAt().isBefore(lateFrom)
          && Duration.between(i.occurredAt(), i.reportedAt()).compareTo(w.initialReportDeadline()) > 0) {
        factors.add(new Factor("execution", "late-initial-reports", round(w.lateInitialReportPoints()),
            "initial report of " + i.incidentId() + " filed " + minutes(Duration.between(i.occurredAt(), i.reportedAt()))
                + " min after the incident (due within " + minutes(w.initialReportDeadline()) + " min)"));
      }
    }

    var dimensions = new LinkedHashMap<String, Double>();
    for (String d : RiskScore.DIMENSIONS) {
      double sum = factors.stream().filter(f -> f.dimension().equals(d)).mapToDouble(Factor::points).sum();
      dimensions.put(d, round(Math.min(100.0, sum)));
    }
    double mean = 0;
    double weights = 0;
    double peak = 0;
    for (String d : RiskScore.DIMENSIONS) {
      double weight = w.dimensionWeights().getOrDefault(d, 0.0);
      mean += weight * dimensions.get(d);
      weights += weight;
      peak = Math.max(peak, dimensions.get(d));
    }
    mean = weights == 0 ? 0 : mean / weights;
    double overall = round((1 - w.peakShare()) * mean + w.peakShare() * peak);
    return new RiskScore(overall, levelOf(overall), java.util.Map.copyOf(dimensions), List.copyOf(factors), now);
  }

  public RiskLevel levelOf(double overall) {
    return overall >= w.red() ? RiskLevel.RED
        : overall >= w.orange() ? RiskLevel.ORANGE
        : overall >= w.yellow() ? RiskLevel.YELLOW : RiskLevel.BLUE;
  }

  /** Halves every {@code halfLife}. */
  static double decay(double ageSeconds, Duration halfLife) {
    return Math.pow(0.5, ageSeconds / halfLife.toSeconds());
  }

  private static long minutes(Duration d) {
    return d.toMinutes();
  }

  static double round(double value) {
    return Math.round(value * 10.0) / 10.0;
  }
}
