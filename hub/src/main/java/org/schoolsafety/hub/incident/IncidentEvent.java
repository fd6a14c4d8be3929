package org.schoolsafety.hub.incident;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.agency.AgencyKind;
import org.schoolsafety.hub.agency.AgencyProfile;

/** Everything that happens to an incident. Every event says when and by whom. */
public sealed interface IncidentEvent extends CborSerializable {

  String incidentId();

  Instant at();

  String by();

  /** The event's name in timelines, audit trails and streams, e.g. {@code report-added}. */
  static String nameOf(IncidentEvent event) {
    if (event instanceof Reported) {
      return "reported";
    } else if (event instanceof Dispatched) {
      return "dispatched";
    } else if (event instanceof Acknowledged) {
      return "acknowledged";
    } else if (event instanceof Escalated) {
      return "escalated";
    } else if (event instanceof WentUnanswered) {
      return "unanswered";
    } else if (event instanceof ReportAdded) {
      return "report-added";
    } else if (event instanceof Resolved) {
      return "resolved";
    } else if (event instanceof Closed) {
      return "closed";
    } else if (event instanceof Cancelled) {
      return "cancelled";
    } else if (event instanceof EvidenceAdded) {
      return "evidence-added";
    } else if (event instanceof DevicesFlagged) {
      return "devices-flagged";
    }
    throw new IllegalArgumentException("unknown incident event " + event.getClass());
  }

  /** The incident was raised with its initial report. */
  record Reported(
      String incidentId,
      NewIncident incident,
      String fingerprint,
      Instant at,
      String by)
      implements IncidentEvent {}

  /**
   * Agencies were notified. {@code standby} keeps, per kind, the agencies of higher tiers to
   * escalate to; {@code uncovered} the kinds for which no agency covers the school's region.
   */
  record Dispatched(
      String incidentId,
      List<Dispatch> dispatches,
      Map<AgencyKind, List<AgencyProfile>> standby,
      Set<AgencyKind> uncovered,
      Instant at,
      String by)
      implements IncidentEvent {}

  record Acknowledged(String incidentId, String agencyId, String note, Instant at, String by)
      implements IncidentEvent {}

  /** {@code fromAgencyId} missed its deadline; {@code to} is notified instead. */
  record Escalated(
      String incidentId, String fromAgencyId, Dispatch to, Instant at, String by)
      implements IncidentEvent {}

  /** {@code agencyId} missed its deadline and no tier above is left. */
  record WentUnanswered(String incidentId, String agencyId, Instant at, String by)
      implements IncidentEvent {}

  record ReportAdded(String incidentId, IncidentReport report, Instant at, String by)
      implements IncidentEvent {}

  /** The final report is in. */
  record Resolved(String incidentId, IncidentReport report, Instant at, String by)
      implements IncidentEvent {}

  record Closed(String incidentId, String note, Instant at, String by) implements IncidentEvent {}

  record Cancelled(String incidentId, String reason, Instant at, String by)
      implements IncidentEvent {}

  /** Alarms of the school's devices attached to this device-raised incident (one per device alarm). */
  record EvidenceAdded(String incidentId, List<Evidence> evidence, Instant at, String by)
      implements IncidentEvent {}

  /**
   * Devices that contributed to this incident passed the false-alarm bound when it was cancelled
   * as a false alarm: said on the incident's timeline, and so on the command centers' streams.
   */
  record DevicesFlagged(String incidentId, List<String> deviceIds, String detail, Instant at, String by)
      implements IncidentEvent {}
}
