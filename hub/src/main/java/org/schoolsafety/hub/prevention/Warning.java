package org.schoolsafety.hub.prevention;

import java.time.Instant;
import java.util.List;
import org.schoolsafety.hub.CborSerializable;

/**
 * An early warning (预警) about a school: why ({@code cause} RISK_LEVEL, MAJOR_HAZARD,
 * OVERDUE_HAZARD or HEALTH_CLUSTER, with {@code causeId}: the level, hazard or cluster), its
 * life ({@code state} RAISED, ACKNOWLEDGED, CLEARED) and who is to act on it ({@code audience}:
 * agency kinds, e.g. EDUCATION, HEALTH). {@code incidentId}: the incident the school (or an
 * agency) turned a health-cluster warning into, null until then.
 */
public record Warning(
    String warningId,
    String schoolId,
    String schoolName,
    String regionCode,
    String cause,
    String causeId,
    String level,
    String summary,
    String audience,
    String state,
    Instant raisedAt,
    Instant acknowledgedAt,
    String acknowledgedBy,
    Instant clearedAt,
    String clearedBecause,
    String incidentId)
    implements CborSerializable {

  /** The states in their order: a warning only moves forward. */
  public static final List<String> STATES = List.of("RAISED", "ACKNOWLEDGED", "CLEARED");

  public boolean isActive() {
    return !"CLEARED".equals(state);
  }

  Warning acknowledged(Instant at, String by) {
    return new Warning(warningId, schoolId, schoolName, regionCode, cause, causeId, level, summary, audience,
        "ACKNOWLEDGED", raisedAt, at, by, clearedAt, clearedBecause, incidentId);
  }

  Warning cleared(Instant at, String because) {
    return new Warning(warningId, schoolId, schoolName, regionCode, cause, causeId, level, summary, audience,
        "CLEARED", raisedAt, acknowledgedAt, acknowledgedBy, at, because, incidentId);
  }

  Warning linked(String incident) {
    return new Warning(warningId, schoolId, schoolName, regionCode, cause, causeId, level, summary, audience,
        state, raisedAt, acknowledgedAt, acknowledgedBy, clearedAt, clearedBecause, incident);
  }

  /** The agency kinds it is addressed to. */
  public List<String> audienceKinds() {
    return List.of(audience.split(","));
  }
}
