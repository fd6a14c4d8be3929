package org.schoolsafety.edge.auth;

import java.util.EnumSet;
import java.util.Set;
import org.schoolsafety.hub.agency.AgencyProfile;
import org.schoolsafety.hub.directive.Directive;
import org.schoolsafety.hub.directive.TargetSchool;
import org.schoolsafety.hub.incident.Authority;
import org.schoolsafety.hub.incident.IncidentState;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.incident.ReportKind;
import org.schoolsafety.hub.school.SchoolProfile;

/**
 * Who may do what: every authorization decision of the API, in one place (docs/SECURITY.md
 * has the role × endpoint table). Routes ask before they act; a decision is ALLOW, FORBIDDEN
 * (403) or HIDDEN (404: the caller must not learn that the thing exists).
 *
 * <ul>
 *   <li>School staff and sensor gateways report and read only their own school's incidents.
 *   <li>An agency reads only incidents dispatched to it and acknowledges only its own dispatches.
 *   <li>A command center reads, closes and cancels only incidents within its region prefix.
 *   <li>Operators manage the registry and run drills: they touch EXERCISE incidents only.
 * </ul>
 */
public final class AccessPolicy {

  private final Authority authority;

  /** With the issue's default lead tiers (IV county, III city, I and II province). */
  public AccessPolicy() {
    this(Authority.defaults());
  }

  public AccessPolicy(Authority authority) {
    this.authority = authority;
  }

  /** Which tier leads an incident of each level. */
  public Authority authority() {
    return authority;
  }

  public enum Decision {
    ALLOW,
    FORBIDDEN,
    HIDDEN
  }

  private static Decision allowIf(boolean allowed) {
    return allowed ? Decision.ALLOW : Decision.FORBIDDEN;
  }

  // --- registry -------------------------------------------------------------------------

  public Decision registerSchool(Principal p) {
    return allowIf(p.is(Role.OPERATOR));
  }

  public Decision registerAgency(Principal p) {
    return allowIf(p.is(Role.OPERATOR));
  }

  /** Importing a region's past records from its previous system (issue 18): operators only. */
  public Decision importIncidents(Principal p) {
    return allowIf(p.is(Role.OPERATOR));
  }

  /**
   * Schools: operators, the school itself, its command centers, and agencies whose
   * jurisdiction covers it ({@code callerAgency}: the caller's own profile when it is an agency).
   */
  public Decision readSchool(Principal p, SchoolProfile school, AgencyProfile callerAgency) {
    boolean agencyCovers = p.is(Role.AGENCY) && callerAgency != null
        && callerAgency.agencyId().equals(p.subject())
        && school.region().within(callerAgency.jurisdiction());
    return allowIf(p.is(Role.OPERATOR)
        || p.speaksForSchool(school.schoolId())
        || p.watches(school.region().value())
        || agencyCovers);
  }

  public Decision readAgency(Principal p, AgencyProfile agency) {
    return allowIf(p.is(Role.OPERATOR)
        || (p.is(Role.AGENCY) && p.subject().equals(agency.agencyId()))
        || (p.is(Role.COMMAND_CENTER) && overlaps(p.subject(), agency.jurisdiction())));
  }

  /**
   * An agency's webhooks (where its notices are pushed) are registered, removed and redelivered
   * by the agency's own dispatch system only: no one else may send its notices elsewhere. Its
   * dead letters (notice contents, tips included) are read only by it as well.
   */
  public Decision manageWebhooks(Principal p, AgencyProfile agency) {
    return allowIf(p.is(Role.AGENCY) && p.subject().equals(agency.agencyId()));
  }

  /** The list of an agency's webhooks (never their secrets): the agency, operators and the command centers above it. */
  public Decision listWebhooks(Principal p, AgencyProfile agency) {
    return allowIf(p.is(Role.OPERATOR)
        || (p.is(Role.AGENCY) && p.subject().equals(agency.agencyId()))
        || (p.is(Role.COMMAND_CENTER) && agency.jurisdiction().startsWith(p.subject())));
  }

