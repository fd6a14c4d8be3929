package org.schoolsafety.hub.tip;

import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.region.RegionCode;

/**
 * A tip as the tipster wrote it, with the school it is about. Nothing here says who wrote it:
 * the hub never records an address, a user agent, a token or anything else of the tipster.
 * {@code when} and {@code where} are the tipster's own free text (optional).
 */
public record NewTip(
    String tipId,
    String schoolId,
    String schoolName,
    RegionCode region,
    TipCategory category,
    String text,
    String when,
    String where)
    implements CborSerializable {}
