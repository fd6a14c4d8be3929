package org.schoolsafety.persistence;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The hour from which the read side's tag queries look for events ({@value #KEY}, the plugin's
 * {@code events-by-tag.first-time-bucket}).
 *
 * <p>A projection without a stored offset reads every hour from there to now, one query per hour
 * and per projection, before it reaches the first event: from the default, on 2026-12-01, 8,772
 * queries over the first ~18 s of a fresh node (14 projections), 336 more every day. A keyspace
 * created now can have no tagged event before now, so launchers of fresh storage (tests, a dev
 * node on a new data directory, a local cluster) start from the hour before it was created. Production sets it to the hour before its first event, once
 * (docs/DEPLOY.md); the rebuild of a projection reads from there.
 */
public final class FirstTimeBucket {

  public static final String KEY = "hub.cassandra.first-time-bucket";
  /** Next to the storage it describes: which hour a dev data directory's storage started. */
  public static final String FILE = "first-time-bucket";
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HH:mm").withZone(ZoneOffset.UTC);

  private FirstTimeBucket() {}

  /** The hour before {@code now}, in the plugin's format: no event of storage created now is older. */
  public static String before(Instant now) {
    return FORMAT.format(now.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(1)));
  }

  /**
   * For storage whose files live beside {@code file}: on fresh storage, records the hour before
   * {@code now} and returns it; on kept storage, what was recorded when it was created, if
   * anything (storage older than the record keeps the default).
   */
  public static Optional<String> forStorage(Path file, boolean storageIsFresh, Instant now) {
    try {
      if (storageIsFresh) {
        String bucket = before(now);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, bucket + "\n", StandardCharsets.US_ASCII);
        return Optional.of(bucket);
      }
      if (!Files.exists(file)) {
        return Optional.empty();
      }
      String recorded = Files.readString(file, StandardCharsets.US_ASCII).trim();
      FORMAT.parse(recorded);
      return Optional.of(recorded);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record or read " + file, e);
    } catch (DateTimeParseException e) {
      return Optional.empty();  // not ours to trust: read from the default, which is never later
    }
  }
}
