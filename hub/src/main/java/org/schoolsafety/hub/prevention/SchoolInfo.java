package org.schoolsafety.hub.prevention;

import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.region.RegionCode;

/** What a prevention record needs to know of its school (from the school's profile). */
public record SchoolInfo(String schoolId, String name, RegionCode region, int students, int staff)
    implements CborSerializable {}
