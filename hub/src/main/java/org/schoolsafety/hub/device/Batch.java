package org.schoolsafety.hub.device;

import java.util.List;
import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.incident.Mode;

/**
 * Readings from one gateway of one school, checked at the edge. {@code mode} EXERCISE marks a
 * drill's simulated readings: their incidents are exercises ({@code drillId} names the drill).
 */
public record Batch(String gatewayId, Mode mode, String drillId, List<Reading> readings) implements CborSerializable {}
