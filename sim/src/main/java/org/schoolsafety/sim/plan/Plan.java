package org.schoolsafety.sim.plan;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything the drill will do, computed up front from the scenario and its seed, in drill time
 * from the drill's start. The runner sends each request at its time whatever happened before
 * (open loop).
 */
public record Plan(List<Incident> incidents, Duration end) {

  public enum Step {
    CONTINUATION,
    FINAL,
    CLOSE,
    CANCEL
  }

  /** A planned incident; {@code index} also makes its clientRef ({@code <drillId>-<index>}). */
  public record Incident(
      int index,
      int wave,
      String schoolId,
      String type,
      String level,
      Duration occurredAt,
      Duration reportAt,
      String summary,
      String measures,
      Map<String, Integer> casualties,
      Map<String, String> reporter,
      List<FollowUp> followUps) {}

  /**
   * A later request on the incident. {@code body} is the JSON body; {@code by} for CLOSE and
   * CANCEL is OPERATOR or COMMAND_CENTER (the school's county command center).
   */
  public record FollowUp(Step step, Duration at, Map<String, Object> body, String by) {}

  public int requests() {
    return incidents.size() + incidents.stream().mapToInt(i -> i.followUps().size()).sum();
  }
}
