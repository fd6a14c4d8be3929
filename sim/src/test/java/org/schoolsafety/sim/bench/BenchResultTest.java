package org.schoolsafety.sim.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class BenchResultTest {

  private static final Latencies.Summary LATENCY = new Latencies.Summary(1000, 12.5, 40.25, 88.0, 130.75);

  @Test
  void everyWorkloadWritesTheCommonFields() throws Exception {
    BenchResult r = BenchResult.of(Workload.STREAMS, "title", 20.0, 19.456, LATENCY, Map.of("report:http-503", 2L));
    JsonNode json = new ObjectMapper().readTree(r.jsonText());
    assertThat(json.fieldNames()).toIterable().startsWith("workload", "offeredRate", "achievedRate", "p50Ms", "p95Ms",
        "p99Ms", "maxMs", "errors");
    assertThat(json.get("workload").asText()).isEqualTo("streams");
    assertThat(json.get("offeredRate").asDouble()).isEqualTo(20.0);
    assertThat(json.get("achievedRate").asDouble()).isEqualTo(19.46);
    assertThat(json.get("p50Ms").asDouble()).isEqualTo(12.5);
    assertThat(json.get("p95Ms").asDouble()).isEqualTo(40.25);
    assertThat(json.get("p99Ms").asDouble()).isEqualTo(88.0);
    assertThat(json.get("maxMs").asDouble()).isEqualTo(130.75);
    assertThat(json.get("errors").get("report:http-503").asLong()).isEqualTo(2);
  }

  @Test
  void aClosedLoopHasNoOfferedRateAndNoErrorsIsAnEmptyObject() throws Exception {
    JsonNode json = new ObjectMapper().readTree(
        BenchResult.of(Workload.BASELINE, "t", null, 9000, LATENCY, Map.of()).jsonText());
    assertThat(json.get("offeredRate").isNull()).isTrue();
    assertThat(json.get("errors").isObject()).isTrue();
    assertThat(json.get("errors").size()).isZero();
  }

  @Test
  void reportsAddTheBaselineTheRatioAndTheWritesPerReportByTable() throws Exception {
    WritesPerReport writes = WritesPerReport.between(
        Map.of("school_safety.messages", 100L, "school_safety.tag_views", 10L),
        Map.of("school_safety.messages", 700L, "school_safety.tag_views", 310L), 100);
    BenchResult r = BenchResult.of(Workload.REPORTS, "title", 50.0, 48.0, LATENCY, Map.of()).storage(12_000, writes);
    JsonNode json = new ObjectMapper().readTree(r.jsonText());
    assertThat(json.get("baselineRate").asDouble()).isEqualTo(12_000);
    assertThat(json.get("ratioToBaseline").asDouble()).isEqualTo(0.004); // 48 / 12000
    assertThat(json.get("writesPerReport").asDouble()).isEqualTo(9.0);   // (600 + 300) / 100
    JsonNode tables = json.get("writesPerTable");
    assertThat(tables.fieldNames()).toIterable().containsExactly("school_safety.messages", "school_safety.tag_views");
    assertThat(tables.get("school_safety.messages").get("writes").asLong()).isEqualTo(600);
    assertThat(tables.get("school_safety.messages").get("perReport").asDouble()).isEqualTo(6.0);
    assertThat(tables.get("school_safety.tag_views").get("perReport").asDouble()).isEqualTo(3.0);
    assertThat(r.table()).contains("ratio to baseline", "0.0040", "Cassandra writes per report", "9 (900 writes for 100 reports",
        "school_safety.messages", "600");
  }

  @Test
  void readsPerReportAreCountedByTableLikeTheWrites() throws Exception {
    WritesPerReport reads = WritesPerReport.between(
        Map.of("school_safety.messages", 40L, "school_safety_snapshot.snapshots", 5L, "system.local", 1L),
        Map.of("school_safety.messages", 240L, "school_safety_snapshot.snapshots", 55L, "system.local", 900L), 50);
    BenchResult r = BenchResult.of(Workload.REPORTS, "title", 50.0, 48.0, LATENCY, Map.of()).reads(reads);
    JsonNode json = new ObjectMapper().readTree(r.jsonText());
    assertThat(json.get("readsPerReport").asDouble()).isEqualTo(5.0);   // (200 + 50) / 50, Cassandra's own left out
    JsonNode tables = json.get("readsPerTable");
    assertThat(tables.fieldNames()).toIterable().containsExactly("school_safety.messages", "school_safety_snapshot.snapshots");
    assertThat(tables.get("school_safety.messages").get("reads").asLong()).isEqualTo(200);
    assertThat(tables.get("school_safety_snapshot.snapshots").get("perReport").asDouble()).isEqualTo(1.0);
    assertThat(json.has("readsProblems")).isFalse();
    assertThat(r.table()).contains("Cassandra reads per report", "5 (250 reads and range scans for 50 reports",
        "reads per table");
  }

  @Test
  void payloadIsWhatTheJournalHoldsUnlessToldOtherwise() {
    assertThat(Payload.choose(600, OptionalDouble.of(935.6), 697)).isEqualTo(new Payload(600, "--payload-bytes"));
    assertThat(Payload.choose(null, OptionalDouble.of(935.6), 697).bytes()).isEqualTo(936);
    assertThat(Payload.choose(null, OptionalDouble.empty(), 697).bytes()).isEqualTo(697);
    assertThat(Optional.of(ReportBody.bytes("bench-reports-20261130T000000-0000"))).get().asInstanceOf(
        org.assertj.core.api.InstanceOfAssertFactories.INTEGER).isBetween(500, 800);
  }
}
