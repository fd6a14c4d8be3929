package org.schoolsafety.sim.run;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How to run a drill ({@code bin/hub drill --help}). {@code speed} null: the scenario's;
 * {@code seed} null: the scenario's; {@code drillId} null: generated.
 */
public record DrillOptions(
    Path scenario,
    URI hub,
    Double speed,
    Path out,
    Path secretFile,
    Long seed,
    String drillId,
    int concurrency,
    Progress.Mode progress,
    Duration settle,
    Duration readBackTimeout) {

  public static final int DEFAULT_CONCURRENCY = 32;
}
