package org.schoolsafety.edge.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.schoolsafety.hub.guardian.GuardianRegistry.Revoked;

/** The in-memory set of revoked guardians: idempotent, ends waiting streams, forgets after the tokens' life. */
class GuardianRevocationsTest {

  private static final String SCHOOL = "sch-650102-001";

  /** A clock the test moves. */
  private static final class Manual extends Clock {
    private Instant now = Instant.parse("2026-11-30T08:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private final Manual clock = new Manual();
  private final GuardianRevocations set = new GuardianRevocations(clock, Duration.ofHours(24)).markReady();

  private Revoked revoked(String guardianId, Instant at) {
    return new Revoked(SCHOOL, guardianId, at, "school-staff:" + SCHOOL, "custody order");
  }

  @Test
  void aRevocationEndsTheGuardiansWaitingStreamsAndNoOneElses() {
    var mine = set.whenRevoked("gdn-0000000000000001");
    var mineToo = set.whenRevoked("gdn-0000000000000001");
    var other = set.whenRevoked("gdn-0000000000000002");
    set.add(revoked("gdn-0000000000000001", clock.instant()));
    assertThat(set.isRevoked("gdn-0000000000000001")).isTrue();
    assertThat(set.isRevoked("gdn-0000000000000002")).isFalse();
    assertThat(mine).isCompleted();
    assertThat(mineToo).isCompleted();
    assertThat(other).isNotDone();
    // told again (pub-sub and the journal both deliver it): still one entry
    set.add(revoked("gdn-0000000000000001", clock.instant()));
    assertThat(set.size()).isEqualTo(1);
    // a stream opened after the revocation ends at once
    assertThat(set.whenRevoked("gdn-0000000000000001")).isCompleted();
  }

  @Test
  void aRevocationIsForgottenOnceEveryTokenIssuedBeforeItHasExpired() {
    Instant at = clock.instant();
    set.add(revoked("gdn-0000000000000003", at));
    clock.now = at.plus(Duration.ofHours(23));
    set.forgetExpired();
    assertThat(set.isRevoked("gdn-0000000000000003")).isTrue();
    clock.now = at.plus(Duration.ofHours(24)).plusSeconds(1);
    set.forgetExpired();
    assertThat(set.isRevoked("gdn-0000000000000003")).isFalse();
    // a revocation read back from longer ago than that is not taken in at all
    set.add(revoked("gdn-0000000000000004", clock.instant().minus(Duration.ofHours(25))));
    assertThat(set.isRevoked("gdn-0000000000000004")).isFalse();
  }

  @Test
  void aStreamThatEndsStopsWaiting() {
    var waiting = set.whenRevoked("gdn-0000000000000005");
    set.unwatch("gdn-0000000000000005", waiting);
    set.add(revoked("gdn-0000000000000005", clock.instant()));
    assertThat(waiting).isNotDone();
  }
}
