package org.schoolsafety.hub.risk;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;

/**
 * Everything a school's risk score is computed from, all from the hub's own records. Plain
 * values, so that the score is a pure function of them (see {@link RiskModel}).
 */
public record RiskInputs(
    int staff,
    List<Nearby> surroundings,
    List<OpenHazard> hazards,
    List<LocalDate> clusters,
    int illnessAbsences,
    int studentDaysChecked,
    List<PastIncident> incidents,
    Set<String> evacuationMonths,
    List<LocalDate> inspections,
    int staffTrained) {

  /** Something declared around the school: its kind (e.g. MAJOR_ROAD) and distance in metres. */
  public record Nearby(String kind, int distanceMetres) {}

  /** A hazard not yet verified: category, severity (GENERAL/MAJOR), whether overdue. */
  public record OpenHazard(String hazardId, String category, String severity, boolean overdue) {}

  /**
   * An ACTUAL incident that was not cancelled: type, level (I..IV, UNGRADED), when it was
   * reported and when it happened (by its initial report; null when not known).
   */
  public record PastIncident(String incidentId, String type, String level, Instant reportedAt, Instant occurredAt) {

    public PastIncident(String incidentId, String type, String level, Instant reportedAt) {
      this(incidentId, type, level, reportedAt, null);
    }
  }

  public static RiskInputs none(int staff) {
    return new RiskInputs(staff, List.of(), List.of(), List.of(), 0, 0, List.of(), Set.of(), List.of(), 0);
  }
}
