package org.schoolsafety.edge.api.dto;

import org.schoolsafety.hub.agency.Agency;
import org.schoolsafety.hub.agency.AgencyProfile;

/** The agency read model. */
public record AgencyView(
    String agencyId, String name, String kind, String tier, String jurisdiction, int openDispatches) {

  public static AgencyView of(Agency.State state) {
    AgencyProfile p = state.profile();
    return new AgencyView(p.agencyId(), p.name(), p.kind().name(), p.tier().name(),
        p.jurisdiction(), state.inbox(false).size());
  }
}
