package org.schoolsafety.hub.device;

import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.incident.Evidence;
import org.schoolsafety.hub.incident.IncidentType;
import org.schoolsafety.hub.incident.Mode;

/**
 * A school's devices as its journal made them: the registry (and devices seen but not
 * registered), each device's state and counts, and the device-raised incidents still open, one
 * per incident type and mode. Every method that returns a new fleet is part of the School's
 * pure event handler. {@code seenWrittenAt}: when last-reading times were last written.
 */
public record Fleet(Map<String, DeviceRecord> devices, Map<String, DeviceIncident> open, Instant seenWrittenAt)
    implements CborSerializable {

  public static final Fleet EMPTY = new Fleet(Map.of(), Map.of(), null);

  public Fleet {
    devices = devices == null ? Map.of() : devices;
    open = open == null ? Map.of() : open;
  }

  public Optional<DeviceRecord> device(String deviceId) {
    return Optional.ofNullable(devices.get(deviceId));
  }

  public boolean hasRegistered() {
    return devices.values().stream().anyMatch(DeviceRecord::registered);
  }

  public long registeredCount() {
    return devices.values().stream().filter(DeviceRecord::registered).count();
  }

  public long unregisteredCount() {
    return devices.size() - registeredCount();
  }

  /** Registered devices first, then unregistered ones, each by id. */
  public List<DeviceRecord> list() {
    return devices.values().stream()
        .sorted(Comparator.comparing((DeviceRecord d) -> !d.registered()).thenComparing(DeviceRecord::deviceId))
        .toList();
  }

  public Place placeOf(String deviceId) {
    DeviceRecord d = devices.get(deviceId);
    return d == null || d.place() == null ? Place.UNKNOWN : d.place();
  }

  public Optional<DeviceIncident> openFor(IncidentType type, Mode mode) {
    return Optional.ofNullable(open.get(DeviceIncident.key(type, mode)));
  }

  public Optional<DeviceIncident> openById(String incidentId) {
    return open.values().stream().filter(i -> i.incidentId().equals(incidentId)).findFirst();
  }

  // --- applying events --------------------------------------------------------------------

  public Fleet registered(Device d, Instant at) {
    var next = new LinkedHashMap<>(devices);
    next.put(d.deviceId(), DeviceRecord.registered(d, at, devices.get(d.deviceId())));
    return new Fleet(Map.copyOf(next), open, seenWrittenAt);
  }

  public Fleet sighted(List<Sighting> sightings) {
    var next = new LinkedHashMap<>(devices);
    for (Sighting s : sightings) {
      next.putIfAbsent(s.deviceId(), DeviceRecord.sighted(s));
    }
    return new Fleet(Map.copyOf(next), open, seenWrittenAt);
  }

  public Fleet statesChanged(Map<String, DeviceState> states, Instant at) {
    var next = new LinkedHashMap<>(devices);
    states.forEach((id, state) -> next.computeIfPresent(id, (k, d) -> d.withState(state, at)));
    return new Fleet(Map.copyOf(next), open, seenWrittenAt);
  }

  public Fleet seen(Map<String, Instant> lastSeen, Instant at) {
    var next = new LinkedHashMap<>(devices);
    lastSeen.forEach((id, when) -> next.computeIfPresent(id, (k, d) -> d.seen(when)));
    return new Fleet(Map.copyOf(next), open, at);
  }

  /** {@code counted}: the evidence is new alarms (false when it moved from an incident that had ended). */
  public Fleet opened(DeviceIncident incident, boolean counted) {
    var nextOpen = new LinkedHashMap<>(open);
    nextOpen.put(incident.key(), incident);
    return new Fleet(alarmed(incident.incidentId(), incident.evidence(), counted), Map.copyOf(nextOpen), seenWrittenAt);
  }

  public Fleet attached(String incidentId, List<Evidence> evidence, boolean counted) {
    Optional<DeviceIncident> incident = openById(incidentId);
    if (incident.isEmpty()) {
      return this;
    }
    var nextOpen = new LinkedHashMap<>(open);
    nextOpen.put(incident.get().key(), incident.get().with(evidence));
    return new Fleet(alarmed(incidentId, evidence, counted), Map.copyOf(nextOpen), seenWrittenAt);
  }

  /** The incident is no longer open; {@code falseAlarmDevices} each count a false alarm, {@code flagged} are flagged. */
  public Fleet ended(String incidentId, List<String> falseAlarmDevices, List<String> flagged) {
    var nextOpen = new LinkedHashMap<>(open);
    nextOpen.values().removeIf(i -> i.incidentId().equals(incidentId));
    var next = new LinkedHashMap<>(devices);
    for (String id : falseAlarmDevices) {
      next.computeIfPresent(id, (k, d) -> d.falseAlarm(flagged.contains(id)));
    }
    return new Fleet(Map.copyOf(next), Map.copyOf(nextOpen), seenWrittenAt);
  }

  private Map<String, DeviceRecord> alarmed(String incidentId, List<Evidence> evidence, boolean counted) {
    var next = new LinkedHashMap<>(devices);
    for (Evidence e : evidence) {
      next.computeIfPresent(e.deviceId(), (k, d) -> d.alarmed(incidentId, counted));
    }
    return Map.copyOf(next);
  }
}
