package org.schoolsafety.hub.directive;

import java.time.Instant;
import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.school.Posture;

/**
 * What an education agency is told when a school of its jurisdiction did not acknowledge a
 * directive by its deadline.
 */
public record DirectiveNotice(
    String directiveId,
    String schoolId,
    String schoolName,
    String regionCode,
    Posture posture,
    Mode mode,
    Instant issuedAt,
    Instant deadline,
    Instant escalatedAt)
    implements CborSerializable {

  /** The key of the notice in an agency's list: one per directive and school. */
  public String key() {
    return directiveId + "/" + schoolId;
  }
}
