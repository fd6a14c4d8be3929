package org.schoolsafety.edge.api;

/** Who did something, as recorded in events ("by"). */
final class Principals {
  /** Registry changes before authentication exists. */
  static final String OPERATOR_UNAUTHENTICATED = "operator:unauthenticated";

  private Principals() {}

  static String agency(String agencyId) {
    return "agency:" + agencyId;
  }

  static String reporter(String schoolId, String name, String role) {
    return "school:" + schoolId + " (" + name + ", " + role + ")";
  }

  static String commandCenter() {
    return "command-center:unauthenticated";
  }
}
