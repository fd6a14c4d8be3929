package org.schoolsafety.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code bin/hub drill}'s command line, without running a drill. */
class MainTest {

  private record Outcome(int status, String out, String err) {}

  private static Outcome run(String... args) {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void helpPrintsUsageOnStdoutAndSucceeds() {
    for (String help : new String[] {"--help", "-h"}) {
      var outcome = run("drill", help);
      assertThat(outcome.status()).isZero();
      assertThat(outcome.out()).startsWith("usage: hub drill <scenario>");
      assertThat(outcome.err()).isEmpty();
    }
  }

  @Test
  void anUnknownOptionIsAClearErrorWithStatus2() {
    var outcome = run("drill", "school-fire", "--sped", "60");
    assertThat(outcome.status()).isEqualTo(2);
    assertThat(outcome.err()).contains("unknown option --sped").contains("usage: hub drill");
    assertThat(outcome.out()).isEmpty();
  }
}
