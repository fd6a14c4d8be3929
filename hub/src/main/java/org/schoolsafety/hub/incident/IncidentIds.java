package org.schoolsafety.hub.incident;

import java.nio.ByteBuffer;
import java.util.UUID;
import java.util.regex.Pattern;
import org.schoolsafety.hub.secret.ServerKey;

/**
 * Incident ids. A report that carries a client reference gets an id derived from it, so that a
 * retry lands on the same entity and cannot create a second incident. The derivation is keyed
 * with the hub's secret and scoped by school, mode and the principal that reports: nobody can
 * predict an id from public facts, and one principal's or mode's references can never collide
 * with (and so block, or probe) another's — an exercise cannot squat a real report's reference.
 */
public final class IncidentIds {

  private static final Pattern FORMAT =
      Pattern.compile("inc-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private final ServerKey key;

  public IncidentIds(ServerKey serverKey) {
    this.key = serverKey.forPurpose("incident-id");
  }

  /** The id for a report; {@code reportedBy} is the principal's id (role and subject). */
  public String forReport(String schoolId, Mode mode, String reportedBy, String clientRef) {
    if (clientRef == null || clientRef.isEmpty()) {
      return "inc-" + UUID.randomUUID();
    }
    ByteBuffer mac = ByteBuffer.wrap(key.mac(schoolId, mode.name(), reportedBy, clientRef));
    return "inc-" + new UUID(mac.getLong(), mac.getLong());
  }

  public static boolean isValid(String incidentId) {
    return incidentId != null && FORMAT.matcher(incidentId).matches();
  }
}
