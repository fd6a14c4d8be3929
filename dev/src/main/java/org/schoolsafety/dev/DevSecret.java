package org.schoolsafety.dev;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.schoolsafety.edge.auth.SecretFile;

/**
 * The dev node's HS256 secret, kept in {@code <data>/auth/dev-secret} (owner-only), so that
 * {@code bin/hub token --data DIR} signs tokens the dev node on the same directory accepts.
 */
public final class DevSecret {

  private DevSecret() {}

  public static Path fileIn(Path dataDir) {
    return dataDir.resolve("auth").resolve("dev-secret");
  }

  /** Reads the secret, creating a fresh random one first if there is none. */
  public static byte[] readOrCreate(Path file) {
    if (!Files.exists(file)) {
      byte[] secret = new byte[32];
      new SecureRandom().nextBytes(secret);
      try {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, Base64.getEncoder().encodeToString(secret) + "\n");
        try {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
          // best effort on file systems without POSIX permissions
        }
        Files.move(tmp, file);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the dev secret " + file, e);
      }
    }
    return SecretFile.read(file);
  }
}
