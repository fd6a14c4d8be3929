package org.schoolsafety.edge.auth;

import java.util.regex.Pattern;

/** An authenticated caller: a role and the subject it acts for. */
public record Principal(Role role, String subject) {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern REGION_PREFIX = Pattern.compile("\\d{2}|\\d{4}|\\d{6}");
  /** An alert source: its name, '@', and 1-16 region prefixes joined by '+' (e.g. {@code cma-xj@65+11}). */
  private static final Pattern ALERT_SOURCE =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}@(\\d{2}|\\d{4}|\\d{6})(\\+(\\d{2}|\\d{4}|\\d{6})){0,15}");

  /** A guardian: its id, '@', the school, '/', the class (both ids). */
  private static final Pattern GUARDIAN =
      Pattern.compile("gdn-[0-9a-f]{16}@[A-Za-z0-9][A-Za-z0-9._-]{0,63}/[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  public Principal {
    if (role == null || subject == null || !validSubject(role, subject)) {
      throw new IllegalArgumentException("a " + role + " token needs "
          + (role == Role.COMMAND_CENTER ? "a region prefix (2, 4 or 6 digits)"
              : role == Role.ALERT_SOURCE ? "a name and region prefixes (name@65+6501)"
              : role == Role.GUARDIAN ? "a guardian id, school and class (gdn-…@school/class)" : "an id") + " as subject");
    }
  }

  static boolean validSubject(Role role, String subject) {
    return switch (role) {
      case COMMAND_CENTER -> REGION_PREFIX.matcher(subject).matches();
      case ALERT_SOURCE -> ALERT_SOURCE.matcher(subject).matches();
      case GUARDIAN -> GUARDIAN.matcher(subject).matches();
      default -> ID.matcher(subject).matches();
    };
  }

  /**
   * The region prefixes the principal may direct schools of: a command center its own, an alert
   * source those its token names; nobody else any.
   */
  public java.util.List<String> directableRegions() {
    return switch (role) {
      case COMMAND_CENTER -> java.util.List.of(subject);
      case ALERT_SOURCE -> java.util.List.of(subject.substring(subject.indexOf('@') + 1).split("\\+"));
      default -> java.util.List.of();
    };
  }

  /** A guardian's subject for these ids. */
  public static Principal guardian(String guardianId, String schoolId, String classId) {
    return new Principal(Role.GUARDIAN, guardianId + "@" + schoolId + "/" + classId);
  }

  /** A guardian's school (null for other roles). */
  public String guardianSchool() {
    return role == Role.GUARDIAN ? subject.substring(subject.indexOf('@') + 1, subject.indexOf('/')) : null;
  }

  /** A guardian's child's class (null for other roles). */
  public String guardianClass() {
    return role == Role.GUARDIAN ? subject.substring(subject.indexOf('/') + 1) : null;
  }

  /** A guardian's id (null for other roles). */
  public String guardianId() {
    return role == Role.GUARDIAN ? subject.substring(0, subject.indexOf('@')) : null;
  }

  /** How the principal is recorded in events ("by"), audit trails and logs. */
  public String id() {
    return role.label() + ":" + subject;
  }

  public boolean is(Role r) {
    return role == r;
  }

  /** A school's own staff or sensor gateway. */
  public boolean speaksForSchool(String schoolId) {
    return (role == Role.SCHOOL_STAFF || role == Role.SENSOR_GATEWAY) && subject.equals(schoolId);
  }

  /** A command center whose region contains this region code. */
  public boolean watches(String regionCode) {
    return role == Role.COMMAND_CENTER && regionCode.startsWith(subject);
  }

  @Override
  public String toString() {
    return id();
  }
}
