package org.schoolsafety.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.schoolsafety.sim.bench.BenchMain;
import org.schoolsafety.sim.hub.Tokens;

/**
 * Short smoke runs of {@code hub bench} against a real dev node (child process, embedded
 * Cassandra, demo data) with the node's default limits: each workload runs, prints its table and
 * writes JSON whose fields hold together. Figures are read, never bounded: nothing here depends
 * on how fast this machine is.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedDevNode.class)
@Order(4)
class BenchEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private DevNode node;
  private Path work;

  private record Run(int status, String out, String err, JsonNode json) {}

  @BeforeAll
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void useTheSharedDevNode(SharedDevNode.Handle shared) throws Exception {
    work = shared.work("bench");
    java.nio.file.Files.createDirectories(work);
    node = shared.node();
    Tokens tokens = Tokens.fromSecretFile(node.dataDir.resolve("auth").resolve("dev-secret"));
    HttpClient http = HttpClient.newHttpClient();
    // the school list is a read-side table: the benchmark takes its counties from it
    Awaitility.await("demo schools listed").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500)).until(() -> {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(node.uri() + "/api/v1/schools?region=65"))
          .header("Authorization", "Bearer " + tokens.operator("e2e")).build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 && JSON.readTree(r.body()).path("schools").size() >= 3;
    });
  }

  private Run bench(String name, String... args) throws Exception {
    Path out = work.resolve(name + ".json");
    var all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--out", out.toString()));
    var stdout = new ByteArrayOutputStream();
    var stderr = new ByteArrayOutputStream();
    int status = BenchMain.run(all.toArray(String[]::new), new PrintStream(stdout, true, StandardCharsets.UTF_8),
        new PrintStream(stderr, true, StandardCharsets.UTF_8));
    String o = stdout.toString(StandardCharsets.UTF_8);
    String e = stderr.toString(StandardCharsets.UTF_8);
    System.out.println(e);
    System.out.println(o);
    assertThat(status).as("exit status; stderr:\n" + e).isZero();
    return new Run(status, o, e, JSON.readTree(out.toFile()));
  }

  private String[] hubArgs(String workload, String... more) {
    var args = new ArrayList<>(List.of(workload, "--hub", node.uri().toString(), "--data", node.dataDir.toString()));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void baseline() throws Exception {
    Run run = bench("baseline", "baseline", "--cassandra-port", String.valueOf(node.cassandraPort), "--duration", "3s",
        "--warmup", "1s", "--concurrency", "8");
    JsonNode j = run.json();
    assertThat(j.get("workload").asText()).isEqualTo("baseline");
    assertThat(j.get("offeredRate").isNull()).isTrue();
    assertThat(j.get("achievedRate").asDouble()).isPositive();
    assertThat(j.get("p50Ms").asDouble()).isLessThanOrEqualTo(j.get("p99Ms").asDouble());
    assertThat(j.get("p99Ms").asDouble()).isLessThanOrEqualTo(j.get("maxMs").asDouble());
    assertThat(j.get("baseline").get("rows").asLong()).isPositive();
    assertThat(j.get("baseline").get("consistency").asText()).isEqualTo("QUORUM");
    assertThat(j.has("errors")).isTrue();
    assertThat(run.out()).contains("bench baseline", "achieved rate");
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void reportsAtAFixedRate() throws Exception {
    Run run = bench("reports", hubArgs("reports", "--cassandra-port", String.valueOf(node.cassandraPort), "--rate", "4",
        "--duration", "6s", "--warmup", "2s", "--baseline-duration", "2s", "--schools", "16", "--concurrency", "8"));
    JsonNode j = run.json();
    assertThat(j.get("workload").asText()).isEqualTo("reports");
    assertThat(j.get("offeredRate").asDouble()).isEqualTo(4.0);
    long accepted = j.get("accepted").asLong();
    assertThat(accepted).isPositive();
    assertThat(j.get("achievedRate").asDouble()).isPositive();
    assertThat(j.get("baselineRate").asDouble()).isPositive();
    assertThat(j.get("ratioToBaseline").asDouble())
        .isCloseTo(j.get("achievedRate").asDouble() / j.get("baselineRate").asDouble(), org.assertj.core.api.Assertions.within(1e-4));
    // every accepted report was journaled, with its acknowledgements, as the node's own counters say
    JsonNode tables = j.get("writesPerTable");
    assertThat(tables.get("school_safety.messages").get("writes").asLong()).isGreaterThanOrEqualTo(accepted);
    double sum = 0;
    for (JsonNode t : tables) {
      sum += t.get("writes").asLong();
    }
    assertThat(j.get("writesMeasuredOver").get("writes").asDouble()).isEqualTo(sum);
    assertThat(j.get("writesPerReport").asDouble()).isCloseTo(sum / accepted, org.assertj.core.api.Assertions.within(0.01));
    assertThat(tables.fieldNames()).toIterable().allMatch(t -> t.startsWith("school_safety"));
    // each new incident is recovered (found empty) before its report is written: reads of the journal
    JsonNode reads = j.get("readsPerTable");
    assertThat(reads.get("school_safety.messages").get("reads").asLong()).isGreaterThanOrEqualTo(accepted);
    assertThat(reads.fieldNames()).toIterable().allMatch(t -> t.startsWith("school_safety"));
    assertThat(j.get("readsPerReport").asDouble()).isPositive();
    assertThat(j.get("acks").get("acknowledged").asLong()).isPositive();
    // every dispatch seen is timed from its report's intended send time to its arrival on the agency's stream
    assertThat(j.get("dispatch").get("count").asLong()).isEqualTo(j.get("acks").get("dispatchesSeen").asLong());
    assertThat(j.get("dispatch").get("p50Ms").asDouble()).isPositive();
    assertThat(j.get("journalReportEventBytes").asLong()).isPositive();
    assertThat(j.get("payloadBytes").asLong()).isEqualTo(j.get("baseline").get("payloadBytes").asLong());
    // CPU per report (Linux): the node and its Cassandra, each found by the port it listens on, did work for the reports
    if (java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/net/tcp"))) {
      JsonNode cpu = j.get("cpuMsPerReport");
      assertThat(cpu.get("units").asLong()).isEqualTo(accepted);
      assertThat(cpu.get("hubNode").asDouble()).isPositive();
      assertThat(cpu.get("cassandra").asDouble()).isPositive();
      assertThat(cpu.get("machineWithoutBenchmark").asDouble()).isPositive();
      assertThat(j.get("idleCpuMsPerSecond").has("hubNode")).isTrue();
      JsonNode above = j.get("cpuMsPerReportAboveIdle");
      assertThat(above.get("hubNode").asDouble()).isBetween(0.0, cpu.get("hubNode").asDouble());
    }
    assertThat(run.out()).contains("bench reports", "ratio to baseline", "Cassandra writes per report", "school_safety.messages",
        "CPU per report");
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void streamsSeeEveryReport() throws Exception {
    // one subscriber per region: the node's default of 8 streams per principal is enough
    Run run = bench("streams", hubArgs("streams", "--rate", "3", "--duration", "4s", "--warmup", "0s", "--schools", "16",
        "--subscribers", "13", "--concurrency", "8"));
    JsonNode j = run.json();
    assertThat(j.get("workload").asText()).isEqualTo("streams");
    assertThat(j.get("subscribers").asInt()).isEqualTo(13);
    assertThat(j.get("eventsExpected").asLong()).isPositive();
    assertThat(j.get("eventsDelivered").asLong()).isEqualTo(j.get("eventsExpected").asLong());
    assertThat(j.get("errors").has("stream:lost-event")).isFalse();
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void aSmallSurgeLosesNothing() throws Exception {
    Run run = bench("surge", hubArgs("surge", "--schools", "30", "--duration", "5s", "--concurrency", "8"));
    JsonNode j = run.json();
    assertThat(j.get("workload").asText()).isEqualTo("surge");
    assertThat(j.get("sent").asInt()).isEqualTo(30);
    assertThat(j.get("lost").asLong()).isZero();
    assertThat(j.get("dispatchesInHub").asLong()).isPositive();
    assertThat(j.get("lastDispatchSeconds").asDouble()).isPositive();
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void sensorReadingsAndAlarms() throws Exception {
    Run run = bench("sensors", hubArgs("sensors", "--cassandra-port", String.valueOf(node.cassandraPort), "--rate", "5",
        "--duration", "3s", "--warmup", "0s", "--schools", "4", "--devices", "6", "--alarms", "2", "--concurrency", "8"));
    JsonNode j = run.json();
    assertThat(j.get("workload").asText()).isEqualTo("sensors");
    assertThat(j.get("schools").asInt()).isEqualTo(4);
    long batches = j.get("batchesAccepted").asLong();
    assertThat(batches).isPositive().isEqualTo(j.get("batchesSent").asLong());
    assertThat(j.get("readingsAccepted").asLong()).isEqualTo(batches * 6);
    // each panic press opened its own incident, and that cost journal writes the node counted
    assertThat(j.get("alarmsPressed").asInt()).isEqualTo(2);
    assertThat(j.get("alarmIncidentsOpened").asInt()).isEqualTo(2);
    assertThat(j.get("writesPerAlarm").asDouble()).isPositive();
    assertThat(j.get("writesAlarms").get("school_safety.messages").asLong()).isGreaterThanOrEqualTo(2);
    assertThat(j.get("errors").has("alarm:no-incident")).isFalse();
    assertThat(run.out()).contains("bench sensors", "readings accepted", "Cassandra writes per 1,000 quiet readings");
  }
}
