package org.schoolsafety.hub.agency;

import org.schoolsafety.hub.CborSerializable;

/**
 * Who an agency is and where it answers: the agency of {@code kind} responsible for every
 * school whose region code starts with {@code jurisdiction}.
 */
public record AgencyProfile(
    String agencyId, String name, AgencyKind kind, Tier tier, String jurisdiction)
    implements CborSerializable {

  public String province() {
    return jurisdiction.substring(0, 2);
  }

  /** The directory slot this agency fills: one agency per kind and jurisdiction. */
  public String slot() {
    return kind + "/" + jurisdiction;
  }
}
