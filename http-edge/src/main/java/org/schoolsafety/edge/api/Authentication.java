package org.schoolsafety.edge.api;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.schoolsafety.edge.auth.AuthenticationFailed;
import org.schoolsafety.edge.auth.GuardianRevocations;
import org.schoolsafety.edge.auth.Principal;
import org.schoolsafety.edge.auth.RateLimits;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.edge.auth.TokenVerifier;

/** The bearer-token gate in front of every API route, with the per-principal rate limit. */
public final class Authentication extends AllDirectives {

  private final TokenVerifier verifier;
  private final RateLimits rateLimits;
  /** Guardians the schools cut off (checked in memory), or null where no guardian token is accepted. */
  private final GuardianRevocations revocations;

  public Authentication(TokenVerifier verifier, RateLimits rateLimits) {
    this(verifier, rateLimits, null);
  }

  public Authentication(TokenVerifier verifier, RateLimits rateLimits, GuardianRevocations revocations) {
    this.verifier = verifier;
    this.rateLimits = rateLimits;
    this.revocations = revocations;
  }

  /** The one request that takes a guardian's token a while after it expired: its renewal. */
  static final String GUARDIAN_RENEWAL = "/api/v1/guardian/token";

  public Route authenticated(Function<Principal, Route> inner) {
    return extractRequest(request -> optionalHeaderValueByName("Authorization", header -> {
      boolean renewal = request.method().equals(HttpMethods.POST)
          && GUARDIAN_RENEWAL.equals(request.getUri().path());
      Principal principal;
      try {
        String token = bearerToken(header);
        principal = renewal ? verifier.verifyForGuardianRenewal(token) : verifier.verify(token);
      } catch (AuthenticationFailed e) {
        return complete(unauthorized(e.getMessage()));
      }
      if (principal.is(Role.GUARDIAN) && revocations != null) {
        if (!revocations.ready()) {
          // Until this node has read the recent revocations back (a second or two after it
          // starts) it cannot tell who was cut off: the request waits for that, then is checked.
          return onComplete(revocations.whenReady().toCompletableFuture().copy()
                  .orTimeout(READ_BACK_WAIT.toMillis(), TimeUnit.MILLISECONDS),
              done -> done.isSuccess() ? admitGuardian(principal, inner)
                  : complete(Problems.unavailable("this node is still reading which guardians were revoked;"
                      + " retry in a few seconds")));
        }
        return admitGuardian(principal, inner);
      }
      return admit(principal, inner);
    }));
  }

  /** How long a guardian's request waits for a starting node's read-back of revocations. */
  static final Duration READ_BACK_WAIT = Duration.ofSeconds(5);

  private Route admitGuardian(Principal principal, Function<Principal, Route> inner) {
    if (revocations.isRevoked(principal.guardianId())) {
      // RFC 6750: a revoked token is an invalid_token, like an expired one.
      return complete(revoked());
    }
    return admit(principal, inner);
  }

  private Route admit(Principal principal, Function<Principal, Route> inner) {
    var wait = rateLimits.tryAcquire(principal);
    if (wait.isPresent()) {
      return complete(Problems.of(StatusCodes.TOO_MANY_REQUESTS,
              "rate limit for " + principal.id() + " exceeded; retry in " + wait.getAsLong() + " s")
          .addHeader(RetryAfter.create(wait.getAsLong())));
    }
    return inner.apply(principal);
  }

  private static String bearerToken(Optional<String> header) {
    if (header.isEmpty()) {
      throw new AuthenticationFailed("an Authorization: Bearer <token> header is required");
    }
    String value = header.get().strip();
    if (!value.regionMatches(true, 0, "Bearer ", 0, 7) || value.length() <= 7) {
      throw new AuthenticationFailed("the Authorization header must be 'Bearer <token>'");
    }
    String token = value.substring(7).strip();
    if (token.length() > 8192) {
      throw new AuthenticationFailed("token is too long");
    }
    return token;
  }

  /**
   * A revoked guardian's token: RFC 6750's invalid_token (like an expired one), with a
   * description by which the family page tells "withdrawn by the school" from "expired".
   */
  public static HttpResponse revoked() {
    return Problems.of(StatusCodes.UNAUTHORIZED, GuardianRevocations.REVOKED)
        .addHeader(RawHeader.create("WWW-Authenticate",
            "Bearer realm=\"school-safety-hub\", error=\"invalid_token\", error_description=\"revoked\""));
  }

  private static HttpResponse unauthorized(String detail) {
    return Problems.of(StatusCodes.UNAUTHORIZED, detail)
        .addHeader(RawHeader.create("WWW-Authenticate", "Bearer realm=\"school-safety-hub\", error=\"invalid_token\""));
  }
}
