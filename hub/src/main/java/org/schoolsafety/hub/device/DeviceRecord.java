package org.schoolsafety.hub.device;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.schoolsafety.hub.CborSerializable;

/**
 * What a school keeps about one device. {@code registered} is false for a device seen in readings
 * but not (yet) registered: its place is unknown. {@code lastSeen} is the last reading time as
 * last written to the journal (coalesced; the School keeps the exact one in memory).
 * {@code incidents}: the most recent incidents it contributed to, newest last.
 * {@code noticed}: its education agency was told it went offline at some time.
 */
public record DeviceRecord(
    String deviceId,
    SensorKind kind,
    Place place,
    String gatewayId,
    boolean registered,
    DeviceState state,
    Instant stateSince,
    Instant registeredAt,
    Instant lastSeen,
    int alarms,
    int falseAlarms,
    List<String> incidents,
    boolean flagged,
    boolean noticed)
    implements CborSerializable {

  /** Incidents remembered per device; the counts are kept in full. */
  public static final int INCIDENTS_KEPT = 20;

  public DeviceRecord {
    incidents = incidents == null ? List.of() : incidents;
  }

  public double falseAlarmRate() {
    return alarms == 0 ? 0 : (double) falseAlarms / alarms;
  }

  static DeviceRecord registered(Device d, Instant at, DeviceRecord sighted) {
    Instant seen = sighted == null ? null : sighted.lastSeen;
    return new DeviceRecord(d.deviceId(), d.kind(), d.place(), d.gatewayId(), true, DeviceState.ACTIVE, at, at, seen,
        sighted == null ? 0 : sighted.alarms, sighted == null ? 0 : sighted.falseAlarms,
        sighted == null ? List.of() : sighted.incidents, sighted != null && sighted.flagged, false);
  }

  static DeviceRecord sighted(Sighting s) {
    return new DeviceRecord(s.deviceId(), s.kind(), Place.UNKNOWN, s.gatewayId(), false, DeviceState.ACTIVE, s.at(),
        null, s.at(), 0, 0, List.of(), false, false);
  }

  public Device device() {
    return new Device(deviceId, kind, place, gatewayId);
  }

  DeviceRecord withState(DeviceState next, Instant at) {
    if (next == state) {
      return this;
    }
    return new DeviceRecord(deviceId, kind, place, gatewayId, registered, next, at, registeredAt, lastSeen, alarms,
        falseAlarms, incidents, flagged, noticed || next == DeviceState.OFFLINE);
  }

  /** This record with a later last-reading time (the same record for an earlier one). */
  public DeviceRecord seen(Instant at) {
    if (lastSeen != null && !at.isAfter(lastSeen)) {
      return this;
    }
    return new DeviceRecord(deviceId, kind, place, gatewayId, registered, state, stateSince, registeredAt, at, alarms,
        falseAlarms, incidents, flagged, noticed);
  }

  DeviceRecord alarmed(String incidentId, boolean count) {
    var next = new ArrayList<>(incidents);
    if (!next.contains(incidentId)) {
      next.add(incidentId);
    }
    if (next.size() > INCIDENTS_KEPT) {
      next.subList(0, next.size() - INCIDENTS_KEPT).clear();
    }
    return new DeviceRecord(deviceId, kind, place, gatewayId, registered, state, stateSince, registeredAt, lastSeen,
        count ? alarms + 1 : alarms, falseAlarms, List.copyOf(next), flagged, noticed);
  }

  DeviceRecord falseAlarm(boolean flag) {
    return new DeviceRecord(deviceId, kind, place, gatewayId, registered, state, stateSince, registeredAt, lastSeen,
        alarms, falseAlarms + 1, incidents, flagged || flag, noticed);
  }
}
