package org.schoolsafety.dev;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.schoolsafety.dev.demo.DemoData;
import org.schoolsafety.persistence.cassandra.EmbeddedCassandra;

/**
 * Remembers, in the data directory, that the demo data was registered on its storage, so that a
 * restart does not register it again (issue 13: registering is a no-op, but it wakes every demo
 * agency and school while hundreds of incidents recover and resend to them, which held
 * "ready" back by about 15 s). The marker names a fingerprint of the demo file and of the
 * loader; when either changes, the next start registers again. The markers only hold for the
 * embedded Cassandra whose files live in the same directory: a fresh Cassandra directory
 * forgets them.
 */
final class DemoMarker {

  static final String DEMO = "demo-loaded";
  static final String HISTORY = "history-loaded";

  private DemoMarker() {}

  /** Before the embedded Cassandra starts: markers without the storage they describe are dropped. */
  static void forgetUnlessStorageKept(Path dataDir, Path cassandraDir) {
    if (EmbeddedCassandra.holdsData(cassandraDir)) {
      return;
    }
    for (String marker : List.of(DEMO, HISTORY)) {
      try {
        Files.deleteIfExists(dataDir.resolve(marker));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot remove the stale marker " + dataDir.resolve(marker), e);
      }
    }
  }

  /** What the marker says was registered, when it is this demo file's and this loader's. */
  static Optional<String> registeredBefore(Path dataDir) {
    Path marker = dataDir.resolve(DEMO);
    try {
      if (!Files.exists(marker)) {
        return Optional.empty();
      }
      List<String> lines = Files.readAllLines(marker, StandardCharsets.UTF_8);
      return lines.size() >= 2 && lines.get(0).equals(fingerprint()) ? Optional.of(lines.get(1)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();  // unreadable: register again, which changes nothing
    }
  }

  static void remember(Path dataDir, String registered) {
    try {
      Files.writeString(dataDir.resolve(DEMO), fingerprint() + "\n" + registered + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dataDir.resolve(DEMO), e);
    }
  }

  /** SHA-256 of the demo file, with the loader's version. */
  static String fingerprint() {
    try (InputStream in = DemoData.class.getClassLoader().getResourceAsStream(DemoData.RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + DemoData.RESOURCE);
      }
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(("loader " + DemoData.LOADER_VERSION + "\n").getBytes(StandardCharsets.UTF_8));
      sha.update(in.readAllBytes());
      return HexFormat.of().formatHex(sha.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
