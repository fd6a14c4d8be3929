package org.schoolsafety.edge.auth;

/**
 * Who a token speaks for. The token's subject says which one: a school id for school staff and
 * sensor gateways, an agency id for agencies, a region-code prefix for command centers, a name
 * for operators; for alert sources a name and the regions it may warn ({@code cma-xj@65+6540});
 * for guardians the guardian id, the school and the class ({@code gdn-…@sch-650102-001/7-2}).
 */
public enum Role {
  SCHOOL_STAFF,
  SENSOR_GATEWAY,
  AGENCY,
  COMMAND_CENTER,
  OPERATOR,
  /** An outside warning authority (weather, earthquake early warning, ...) posting CAP alerts. */
  ALERT_SOURCE,
  /**
   * A child's guardian, admitted by an invitation code from the school: subject
   * {@code gdn-<16 hex>@<schoolId>/<classId>}. Reads its school's notices, writes to its staff.
   */
  GUARDIAN;

  /** The prefix of principal ids in events and logs, e.g. {@code school-staff:sch-650102-001}. */
  public String label() {
    return name().toLowerCase().replace('_', '-');
  }
}
