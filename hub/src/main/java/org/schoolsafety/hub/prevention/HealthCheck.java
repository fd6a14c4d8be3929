package org.schoolsafety.hub.prevention;

import java.time.LocalDate;
import java.util.Map;
import org.schoolsafety.hub.CborSerializable;

/**
 * One class's morning or noon check (晨午检) on one day: students present, absent for illness
 * (因病缺勤), and how many students show each symptom. Personal data about children.
 */
public record HealthCheck(
    LocalDate date, String session, String classId, int present, int absentIll, Map<Symptom, Integer> symptoms)
    implements CborSerializable {

  /** One check per class, day and session. */
  public String key() {
    return date + "/" + classId + "/" + session;
  }

  public int count(Symptom symptom) {
    return symptoms.getOrDefault(symptom, 0);
  }
}
