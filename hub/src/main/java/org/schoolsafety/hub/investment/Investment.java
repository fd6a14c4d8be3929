package org.schoolsafety.hub.investment;

import java.time.Instant;
import java.time.LocalDate;
import org.schoolsafety.hub.CborSerializable;

/**
 * One item of a school's safety spending. Amounts are kept in fen (1/100 yuan) so that sums are
 * exact. {@code hazardId}: the hazard whose rectification plan it funds; {@code programme}: the
 * programme it belongs to (either, both or neither).
 */
public record Investment(String investmentId, String schoolId, String regionCode, LocalDate date,
    InvestmentCategory category, long amountFen, String hazardId, String programme, Instant recordedAt,
    String recordedBy) implements CborSerializable {

  /** The same spending as {@code other}, whoever recorded it when: a retry, not a correction. */
  public boolean sameAs(Investment other) {
    return other != null && investmentId.equals(other.investmentId) && schoolId.equals(other.schoolId)
        && date.equals(other.date) && category == other.category && amountFen == other.amountFen
        && java.util.Objects.equals(hazardId, other.hazardId) && java.util.Objects.equals(programme, other.programme);
  }
}
