package org.schoolsafety.persistence.readside;

/**
 * One row of the school lists (e.g. the console's map). {@code openIncidents} counts real
 * incidents, {@code openExercises} drills: a caller is shown only the count it may see.
 */
public record SchoolSummary(
    String schoolId, String name, String regionCode, String type, double lat, double lon,
    String posture, int openIncidents, java.util.Set<String> evacuationMonths, int openExercises) {}