  /** Lists and live streams of a region's incidents: its command centers; operators for drills. */
  public Decision watchRegion(Principal p, String regionPrefix, Set<Mode> modes) {
    boolean commandCenter = p.is(Role.COMMAND_CENTER) && regionPrefix.startsWith(p.subject());
    boolean drillOperator = p.is(Role.OPERATOR) && modes.equals(Set.of(Mode.EXERCISE));
    return allowIf(commandCenter || drillOperator);
  }

  /** The registry of a region's schools: operators and the region's command centers. */
  public Decision listSchools(Principal p, String regionPrefix) {
    return allowIf(p.is(Role.OPERATOR) || (p.is(Role.COMMAND_CENTER) && regionPrefix.startsWith(p.subject())));
  }

  /** A school's drill log: operators (they run drills) and the school's own staff record. */
  public Decision recordDrill(Principal p, SchoolProfile school) {
    return allowIf(p.is(Role.OPERATOR) || (p.is(Role.SCHOOL_STAFF) && p.speaksForSchool(school.schoolId())));
  }

  public Decision readDrills(Principal p, SchoolProfile school) {
    return allowIf(p.is(Role.OPERATOR) || p.speaksForSchool(school.schoolId()) || p.watches(school.region().value()));
  }

  // --- devices ----------------------------------------------------------------------------

  /** A school's devices are registered by operators (who install them) and the school's own staff. */
  public Decision registerDevice(Principal p, SchoolProfile school) {
    return allowIf(p.is(Role.OPERATOR) || (p.is(Role.SCHOOL_STAFF) && p.speaksForSchool(school.schoolId())));
  }

  /** The device list: operators, the school itself (staff and gateway) and its command centers. */
  public Decision readDevices(Principal p, SchoolProfile school) {
    return allowIf(p.is(Role.OPERATOR) || p.speaksForSchool(school.schoolId()) || p.watches(school.region().value()));
  }

  /** Readings come only from the school's own gateway (a SENSOR_GATEWAY token whose subject is the school). */
  public Decision sendReadings(Principal p, String schoolId) {
    return allowIf(p.is(Role.SENSOR_GATEWAY) && p.subject().equals(schoolId));
  }

  // --- projections of incidents (inboxes, histories, streams, school details, lists) -----

  /**
   * Which of an agency's dispatches the caller sees, once {@link #readAgency} allowed the read:
   * an incident shown in a list is shown only to those who could read it one by one. The agency
   * sees its own; a command center those of schools in its region; an operator drills only.
   */
  public DispatchScope dispatchScope(Principal p, AgencyProfile agency, Set<Mode> requested) {
    boolean own = p.is(Role.AGENCY) && p.subject().equals(agency.agencyId());
    return new DispatchScope(visibleModes(p, requested),
        own || p.is(Role.OPERATOR) ? null : p.is(Role.COMMAND_CENTER) ? p.subject() : NOTHING);
  }

  /** The modes of the requested ones whose incidents the caller may see at all. */
  public Set<Mode> visibleModes(Principal p, Set<Mode> requested) {
    var modes = EnumSet.noneOf(Mode.class);
    modes.addAll(requested);
    if (p.is(Role.OPERATOR)) {
      modes.retainAll(Set.of(Mode.EXERCISE));
    }
    return modes;
  }

  /**
   * The open incidents of a school that the caller may see in the school's detail: its own
   * staff, its command centers and operators (drills) by mode; an agency only those dispatched
   * to it ({@code dispatchedToCaller}: the incident ids in the calling agency's inbox).
   */
  public boolean seesSchoolIncident(Principal p, SchoolProfile school, Mode mode, Set<Mode> requested,
      boolean dispatchedToCaller) {
    if (!visibleModes(p, requested).contains(mode)) {
      return false;
    }
    return p.speaksForSchool(school.schoolId())
        || p.watches(school.region().value())
        || p.is(Role.OPERATOR)
        || (p.is(Role.AGENCY) && dispatchedToCaller);
  }

  /** A region prefix no school has: the scope of a caller who may see none of the dispatches. */
  private static final String NOTHING = "none";

