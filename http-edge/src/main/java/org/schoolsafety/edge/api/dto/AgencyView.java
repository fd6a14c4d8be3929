package org.schoolsafety.edge.api.dto;

import java.util.List;
import java.util.function.Predicate;
import org.schoolsafety.hub.agency.Agency;
import org.schoolsafety.hub.agency.AgencyProfile;
import org.schoolsafety.hub.directive.DirectiveNotice;

/**
 * The agency read model. {@code directiveEscalations}: schools of its region that missed a
 * directive's acknowledgement deadline (education agencies), newest first, as far as the caller may see them.
 */
public record AgencyView(
    String agencyId, String name, String kind, String tier, String jurisdiction, int openDispatches,
    List<DirectiveNotice> directiveEscalations) {

  /** Shows the escalations {@code visible} admits. */
  public static AgencyView of(Agency.Summary summary, Predicate<DirectiveNotice> visible) {
    AgencyProfile p = summary.profile();
    return new AgencyView(p.agencyId(), p.name(), p.kind().name(), p.tier().name(), p.jurisdiction(),
        summary.openDispatches(), summary.directiveEscalations().stream().filter(visible).toList());
  }
}
