package org.schoolsafety.hub.hazard;

import java.time.Instant;
import org.schoolsafety.hub.CborSerializable;

/**
 * What an agency's inbox, and the school's prevention record, keep about one hazard: enough to
 * list it with its deadline. {@code reason}: why the agency was told (MAJOR or OVERDUE; null for
 * the school's own copy), {@code notifiedAt}: when.
 */
public record HazardNotice(
    String hazardId,
    String schoolId,
    String schoolName,
    String regionCode,
    HazardCategory category,
    Severity severity,
    HazardStatus status,
    Instant deadline,
    Instant recordedAt,
    Instant rectifiedAt,
    String reason,
    Instant notifiedAt)
    implements CborSerializable {

  public boolean isOpen() {
    return !status.isClosed();
  }
}
