package org.schoolsafety.sim.bench;

import java.util.OptionalDouble;

/**
 * How many bytes a baseline row carries: what the hub writes to its journal for one report (the
 * mean size of the first event of the run's incidents — or of any incidents when none of the run's
 * exist), else the report's JSON request body; {@code --payload-bytes} overrides both.
 */
public record Payload(int bytes, String source) {

  static Payload choose(Integer override, OptionalDouble journalEventBytes, int requestBodyBytes) {
    if (override != null) {
      return new Payload(override, "--payload-bytes");
    }
    if (journalEventBytes.isPresent()) {
      return new Payload((int) Math.round(journalEventBytes.getAsDouble()), "the mean size of a report's journal event");
    }
    return new Payload(requestBodyBytes, "the report's JSON request body (no report in the journal yet)");
  }
}
