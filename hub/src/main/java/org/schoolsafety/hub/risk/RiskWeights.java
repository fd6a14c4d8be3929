package org.schoolsafety.hub.risk;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The risk model's formulas' numbers, from {@code hub.risk} (defaults and their reasoning in
 * reference.conf and docs/RISK.md).
 */
public record RiskWeights(
    Map<String, Double> dimensionWeights,
    double peakShare,
    double yellow,
    double orange,
    double red,
    Map<String, Double> nearbyPoints,
    int near,
    int mid,
    int far,
    double midFactor,
    double farFactor,
    double generalHazard,
    double majorHazard,
    double overdueFactor,
    Map<String, Double> levelPoints,
    Duration historyHalfLife,
    double clusterPoints,
    Duration clusterWindow,
    double pointsPerIllnessPercent,
    double illnessCap,
    Duration healthHalfLife,
    int drillMonths,
    double missedDrillPoints,
    Duration inspectionCadence,
    double missedInspectionPoints,
    double overdueHazardPoints,
    double trainingPoints,
    Duration initialReportDeadline,
    double lateInitialReportPoints,
    Duration lateInitialReportWindow) {

  public static RiskWeights fromConfig(Config config) {
    Config r = config.getConfig("hub.risk");
    return new RiskWeights(
        doubles(r.getConfig("weights")),
        r.getDouble("peak-share"),
        r.getDouble("levels.yellow"),
        r.getDouble("levels.orange"),
        r.getDouble("levels.red"),
        doubles(r.getConfig("surroundings.kinds")),
        r.getInt("surroundings.near-metres"),
        r.getInt("surroundings.mid-metres"),
        r.getInt("surroundings.far-metres"),
        r.getDouble("surroundings.mid-factor"),
        r.getDouble("surroundings.far-factor"),
        r.getDouble("hazards.GENERAL"),
        r.getDouble("hazards.MAJOR"),
        r.getDouble("hazards.overdue-factor"),
        doubles(r.getConfig("incident-levels")),
        r.getDuration("history.half-life"),
        r.getDouble("health.cluster-points"),
        r.getDuration("health.cluster-window"),
        r.getDouble("health.points-per-illness-percent"),
        r.getDouble("health.illness-cap"),
        r.getDuration("health.incident-half-life"),
        r.getInt("execution.drill-months"),
        r.getDouble("execution.missed-drill-points"),
        r.getDuration("execution.inspection-cadence"),
        r.getDouble("execution.missed-inspection-points"),
        r.getDouble("execution.overdue-hazard-points"),
        r.getDouble("execution.training-points"),
        // The same deadline the reporting rules use (hub.reporting.initial), not a copy of it.
        config.getDuration("hub.reporting.initial"),
        r.getDouble("execution.late-initial-report-points"),
        r.getDuration("execution.late-initial-report-window"));
  }

  private static Map<String, Double> doubles(Config c) {
    var map = new HashMap<String, Double>();
    c.root().keySet().forEach(k -> map.put(k, c.getDouble(k)));
    return Map.copyOf(map);
  }
}
