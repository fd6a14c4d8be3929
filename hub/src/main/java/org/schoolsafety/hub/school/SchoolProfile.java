package org.schoolsafety.hub.school;

import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.region.RegionCode;

public record SchoolProfile(
    String schoolId,
    String name,
    RegionCode region,
    SchoolType type,
    int students,
    int staff,
    int floors,
    Location location)
    implements CborSerializable {}
