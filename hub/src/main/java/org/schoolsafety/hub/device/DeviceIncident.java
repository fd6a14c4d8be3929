package org.schoolsafety.hub.device;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.incident.Evidence;
import org.schoolsafety.hub.incident.IncidentType;
import org.schoolsafety.hub.incident.Level;
import org.schoolsafety.hub.incident.Mode;

/**
 * A device-raised incident of the school that is still open: while it is, later alarms of its
 * type (and mode) attach to it as evidence instead of opening another. {@code evidence} holds
 * every alarm attached so far, the first one first.
 */
public record DeviceIncident(
    String incidentId,
    IncidentType type,
    Mode mode,
    Level level,
    String gatewayId,
    String drillId,
    String by,
    Instant openedAt,
    Instant escalateNotBefore,
    List<Evidence> evidence)
    implements CborSerializable {

  public static String key(IncidentType type, Mode mode) {
    return type.name() + "/" + mode.name();
  }

  public String key() {
    return key(type, mode);
  }

  DeviceIncident with(List<Evidence> more) {
    var all = new ArrayList<>(evidence);
    for (Evidence e : more) {
      if (all.stream().noneMatch(e::sameAs)) {
        all.add(e);
      }
    }
    return new DeviceIncident(incidentId, type, mode, level, gatewayId, drillId, by, openedAt, escalateNotBefore,
        List.copyOf(all));
  }
}
