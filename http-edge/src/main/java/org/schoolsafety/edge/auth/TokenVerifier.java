package org.schoolsafety.edge.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * Verifies bearer tokens with Nimbus JOSE + JWT: signature by a configured key (HS256 secret,
 * or RS256/ES256 keys from a JWKS file), issuer, audience, expiry within the clock skew, a
 * lifetime no longer than {@code max-ttl}, and a role with a subject that fits it.
 */
public final class TokenVerifier {

  private final DefaultJWTProcessor<SecurityContext> hmac;
  private final DefaultJWTProcessor<SecurityContext> publicKey;
  /** Guardians' tokens, under the key derived from the server key ({@link GuardianTokens}); or null. */
  private final DefaultJWTProcessor<SecurityContext> guardian;
  /** The same, accepting a token up to the renewal grace past its expiry (renewal only); or null. */
  private final DefaultJWTProcessor<SecurityContext> guardianRenewal;
  private final Duration maxTtl;
  private final Duration clockSkew;

  public TokenVerifier(AuthSettings settings) {
    this(settings, null);
  }

  /** With {@code serverKey}: also guardians' tokens issued by this hub (kid {@value GuardianTokens#KEY_ID}). */
  public TokenVerifier(AuthSettings settings, org.schoolsafety.hub.secret.ServerKey serverKey) {
    this(settings, serverKey, Duration.ZERO);
  }

  /**
   * With {@code renewalGrace}: {@link #verifyForGuardianRenewal} also accepts a guardian's token
   * that expired up to that long ago (everything else about it checked as usual).
   */
  public TokenVerifier(AuthSettings settings, org.schoolsafety.hub.secret.ServerKey serverKey, Duration renewalGrace) {
    var claims = claimsVerifier(settings, settings.clockSkew());
    this.maxTtl = settings.maxTtl();
    this.clockSkew = settings.clockSkew();
    this.hmac = settings.hs256Secret() == null ? null : processor(claims,
        new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableSecret<>(settings.hs256Secret())));
    this.publicKey = settings.jwks() == null ? null : processor(claims,
        new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256),
            new ImmutableJWKSet<>(settings.jwks())));
    this.guardian = serverKey == null ? null : processor(claims, guardianKeys(serverKey));
    this.guardianRenewal = serverKey == null ? null
        : processor(claimsVerifier(settings, settings.clockSkew().plus(renewalGrace)), guardianKeys(serverKey));
  }

  private static DefaultJWTClaimsVerifier<SecurityContext> claimsVerifier(AuthSettings settings, Duration skew) {
    var claims = new DefaultJWTClaimsVerifier<SecurityContext>(
        settings.audience(),
        new JWTClaimsSet.Builder().issuer(settings.issuer()).build(),
        new HashSet<>(Set.of("sub", "exp", "iat", "role")));
    claims.setMaxClockSkew((int) Math.min(Integer.MAX_VALUE, skew.toSeconds()));
    return claims;
  }

  /** The key carries the kid guardians' tokens name: Nimbus matches a token's kid to its key's. */
  private static JWSVerificationKeySelector<SecurityContext> guardianKeys(
      org.schoolsafety.hub.secret.ServerKey serverKey) {
    return new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableJWKSet<>(new com.nimbusds.jose.jwk.JWKSet(
        new com.nimbusds.jose.jwk.OctetSequenceKey.Builder(GuardianTokens.keyOf(serverKey))
            .keyID(GuardianTokens.KEY_ID).build())));
  }

  /**
   * For {@code POST /guardian/token} only: a guardian's token, which may have expired up to the
   * renewal grace ago. Only tokens under the guardian key; every other check as in {@link #verify}.
   */
  public Principal verifyForGuardianRenewal(String token) {
    if (!GuardianTokens.KEY_ID.equals(keyIdOf(token)) || guardianRenewal == null
        || !"HS256".equals(algorithmOf(token))) {
      return verify(token);
    }
    return principalOf(process(guardianRenewal, token), true);
  }

  private static DefaultJWTProcessor<SecurityContext> processor(
      DefaultJWTClaimsVerifier<SecurityContext> claims, JWSVerificationKeySelector<SecurityContext> keys) {
    var processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(keys);
    processor.setJWTClaimsSetVerifier(claims);
    return processor;
  }

  public Principal verify(String token) {
    boolean guardianKey = GuardianTokens.KEY_ID.equals(keyIdOf(token));
    return principalOf(claims(token, guardianKey), guardianKey);
  }

  private Principal principalOf(JWTClaimsSet claims, boolean guardianKey) {
    // Nimbus checks exp and nbf, not iat. A token "issued" in the future would pass the lifetime
    // check below while staying valid from now until long after max-ttl: refuse it.
    if (claims.getIssueTime() != null
        && claims.getIssueTime().toInstant().isAfter(Instant.now().plus(clockSkew))) {
      throw new AuthenticationFailed("token is issued in the future");
    }
    if (claims.getIssueTime() != null && claims.getExpirationTime() != null
        && Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant())
            .compareTo(maxTtl) > 0) {
      throw new AuthenticationFailed("token lifetime exceeds the allowed maximum of " + maxTtl.toHours() + "h");
    }
    Role role;
    try {
      role = Role.valueOf(String.valueOf(claims.getClaim("role")));
    } catch (IllegalArgumentException e) {
      throw new AuthenticationFailed("token has an unknown role");
    }
    if (!Principal.validSubject(role, claims.getSubject())) {
      throw new AuthenticationFailed("token subject does not fit its role " + role);
    }
    Principal principal = new Principal(role, claims.getSubject());
    // The guardian key mints guardians only, for the school and class its claims name.
    if (guardianKey && (role != Role.GUARDIAN
        || !principal.guardianSchool().equals(claims.getClaim("school"))
        || !principal.guardianClass().equals(claims.getClaim("class")))) {
      throw new AuthenticationFailed("token claims are not accepted here (issuer, audience, lifetime or required claims)");
    }
    return principal;
  }

  private JWTClaimsSet claims(String token, boolean guardianKey) {
    String alg = algorithmOf(token);
    DefaultJWTProcessor<SecurityContext> processor = guardianKey && "HS256".equals(alg) ? guardian
        : "HS256".equals(alg) ? hmac : publicKey;
    if (processor == null) {
      throw new AuthenticationFailed("token algorithm " + alg + " is not accepted here");
    }
    return process(processor, token);
  }

  private static JWTClaimsSet process(DefaultJWTProcessor<SecurityContext> processor, String token) {
    try {
      return processor.process(token, null);
    } catch (BadJWTException e) {
      // Nimbus's own message names the expected issuer or audience: tell the caller less.
      throw new AuthenticationFailed(String.valueOf(e.getMessage()).contains("xpired")
          ? "token has expired" : "token claims are not accepted here (issuer, audience, lifetime or required claims)");
    } catch (BadJOSEException e) {
      throw new AuthenticationFailed("token signature is not valid for any configured key");
    } catch (ParseException | JOSEException e) {
      throw new AuthenticationFailed("token is malformed");
    }
  }

  private static String keyIdOf(String token) {
    try {
      return com.nimbusds.jwt.SignedJWT.parse(token).getHeader().getKeyID();
    } catch (ParseException | RuntimeException e) {
      throw new AuthenticationFailed("token is not a signed JWT");
    }
  }

  private static String algorithmOf(String token) {
    try {
      return com.nimbusds.jwt.SignedJWT.parse(token).getHeader().getAlgorithm().getName();
    } catch (ParseException | RuntimeException e) {
      throw new AuthenticationFailed("token is not a signed JWT");
    }
  }
}
