package org.schoolsafety.sim.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The failover's phases read back from survivors' log lines as the nodes write them. */
class FailoverPhasesTest {

  static final String UNREACHABLE = " WARN  o.a.p.cluster.Cluster - Cluster Node [pekko://hub@127.0.0.1:24839] - Marking node as "
      + "UNREACHABLE [Member(pekko://hub@127.0.0.1:24840, Up)].";
  static final String DECISION = " WARN  o.a.p.c.s.SplitBrainResolver - SBR took decision DownUnreachable and is downing "
      + "[pekko://hub@127.0.0.1:24840], [1] unreachable of [3] members";
  static final String REMOVED = " WARN  o.a.p.r.a.Association - Association to [pekko://hub@127.0.0.1:24840] with UID [1] is "
      + "irrecoverably failed. UID is now quarantined and all messages to this UID will be delivered to dead letters. "
      + "Remote ActorSystem must be restarted to recover from this situation. Reason: Cluster member removed, previous status [Down]";

  @Test
  void eachPhaseIsItsFirstLineAfterTheFailure() {
    var lines = Stream.of(
        "15:30:20.000" + UNREACHABLE,             // a flap before the failure: not this failover
        "15:30:31.000 INFO  org.schoolsafety.audit - nothing of interest",
        "15:30:38.385" + UNREACHABLE,
        "15:30:39.421" + UNREACHABLE,
        "15:30:45.667" + DECISION,
        "15:30:47.915" + REMOVED,
        "15:30:48.444" + REMOVED);

    var phases = FailoverPhases.fromLines(lines, LocalTime.parse("15:30:31.031"));

    assertThat(phases).containsExactly(
        java.util.Map.entry("unreachable", 7.354), java.util.Map.entry("downingDecision", 14.636),
        java.util.Map.entry("removed", 16.884));
  }

  @Test
  void aFailureJustBeforeMidnightIsFollowedIntoTheNextDay() {
    var phases = FailoverPhases.fromLines(Stream.of("00:00:05.500" + UNREACHABLE), LocalTime.parse("23:59:59.000"));
    assertThat(phases).containsEntry("unreachable", 6.5);
  }

  @Test
  void theEarliestLineOfAllSurvivorsCountsAndAPhaseNotLoggedIsLeftOut(@TempDir Path dir) throws Exception {
    Path one = Files.write(dir.resolve("node-1.log"), List.of("12:00:07.000" + UNREACHABLE, "12:00:14.000" + DECISION));
    Path three = Files.write(dir.resolve("node-3.log"), List.of("12:00:06.000" + UNREACHABLE));
    Instant failedAt = LocalDate.of(2026, 12, 2).atTime(12, 0).atZone(ZoneId.systemDefault()).toInstant();

    var phases = FailoverPhases.read(List.of(one, three, dir.resolve("node-gone.log")), failedAt);

    assertThat(phases).containsExactly(java.util.Map.entry("unreachable", 6.0), java.util.Map.entry("downingDecision", 14.0));
  }
}
