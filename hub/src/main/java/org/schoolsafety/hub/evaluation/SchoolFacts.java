package org.schoolsafety.hub.evaluation;

import java.util.Set;

/** A registered school of the region, with the months ("2026-11") in which it held an evacuation drill. */
public record SchoolFacts(String schoolId, String name, String regionCode, Set<String> evacuationMonths) {}
