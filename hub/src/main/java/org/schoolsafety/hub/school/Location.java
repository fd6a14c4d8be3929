package org.schoolsafety.hub.school;

import org.schoolsafety.hub.CborSerializable;

/** WGS84 latitude and longitude in degrees. */
public record Location(double lat, double lon) implements CborSerializable {}
