package org.schoolsafety.sim.scenario;

import java.util.List;

/**
 * A scenario file that cannot be used. The message names the file and, for each problem, the
 * line (JSON syntax) or the field path with its line (meaning), e.g.
 * {@code incidents[1].level (line 14): must be one of [I, II, III, IV, UNGRADED]}.
 */
public final class ScenarioException extends RuntimeException {

  private final List<String> problems;

  public ScenarioException(String source, List<String> problems) {
    super(source + ": " + (problems.size() == 1 ? problems.get(0)
        : problems.size() + " problems:\n  " + String.join("\n  ", problems)));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
