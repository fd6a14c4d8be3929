package org.schoolsafety.hub.evaluation;

import java.time.Instant;

/** A hazard's rectification deadline and when it was reported rectified (null: not yet). */
public record HazardFacts(String hazardId, String schoolId, String regionCode, Instant deadline, Instant rectifiedAt) {}
