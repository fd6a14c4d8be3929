package org.schoolsafety.hub.incident;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Incident ids. A report that carries a client reference gets an id derived from (school,
 * reference), so a retry lands on the same entity and cannot create a second incident.
 */
public final class IncidentIds {

  private static final Pattern FORMAT =
      Pattern.compile("inc-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private IncidentIds() {}

  public static String forReport(String schoolId, String clientRef) {
    if (clientRef == null || clientRef.isEmpty()) {
      return "inc-" + UUID.randomUUID();
    }
    String key = schoolId + "\n" + clientRef;
    return "inc-" + UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8));
  }

  public static boolean isValid(String incidentId) {
    return incidentId != null && FORMAT.matcher(incidentId).matches();
  }
}
