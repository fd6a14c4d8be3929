package org.schoolsafety.hub.prevention;

import java.time.LocalDate;
import org.schoolsafety.hub.CborSerializable;

/**
 * A suspected outbreak in one class: {@code cases} students with {@code symptom} from
 * {@code from} to {@code to}; {@code rule} DAY (one day over the daily threshold) or THREE_DAYS.
 */
public record OutbreakCluster(
    String clusterId, String classId, Symptom symptom, String rule, LocalDate from, LocalDate to, int cases)
    implements CborSerializable {}
