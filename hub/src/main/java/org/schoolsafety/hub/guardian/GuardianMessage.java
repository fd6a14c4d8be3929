package org.schoolsafety.hub.guardian;

import java.time.Instant;
import org.schoolsafety.hub.CborSerializable;

/**
 * What a guardian told the school about their child's circumstances. {@code child}: how the
 * guardian names the child (optional, the school knows its pupils); {@code guardianId} the
 * redeemed invitation's id, which names nobody. Personal data: only the school's staff read it.
 */
public record GuardianMessage(
    String messageId,
    String schoolId,
    String classId,
    String guardianId,
    GuardianTopic topic,
    String child,
    String text,
    Instant at)
    implements CborSerializable {}
