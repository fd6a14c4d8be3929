package org.schoolsafety.hub.prevention;

import org.schoolsafety.hub.CborSerializable;

/**
 * Something around a school: kind (CONSTRUCTION_SITE, MAJOR_ROAD, RAILWAY, RIVER_OR_RESERVOIR,
 * CHEMICAL_PLANT, ENTERTAINMENT_VENUE, MARKET, OTHER) and distance from the gate in metres.
 */
public record Surrounding(String surroundingId, String kind, int distanceMetres, String description)
    implements CborSerializable {}
