package org.schoolsafety.edge.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.schoolsafety.hub.Rejection;
import org.schoolsafety.hub.region.RegionCode;
import org.schoolsafety.hub.school.Location;
import org.schoolsafety.hub.school.SchoolProfile;
import org.schoolsafety.hub.school.SchoolType;

/** A registered profile is asked for once per node; refusals and failures are asked again. */
class SchoolProfilesTest {

  private final List<String> asked = new ArrayList<>();
  private boolean registered = true;

  private final SchoolProfiles profiles = new SchoolProfiles(id -> {
    asked.add(id);
    return registered
        ? CompletableFuture.completedFuture(profile(id))
        : CompletableFuture.failedFuture(new Rejection.NotFound("no school with id '" + id + "'"));
  }, 2);

  @Test
  void aRegisteredSchoolIsAskedForOnce() throws Exception {
    var first = profiles.get("sch-450102-001").toCompletableFuture().get();
    var second = profiles.get("sch-450102-001").toCompletableFuture().get();
    assertThat(second).isEqualTo(first);
    assertThat(second.name()).isEqualTo("School sch-450102-001");
    assertThat(asked).containsExactly("sch-450102-001");
  }

  @Test
  void anUnknownSchoolIsNotRememberedSoItsLaterRegistrationIsSeen() throws Exception {
    registered = false;
    assertThatThrownBy(() -> profiles.get("sch-450102-002").toCompletableFuture().get())
        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(Rejection.NotFound.class);
    registered = true;
    assertThat(profiles.get("sch-450102-002").toCompletableFuture().get().name()).isEqualTo("School sch-450102-002");
    assertThat(asked).containsExactly("sch-450102-002", "sch-450102-002");
  }

  @Test
  void memoryIsBounded() throws Exception {
    for (int i = 0; i < 50; i++) {
      profiles.get("sch-450102-" + String.format("%03d", i)).toCompletableFuture().get();
    }
    assertThat(profiles.remembered()).isLessThanOrEqualTo(2);
  }

  private static SchoolProfile profile(String id) {
    return new SchoolProfile(id, "School " + id, RegionCode.of("450102"), SchoolType.PRIMARY, 500, 40, 3,
        new Location(22.8, 108.3));
  }
}