  /** Modes and region prefix (null: any region) of the dispatches a caller sees. */
  public record DispatchScope(Set<Mode> modes, String regionPrefix) {
    public boolean admits(Mode mode, String regionCode) {
      return modes.contains(mode) && (regionPrefix == null || regionCode.startsWith(regionPrefix));
    }
  }

  // --- incidents ------------------------------------------------------------------------

  public Decision report(Principal p, SchoolProfile school, Mode mode) {
    return allowIf(p.speaksForSchool(school.schoolId())
        || p.watches(school.region().value())
        || (p.is(Role.OPERATOR) && mode == Mode.EXERCISE));
  }

  public Decision readIncident(Principal p, IncidentState incident) {
    return canSee(p, incident) ? Decision.ALLOW : Decision.HIDDEN;
  }

  public Decision addReport(Principal p, IncidentState incident, ReportKind kind) {
    if (!canSee(p, incident)) {
      return Decision.HIDDEN;
    }
    // A sensor can tell how things develop; the final word comes from people.
    return allowIf(!(p.is(Role.SENSOR_GATEWAY) && kind == ReportKind.FINAL));
  }

  /**
   * Lowering an incident's level lengthens the next tier's deadline: a decision for the command
   * centers over the school's region, never for reporters, sensors or agencies (who may only
   * raise it). The entity enforces it with this answer.
   */
  public boolean mayLowerLevel(Principal p, IncidentState incident) {
    return leads(p, incident) || isDrillOperator(p, incident);
  }

  /**
   * A command center over the school of the leading tier or above for the incident's current
   * level (handling authority by level, {@link Authority}): a city's command center does not
   * close, cancel or downgrade a level I or II incident; its province's does.
   */
  public boolean leads(Principal p, IncidentState incident) {
    return p.is(Role.COMMAND_CENTER)
        && authority.leads(p.subject(), incident.level(), incident.incident().school().region());
  }

  /**
   * Whether {@link #acknowledge} can be left to the incident itself: an agency acknowledging for
   * itself sees the incident exactly when it was dispatched to it (see {@link #canSee}), which the
   * incident knows ({@code Acknowledge.fromTheAgency}: not found without a dispatch). Anyone else
   * needs the incident read first to tell 404 from 403.
   */
  public boolean incidentDecidesAcknowledgement(Principal p, String agencyId) {
    return p.is(Role.AGENCY) && p.subject().equals(agencyId);
  }

  public Decision acknowledge(Principal p, IncidentState incident, String agencyId) {
    if (!canSee(p, incident)) {
      return Decision.HIDDEN;
    }
    return allowIf(p.is(Role.AGENCY) && p.subject().equals(agencyId));
  }

  public Decision close(Principal p, IncidentState incident) {
    if (!canSee(p, incident)) {
      return Decision.HIDDEN;
    }
    return allowIf(leads(p, incident) || isDrillOperator(p, incident));
  }

  public Decision cancel(Principal p, IncidentState incident) {
    if (!canSee(p, incident)) {
      return Decision.HIDDEN;
    }
    return allowIf(p.is(Role.SCHOOL_STAFF) || leads(p, incident) || isDrillOperator(p, incident));
  }

  public Decision readAudit(Principal p, IncidentState incident) {
    if (!canSee(p, incident)) {
      return Decision.HIDDEN;
    }
    return allowIf(p.watches(regionOf(incident)) || isDrillOperator(p, incident));
  }

  /** Reporter phone numbers: for the school itself, dispatched agencies and the command center. */
  public boolean mayReadContactDetails(Principal p, IncidentState incident) {
    return p.is(Role.SCHOOL_STAFF) && p.speaksForSchool(incident.incident().school().schoolId())
        || isDispatchedAgency(p, incident)
        || p.watches(regionOf(incident));
  }

  public boolean isDispatchedAgency(Principal p, IncidentState incident) {
    return p.is(Role.AGENCY) && incident.dispatchOf(p.subject()).isPresent();
  }

