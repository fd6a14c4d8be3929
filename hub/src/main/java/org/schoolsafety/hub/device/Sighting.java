package org.schoolsafety.hub.device;

import java.time.Instant;
import org.schoolsafety.hub.CborSerializable;

/** The first reading of a device the school's registry does not know. */
public record Sighting(String deviceId, SensorKind kind, String gatewayId, Instant at) implements CborSerializable {}
