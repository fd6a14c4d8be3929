package org.schoolsafety.hub.school;

import java.time.LocalDate;
import org.schoolsafety.hub.CborSerializable;

/** A drill a school held: what, when, how long, how many took part, how fast it evacuated. */
public record DrillRecord(
    String drillId,
    DrillType type,
    LocalDate date,
    int durationMinutes,
    int participants,
    Integer evacuationSeconds)
    implements CborSerializable {}
