package org.schoolsafety.hub.device;

import java.util.List;
import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.incident.IncidentType;

/**
 * What a batch did: readings accepted, device alarms raised, the incidents they opened or were
 * attached to, and the devices in it the registry does not know.
 */
public record Ingested(int accepted, int alarms, List<Touched> incidents, List<String> unregistered)
    implements CborSerializable {

  /** {@code opened}: the batch opened it (else its alarms were attached as evidence). */
  public record Touched(String incidentId, IncidentType type, boolean opened, int evidence) implements CborSerializable {}
}
