package org.schoolsafety.hub.hazard;

import java.time.Instant;
import java.util.List;
import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.agency.AgencyProfile;

/**
 * Everything that happens to a hazard. Every event names its school and region, so that the
 * read side builds its rows from the events alone, and says when and by whom.
 */
public sealed interface HazardEvent extends CborSerializable {

  String hazardId();

  String schoolId();

  String regionCode();

  Instant at();

  String by();

  static String nameOf(HazardEvent event) {
    if (event instanceof Opened) {
      return "opened";
    } else if (event instanceof ChainResolved) {
      return "chain-resolved";
    } else if (event instanceof AgencyNotified n) {
      return n.reason().equals("MAJOR") ? "notified" : "escalated";
    } else if (event instanceof WentOverdue) {
      return "overdue";
    } else if (event instanceof Rectified) {
      return "rectified";
    } else if (event instanceof Verified) {
      return "verified";
    } else if (event instanceof RectificationRejected) {
      return "rejected";
    }
    throw new IllegalArgumentException("unknown hazard event " + event.getClass());
  }

  record Opened(String hazardId, String schoolId, String regionCode, NewHazard hazard, Instant at, String by)
      implements HazardEvent {}

  /** The education agencies that answer for the school, county first (empty: none registered). */
  record ChainResolved(
      String hazardId, String schoolId, String regionCode, List<AgencyProfile> chain, Instant at, String by)
      implements HazardEvent {}

  /**
   * {@code agency} was told: a MAJOR hazard (at once) or an OVERDUE one (escalation; the next tier
   * is told at {@code nextEscalationAt} unless the hazard is rectified by then).
   */
  record AgencyNotified(
      String hazardId, String schoolId, String regionCode, AgencyProfile agency, String reason,
      Instant nextEscalationAt, Instant at, String by)
      implements HazardEvent {}

  record WentOverdue(String hazardId, String schoolId, String regionCode, Instant at, String by)
      implements HazardEvent {}

  record Rectified(String hazardId, String schoolId, String regionCode, String note, Instant at, String by)
      implements HazardEvent {}

  record Verified(String hazardId, String schoolId, String regionCode, String note, Instant at, String by)
      implements HazardEvent {}

  /** Back to OPEN: the work was not accepted. */
  record RectificationRejected(
      String hazardId, String schoolId, String regionCode, String reason, Instant at, String by)
      implements HazardEvent {}
}
