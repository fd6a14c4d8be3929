package org.schoolsafety.edge.api.dto;

import java.time.Instant;
import java.util.List;
import org.schoolsafety.hub.device.DeviceRecord;
import org.schoolsafety.hub.device.Place;

/** One device in {@code GET /api/v1/schools/{schoolId}/devices}. */
public record DeviceView(
    String deviceId,
    String kind,
    String unit,
    Place location,
    String gatewayId,
    boolean registered,
    String state,
    Instant stateSince,
    Instant lastReadingAt,
    int alarms,
    int falseAlarms,
    double falseAlarmRate,
    boolean flagged,
    List<String> incidents) {

  public static DeviceView of(DeviceRecord d) {
    return new DeviceView(d.deviceId(), d.kind().name(), d.kind().unit(), d.registered() ? d.place() : null,
        d.gatewayId(), d.registered(), d.state().name(), d.stateSince(), d.lastSeen(), d.alarms(), d.falseAlarms(),
        Math.round(d.falseAlarmRate() * 1000) / 1000.0, d.flagged(), d.incidents());
  }
}
