package org.schoolsafety.edge.api.dto;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import org.schoolsafety.edge.api.Fields;
import org.schoolsafety.hub.hazard.NewHazard;
import org.schoolsafety.hub.investment.Investment;
import org.schoolsafety.hub.investment.InvestmentCategory;
import org.schoolsafety.hub.school.SchoolProfile;

/**
 * {@code POST /api/v1/schools/{id}/investments} (issue 18): one item of safety spending, in yuan
 * with at most two decimals (fen); optionally the hazard whose rectification plan it funds and
 * the programme it belongs to. Checked field by field into one 400.
 */
public record InvestmentRequest(String investmentId, String date, String category, BigDecimal amountCny,
    String hazardId, String programme) {

  /** Above this (10 billion yuan) an amount is a typing error, not a school's spending. */
  static final BigDecimal MAX_CNY = new BigDecimal("10000000000");

  public Investment check(SchoolProfile school, String by, Clock clock) {
    var f = new Fields();
    String id = f.id("investmentId", investmentId);
    LocalDate day = PreventionRequests.pastDate(f, "date", date, clock);
    InvestmentCategory c = f.oneOf("category", category, InvestmentCategory.class, null);
    long fen = 0;
    if (f.required("amountCny", amountCny)) {
      if (amountCny.signum() <= 0 || amountCny.compareTo(MAX_CNY) > 0) {
        f.error("amountCny", "must be more than 0 and at most " + MAX_CNY.toPlainString() + " yuan");
      } else if (amountCny.stripTrailingZeros().scale() > 2) {
        f.error("amountCny", "must have at most two decimals (fen)");
      } else {
        fen = amountCny.movePointRight(2).longValueExact();
      }
    }
    String hazard = null;
    if (hazardId != null) {
      if (!NewHazard.isValidId(hazardId)) {
        f.error("hazardId", "must be a hazard id");
      } else {
        hazard = hazardId;
      }
    }
    String prog = f.text("programme", programme, 200, false);
    f.throwIfInvalid();
    return new Investment(id, school.schoolId(), school.region().value(), day, c, fen, hazard, prog,
        clock.instant(), by);
  }
}
