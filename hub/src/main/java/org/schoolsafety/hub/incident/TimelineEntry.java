package org.schoolsafety.hub.incident;

import java.time.Instant;
import org.schoolsafety.hub.CborSerializable;

/** One line of an incident's history: when, what, who, and a human-readable detail. */
public record TimelineEntry(Instant at, String event, String by, String detail)
    implements CborSerializable {}
