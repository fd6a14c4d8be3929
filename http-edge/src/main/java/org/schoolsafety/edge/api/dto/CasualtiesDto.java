package org.schoolsafety.edge.api.dto;

import org.schoolsafety.edge.api.Fields;
import org.schoolsafety.hub.incident.Casualties;

/** Casualty figures as sent by a reporter; every figure is required when the object is given. */
public record CasualtiesDto(Integer dead, Integer injured, Integer missing) {

  static Casualties check(Fields f, String field, CasualtiesDto dto) {
    if (dto == null) {
      return null;
    }
    return new Casualties(
        f.count(field + ".dead", dto.dead(), 0, 100_000),
        f.count(field + ".injured", dto.injured(), 0, 100_000),
        f.count(field + ".missing", dto.missing(), 0, 100_000));
  }
}