  private boolean canSee(Principal p, IncidentState incident) {
    return p.speaksForSchool(incident.incident().school().schoolId())
        || isDispatchedAgency(p, incident)
        || p.watches(regionOf(incident))
        || isDrillOperator(p, incident);
  }

  private static boolean isDrillOperator(Principal p, IncidentState incident) {
    return p.is(Role.OPERATOR) && incident.incident().mode() == Mode.EXERCISE;
  }

  private static String regionOf(IncidentState incident) {
    return incident.incident().school().region().value();
  }

  // --- directives -----------------------------------------------------------------------

  /**
   * Issuing a directive to a region (or, school by school, see {@link #directSchool}): the
   * command centers whose region contains it; operators for exercise directives.
   */
  public Decision issueDirective(Principal p, String scope, Mode mode) {
    return allowIf((p.is(Role.COMMAND_CENTER) && scope.startsWith(p.subject()))
        || (p.is(Role.OPERATOR) && mode == Mode.EXERCISE));
  }

  /** Whether the caller may issue directives at all (before the schools it names are looked up). */
  public Decision issueDirectives(Principal p, Mode mode) {
    return allowIf(p.is(Role.COMMAND_CENTER) || (p.is(Role.OPERATOR) && mode == Mode.EXERCISE));
  }

  /** A school named in a directive: within the command center's region; any school for a drill operator. */
  public Decision directSchool(Principal p, SchoolProfile school, Mode mode) {
    return allowIf(p.watches(school.region().value()) || (p.is(Role.OPERATOR) && mode == Mode.EXERCISE));
  }

  /**
   * Which schools of a directive the caller sees (and sums): a school its own staff and gateways;
   * command centers the schools of their region, all of them when the directive was issued
   * within their region; operators all schools of exercise directives.
   */
  public boolean seesDirectiveSchool(Principal p, Directive.State directive, TargetSchool school) {
    return p.speaksForSchool(school.schoolId())
        || issued(p, directive)
        || p.watches(school.region().value())
        || overseesDirective(p, directive)
        || isDrillOperator(p, directive);
  }

  /** Incoming CAP alerts: alert sources (for the regions their tokens name) and command centers (theirs). */
  public Decision postCapAlert(Principal p) {
    return allowIf(p.is(Role.ALERT_SOURCE) || p.is(Role.COMMAND_CENTER));
  }

  /**
   * Anyone who sees one of its schools may read a directive, and whoever issued it (an alert
   * source its alerts' directives); anyone else gets the 404 of a missing one.
   */
  public Decision readDirective(Principal p, Directive.State directive) {
    boolean sees = overseesDirective(p, directive) || isDrillOperator(p, directive) || issued(p, directive)
        || directive.spec().schools().stream().anyMatch(s -> seesDirectiveSchool(p, directive, s));
    return sees ? Decision.ALLOW : Decision.HIDDEN;
  }

  /**
   * Acknowledging and accounting for a school: its own staff (not its sensors), or a command
   * center over the school on its behalf; operators on exercise directives.
   */
  public Decision answerDirective(Principal p, Directive.State directive, String schoolId) {
    if (readDirective(p, directive) == Decision.HIDDEN) {
      return Decision.HIDDEN;
    }
    TargetSchool target = directive.schools().containsKey(schoolId) ? directive.schools().get(schoolId).school() : null;
    boolean staff = p.is(Role.SCHOOL_STAFF) && p.speaksForSchool(schoolId);
    boolean commandCenter = p.is(Role.COMMAND_CENTER)
        && (overseesDirective(p, directive) || (target != null && p.watches(target.region().value())));
    return allowIf(staff || commandCenter || isDrillOperator(p, directive));
  }

  /** Lifting: the command centers whose region contains the directive's; operators for drills. */
  public Decision liftDirective(Principal p, Directive.State directive) {
    if (readDirective(p, directive) == Decision.HIDDEN) {
      return Decision.HIDDEN;
    }
    return allowIf(overseesDirective(p, directive) || isDrillOperator(p, directive));
  }

  private static boolean issued(Principal p, Directive.State directive) {
    return p.id().equals(directive.issuedBy());
  }

