package org.schoolsafety.hub.priorities;

/**
 * One action that could be funded: what it costs (yuan) and how many risk points it is expected
 * to take off (the risk model's own weights; issue 18 item 4).
 */
public record Candidate(String id, long costYuan, double riskReduction) {

  public Candidate {
    if (costYuan < 0 || riskReduction < 0 || Double.isNaN(riskReduction) || Double.isInfinite(riskReduction)) {
      throw new IllegalArgumentException("a candidate's cost and risk reduction are finite and not negative: " + id);
    }
  }
}
