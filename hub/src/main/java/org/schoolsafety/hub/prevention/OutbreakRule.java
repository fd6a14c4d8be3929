package org.schoolsafety.hub.prevention;

import com.typesafe.config.Config;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The national school rule for suspected outbreaks, as a pure function: in one class, {@code
 * perDay} or more students with the same symptom on one day, or {@code overThreeDays} or more over
 * three consecutive calendar days (month and year ends are just days). Checks of the same day
 * (morning and noon) add up. OTHER symptoms are not similar to each other and never count.
 */
public record OutbreakRule(int perDay, int overThreeDays) {

  public static OutbreakRule fromConfig(Config config) {
    return new OutbreakRule(config.getInt("hub.prevention.outbreak.per-day"),
        config.getInt("hub.prevention.outbreak.over-three-days"));
  }

  /**
   * The clusters that the checks of {@code classId} show around {@code day} (the day a new check
   * is for): per symptom, the one-day rule on {@code day}, else the first three-day window that
   * contains it and reaches the threshold. {@code checks} may hold other classes and days.
   */
  public List<OutbreakCluster> clustersAround(Collection<HealthCheck> checks, String classId, LocalDate day) {
    var found = new ArrayList<OutbreakCluster>();
    for (Symptom symptom : Symptom.values()) {
      if (symptom == Symptom.OTHER) {
        continue;
      }
      int today = cases(checks, classId, symptom, day);
      if (today >= perDay) {
        found.add(cluster(classId, symptom, "DAY", day, day, today));
        continue;
      }
      for (int start = -2; start <= 0; start++) {
        LocalDate from = day.plusDays(start);
        LocalDate to = from.plusDays(2);
        int sum = 0;
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
          sum += cases(checks, classId, symptom, d);
        }
        if (sum >= overThreeDays) {
          found.add(cluster(classId, symptom, "THREE_DAYS", from, to, sum));
          break;
        }
      }
    }
    return found;
  }

  /** A new cluster that overlaps (same class and symptom, within three days) a known one is the same outbreak. */
  public static Optional<OutbreakCluster> known(Collection<OutbreakCluster> clusters, OutbreakCluster candidate) {
    return clusters.stream()
        .filter(c -> c.classId().equals(candidate.classId()) && c.symptom() == candidate.symptom())
        .filter(c -> !c.to().plusDays(2).isBefore(candidate.from()) && !candidate.to().plusDays(2).isBefore(c.from()))
        .findFirst();
  }

  private static int cases(Collection<HealthCheck> checks, String classId, Symptom symptom, LocalDate day) {
    return checks.stream().filter(c -> c.classId().equals(classId) && c.date().equals(day))
        .mapToInt(c -> c.count(symptom)).sum();
  }

  private static OutbreakCluster cluster(String classId, Symptom symptom, String rule, LocalDate from, LocalDate to,
      int cases) {
    return new OutbreakCluster("cl-" + classId + "-" + symptom.name().toLowerCase() + "-" + to, classId, symptom,
        rule, from, to, cases);
  }
}
