package org.schoolsafety.hub.incident;

import java.time.Instant;
import org.schoolsafety.hub.CborSerializable;

/**
 * One report on an incident as filed. Continuations may change casualty figures, measures and
 * the level (null = unchanged); the final report states cause and outcome.
 */
public record IncidentReport(
    ReportKind kind,
    Instant at,
    String by,
    Instant occurredAt,
    String summary,
    Casualties casualties,
    String measures,
    Level level,
    Reporter reporter,
    String cause,
    String outcome)
    implements CborSerializable {

  public static IncidentReport followUp(
      ReportKind kind,
      String summary,
      Casualties casualties,
      String measures,
      Level level,
      String cause,
      String outcome) {
    return new IncidentReport(
        kind, null, null, null, summary, casualties, measures, level, null, cause, outcome);
  }

  IncidentReport filed(Instant at, String by) {
    return new IncidentReport(
        kind, at, by, occurredAt, summary, casualties, measures, level, reporter, cause, outcome);
  }
}
