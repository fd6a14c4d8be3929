package org.schoolsafety.hub.evaluation;

import java.util.List;

/**
 * A rule-based finding in plain words, with the records behind it: the incidents, schools,
 * hazards or tips a reader should open to check it.
 */
public record Finding(String rule, String regionCode, String text, List<String> incidentIds, List<String> schoolIds,
    List<String> hazardIds, List<String> tipIds) {

  public Finding(String rule, String regionCode, String text, List<String> incidentIds, List<String> schoolIds,
      List<String> hazardIds) {
    this(rule, regionCode, text, incidentIds, schoolIds, hazardIds, List.of());
  }
}
