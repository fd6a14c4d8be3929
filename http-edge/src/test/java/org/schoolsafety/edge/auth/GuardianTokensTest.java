package org.schoolsafety.edge.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.schoolsafety.hub.secret.ServerKey;

/** Guardians' tokens: accepted as the guardian they name, and the guardian key mints nothing else. */
class GuardianTokensTest {

  private final ServerKey serverKey = ServerKey.of(new byte[32]);
  private final AuthSettings auth = new AuthSettings("iss", "aud", "dev-secret-dev-secret-dev-secret".getBytes(),
      null, Duration.ofSeconds(30), Duration.ofHours(24));
  private final GuardianTokens tokens = new GuardianTokens(serverKey, "iss", "aud", Duration.ofHours(24));
  private final Principal guardian = Principal.guardian("gdn-0123456789abcdef", "sch-650102-001", "7-2");

  @Test
  void aGuardianTokenIsTheGuardianItNames() {
    Principal p = new TokenVerifier(auth, serverKey).verify(tokens.issue(guardian, Instant.now()));
    assertThat(p).isEqualTo(guardian);
    assertThat(p.guardianSchool()).isEqualTo("sch-650102-001");
    assertThat(p.guardianClass()).isEqualTo("7-2");
    assertThat(p.guardianId()).isEqualTo("gdn-0123456789abcdef");
    assertThat(p.id()).isEqualTo("guardian:gdn-0123456789abcdef@sch-650102-001/7-2");
  }

  @Test
  void anotherServerKeyOrNoGuardianKeyRefusesIt() {
    String token = tokens.issue(guardian, Instant.now());
    assertThatThrownBy(() -> new TokenVerifier(auth, ServerKey.of("another-server-key-of-32-bytes!!!".getBytes())).verify(token))
        .isInstanceOf(AuthenticationFailed.class);
    assertThatThrownBy(() -> new TokenVerifier(auth).verify(token)).isInstanceOf(AuthenticationFailed.class);
  }

  @Test
  void onlyGuardiansAreIssued() {
    assertThatThrownBy(() -> tokens.issue(new Principal(Role.SCHOOL_STAFF, "sch-650102-001"), Instant.now()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void guardianSubjectsHaveTheirShape() {
    assertThat(Principal.validSubject(Role.GUARDIAN, "gdn-0123456789abcdef@sch-1/7-2")).isTrue();
    assertThat(Principal.validSubject(Role.GUARDIAN, "sch-1")).isFalse();
    assertThat(Principal.validSubject(Role.GUARDIAN, "gdn-0123456789abcdef@sch-1")).isFalse();
    assertThat(Principal.validSubject(Role.GUARDIAN, "gdn-0123456789abcdef@sch-1/7-2/x")).isFalse();
  }
}
