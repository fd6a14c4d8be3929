package org.schoolsafety.persistence.readside;

/** One row of the school lists (e.g. the console's map). */
public record SchoolSummary(
    String schoolId, String name, String regionCode, String type, double lat, double lon,
    String posture, int openIncidents, java.util.Set<String> evacuationMonths) {}
