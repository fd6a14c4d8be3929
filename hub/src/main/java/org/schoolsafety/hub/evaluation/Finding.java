package org.schoolsafety.hub.evaluation;

import java.util.List;

/**
 * A rule-based finding in plain words, with the records behind it: the incidents, schools or
 * hazards a reader should open to check it.
 */
public record Finding(String rule, String regionCode, String text, List<String> incidentIds, List<String> schoolIds,
    List<String> hazardIds) {}
