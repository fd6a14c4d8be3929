package org.schoolsafety.hub.hazard;

import java.time.Instant;
import org.schoolsafety.hub.CborSerializable;

/**
 * The five fixes of a rectification plan (五定): who is responsible, what is done, with how much
 * money (yuan), by when, and what keeps people safe meanwhile.
 */
public record RectificationPlan(
    String responsible, String measures, long fundingYuan, Instant deadline, String interimSafeguard)
    implements CborSerializable {}
