package org.schoolsafety.sim.bench;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The incident report the benchmark sends: an exercise (mode EXERCISE, the run id as drillId, so it
 * never mixes into real lists and statistics) of a realistic size — a summary, measures taken,
 * casualty figures and the reporter — with a clientRef of its own, as every real report carries.
 */
final class ReportBody {

  private static final String SUMMARY = "Benchmark exercise: smoke reported from the chemistry lab on the third floor of"
      + " building B during the second period; the fire alarm sounded and staff are checking the east stairwell.";
  private static final String MEASURES = "Building B evacuated by stairwells 1 and 2, students assembled on the sports"
      + " ground, roll call in progress, gas supply to the lab shut off.";

  private ReportBody() {}

  static Map<String, Object> of(String runId, long n, String schoolId, String type, String level, Instant now) {
    var body = new LinkedHashMap<String, Object>();
    body.put("schoolId", schoolId);
    body.put("type", type);
    body.put("level", level);
    body.put("mode", "EXERCISE");
    body.put("drillId", runId);
    body.put("occurredAt", now.minus(2, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toString());
    body.put("summary", SUMMARY);
    body.put("casualties", Map.of("dead", 0, "injured", 2, "missing", 0));
    body.put("measures", MEASURES);
    body.put("reporter", Map.of("name", "Wang Fang", "role", "principal", "phone", "+86 138 0000 0000"));
    body.put("clientRef", runId + "-" + n);
    return body;
  }

  /** The size of one report's JSON body, which the storage baseline writes per row unless told otherwise. */
  static int bytes(String runId) {
    try {
      return org.schoolsafety.sim.hub.HubHttp.JSON.writeValueAsBytes(
          of(runId, 1_000_000, "sch-bench-650102-0001", "FIRE", "III", Instant.now())).length;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
