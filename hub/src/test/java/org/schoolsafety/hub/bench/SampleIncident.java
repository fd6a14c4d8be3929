package org.schoolsafety.hub.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import org.schoolsafety.hub.incident.IncidentReport;
import org.schoolsafety.hub.incident.IncidentState;
import org.schoolsafety.hub.incident.IncidentType;
import org.schoolsafety.hub.incident.Level;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.incident.NewIncident;
import org.schoolsafety.hub.incident.ReportKind;
import org.schoolsafety.hub.incident.Reporter;
import org.schoolsafety.hub.incident.SchoolRef;
import org.schoolsafety.hub.region.RegionCode;

/**
 * One incident's whole life as the journal holds it, the README's walk-through: a level-III fire
 * at a county school, dispatched to the county's fire, health and education agencies (the city
 * and province ones on standby), acknowledged by all three, a continuation report, the final
 * report, closed — 8 events.
 */
final class SampleIncident {

  static final String ID = "inc-650102-5f3a9c1e2b7d4a60e1c2";
  static final Instant T0 = Instant.parse("2026-11-29T08:00:00Z");
  static final String STAFF = "school-staff:sch-650102-001";

  private SampleIncident() {}

  static AgencyProfile agency(AgencyKind kind, Tier tier, String jurisdiction) {
    String prefix = kind == AgencyKind.EDUCATION ? "edu" : kind.name().toLowerCase();
    return new AgencyProfile(prefix + "-" + jurisdiction, kind + " " + jurisdiction, kind, tier, jurisdiction);
  }

  static List<IncidentEvent> events() {
    var school = new SchoolRef("sch-650102-001", "Tianshan No. 1 Primary", RegionCode.of("650102"));
    var initial = new IncidentReport(ReportKind.INITIAL, null, null, T0.minusSeconds(120),
        "smoke from the chemistry lab", new Casualties(0, 2, 0), "building B evacuated", Level.III,
        new Reporter("Wang Fang", "principal", "+86 138 0000 0000"), null, null);
    var incident = new NewIncident(school, IncidentType.FIRE, Level.III, Mode.ACTUAL, initial, "walkthrough-1");

    Instant dispatchedAt = T0.plusMillis(40);
    Instant deadline = dispatchedAt.plus(Duration.ofMinutes(10));
    var dispatches = new ArrayList<Dispatch>();
    for (AgencyKind kind : List.of(AgencyKind.FIRE, AgencyKind.HEALTH, AgencyKind.EDUCATION)) {
      dispatches.add(new Dispatch(agency(kind, Tier.COUNTY, "650102"), DispatchState.NOTIFIED, dispatchedAt,
          deadline, null, null));
    }
    Map<AgencyKind, List<AgencyProfile>> standby = Map.of(
        AgencyKind.FIRE, List.of(agency(AgencyKind.FIRE, Tier.CITY, "6501"), agency(AgencyKind.FIRE, Tier.PROVINCE, "65")),
        AgencyKind.HEALTH, List.of(agency(AgencyKind.HEALTH, Tier.PROVINCE, "65")),
        AgencyKind.EDUCATION, List.of(agency(AgencyKind.EDUCATION, Tier.CITY, "6501"),
            agency(AgencyKind.EDUCATION, Tier.PROVINCE, "65")));

    return List.of(
        new IncidentEvent.Reported(ID, incident, incident.fingerprint(), T0, STAFF),
        new IncidentEvent.Dispatched(ID, List.copyOf(dispatches), standby, Set.of(), dispatchedAt, "hub"),
        new IncidentEvent.Acknowledged(ID, "fire-650102", "on our way", T0.plusSeconds(45), "agency:fire-650102"),
        new IncidentEvent.Acknowledged(ID, "health-650102", null, T0.plusSeconds(70), "agency:health-650102"),
        new IncidentEvent.Acknowledged(ID, "edu-650102", null, T0.plusSeconds(95), "agency:edu-650102"),
        new IncidentEvent.ReportAdded(ID, IncidentReport.followUp(ReportKind.CONTINUATION, "contained to the lab",
            new Casualties(0, 3, 0), null, null, null, null), T0.plusSeconds(900), STAFF),
        new IncidentEvent.Resolved(ID, IncidentReport.followUp(ReportKind.FINAL, "fire out", null, null, null,
            "faulty wiring", "3 minor injuries"), T0.plusSeconds(3600), STAFF),
        new IncidentEvent.Closed(ID, "all clear", T0.plusSeconds(4000), "command-center:65"));
  }

  /** The state after {@code events}, as the entity's event handler folds them. */
  static IncidentState fold(List<IncidentEvent> events) {
    IncidentState state = IncidentState.empty(ID);
    for (IncidentEvent event : events) {
      state = state.apply(event);
    }
    return state;
  }
}
