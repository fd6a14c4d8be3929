package org.schoolsafety.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where projections on fresh storage start reading events-by-tag. */
class FirstTimeBucketTest {

  static final Instant NOW = Instant.parse("2026-12-01T07:42:13Z");

  @Test
  void theHourBeforeNowInThePluginsFormat() {
    assertThat(FirstTimeBucket.before(NOW)).isEqualTo("20261201T06:00");
    assertThat(FirstTimeBucket.before(Instant.parse("2027-01-01T00:00:00Z"))).isEqualTo("20261231T23:00");
  }

  @Test
  void freshStorageRecordsTheHourBeforeAndKeptStorageReadsItBack(@TempDir Path dir) {
    Path file = dir.resolve("data").resolve(FirstTimeBucket.FILE);
    assertThat(FirstTimeBucket.forStorage(file, true, NOW)).contains("20261201T06:00");
    assertThat(file).hasContent("20261201T06:00");
    assertThat(FirstTimeBucket.forStorage(file, false, NOW.plusSeconds(86_400))).contains("20261201T06:00");
    assertThat(FirstTimeBucket.forStorage(file, true, NOW.plusSeconds(86_400)))
        .as("new storage in the same directory: a new record").contains("20261202T06:00");
  }

  @Test
  void keptStorageWithoutATrustworthyRecordKeepsTheDefault(@TempDir Path dir) throws IOException {
    Path file = dir.resolve(FirstTimeBucket.FILE);
    assertThat(FirstTimeBucket.forStorage(file, false, NOW)).isEmpty();
    Files.writeString(file, "yesterday\n");
    assertThat(FirstTimeBucket.forStorage(file, false, NOW)).isEmpty();
  }

  @Test
  void theKeyIsWhatTheEventsByTagQueryReads() {
    var config = ConfigFactory.load(ConfigFactory.parseMap(Map.of(FirstTimeBucket.KEY, "20261201T06:00"))
        .withFallback(ConfigFactory.parseResources("persistence.conf")));
    assertThat(config.getString("pekko.persistence.cassandra.events-by-tag.first-time-bucket"))
        .isEqualTo("20261201T06:00");
    var defaults = ConfigFactory.load(ConfigFactory.parseResources("persistence.conf"));
    assertThat(defaults.getString("pekko.persistence.cassandra.events-by-tag.first-time-bucket"))
        .isEqualTo("20261101T00:00");
  }
}
