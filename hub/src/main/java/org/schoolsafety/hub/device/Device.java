package org.schoolsafety.hub.device;

import org.schoolsafety.hub.CborSerializable;

/** A registered device: what it is, where it is, which gateway it reports through (may be null). */
public record Device(String deviceId, SensorKind kind, Place place, String gatewayId)
    implements CborSerializable {}
