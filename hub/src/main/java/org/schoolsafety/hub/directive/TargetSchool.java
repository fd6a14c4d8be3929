package org.schoolsafety.hub.directive;

import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.region.RegionCode;

/** A school a directive goes to, with the head count its accountability is measured against. */
public record TargetSchool(String schoolId, String name, RegionCode region, int students, int staff)
    implements CborSerializable {}
