package org.schoolsafety.sim.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuUseTest {

  @Test
  void perUnitIsTheDifferenceOfTwoReadingsInMillisecondsPerUnit() {
    var before = new CpuUse.Reading(0, 100.0, 5.0, ordered(40.0, 30.0));
    var after = new CpuUse.Reading(30_000_000_000L, 112.0, 6.0, ordered(47.5, 33.0));

    CpuUse.PerUnit per = CpuUse.between(before, after, 500);

    assertThat(per.seconds()).isEqualTo(30.0);
    assertThat(per.machine()).isEqualTo(24.0);            // 12 s of CPU over 500 reports
    assertThat(per.benchmark()).isEqualTo(2.0);
    assertThat(per.withoutBenchmark()).isEqualTo(22.0);
    assertThat(per.processes()).containsEntry("hubNode", 15.0).containsEntry("cassandra", 6.0);
    assertThat(per.json()).containsEntry("machineWithoutBenchmark", 22.0).containsEntry("hubNode", 15.0)
        .containsEntry("units", 500L);
    assertThat(per.describe("report"))
        .isEqualTo("22.0 ms per report on the machine without the benchmark: hub node 15.0 ms, Cassandra 6.0 ms (benchmark 2.0 ms)");
  }

  @Test
  void aboveIdleTakesTheWindowsIdleShareOffEveryFigure() {
    // 500 reports over 30 s; idle the machine burns 200 ms/s (20 of them the benchmark's), the node 40, Cassandra 100
    var used = new CpuUse.PerUnit(500, 30.0, 24.0, 2.0, ordered(15.0, 8.0));
    var idle = new CpuUse.PerUnit(5, 5.0, 200.0, 20.0, ordered(40.0, 100.0));

    CpuUse.PerUnit marginal = used.aboveIdle(idle);

    // idle share: 30 s / 500 reports = 0.06 s per report
    assertThat(marginal.withoutBenchmark()).isCloseTo(22.0 - 180 * 0.06, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(marginal.processes().get("hubNode")).isCloseTo(15.0 - 40 * 0.06, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(marginal.processes().get("cassandra")).isCloseTo(8.0 - 100 * 0.06, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(marginal.benchmark()).isEqualTo(2.0);
  }

  @Test
  void aboveIdleNeverGoesBelowZero() {
    var used = new CpuUse.PerUnit(10, 100.0, 5.0, 1.0, ordered(1.0, 1.0));
    var idle = new CpuUse.PerUnit(1, 1.0, 100.0, 1.0, ordered(50.0, 50.0));

    CpuUse.PerUnit marginal = used.aboveIdle(idle);

    assertThat(marginal.withoutBenchmark()).isZero();
    assertThat(marginal.processes().values()).containsOnly(0.0);
  }

  @Test
  void noUnitsIsSaidSoRatherThanNaN() {
    var none = CpuUse.between(new CpuUse.Reading(0, 1.0, 1.0, Map.of()), new CpuUse.Reading(1, 2.0, 1.0, Map.of()), 0);
    assertThat(none.describe("report")).isEqualTo("- (no report)");
    assertThat(none.json().get("machineWithoutBenchmark")).isNull();
  }

  @Test
  void perSecondDividesByTheWallClockBetweenTheReadings() {
    var before = new CpuUse.Reading(0, 10.0, 1.0, Map.of());
    var after = new CpuUse.Reading(4_000_000_000L, 11.0, 1.2, Map.of());

    CpuUse.PerUnit per = CpuUse.perSecond(before, after);

    assertThat(per.machine()).isEqualTo(250.0);
    assertThat(per.withoutBenchmark()).isEqualTo(200.0);
  }

  @Test
  void aProcessThatWentAwayOrRestartedIsLeftOutRatherThanCountedWrong() {
    var before = new CpuUse.Reading(0, 10.0, 1.0, Map.of("hubNode", 40.0, "cassandra", 30.0));
    var after = new CpuUse.Reading(1_000_000_000L, 11.0, 1.0, Map.of("hubNode", 2.0));   // restarted; Cassandra gone

    assertThat(CpuUse.between(before, after, 10).processes()).isEmpty();
  }

  @Test
  void withoutProcFiguresAreAbsentAndSaidSo() {
    var nothing = new CpuUse.Reading(0, null, 1.0, Map.of());
    CpuUse.PerUnit per = CpuUse.between(nothing, new CpuUse.Reading(1, null, 1.0, Map.of()), 10);

    assertThat(per.withoutBenchmark()).isNull();
    assertThat(per.describe("report")).isEqualTo("- (no /proc here)");
  }

  @Test
  void findsTheProcessListeningOnAPortAndReadsItsCpu() throws Exception {
    assumeThat(Files.isReadable(Path.of("/proc/net/tcp"))).as("Linux /proc").isTrue();
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      long self = ProcessHandle.current().pid();
      var ports = new LinkedHashMap<String, Integer>();
      ports.put("hubNode", socket.getLocalPort());

      CpuUse cpu = CpuUse.listeningOn(ports);

      assertThat(CpuUse.isJava(self)).isTrue();
      assertThat(cpu.pids()).containsExactly(Map.entry("hubNode", self));
      CpuUse.Reading reading = cpu.read();
      assertThat(reading.processes().get("hubNode")).isPositive();   // this JVM has run for a while
      assertThat(reading.machine()).isPositive();
    }
  }

  @Test
  void aPortNobodyListensOnFindsNoProcess() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    assertThat(CpuUse.pidListeningOn(port)).isEmpty();
  }

  /** As a reading holds them: in the order they were asked for. */
  private static Map<String, Double> ordered(double hubNode, double cassandra) {
    var m = new LinkedHashMap<String, Double>();
    m.put("hubNode", hubNode);
    m.put("cassandra", cassandra);
    return m;
  }

  @Test
  void labelsReadAsWords() {
    assertThat(CpuUse.label("hubNode")).isEqualTo("hub node");
    assertThat(CpuUse.label("cassandra")).isEqualTo("Cassandra");
  }
}
