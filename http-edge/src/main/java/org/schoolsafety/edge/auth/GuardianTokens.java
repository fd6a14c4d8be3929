package org.schoolsafety.edge.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import org.schoolsafety.hub.secret.ServerKey;

/**
 * Guardians' tokens, which the hub issues itself (the identity provider knows no parents): HS256
 * under a key derived from the server key ({@code guardian-token}), marked {@code kid:
 * guardian}, role {@code GUARDIAN}, subject {@code gdn-…@school/class}, with the school and class
 * also as claims ({@code school}, {@code class}) and a lifetime of {@code hub.guardian.token-ttl}.
 * {@link TokenVerifier} accepts a token under this key only with role GUARDIAN and matching
 * claims, so the key can never mint staff, agency or command-center tokens.
 */
public final class GuardianTokens {

  public static final String KEY_ID = "guardian";

  private final byte[] key;
  private final String issuer;
  private final String audience;
  private final Duration ttl;

  public GuardianTokens(ServerKey serverKey, String issuer, String audience, Duration ttl) {
    this.key = keyOf(serverKey);
    this.issuer = issuer;
    this.audience = audience;
    this.ttl = ttl;
  }

  /** The HS256 key guardians' tokens are signed with (256 bits). */
  static byte[] keyOf(ServerKey serverKey) {
    return serverKey.forPurpose("guardian-token").mac("hs256");
  }

  public Duration ttl() {
    return ttl;
  }

  public String issue(Principal guardian, Instant issuedAt) {
    return issue(guardian, issuedAt, issuedAt.plus(ttl));
  }

  /** A token that ends at {@code expiresAt} (never later than the lifetime: an enrolment's end may come first). */
  public String issue(Principal guardian, Instant issuedAt, Instant expiresAt) {
    if (expiresAt.isAfter(issuedAt.plus(ttl))) {
      expiresAt = issuedAt.plus(ttl);
    }
    if (!guardian.is(Role.GUARDIAN)) {
      throw new IllegalArgumentException("only guardians' tokens are issued here");
    }
    var claims = new JWTClaimsSet.Builder()
        .issuer(issuer)
        .audience(audience)
        .subject(guardian.subject())
        .claim("role", Role.GUARDIAN.name())
        .claim("school", guardian.guardianSchool())
        .claim("class", guardian.guardianClass())
        .issueTime(Date.from(issuedAt))
        .expirationTime(Date.from(expiresAt))
        .jwtID(UUID.randomUUID().toString())
        .build();
    var jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(KEY_ID).build(), claims);
    try {
      jwt.sign(new MACSigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a guardian token", e);
    }
    return jwt.serialize();
  }
}