  private static boolean overseesDirective(Principal p, Directive.State directive) {
    return p.is(Role.COMMAND_CENTER) && directive.spec().scope().startsWith(p.subject());
  }

  private static boolean isDrillOperator(Principal p, Directive.State directive) {
    return p.is(Role.OPERATOR) && directive.spec().mode() == Mode.EXERCISE;
  }

  /** Region prefixes overlap when one contains the other (a city and its province, say). */
  private static boolean overlaps(String a, String b) {
    return a.startsWith(b) || b.startsWith(a);
  }

  // --- prevention: inspections, hazards, health checks, trainings, surroundings, risk, warnings

  /** An agency of one of {@code kinds} whose jurisdiction covers the region ({@code callerAgency}: the caller's own profile). */
  private static boolean coveringAgency(Principal p, AgencyProfile callerAgency, String regionCode,
      org.schoolsafety.hub.agency.AgencyKind... kinds) {
    return p.is(Role.AGENCY) && callerAgency != null && callerAgency.agencyId().equals(p.subject())
        && regionCode.startsWith(callerAgency.jurisdiction()) && java.util.List.of(kinds).contains(callerAgency.kind());
  }

  /**
   * A school's prevention records (hazards, trainings, surroundings, risk): the school itself,
   * its command centers, and the education agencies covering it (health agencies too when
   * {@code health}: health checks). Others are refused (403), as for the school itself.
   */
  public Decision readPrevention(Principal p, SchoolProfile school, AgencyProfile callerAgency, boolean health) {
    String region = school.region().value();
    return allowIf(p.speaksForSchool(school.schoolId())
        || p.watches(region)
        || coveringAgency(p, callerAgency, region, org.schoolsafety.hub.agency.AgencyKind.EDUCATION)
        || (health && coveringAgency(p, callerAgency, region, org.schoolsafety.hub.agency.AgencyKind.HEALTH)));
  }

  /** Health checks, trainings and surroundings are the school's own word: its staff record them. */
  public Decision recordPrevention(Principal p, SchoolProfile school) {
    return allowIf(p.is(Role.SCHOOL_STAFF) && p.speaksForSchool(school.schoolId()));
  }

  /** Inspections: the school's staff, or the education agencies covering the school. */
  public Decision recordInspection(Principal p, SchoolProfile school, AgencyProfile callerAgency) {
    return allowIf((p.is(Role.SCHOOL_STAFF) && p.speaksForSchool(school.schoolId()))
        || coveringAgency(p, callerAgency, school.region().value(), org.schoolsafety.hub.agency.AgencyKind.EDUCATION));
  }

  /**
   * One hazard: whoever may read the school's prevention records; everyone else is told it does
   * not exist (404), as for incidents.
   */
  public Decision readHazard(Principal p, String schoolId, String regionCode, AgencyProfile callerAgency) {
    return p.speaksForSchool(schoolId) || p.watches(regionCode)
        || coveringAgency(p, callerAgency, regionCode, org.schoolsafety.hub.agency.AgencyKind.EDUCATION)
        ? Decision.ALLOW : Decision.HIDDEN;
  }

  /** Reporting a hazard rectified: the school's own staff. */
  public Decision rectifyHazard(Principal p, String schoolId, String regionCode, AgencyProfile callerAgency) {
    Decision read = readHazard(p, schoolId, regionCode, callerAgency);
    return read != Decision.ALLOW ? read : allowIf(p.is(Role.SCHOOL_STAFF) && p.speaksForSchool(schoolId));
  }

  /** Accepting or rejecting a rectification: the education agencies covering the school. */
  public Decision verifyHazard(Principal p, String schoolId, String regionCode, AgencyProfile callerAgency) {
    Decision read = readHazard(p, schoolId, regionCode, callerAgency);
    return read != Decision.ALLOW ? read
        : allowIf(coveringAgency(p, callerAgency, regionCode, org.schoolsafety.hub.agency.AgencyKind.EDUCATION));
  }

