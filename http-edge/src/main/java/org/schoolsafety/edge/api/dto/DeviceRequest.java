package org.schoolsafety.edge.api.dto;

import org.schoolsafety.edge.api.Fields;
import org.schoolsafety.hub.device.Device;
import org.schoolsafety.hub.device.Place;
import org.schoolsafety.hub.device.SensorKind;

/** Body of {@code POST /api/v1/schools/{schoolId}/devices}: a device and where it is. */
public record DeviceRequest(String deviceId, String kind, LocationDto location, String gatewayId) {

  /** {@code note}: free text ("above the fume cupboard"). */
  public record LocationDto(String building, String floor, String room, String note) {}

  public Device check() {
    var f = new Fields();
    String id = f.id("deviceId", deviceId);
    SensorKind k = f.oneOf("kind", kind, SensorKind.class, null);
    if (k != null && !k.isDeviceKind()) {
      f.error("kind", "HEARTBEAT is a kind of reading, not of device; one of the other kinds");
    }
    Place place = null;
    if (f.required("location", location)) {
      place = new Place(
          f.text("location.building", location.building(), 100, true),
          f.text("location.floor", location.floor(), 20, false),
          f.text("location.room", location.room(), 100, false),
          f.text("location.note", location.note(), 500, false));
    }
    String gateway = gatewayId == null ? null : f.id("gatewayId", gatewayId);
    f.throwIfInvalid();
    return new Device(id, k, place, gateway);
  }
}
