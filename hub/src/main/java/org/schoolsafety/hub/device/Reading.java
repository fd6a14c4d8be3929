package org.schoolsafety.hub.device;

import java.time.Instant;
import org.schoolsafety.hub.CborSerializable;

/**
 * One reading as a gateway sent it, checked at the edge. {@code value} is null for CAMERA (its
 * {@code label} and {@code confidence} say what it saw) and may be null for HEARTBEAT.
 */
public record Reading(
    String sensorId, SensorKind kind, Double value, CameraLabel label, Double confidence, Instant at)
    implements CborSerializable {

  public static Reading of(String sensorId, SensorKind kind, double value, Instant at) {
    return new Reading(sensorId, kind, value, null, null, at);
  }

  public static Reading camera(String sensorId, CameraLabel label, double confidence, Instant at) {
    return new Reading(sensorId, SensorKind.CAMERA, null, label, confidence, at);
  }

  /** What a rule compares with its threshold: the value, or a camera's confidence. */
  public double measure() {
    if (kind == SensorKind.CAMERA) {
      return confidence == null ? 0 : confidence;
    }
    return value == null ? 0 : value;
  }
}
