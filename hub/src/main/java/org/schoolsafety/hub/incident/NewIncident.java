package org.schoolsafety.hub.incident;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.schoolsafety.hub.CborSerializable;

/** What a school, parent or sensor reports to raise an incident. */
public record NewIncident(
    SchoolRef school,
    IncidentType type,
    Level level,
    Mode mode,
    IncidentReport initial,
    String clientRef)
    implements CborSerializable {

  /**
   * Identifies the content of the report so that a retry (same clientRef, same content) can be
   * told apart from a different report that reuses a clientRef by mistake.
   */
  public String fingerprint() {
    String content =
        String.join(
            "\u001f",
            school.schoolId(),
            type.name(),
            level.name(),
            mode.name(),
            String.valueOf(initial.occurredAt()),
            String.valueOf(initial.summary()));
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
