package org.schoolsafety.edge.api.dto;

import org.schoolsafety.edge.api.Fields;
import org.schoolsafety.hub.region.RegionCode;
import org.schoolsafety.hub.school.Location;
import org.schoolsafety.hub.school.SchoolProfile;
import org.schoolsafety.hub.school.SchoolType;

/** Body of {@code POST /api/v1/schools}. */
public record SchoolRequest(
    String schoolId,
    String name,
    String regionCode,
    String type,
    Integer students,
    Integer staff,
    Integer floors,
    LocationDto location) {

  public record LocationDto(Double lat, Double lon) {}

  public SchoolProfile toProfile() {
    var f = new Fields();
    String id = f.id("schoolId", schoolId);
    String checkedName = f.text("name", name, 200, true);
    String region = f.matching("regionCode", regionCode, RegionCodes.SIX_DIGITS, "a 6-digit region code, e.g. 650102");
    SchoolType schoolType = f.oneOf("type", type, SchoolType.class, null);
    int studentCount = f.count("students", students, 0, 100_000);
    int staffCount = f.count("staff", staff, 0, 20_000);
    int floorCount = f.count("floors", floors, 1, 200);
    Location where = null;
    if (f.required("location", location)) {
      where = new Location(
          f.range("location.lat", location.lat(), -90, 90),
          f.range("location.lon", location.lon(), -180, 180));
    }
    f.throwIfInvalid();
    return new SchoolProfile(id, checkedName, RegionCode.of(region), schoolType, studentCount,
        staffCount, floorCount, where);
  }
}
