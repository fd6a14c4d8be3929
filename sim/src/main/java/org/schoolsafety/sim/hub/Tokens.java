package org.schoolsafety.sim.hub;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signs the HS256 tokens the drill's simulated people and systems present, with the shared
 * secret the dev node keeps in {@code <data>/auth/dev-secret} — as any client holding that
 * secret would (docs/SECURITY.md). One token per principal, re-signed before it expires.
 */
public final class Tokens {

  public static final String ISSUER = "school-safety-hub";
  public static final String AUDIENCE = "school-safety-hub-api";
  private static final Duration TTL = Duration.ofHours(2);
  private static final Duration RENEW_BEFORE = Duration.ofMinutes(10);

  private record Issued(String token, Instant expires) {}

  private final byte[] secret;
  private final Clock clock;
  private final Map<String, Issued> issued = new ConcurrentHashMap<>();

  public Tokens(byte[] secret, Clock clock) {
    if (secret.length < 32) {
      throw new IllegalArgumentException("the HS256 secret must have at least 32 bytes (it has " + secret.length + ")");
    }
    this.secret = secret.clone();
    this.clock = clock;
  }

  /** Reads a base64 secret file, e.g. {@code <data>/auth/dev-secret}. */
  public static Tokens fromSecretFile(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
      return new Tokens(Base64.getDecoder().decode(text), Clock.systemUTC());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the hub's HS256 secret " + file + " (" + e.getMessage()
          + "). Point --data at the dev node's data directory, or give --secret-file.", e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the secret file " + file + " is not base64: " + e.getMessage(), e);
    }
  }

  public String operator(String name) {
    return token("OPERATOR", name);
  }

  public String school(String schoolId) {
    return token("SCHOOL_STAFF", schoolId);
  }

  public String agency(String agencyId) {
    return token("AGENCY", agencyId);
  }

  public String commandCenter(String region) {
    return token("COMMAND_CENTER", region);
  }

  /** A valid token for {@code role}/{@code subject}, signed anew when the last one is about to expire. */
  public String token(String role, String subject) {
    Instant now = clock.instant();
    return issued.compute(role + ":" + subject, (key, old) ->
        old != null && old.expires().minus(RENEW_BEFORE).isAfter(now) ? old : sign(role, subject, now)).token();
  }

  private Issued sign(String role, String subject, Instant now) {
    Instant expires = now.plus(TTL);
    var claims = new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .subject(subject)
        .claim("role", role)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(expires))
        .jwtID(UUID.randomUUID().toString())
        .build();
    var jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    try {
      jwt.sign(new MACSigner(secret));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a token: " + e.getMessage(), e);
    }
    return new Issued(jwt.serialize(), expires);
  }
}