  /**
   * A region's hazards, risk ranking and warnings: its command centers, and the education (and,
   * for warnings, health) agencies whose jurisdiction contains the region.
   */
  public Decision readRegionPrevention(Principal p, String regionPrefix, AgencyProfile callerAgency, boolean health) {
    boolean agency = p.is(Role.AGENCY) && callerAgency != null && callerAgency.agencyId().equals(p.subject())
        && regionPrefix.startsWith(callerAgency.jurisdiction())
        && (callerAgency.kind() == org.schoolsafety.hub.agency.AgencyKind.EDUCATION
            || (health && callerAgency.kind() == org.schoolsafety.hub.agency.AgencyKind.HEALTH));
    return allowIf((p.is(Role.COMMAND_CENTER) && regionPrefix.startsWith(p.subject())) || agency);
  }

  /**
   * A region's monthly evaluation (issue 18): its command centers, and the education agencies
   * whose jurisdiction contains the region — the same rule as the region's prevention records.
   */
  public Decision readEvaluation(Principal p, String regionPrefix, AgencyProfile callerAgency) {
    return readRegionPrevention(p, regionPrefix, callerAgency, false);
  }

  /**
   * Recording a school's safety spending (issue 18): the school's staff, or the county education
   * agency covering it (the tier that funds and checks schools' safety work).
   */
  public Decision recordInvestment(Principal p, SchoolProfile school, AgencyProfile callerAgency) {
    return allowIf((p.is(Role.SCHOOL_STAFF) && p.speaksForSchool(school.schoolId()))
        || (coveringAgency(p, callerAgency, school.region().value(), org.schoolsafety.hub.agency.AgencyKind.EDUCATION)
            && callerAgency.tier() == org.schoolsafety.hub.agency.Tier.COUNTY));
  }

  /** A school's spending: whoever may read its prevention records. */
  public Decision readInvestments(Principal p, SchoolProfile school, AgencyProfile callerAgency) {
    return readPrevention(p, school, callerAgency, false);
  }

  /** A region's spending roll-ups: whoever may read the region's prevention records. */
  public Decision readRegionInvestments(Principal p, String regionPrefix, AgencyProfile callerAgency) {
    return readRegionPrevention(p, regionPrefix, callerAgency, false);
  }

  /**
   * Acknowledging a warning: an agency of a kind it is addressed to, covering the school. The
   * school itself and its command centers know of the warning but do not acknowledge it (403);
   * everyone else is told it does not exist (404).
   */
  public Decision acknowledgeWarning(Principal p, String schoolId, String regionCode, String audience,
      AgencyProfile callerAgency) {
    if (addressedAgency(p, regionCode, audience, callerAgency)) {
      return Decision.ALLOW;
    }
    return p.speaksForSchool(schoolId) || p.watches(regionCode) ? Decision.FORBIDDEN : Decision.HIDDEN;
  }

  private static boolean addressedAgency(Principal p, String regionCode, String audience, AgencyProfile callerAgency) {
    return p.is(Role.AGENCY) && callerAgency != null && callerAgency.agencyId().equals(p.subject())
        && regionCode.startsWith(callerAgency.jurisdiction())
        && java.util.List.of(audience.split(",")).contains(callerAgency.kind().name());
  }

  /**
   * Turning a health-cluster warning into an incident: the school's own staff (it is the
   * school's report to make), or an agency the warning is addressed to (education, health)
   * covering the school. Its command centers see the warning but do not report for the school
   * (403); everyone else is told it does not exist (404), as for acknowledging it.
   */
  public Decision reportWarning(Principal p, String schoolId, String regionCode, String audience,
      AgencyProfile callerAgency) {
    if (p.is(Role.SCHOOL_STAFF) && p.subject().equals(schoolId)) {
      return Decision.ALLOW;
    }
    return acknowledgeWarning(p, schoolId, regionCode, audience, callerAgency);
  }

  /** A region's training coverage: its command centers and the education agencies whose jurisdiction contains it. */
  public Decision readTrainingCoverage(Principal p, String regionPrefix, AgencyProfile callerAgency) {
    return readRegionPrevention(p, regionPrefix, callerAgency, false);
  }

  // --- anonymous tips (issue 17) ---------------------------------------------------------

