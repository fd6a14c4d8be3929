package org.schoolsafety.edge.api.dto;

import java.time.Instant;
import org.schoolsafety.hub.agency.DispatchNotice;

/** One entry of an agency's dispatch inbox. */
public record DispatchNoticeView(
    String incidentId,
    String schoolId,
    String schoolName,
    String regionCode,
    String type,
    String level,
    String mode,
    String incidentStatus,
    String state,
    Instant notifiedAt,
    Instant deadline,
    Instant ackAt) {

  public static DispatchNoticeView of(DispatchNotice n) {
    return new DispatchNoticeView(n.incidentId(), n.schoolId(), n.schoolName(), n.regionCode(),
        n.type().name(), n.level().name(), n.mode().name(), n.incidentStatus().name(),
        n.state().name(), n.notifiedAt(), n.deadline(), n.ackAt());
  }
}
