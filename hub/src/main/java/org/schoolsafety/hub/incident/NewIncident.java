package org.schoolsafety.hub.incident;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import org.schoolsafety.hub.CborSerializable;

/**
 * What a school, parent or sensor reports to raise an incident. Drills (mode EXERCISE) carry
 * their {@code drillId} and may run faster than real time: {@code timeScale} divides the
 * incident's acknowledgement deadlines (null: real time). Incidents a school's devices raised
 * carry their {@code origin} (null for reports by people). Records imported from a previous system
 * (issue 18) carry when they were imported ({@code importedAt}, null for live reports): they were
 * handled elsewhere, so the hub dispatches nothing and tells nobody live about them.
 */
public record NewIncident(
    SchoolRef school,
    IncidentType type,
    Level level,
    Mode mode,
    IncidentReport initial,
    String clientRef,
    String drillId,
    Double timeScale,
    DeviceAlarm origin,
    Instant importedAt)
    implements CborSerializable {

  public NewIncident(
      SchoolRef school, IncidentType type, Level level, Mode mode, IncidentReport initial, String clientRef,
      String drillId, Double timeScale, DeviceAlarm origin) {
    this(school, type, level, mode, initial, clientRef, drillId, timeScale, origin, null);
  }

  public NewIncident(
      SchoolRef school, IncidentType type, Level level, Mode mode, IncidentReport initial, String clientRef) {
    this(school, type, level, mode, initial, clientRef, null, null, null);
  }

  public NewIncident(
      SchoolRef school, IncidentType type, Level level, Mode mode, IncidentReport initial, String clientRef,
      String drillId, Double timeScale) {
    this(school, type, level, mode, initial, clientRef, drillId, timeScale, null);
  }

  /** A record imported from a previous system, not a live report. */
  public boolean imported() {
    return importedAt != null;
  }

  /** The same incident marked as imported at {@code at}. */
  NewIncident importedAt(Instant at) {
    return new NewIncident(school, type, level, mode, initial, clientRef, drillId, timeScale, origin, at);
  }

  public boolean deviceRaised() {
    return origin != null;
  }

  /** How many times faster than real time this incident's deadlines run. */
  public double scale() {
    return timeScale == null ? 1.0 : timeScale;
  }

  /**
   * Identifies the whole content of the report, so that a retry (same clientRef, same content)
   * can be told apart from a different report under the same clientRef — a correction sent as
   * a new initial report must be refused, not answered as if it had been stored.
   */
  public String fingerprint() {
    Casualties c = initial.casualties();
    Reporter r = initial.reporter();
    String content =
        String.join(
            "\u001f",
            school.schoolId(),
            type.name(),
            level.name(),
            mode.name(),
            String.valueOf(initial.occurredAt()),
            String.valueOf(initial.summary()),
            c == null ? "-" : c.dead() + "/" + c.injured() + "/" + c.missing(),
            String.valueOf(initial.measures()),
            r == null ? "-" : r.name() + "\u001e" + r.role() + "\u001e" + r.phone(),
            String.valueOf(drillId),
            String.valueOf(timeScale))
        // Only device-raised incidents add their origin, so older fingerprints stay as they were.
        + (origin == null ? "" : "\u001f" + origin);
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