  /** The school's own staff (not its sensor gateways), or an education agency covering it. */
  private static boolean triagesForSchool(Principal p, String schoolId, String regionCode, AgencyProfile callerAgency) {
    return (p.is(Role.SCHOOL_STAFF) && p.subject().equals(schoolId))
        || coveringAgency(p, callerAgency, regionCode, org.schoolsafety.hub.agency.AgencyKind.EDUCATION);
  }

  /**
   * A region's tips queue (metadata, never text): its command centers, and the education agencies
   * whose jurisdiction contains the region — the same rule as the region's prevention records.
   */
  public Decision readRegionTips(Principal p, String regionPrefix, AgencyProfile callerAgency) {
    return readRegionPrevention(p, regionPrefix, callerAgency, false);
  }

  /** A school's tip list: its staff and the education agencies covering it; others 403. */
  public Decision listSchoolTips(Principal p, SchoolProfile school, AgencyProfile callerAgency) {
    return allowIf(triagesForSchool(p, school.schoolId(), school.region().value(), callerAgency));
  }

  /**
   * One tip, with its text and internal notes: those who triage it, and the agencies it was told
   * to ({@code toldAgencies}: their ids); everyone else is told it does not exist (404).
   */
  public Decision readTip(Principal p, String schoolId, String regionCode, AgencyProfile callerAgency,
      Set<String> toldAgencies) {
    return triagesForSchool(p, schoolId, regionCode, callerAgency)
        || (p.is(Role.AGENCY) && toldAgencies.contains(p.subject()))
        ? Decision.ALLOW : Decision.HIDDEN;
  }

  /** Priority, status and notes: the school's staff and its education agencies, not a told police or health agency. */
  public Decision triageTip(Principal p, String schoolId, String regionCode, AgencyProfile callerAgency,
      Set<String> toldAgencies) {
    Decision read = readTip(p, schoolId, regionCode, callerAgency, toldAgencies);
    return read != Decision.ALLOW ? read : allowIf(triagesForSchool(p, schoolId, regionCode, callerAgency));
  }

  /** Acknowledging a tip: an agency it was told to, for itself. */
  public Decision acknowledgeTip(Principal p, String schoolId, String regionCode, AgencyProfile callerAgency,
      Set<String> toldAgencies, String agencyId) {
    Decision read = readTip(p, schoolId, regionCode, callerAgency, toldAgencies);
    return read != Decision.ALLOW ? read
        : allowIf(p.is(Role.AGENCY) && p.subject().equals(agencyId) && toldAgencies.contains(agencyId));
  }

  // --- guardians (issue 17) --------------------------------------------------------------

  /** Invitation codes for a school's guardians: its own staff only (not its sensor gateway). */
  public Decision inviteGuardians(Principal p, String schoolId) {
    return allowIf(p.is(Role.SCHOOL_STAFF) && p.subject().equals(schoolId));
  }

  /**
   * What guardians told a school about their children: personal data for the school's own staff
   * only — not its gateway, agencies, command centers or operators.
   */
  public Decision readGuardianMessages(Principal p, String schoolId) {
    return allowIf(p.is(Role.SCHOOL_STAFF) && p.subject().equals(schoolId));
  }

  /** The guardians enrolled at a school (pseudonymous ids, classes, states): its own staff only. */
  public Decision listGuardians(Principal p, String schoolId) {
    return allowIf(p.is(Role.SCHOOL_STAFF) && p.subject().equals(schoolId));
  }

  /**
   * Cutting a guardian off: the school's own staff. Nobody else can see the school's guardians,
   * so to everyone else a guardian does not exist (404, like an unknown guardian id).
   */
  public Decision revokeGuardian(Principal p, String schoolId) {
    return p.is(Role.SCHOOL_STAFF) && p.subject().equals(schoolId) ? Decision.ALLOW : Decision.HIDDEN;
  }

  /** A guardian's own endpoints (messages to the school, notices, the stream): guardians only. */
  public Decision actAsGuardian(Principal p) {
    return allowIf(p.is(Role.GUARDIAN));
  }
}
