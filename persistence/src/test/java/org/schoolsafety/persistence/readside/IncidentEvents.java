package org.schoolsafety.persistence.readside;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.schoolsafety.hub.agency.AgencyKind;
import org.schoolsafety.hub.agency.AgencyProfile;
import org.schoolsafety.hub.agency.Tier;
import org.schoolsafety.hub.incident.Casualties;
import org.schoolsafety.hub.incident.Dispatch;
import org.schoolsafety.hub.incident.DispatchState;
import org.schoolsafety.hub.incident.IncidentEvent;
import org.schoolsafety.hub.incident.IncidentEvent.Acknowledged;
import org.schoolsafety.hub.incident.IncidentEvent.Cancelled;
import org.schoolsafety.hub.incident.IncidentEvent.Closed;
import org.schoolsafety.hub.incident.IncidentEvent.Dispatched;
import org.schoolsafety.hub.incident.IncidentEvent.Escalated;
import org.schoolsafety.hub.incident.IncidentEvent.ReportAdded;
import org.schoolsafety.hub.incident.IncidentEvent.Reported;
import org.schoolsafety.hub.incident.IncidentEvent.Resolved;
import org.schoolsafety.hub.incident.IncidentEvent.WentUnanswered;
import org.schoolsafety.hub.incident.IncidentReport;
import org.schoolsafety.hub.incident.IncidentType;
import org.schoolsafety.hub.incident.Level;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.incident.NewIncident;
import org.schoolsafety.hub.incident.ReportKind;
import org.schoolsafety.hub.incident.SchoolRef;
import org.schoolsafety.hub.region.RegionCode;

/** Realistic event histories of incidents, as the Incident entity persists them. */
final class IncidentEvents {

  static final Instant T0 = Instant.parse("2026-11-30T02:00:00Z");
  static final SchoolRef SCHOOL = new SchoolRef("sch-650102-001", "Tianshan No. 1 Primary", RegionCode.of("650102"));

  private IncidentEvents() {}

  static AgencyProfile agency(String id, AgencyKind kind, Tier tier, String jurisdiction) {
    return new AgencyProfile(id, id, kind, tier, jurisdiction);
  }

  static Dispatch notified(AgencyProfile agency, Instant at) {
    return new Dispatch(agency, DispatchState.NOTIFIED, at, at.plusSeconds(600), null, null);
  }

  static Reported reported(String incidentId, Mode mode, Level level) {
    var initial = new IncidentReport(ReportKind.INITIAL, null, null, T0.minusSeconds(60), "smoke in the lab",
        Casualties.NONE, "evacuated", null, null, null, null);
    return new Reported(incidentId, new NewIncident(SCHOOL, IncidentType.FIRE, level, mode, initial, "ref-" + incidentId,
        mode == Mode.EXERCISE ? "drill-1" : null, null), "fp", T0, "school:" + SCHOOL.schoolId());
  }

  /** Report, dispatch to three kinds, an ack, an escalation, a regrade, acks, an unanswered one, resolve, close. */
  static List<IncidentEvent> fullLife(String id) {
    var fire = agency("fire-650102", AgencyKind.FIRE, Tier.COUNTY, "650102");
    var health = agency("health-650102", AgencyKind.HEALTH, Tier.COUNTY, "650102");
    var healthCity = agency("health-6501", AgencyKind.HEALTH, Tier.CITY, "6501");
    var edu = agency("edu-650102", AgencyKind.EDUCATION, Tier.COUNTY, "650102");
    return List.of(
        reported(id, Mode.ACTUAL, Level.III),
        new Dispatched(id, List.of(notified(fire, T0.plusSeconds(1)), notified(health, T0.plusSeconds(1)),
            notified(edu, T0.plusSeconds(1))), Map.of(AgencyKind.HEALTH, List.of(healthCity)), Set.of(),
            T0.plusSeconds(1), "hub"),
        new Acknowledged(id, "fire-650102", "on our way", T0.plusSeconds(30), "agency:fire-650102"),
        new Escalated(id, "health-650102", notified(healthCity, T0.plusSeconds(601)), T0.plusSeconds(601), "hub"),
        new ReportAdded(id, IncidentReport.followUp(ReportKind.CONTINUATION, "spreading", new Casualties(0, 3, 0),
            null, Level.I, null, null), T0.plusSeconds(700), "school:" + SCHOOL.schoolId()),
        new Acknowledged(id, "health-6501", null, T0.plusSeconds(710), "agency:health-6501"),
        new WentUnanswered(id, "edu-650102", T0.plusSeconds(1201), "hub"),
        new Resolved(id, IncidentReport.followUp(ReportKind.FINAL, "out", null, null, null, "wiring", "3 injured"),
            T0.plusSeconds(3600), "school:" + SCHOOL.schoolId()),
        new Closed(id, "all clear", T0.plusSeconds(4000), "command-center:65"));
  }

  static List<IncidentEvent> falseAlarm(String id, Mode mode) {
    var fire = agency("fire-650102", AgencyKind.FIRE, Tier.COUNTY, "650102");
    return List.of(
        reported(id, mode, Level.IV),
        new Dispatched(id, List.of(notified(fire, T0.plusSeconds(1))), Map.of(), Set.of(AgencyKind.EDUCATION),
            T0.plusSeconds(1), "hub"),
        new Cancelled(id, "false alarm", T0.plusSeconds(90), "school:" + SCHOOL.schoolId()));
  }
}
