package org.schoolsafety.hub.incident;

import java.time.Instant;
import org.schoolsafety.hub.CborSerializable;

/**
 * What opened a device-raised incident: the gateway that reported, the first alarm, and the
 * time before which the incident escalates to no higher tier (the false-alarm grace), decided
 * by the school when it opened the incident.
 */
public record DeviceAlarm(String gatewayId, Evidence first, Instant escalateNotBefore)
    implements CborSerializable {}
