package org.schoolsafety.sim.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

  private record Outcome(int status, String out, String err) {}

  private static Outcome main(String... args) {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    int status = BenchMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void helpPrintsUsageAndExitsZero() {
    for (String[] args : new String[][] {{"--help"}, {"-h"}, {"bench", "--help"}, {"--help", "nonsense"}}) {
      Outcome o = main(args);
      assertThat(o.status()).as(String.join(" ", args)).isZero();
      assertThat(o.out()).contains("usage: hub bench <workload>", "reports", "streams", "surge", "baseline", "--rate R",
          "--cassandra-port N", "--out FILE");
      assertThat(o.err()).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"reports", "streams", "surge", "baseline", "schools", "sensors"})
  void everyWorkloadHasHelpThatExitsZero(String workload) {
    Outcome o = main(workload, "--help");
    assertThat(o.status()).isZero();
    assertThat(o.out()).startsWith("hub bench " + workload + ": ").contains("usage: hub bench <workload>");
    // help wins over anything else on the line, even a bad option
    assertThat(main(workload, "--rate", "fast", "-h").status()).isZero();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "reports --speed 3                       | unknown option --speed",
      "reports --rate                          | --rate needs a value",
      "reports --rate fast                     | --rate needs a number, not 'fast'",
      "reports --rate 0                        | --rate must be between 0.1 and 100000, not 0",
      "reports --rate 5 --rate 6               | --rate is given twice",
      "reports --concurrency 0                 | --concurrency must be between 1 and 1024, not 0",
      "reports --concurrency 2.5               | --concurrency needs a whole number, not '2.5'",
      "reports --duration soon                 | --duration must be a duration such as 500ms, 90s, 2m, 1.5h or 1d, not 'soon'",
      "reports --duration 10s --step 20s       | --step (20.0s) is longer than --duration (10.0s)",
      "reports --hub http://10.1.2.3:8080      | --hub must be on this machine (127.0.0.1, localhost or [::1])",
      "reports --hub ftp://127.0.0.1           | --hub must be an http(s) URL",
      "reports --cassandra-port 70000          | --cassandra-port must be between 1 and 65535, not 70000",
      "reports --subscribers 5                 | --subscribers does not apply to reports (only to streams)",
      "surge --rate 10                         | --rate does not apply to surge (only to reports, streams, baseline, sensors)",
      "baseline --schools 10                   | --schools does not apply to baseline (only to reports, streams, surge, schools, sensors)",
      "schools --rate 10                       | --rate does not apply to schools (only to reports, streams, baseline, sensors)",
      "reports --devices 5                     | --devices does not apply to reports (only to sensors)",
      "sensors --devices 0                     | --devices must be between 1 and 500, not 0",
      "sensors --alarms many                   | --alarms needs a whole number, not 'many'",
      "schools --node-pid x                    | --node-pid needs a whole number, not 'x'",
      "surge --province 6501                   | --province must be a 2-digit province code, not '6501'",
      "sprint                                  | unknown workload 'sprint' (one of reports, streams, surge, baseline, schools, sensors)",
      "reports streams                         | one workload at a time: 'streams' after reports",
      "--rate 5                                | which workload?"})
  void badUsageNamesTheProblemAndExitsTwo(String line, String message) {
    Outcome o = main(line.trim().split("\\s+"));
    assertThat(o.status()).isEqualTo(2);
    assertThat(o.err()).startsWith("hub bench: ").contains(message.trim());
    assertThat(o.out()).isEmpty();
  }

  @Test
  void defaultsDependOnTheWorkload() {
    BenchOptions search = BenchOptions.parse("reports");
    assertThat(search.rate()).isNull();
    assertThat(search.duration()).isEqualTo(Duration.ofMinutes(2)); // the whole search
    assertThat(search.step()).isEqualTo(Duration.ofSeconds(15));
    assertThat(search.p99Limit()).isEqualTo(Duration.ofMillis(100));
    assertThat(search.concurrency()).isEqualTo(32);
    assertThat(search.hub().toString()).isEqualTo("http://127.0.0.1:8080");
    assertThat(search.cassandraPort()).isEqualTo(9042);
    assertThat(search.secretFile()).isEqualTo(Path.of("./data", "auth", "dev-secret"));
    assertThat(BenchOptions.parse("reports", "--rate", "20").duration()).isEqualTo(Duration.ofSeconds(60));
    BenchOptions surge = BenchOptions.parse("surge");
    assertThat(surge.schools()).isEqualTo(5000);
    assertThat(surge.duration()).isEqualTo(Duration.ofMinutes(5));
    assertThat(surge.province()).isEqualTo("65");
    assertThat(BenchOptions.parse("streams").subscribers()).isEqualTo(200);
    assertThat(BenchOptions.parse("baseline").payloadBytes()).isNull();
    assertThat(BenchOptions.parse("schools").schools()).isEqualTo(100_000);
    assertThat(BenchOptions.parse("schools").nodePid()).isNull();
    assertThat(BenchOptions.parse("schools", "--node-pid", "4242").nodePid()).isEqualTo(4242L);
    assertThat(BenchOptions.parse("reports").hubPort()).isEqualTo(8080);
    assertThat(BenchOptions.parse("reports", "--hub", "http://localhost").hubPort()).isEqualTo(80);
    assertThat(BenchOptions.parse("reports", "--hub", "https://127.0.0.1/").hubPort()).isEqualTo(443);
    BenchOptions sensors = BenchOptions.parse("sensors");
    assertThat(sensors.schools()).isEqualTo(50);
    assertThat(sensors.devices()).isEqualTo(20);
    assertThat(sensors.alarms()).isEqualTo(10);
    assertThat(sensors.duration()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void valuesAreTakenAsGiven() {
    BenchOptions o = BenchOptions.parse("bench", "reports", "--rate", "20", "--concurrency=64", "--duration", "30s",
        "--hub", "http://localhost:18080/", "--data", "/tmp/d", "--cassandra-port", "19042", "--out", "/tmp/r.json",
        "--warmup", "0s", "--seed", "7", "--schools", "50", "--payload-bytes", "600");
    assertThat(o.workload()).isEqualTo(Workload.REPORTS);
    assertThat(o.rate()).isEqualTo(20.0);
    assertThat(o.concurrency()).isEqualTo(64);
    assertThat(o.duration()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.hub().toString()).isEqualTo("http://localhost:18080");
    assertThat(o.secretFile()).isEqualTo(Path.of("/tmp/d/auth/dev-secret"));
    assertThat(o.cassandraPort()).isEqualTo(19042);
    assertThat(o.out()).isEqualTo(Path.of("/tmp/r.json"));
    assertThat(o.warmup()).isZero();
    assertThat(o.seed()).isEqualTo(7);
    assertThat(o.schools()).isEqualTo(50);
    assertThat(o.payloadBytes()).isEqualTo(600);
    assertThat(BenchOptions.parse("baseline", "--hub", "http://[::1]:8080").hub().getHost()).isEqualTo("[::1]");
  }

  @Test
  void aHostNameOtherThanLocalhostIsRefusedWithoutLookingItUp() {
    assertThatThrownBy(() -> BenchOptions.parse("reports", "--hub", "http://hub.example:8080"))
        .isInstanceOf(BenchOptions.UsageError.class).hasMessageContaining("--hub must be on this machine");
  }

  @Test
  void aHubThatIsNotRunningIsAClearFailureNotAStackTrace() throws Exception {
    Path data = java.nio.file.Files.createTempDirectory("bench-no-secret");
    Outcome o = main("baseline", "--cassandra-port", "1", "--duration", "1s");
    assertThat(o.status()).isEqualTo(1);
    assertThat(o.err()).startsWith("hub bench: cannot reach the hub's Cassandra on 127.0.0.1:1");
    Outcome r = main("reports", "--rate", "1", "--data", data.toString(), "--cassandra-port", "1");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).startsWith("hub bench: ");
  }
}
