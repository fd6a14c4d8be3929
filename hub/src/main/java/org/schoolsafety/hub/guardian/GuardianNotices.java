package org.schoolsafety.hub.guardian;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.schoolsafety.hub.guardian.GuardianNotice.Kind;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.school.DrillRecord;
import org.schoolsafety.hub.school.IncidentNotice;
import org.schoolsafety.hub.school.Posture;
import org.schoolsafety.hub.school.School;

/**
 * Guardians' notices, derived from what the School entity already records — its posture events
 * ({@link School.PostureDirected}), the notices of its incidents ({@link School.IncidentTracked},
 * real and exercise) and its drills ({@link School.DrillRecorded}) — so telling guardians adds no
 * write anywhere, least of all on the incident report path. Pure functions.
 */
public final class GuardianNotices {

  /** How many recorded drills the current picture shows (newest). */
  static final int DRILLS_SHOWN = 3;

  private GuardianNotices() {}

  /** The notice a school event makes at journal position {@code seq}, if any. */
  public static Optional<GuardianNotice> of(School.Event event, long seq) {
    if (event instanceof School.PostureDirected e) {
      return Optional.of(posture(seq, e.schoolPosture(), e.at()));
    } else if (event instanceof School.IncidentTracked e) {
      return Optional.of(incident(seq, e.notice(), e.notice().reportedAt()));
    } else if (event instanceof School.DrillRecorded e) {
      return Optional.of(drillHeld(seq, e.drill(), e.at()));
    }
    return Optional.empty();
  }

  /** Whether a school event is one guardians are told about (what the school publishes). */
  public static boolean concerns(School.Event event) {
    return event instanceof School.PostureDirected || event instanceof School.IncidentTracked
        || event instanceof School.DrillRecorded;
  }

  /**
   * The school as it stands: its posture, its open incidents and drills, and its latest recorded
   * drills. A school that is registered and quiet gives one notice, posture NORMAL.
   */
  public static List<GuardianNotice> current(School.State state) {
    var notices = new ArrayList<GuardianNotice>();
    notices.add(posture(0, state.posture(), null));
    for (IncidentNotice n : state.openIncidentList()) {
      notices.add(incident(0, n, n.reportedAt()));
    }
    var drills = state.drills();
    for (int i = drills.size() - 1; i >= 0 && i >= drills.size() - DRILLS_SHOWN; i--) {
      notices.add(drillHeld(0, drills.get(i), null));
    }
    return notices;
  }

  static GuardianNotice posture(long seq, Posture posture, java.time.Instant at) {
    String key = "POSTURE_" + posture.name();
    return new GuardianNotice(seq, Kind.POSTURE, at, posture, null, null, null, null, null, null, key,
        postureText(posture));
  }

  static GuardianNotice incident(long seq, IncidentNotice n, java.time.Instant at) {
    boolean drill = n.mode() == Mode.EXERCISE;
    String key = drill ? "DRILL" : switch (n.status()) {
      case RESOLVED, CLOSED -> "INCIDENT_OVER";
      case CANCELLED -> "INCIDENT_FALSE_ALARM";
      default -> "INCIDENT_ACTIVE";
    };
    return new GuardianNotice(seq, drill ? Kind.DRILL : Kind.INCIDENT, at, null, n.incidentId(), n.type(), n.level(),
        n.status(), null, null, key, incidentText(key));
  }

  static GuardianNotice drillHeld(long seq, DrillRecord d, java.time.Instant at) {
    return new GuardianNotice(seq, Kind.DRILL_HELD, at, null, null, null, null, null, d.type(), d.date(),
        "DRILL_HELD", "The school held a drill. It was practice, not an emergency.");
  }

  static String postureText(Posture posture) {
    return switch (posture) {
      case NORMAL -> "The school is operating normally.";
      case HOLD -> "Classes are staying in their rooms for a while. There is no need to come to the school.";
      case SECURE -> "The school has closed its outer doors because of a danger nearby; lessons go on inside."
          + " Do not come to the school.";
      case LOCKDOWN -> "The school is locked down. Do not come to the school and do not call your child;"
          + " wait for the school's next notice.";
      case EVACUATE -> "Students are being moved to a safe place. Wait for the school to tell you where and"
          + " when to collect your child.";
      case SHELTER -> "Students are sheltering inside the buildings. Do not come to the school until told.";
    };
  }

  static String incidentText(String key) {
    return switch (key) {
      case "DRILL" -> "A drill is under way at the school. It is practice, not an emergency.";
      case "INCIDENT_OVER" -> "The incident at the school is over.";
      case "INCIDENT_FALSE_ALARM" -> "The report was a false alarm.";
      default -> "The school has reported an incident and the services responsible have been told."
          + " Follow the school's notices; do not come to the school unless asked.";
    };
  }
}
