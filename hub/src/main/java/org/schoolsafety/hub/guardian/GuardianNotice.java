package org.schoolsafety.hub.guardian;

import java.time.Instant;
import java.time.LocalDate;
import org.schoolsafety.hub.incident.IncidentType;
import org.schoolsafety.hub.incident.Level;
import org.schoolsafety.hub.incident.Status;
import org.schoolsafety.hub.school.DrillType;
import org.schoolsafety.hub.school.Posture;

/**
 * What a guardian is told about their child's school: its posture, an incident at it (type,
 * level, status), a drill under way or held — and what to do ({@code advice}, a key the family
 * page translates, with {@code adviceText} in English for other clients). Never a name, a
 * reporter, casualties or anything about other children. {@code seq}: the position in the
 * school's journal (the SSE id), 0 in the current picture.
 */
public record GuardianNotice(
    long seq,
    Kind kind,
    Instant at,
    Posture posture,
    String incidentId,
    IncidentType type,
    Level level,
    Status status,
    DrillType drillType,
    LocalDate drillDate,
    String advice,
    String adviceText) {

  public enum Kind {
    /** The school's response posture changed (a directive, or a lockdown for an intrusion). */
    POSTURE,
    /** A real incident at the school was reported or changed status. */
    INCIDENT,
    /** An exercise incident (a drill) at the school started or changed status. */
    DRILL,
    /** The school recorded a drill it held. */
    DRILL_HELD
  }
}
