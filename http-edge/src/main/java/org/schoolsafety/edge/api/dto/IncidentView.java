package org.schoolsafety.edge.api.dto;

import java.time.Instant;
import java.util.List;
import org.schoolsafety.hub.incident.Authority;
import org.schoolsafety.hub.incident.Casualties;
import org.schoolsafety.hub.incident.DeviceAlarm;
import org.schoolsafety.hub.incident.Dispatch;
import org.schoolsafety.hub.incident.Evidence;
import org.schoolsafety.hub.incident.IncidentReport;
import org.schoolsafety.hub.incident.IncidentState;
import org.schoolsafety.hub.incident.NewIncident;
import org.schoolsafety.hub.incident.Reporter;
import org.schoolsafety.hub.incident.TimelineEntry;
import org.schoolsafety.hub.reporting.ReportingDeadline;

/**
 * The incident read model of {@code GET /api/v1/incidents/{id}}. {@code reports} and {@code timeline}
 * are the latest ones the incident keeps (see {@link IncidentState}); {@code reportCount} and
 * {@code eventCount} count all of them, and the audit trail lists every event. {@code imported}: a
 * record imported from a previous system ({@code POST /api/v1/incidents/imports}, at {@code importedAt}).
 */
public record IncidentView(
    String incidentId,
    String schoolId,
    String schoolName,
    String regionCode,
    String type,
    String level,
    String mode,
    String drillId,
    Double timeScale,
    String status,
    String clientRef,
    Instant reportedAt,
    Instant occurredAt,
    Casualties casualties,
    List<ReportView> reports,
    List<DispatchView> dispatches,
    List<String> uncoveredKinds,
    List<TimelineEntry> timeline,
    DeviceOrigin device,
    int evidenceCount,
    List<Evidence> evidence,
    String leadTier,
    String leadRegion,
    int reportCount,
    int eventCount,
    List<ReportingDeadline> reportingDeadlines,
    boolean imported,
    Instant importedAt) {

  /**
   * The incident with its reporting deadlines (issue 18), judged from the read side's facts;
   * empty until the read side has folded the incident in.
   */
  public IncidentView withReportingDeadlines(List<ReportingDeadline> deadlines) {
    return new IncidentView(incidentId, schoolId, schoolName, regionCode, type, level, mode, drillId, timeScale, status,
        clientRef, reportedAt, occurredAt, casualties, reports, dispatches, uncoveredKinds, timeline, device,
        evidenceCount, evidence, leadTier, leadRegion, reportCount, eventCount, List.copyOf(deadlines), imported,
        importedAt);
  }

  /**
   * For a device-raised incident: the gateway that reported it and its first alarm's device and
   * place (null for incidents reported by people).
   */
  public record DeviceOrigin(String gatewayId, String deviceId, String rule, String place, String building,
      Instant escalateNotBefore) {
    static DeviceOrigin of(DeviceAlarm origin) {
      return origin == null ? null : new DeviceOrigin(origin.gatewayId(), origin.first().deviceId(),
          origin.first().rule(), origin.first().place(), origin.first().building(), origin.escalateNotBefore());
    }
  }

  public record ReportView(
      String kind,
      Instant at,
      String by,
      String summary,
      Casualties casualties,
      String measures,
      String level,
      Reporter reporter,
      String cause,
      String outcome) {
    static ReportView of(IncidentReport r, boolean contacts) {
      Reporter reporter = r.reporter() == null || contacts ? r.reporter()
          : new Reporter(r.reporter().name(), r.reporter().role(), mask(r.reporter().phone()));
      return new ReportView(r.kind().name(), r.at(), r.by(), r.summary(), r.casualties(),
          r.measures(), r.level() == null ? null : r.level().name(), reporter, r.cause(),
          r.outcome());
    }

    /** Keeps the last two digits, so a caller can tell numbers apart without being able to dial. */
    static String mask(String phone) {
      if (phone == null) {
        return null;
      }
      String digits = phone.replaceAll("\\D", "");
      return "****" + (digits.length() >= 2 ? digits.substring(digits.length() - 2) : "");
    }
  }

  public record DispatchView(
      String agencyId,
      String agencyName,
      String kind,
      String tier,
      String state,
      Instant notifiedAt,
      Instant ackAt,
      Instant deadline,
      String ackNote) {
    static DispatchView of(Dispatch d) {
      return new DispatchView(d.agencyId(), d.agency().name(), d.agency().kind().name(),
          d.agency().tier().name(), d.state().name(), d.notifiedAt(), d.ackAt(), d.deadline(),
          d.ackNote());
    }
  }

  /** {@code contacts}: whether reporter phone numbers are shown or masked; the default lead tiers. */
  public static IncidentView of(IncidentState s, boolean contacts) {
    return of(s, contacts, Authority.defaults());
  }

  /**
   * {@code contacts}: whether reporter phone numbers are shown or masked; {@code authority}: which
   * tier leads the incident at its current level ({@code leadTier}, {@code leadRegion}).
   */
  public static IncidentView of(IncidentState s, boolean contacts, Authority authority) {
    NewIncident n = s.incident();
    return new IncidentView(
        s.incidentId(), n.school().schoolId(), n.school().name(), n.school().region().value(),
        n.type().name(), s.level().name(), n.mode().name(), n.drillId(), n.timeScale(), s.status().name(), n.clientRef(),
        s.reportedAt(), n.initial().occurredAt(), s.casualties(),
        s.reports().stream().map(r -> ReportView.of(r, contacts)).toList(),
        s.dispatches().stream().map(DispatchView::of).toList(),
        s.uncovered().stream().map(Enum::name).sorted().toList(),
        s.timeline(),
        DeviceOrigin.of(n.origin()),
        s.evidence().size(),
        s.evidence(),
        authority.leadTier(s.level()).name(),
        authority.leadRegion(s.level(), n.school().region()),
        s.reportCount(),
        s.eventCount(),
        List.of(),
        n.imported(),
        n.importedAt());
  }
}
