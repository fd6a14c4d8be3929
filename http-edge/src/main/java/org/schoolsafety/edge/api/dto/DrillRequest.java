package org.schoolsafety.edge.api.dto;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import org.schoolsafety.edge.api.Fields;
import org.schoolsafety.hub.school.DrillRecord;
import org.schoolsafety.hub.school.DrillType;

/** Body of {@code POST /api/v1/schools/{id}/drills}: a drill the school held. */
public record DrillRequest(
    String drillId, String type, String date, Integer durationMinutes, Integer participants, Integer evacuationSeconds) {

  public DrillRecord check(Clock clock) {
    var f = new Fields();
    String id = f.id("drillId", drillId);
    DrillType drillType = f.oneOf("type", type, DrillType.class, null);
    LocalDate day = null;
    if (f.required("date", date)) {
      try {
        day = LocalDate.parse(date);
        if (day.isAfter(LocalDate.now(clock.withZone(ZoneOffset.UTC)).plusDays(1)) || day.getYear() < 2000) {
          f.error("date", "must not be in the future nor before 2000");
        }
      } catch (DateTimeParseException e) {
        f.error("date", "must be a date such as 2026-11-29");
      }
    }
    int minutes = f.count("durationMinutes", durationMinutes, 1, 24 * 60);
    int people = f.count("participants", participants, 1, 100_000);
    Integer evacuation = evacuationSeconds == null ? null : f.count("evacuationSeconds", evacuationSeconds, 1, 24 * 3600);
    f.throwIfInvalid();
    return new DrillRecord(id, drillType, day, minutes, people, evacuation);
  }
}
