package org.schoolsafety.edge.api.dto;

import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.schoolsafety.hub.school.IncidentNotice;
import org.schoolsafety.hub.school.Location;
import org.schoolsafety.hub.school.School;
import org.schoolsafety.hub.school.SchoolProfile;

/** The school read model. */
public record SchoolView(
    String schoolId,
    String name,
    String regionCode,
    String type,
    int students,
    int staff,
    int floors,
    Location location,
    String posture,
    List<OpenIncident> openIncidents) {

  public record OpenIncident(
      String incidentId, String type, String level, String mode, String status, Instant reportedAt) {
    static OpenIncident of(IncidentNotice n) {
      return new OpenIncident(n.incidentId(), n.type().name(), n.level().name(), n.mode().name(),
          n.status().name(), n.reportedAt());
    }
  }

  /** The school with those of its open incidents that {@code visible} admits. */
  public static SchoolView of(School.State state, Predicate<IncidentNotice> visible) {
    SchoolProfile p = state.profile();
    return new SchoolView(p.schoolId(), p.name(), p.region().value(), p.type().name(), p.students(),
        p.staff(), p.floors(), p.location(), state.posture().name(),
        state.openIncidentList().stream().filter(visible).map(OpenIncident::of).toList());
  }

  /** A school just registered: it has no incidents yet. */
  public static SchoolView of(School.State state) {
    return of(state, notice -> false);
  }
}
