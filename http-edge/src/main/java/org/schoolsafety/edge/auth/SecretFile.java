package org.schoolsafety.edge.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * A key kept in a file as base64 text: {@code hub.auth.hs256-secret-file} and
 * {@code hub.server-key-file} (a mounted Secret in production; {@code <data>/auth/dev-secret}, which
 * the dev launcher creates, in dev).
 */
public final class SecretFile {

  private SecretFile() {}

  public static byte[] read(Path file) {
    try {
      return Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).trim());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the HS256 secret " + file, e);
    }
  }
}
