package org.schoolsafety.hub.prevention;

import java.time.LocalDate;
import java.util.List;
import org.schoolsafety.hub.CborSerializable;

/** A hazard inspection (隐患排查): who checked what, when, and the ids of the hazards it found. */
public record Inspection(
    String inspectionId, LocalDate date, String inspectorName, String inspectorRole, List<String> areas,
    List<String> hazardIds)
    implements CborSerializable {}
