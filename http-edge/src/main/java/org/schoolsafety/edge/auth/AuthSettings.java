package org.schoolsafety.edge.auth;

import com.nimbusds.jose.jwk.JWKSet;
import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.Base64;

/**
 * Where tokens come from ({@code hub.auth}): an HS256 shared secret for dev (inline or in a
 * file, as {@code bin/hub dev} writes it), and/or a JWKS file of RS256/ES256 public keys for
 * production, whose private keys stay with the identity provider.
 */
public record AuthSettings(
    String issuer, String audience, byte[] hs256Secret, JWKSet jwks, Duration clockSkew, Duration maxTtl) {

  public static AuthSettings fromConfig(Config config) {
    Config auth = config.getConfig("hub.auth");
    byte[] secret = null;
    if (!auth.getString("hs256-secret").isBlank()) {
      secret = Base64.getDecoder().decode(auth.getString("hs256-secret").trim());
    } else if (!auth.getString("hs256-secret-file").isBlank()) {
      secret = SecretFile.read(Path.of(auth.getString("hs256-secret-file")));
    }
    JWKSet jwks = null;
    if (!auth.getString("jwks-file").isBlank()) {
      Path file = Path.of(auth.getString("jwks-file"));
      try {
        jwks = JWKSet.parse(Files.readString(file));
      } catch (IOException | ParseException e) {
        throw new IllegalArgumentException("hub.auth.jwks-file: cannot read a JWK set from " + file + ": " + e.getMessage(), e);
      }
    }
    if (secret == null && jwks == null) {
      throw new IllegalArgumentException(
          "hub.auth needs a key: hs256-secret / hs256-secret-file (dev) or jwks-file (production)");
    }
    if (secret != null && secret.length < 32) {
      throw new IllegalArgumentException("hub.auth HS256 secret must have at least 256 bits");
    }
    return new AuthSettings(auth.getString("issuer"), auth.getString("audience"), secret, jwks,
        auth.getDuration("clock-skew"), auth.getDuration("max-ttl"));
  }
}
