package org.schoolsafety.edge.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.schoolsafety.edge.auth.AccessPolicy.Decision;
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
 * The premise of the one-ask acknowledgement (IncidentRoutes, {@code Acknowledge.fromTheAgency}):
 * for an agency acknowledging for itself, the policy's answer depends on nothing but whether the
 * incident has a dispatch to it — allowed with one, hidden (404) without — which the incident
 * itself can tell. If the policy ever lets agencies see incidents in another way, this fails, and
 * the one-ask path must go.
 */
class AcknowledgementAccessTest {

  private static final String ID = "inc-00000000-0000-0000-0000-000000000001";
  private static final Instant AT = Instant.parse("2026-12-01T08:00:00Z");
  private static final AgencyProfile FIRE = new AgencyProfile("fire-650102", "Tianshan Fire", AgencyKind.FIRE, Tier.COUNTY, "650102");

  private final AccessPolicy policy = new AccessPolicy();

  @Test
  void anAgencyAcknowledgingForItselfIsAllowedExactlyWhenItWasDispatched() {
    IncidentState dispatched = incident(Mode.ACTUAL);
    for (String agencyId : List.of("fire-650102", "police-650102", "fire-65", "health-650102")) {
      Principal agency = new Principal(Role.AGENCY, agencyId);
      assertThat(policy.incidentDecidesAcknowledgement(agency, agencyId)).isTrue();
      boolean hasDispatch = dispatched.dispatchOf(agencyId).isPresent();
      assertThat(policy.acknowledge(agency, dispatched, agencyId))
          .isEqualTo(hasDispatch ? Decision.ALLOW : Decision.HIDDEN);
      assertThat(policy.acknowledge(agency, incident(Mode.EXERCISE), agencyId))
          .isEqualTo(hasDispatch ? Decision.ALLOW : Decision.HIDDEN);
    }
  }

  @Test
  void everyoneElseIsDecidedOnTheIncidentReadFirst() {
    assertThat(policy.incidentDecidesAcknowledgement(new Principal(Role.AGENCY, "fire-650102"), "police-650102")).isFalse();
    assertThat(policy.incidentDecidesAcknowledgement(new Principal(Role.COMMAND_CENTER, "65"), "fire-650102")).isFalse();
    assertThat(policy.incidentDecidesAcknowledgement(new Principal(Role.OPERATOR, "fire-650102"), "fire-650102")).isFalse();
    assertThat(policy.incidentDecidesAcknowledgement(new Principal(Role.SCHOOL_STAFF, "fire-650102"), "fire-650102")).isFalse();
  }

  private static IncidentState incident(Mode mode) {
    var school = new SchoolRef("sch-650102-001", "Tianshan No. 1 Primary", RegionCode.of("650102"));
    var initial = new IncidentReport(ReportKind.INITIAL, null, null, AT.minusSeconds(60), "smoke in the lab",
        new Casualties(0, 0, 0), "evacuating", null, new Reporter("Wang Fang", "principal", "+86 138 0000 0000"), null, null);
    var reported = new IncidentEvent.Reported(ID, new NewIncident(school, IncidentType.FIRE, Level.III, mode, initial, "ref-1"),
        "fp", AT, "school:sch-650102-001");
    var dispatch = new Dispatch(FIRE, DispatchState.NOTIFIED, AT, AT.plusSeconds(300), null, null);
    var dispatched = new IncidentEvent.Dispatched(ID, List.of(dispatch), Map.of(), Set.of(), AT, "hub");
    return IncidentState.empty(ID).apply(reported).apply(dispatched);
  }
}
