package org.schoolsafety.hub.incident;

import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.region.RegionCode;

/** The school an incident happened at, as known when it was reported. */
public record SchoolRef(String schoolId, String name, RegionCode region)
    implements CborSerializable {}
