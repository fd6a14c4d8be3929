package org.schoolsafety.hub.tip;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.agency.AgencyKind;
import org.schoolsafety.hub.agency.AgencyProfile;

/**
 * Everything that happens to a tip. No event holds anything about the tipster but what they
 * wrote: {@code by} is "tipster" for their own events, "hub" for the hub's decisions, and the
 * staff's or agency's principal for theirs.
 */
public sealed interface TipEvent extends CborSerializable {

  String tipId();

  String schoolId();

  Instant at();

  String by();

  /**
   * The tip arrived. {@code codeHash}: HMAC of its follow-up code ({@link TipCodes}); {@code
   * deadline}: when it must have been triaged (by the category's initial priority).
   */
  record Submitted(String tipId, String schoolId, NewTip tip, String codeHash, TipPriority priority,
      Instant deadline, Instant at, String by) implements TipEvent {}

  record TipsterWrote(String tipId, String schoolId, String text, Instant at, String by) implements TipEvent {}

  /** {@code deadline}: the response deadline after this triage (recomputed while the tip is NEW). */
  record Triaged(String tipId, String schoolId, TipPriority priority, TipStatus status, String note,
      boolean toTipster, Instant deadline, Instant at, String by) implements TipEvent {}

  /** The agencies that answer for the school, per kind, county first. */
  record ChainsResolved(String tipId, String schoolId, Map<AgencyKind, List<AgencyProfile>> chains, Instant at,
      String by) implements TipEvent {}

  /** Nobody triaged the tip in time. */
  record WentOverdue(String tipId, String schoolId, Instant at, String by) implements TipEvent {}

  /**
   * {@code agency} was told: WEAPON or SELF_HARM (at once), UNTRIAGED (the response deadline
   * passed), ESCALATED (the tier below did not acknowledge by its {@code ackDeadline}).
   */
  record AgencyNotified(String tipId, String schoolId, AgencyProfile agency, String reason, Instant ackDeadline,
      Instant at, String by) implements TipEvent {}

  /** The school or its education agency reported the tip as {@code incidentId} (docs/API.md). */
  record IncidentLinked(String tipId, String schoolId, String incidentId, Instant at, String by) implements TipEvent {}

  /** The school or its education agency recorded the tip as hazard {@code hazardId} (docs/API.md). */
  record HazardLinked(String tipId, String schoolId, String hazardId, Instant at, String by) implements TipEvent {}

  record AgencyAcknowledged(String tipId, String schoolId, String agencyId, Instant at, String by)
      implements TipEvent {}
}
