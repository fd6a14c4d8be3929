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

/**
 * Signs HS256 tokens with the dev secret: for {@code bin/hub token}, the dev banner and tests.
 * Production tokens come from the identity provider that holds the JWKS private keys.
 */
public final class TokenIssuer {

  private final byte[] secret;
  private final String issuer;
  private final String audience;

  public TokenIssuer(byte[] secret, String issuer, String audience) {
    this.secret = secret.clone();
    this.issuer = issuer;
    this.audience = audience;
  }

  public String issue(Principal principal, Duration ttl) {
    return issue(principal, Instant.now(), ttl);
  }

  public String issue(Principal principal, Instant issuedAt, Duration ttl) {
    var claims = new JWTClaimsSet.Builder()
        .issuer(issuer)
        .audience(audience)
        .subject(principal.subject())
        .claim("role", principal.role().name())
        .issueTime(Date.from(issuedAt))
        .expirationTime(Date.from(issuedAt.plus(ttl)))
        .jwtID(UUID.randomUUID().toString())
        .build();
    var jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    try {
      jwt.sign(new MACSigner(secret));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a token", e);
    }
    return jwt.serialize();
  }
}
