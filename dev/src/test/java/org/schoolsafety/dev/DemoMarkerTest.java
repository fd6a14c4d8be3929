package org.schoolsafety.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data directory's memory of the demo registration (what lets a restart skip it). */
class DemoMarkerTest {

  @TempDir
  Path data;

  @Test
  void aRegistrationIsRememberedForThisDemoFileOnly() throws Exception {
    assertThat(DemoMarker.registeredBefore(data)).isEmpty();
    DemoMarker.remember(data, "20 schools and 57 agencies");
    assertThat(DemoMarker.registeredBefore(data)).contains("20 schools and 57 agencies");

    // another demo file (or loader version) is another fingerprint: register again
    Files.writeString(data.resolve(DemoMarker.DEMO), "0".repeat(64) + "\n20 schools\n", StandardCharsets.UTF_8);
    assertThat(DemoMarker.registeredBefore(data)).isEmpty();
    Files.writeString(data.resolve(DemoMarker.DEMO), DemoMarker.fingerprint(), StandardCharsets.UTF_8);
    assertThat(DemoMarker.registeredBefore(data)).as("a marker cut short").isEmpty();
  }

  @Test
  void theFingerprintIsTheDemoFilesAndStable() {
    assertThat(DemoMarker.fingerprint()).hasSize(64).isEqualTo(DemoMarker.fingerprint());
  }

  @Test
  void markersAreForgottenWhenTheirCassandraFilesAreNotThere() throws Exception {
    Path cassandra = data.resolve("cassandra");
    DemoMarker.remember(data, "registered");
    Files.writeString(data.resolve(DemoMarker.HISTORY), "six months\n", StandardCharsets.UTF_8);

    Files.createDirectories(cassandra.resolve("data"));
    DemoMarker.forgetUnlessStorageKept(data, cassandra);
    assertThat(data.resolve(DemoMarker.DEMO)).exists();
    assertThat(data.resolve(DemoMarker.HISTORY)).exists();

    Files.delete(cassandra.resolve("data"));
    DemoMarker.forgetUnlessStorageKept(data, cassandra);
    assertThat(data.resolve(DemoMarker.DEMO)).doesNotExist();
    assertThat(data.resolve(DemoMarker.HISTORY)).doesNotExist();
  }
}
