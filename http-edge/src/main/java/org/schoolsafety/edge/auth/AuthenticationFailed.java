package org.schoolsafety.edge.auth;

/** A request without a valid bearer token; the message says what was wrong, never more. */
public final class AuthenticationFailed extends RuntimeException {
  public AuthenticationFailed(String message) {
    super(message, null, false, false);
  }
}
