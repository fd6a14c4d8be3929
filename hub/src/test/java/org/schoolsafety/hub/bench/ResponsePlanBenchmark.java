package org.schoolsafety.hub.bench;

import com.typesafe.config.ConfigFactory;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.schoolsafety.hub.agency.AgencyKind;
import org.schoolsafety.hub.incident.IncidentType;
import org.schoolsafety.hub.incident.Level;
import org.schoolsafety.hub.plan.ResponsePlan;

/**
 * Response-plan evaluation: which kinds of agency an incident calls on, for the shipped plan
 * ({@code hub.response-plan} in reference.conf), cycling through every type × level so that no
 * one answer is constant-folded.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class ResponsePlanBenchmark {

  private ResponsePlan plan;
  private IncidentType[] types;
  private Level[] levels;
  private int next;

  @Setup
  public void setUp() {
    plan = ResponsePlan.fromConfig(ConfigFactory.load().getConfig("hub.response-plan"));
    int combinations = IncidentType.values().length * Level.values().length;
    types = new IncidentType[combinations];
    levels = new Level[combinations];
    int i = 0;
    for (IncidentType type : IncidentType.values()) {
      for (Level level : Level.values()) {
        types[i] = type;
        levels[i] = level;
        i++;
      }
    }
  }

  /** One lookup: the kinds for a type and level. */
  @Benchmark
  public Set<AgencyKind> kindsFor() {
    int i = next;
    next = i + 1 == types.length ? 0 : i + 1;
    return plan.kindsFor(types[i], levels[i]);
  }

  /** Reading and checking the whole plan from configuration (once per node start). */
  @Benchmark
  public ResponsePlan fromConfig() {
    return ResponsePlan.fromConfig(ConfigFactory.load().getConfig("hub.response-plan"));
  }
}
