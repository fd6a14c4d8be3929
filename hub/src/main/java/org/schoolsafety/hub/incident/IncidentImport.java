package org.schoolsafety.hub.incident;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.agency.AgencyKind;

/**
 * A closed incident from a region's previous system (issue 18): what happened and when, as that
 * system recorded it, so that the hub's evaluations have a baseline from the day a region joins.
 *
 * <p>{@code incident} is the initial report as filed ({@code initial().at()} is when the previous
 * system received it); {@code reports} the continuations and the final report, each with its
 * {@code at}; {@code dispatches} one per agency kind; {@code closedAt} null when the incident
 * ended RESOLVED (final report in, never closed).
 */
public record IncidentImport(
    NewIncident incident,
    List<IncidentReport> reports,
    List<DispatchRecord> dispatches,
    Instant closedAt,
    String closeNote)
    implements CborSerializable {

  /**
   * One kind of agency's part: notified at {@code notifiedAt} (the most specific agency covering
   * the school), escalated one tier up at each of {@code escalatedAt}, then acknowledged by the
   * tier it had reached ({@code acknowledgedAt}), or unanswered at the top tier ({@code unansweredAt}),
   * or neither when the incident ended first.
   */
  public record DispatchRecord(
      AgencyKind kind,
      Instant notifiedAt,
      List<Instant> escalatedAt,
      Instant acknowledgedAt,
      String note,
      Instant unansweredAt)
      implements CborSerializable {

    public DispatchRecord {
      escalatedAt = escalatedAt == null ? List.of() : List.copyOf(escalatedAt);
    }
  }

  public IncidentImport {
    reports = List.copyOf(reports);
    dispatches = List.copyOf(dispatches);
  }

  public Instant receivedAt() {
    return incident.initial().at();
  }

  /** When the record's last event happened: its closing, or else its final report. */
  public Instant endedAt() {
    return closedAt != null ? closedAt : reports.get(reports.size() - 1).at();
  }

  /** The whole content: a retry with the same content is a replay, other content under the same reference a conflict. */
  public String fingerprint() {
    StringBuilder content = new StringBuilder(incident.fingerprint()).append("\u001f").append(receivedAt());
    for (IncidentReport r : reports) {
      content.append("\u001f").append(r);
    }
    for (DispatchRecord d : dispatches) {
      content.append("\u001f").append(d);
    }
    content.append("\u001f").append(closedAt).append("\u001e").append(closeNote);
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(content.toString().getBytes(StandardCharsets.UTF_8));
      return "import-" + HexFormat.of().formatHex(digest, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
