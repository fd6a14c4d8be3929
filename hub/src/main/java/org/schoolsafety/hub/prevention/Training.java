package org.schoolsafety.hub.prevention;

import java.time.LocalDate;
import org.schoolsafety.hub.CborSerializable;

/**
 * A safety training (安全培训). topic: FIRE, FIRST_AID, EVACUATION, LOCKDOWN, ANTI_BULLYING,
 * TRAFFIC, FOOD_SAFETY, OTHER; audience: STAFF, STUDENTS, PARENTS.
 */
public record Training(
    String trainingId, LocalDate date, String topic, String audience, int participants, double hours)
    implements CborSerializable {}
