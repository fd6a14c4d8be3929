package org.schoolsafety.sim.sensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SensorDrillScenarioTest {

  static final Path SHIPPED = Path.of(System.getProperty("sim.scenarios", "scenarios"));

  @Test
  void theShippedSensorDrillIsRecognisedAndRead() {
    Path file = SHIPPED.resolve("lab-fire-sensors.json");
    assertThat(SensorDrill.Scenario.isSensorDrill(file)).isTrue();
    var s = SensorDrill.Scenario.read(file);
    assertThat(s.schools()).containsExactly("sch-650102-001", "sch-650102-002");
    assertThat(s.mode()).isEqualTo("EXERCISE");
    assertThat(s.offlineWait()).isEqualTo(Duration.ofMinutes(4));
    assertThat(SensorDrill.Scenario.isSensorDrill(SHIPPED.resolve("school-fire.json"))).isFalse();
  }

  @Test
  void aSensorDrillWithUnknownFieldsOrNoSchoolsIsRefused(@TempDir Path dir) throws IOException {
    Path extra = dir.resolve("x.json");
    Files.writeString(extra, "{\"kind\":\"sensors\",\"schools\":[\"s\"],\"region\":\"650102\",\"speed\":60}");
    assertThatThrownBy(() -> SensorDrill.Scenario.read(extra)).hasMessageContaining("speed");
    Path none = dir.resolve("y.json");
    Files.writeString(none, "{\"kind\":\"sensors\",\"schools\":[],\"region\":\"650102\"}");
    assertThatThrownBy(() -> SensorDrill.Scenario.read(none)).hasMessageContaining("schools");
  }
}
