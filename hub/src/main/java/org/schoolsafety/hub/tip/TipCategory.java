package org.schoolsafety.hub.tip;

import org.schoolsafety.hub.agency.AgencyKind;

/**
 * What a tip is about (the top categories of tip lines such as Safe2Tell and STOPit). A WEAPON
 * tip goes to the county police at once, a SELF_HARM tip to the county health agency.
 */
public enum TipCategory {
  BULLYING,
  SELF_HARM,
  WEAPON,
  DRUGS,
  VIOLENCE,
  ABUSE,
  SAFETY_HAZARD,
  OTHER;

  /** The kind of agency told at once, or null: the school and its education agency handle it. */
  public AgencyKind urgentKind() {
    return switch (this) {
      case WEAPON -> AgencyKind.POLICE;
      case SELF_HARM -> AgencyKind.HEALTH;
      default -> null;
    };
  }

  /** The incident type a tip of this category is reported as, unless the reporter says otherwise. */
  public org.schoolsafety.hub.incident.IncidentType incidentType() {
    return switch (this) {
      case BULLYING -> org.schoolsafety.hub.incident.IncidentType.BULLYING;
      case SELF_HARM -> org.schoolsafety.hub.incident.IncidentType.INJURY;
      case WEAPON, VIOLENCE, ABUSE -> org.schoolsafety.hub.incident.IncidentType.VIOLENCE;
      default -> org.schoolsafety.hub.incident.IncidentType.OTHER;
    };
  }

  /**
   * The hazard category a tip of this category is recorded as, unless the recorder says otherwise.
   * No tip category names a kind of hazard an inspection knows (fire safety, building, ...), so
   * it is OTHER until the school, having looked, says which.
   */
  public org.schoolsafety.hub.hazard.HazardCategory hazardCategory() {
    return org.schoolsafety.hub.hazard.HazardCategory.OTHER;
  }

  /** The priority a tip has until someone triages it (and so its first response deadline). */
  public TipPriority initialPriority() {
    return switch (this) {
      case WEAPON, SELF_HARM -> TipPriority.URGENT;
      case VIOLENCE, ABUSE -> TipPriority.HIGH;
      default -> TipPriority.MEDIUM;
    };
  }
}
