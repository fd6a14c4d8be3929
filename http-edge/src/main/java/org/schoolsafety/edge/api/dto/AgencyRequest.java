package org.schoolsafety.edge.api.dto;

import org.schoolsafety.edge.api.Fields;
import org.schoolsafety.hub.agency.AgencyKind;
import org.schoolsafety.hub.agency.AgencyProfile;
import org.schoolsafety.hub.agency.Tier;

/** Body of {@code POST /api/v1/agencies}. */
public record AgencyRequest(
    String agencyId, String name, String kind, String tier, String jurisdiction) {

  public AgencyProfile toProfile() {
    var f = new Fields();
    String id = f.id("agencyId", agencyId);
    String checkedName = f.text("name", name, 200, true);
    AgencyKind agencyKind = f.oneOf("kind", kind, AgencyKind.class, null);
    Tier agencyTier = f.oneOf("tier", tier, Tier.class, null);
    String prefix = f.matching("jurisdiction", jurisdiction, RegionCodes.PREFIX,
        "a region-code prefix: 2 digits (province), 4 (city) or 6 (county)");
    if (agencyTier != null && prefix != null && prefix.length() != agencyTier.prefixLength()) {
      f.error("jurisdiction", "a " + agencyTier + " agency's jurisdiction has "
          + agencyTier.prefixLength() + " digits");
    }
    f.throwIfInvalid();
    return new AgencyProfile(id, checkedName, agencyKind, agencyTier, prefix);
  }
}
