package org.schoolsafety.hub.tip;

import java.time.Instant;
import org.schoolsafety.hub.CborSerializable;

/**
 * What a school's tip list, and an agency's inbox, keep about one tip: enough to list it with its
 * deadline, never its text. For an agency: {@code reason} why it was told (WEAPON, SELF_HARM,
 * UNTRIAGED, ESCALATED), {@code notifiedAt}, the acknowledgement deadline and when it
 * acknowledged; all null in the school's own copy.
 */
public record TipNotice(
    String tipId,
    String schoolId,
    String schoolName,
    String regionCode,
    TipCategory category,
    TipPriority priority,
    TipStatus status,
    Instant receivedAt,
    Instant deadline,
    Instant triagedAt,
    boolean overdue,
    Instant lastMessageAt,
    String reason,
    Instant notifiedAt,
    Instant ackDeadline,
    Instant ackAt)
    implements CborSerializable {

  public boolean isOpen() {
    return !status.isClosed();
  }
}
