package org.schoolsafety.persistence.readside;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GuardianNoticeCountTest {

  @Test
  void countsNoticesAndTheDistinctSchoolsTheCallerMaySee() {
    // Three schools told when issued, two of them again when lifted; the caller sees two schools.
    var rows = List.of("sch-1", "sch-2", "sch-3", "sch-1", "sch-2");
    assertThat(GuardianNoticeCount.of(rows, Set.of("sch-1", "sch-2", "sch-3"))).isEqualTo(new GuardianNoticeCount(3, 5));
    assertThat(GuardianNoticeCount.of(rows, Set.of("sch-1", "sch-3"))).isEqualTo(new GuardianNoticeCount(2, 3));
    assertThat(GuardianNoticeCount.of(rows, Set.of())).isEqualTo(GuardianNoticeCount.NONE);
  }

  @Test
  void onlyDirectivesCountNotTheLockdownsOfIntrusionIncidents() {
    assertThat(GuardianNoticeCount.isDirective("dir-0053b8faacb45f586771acd9")).isTrue();
    assertThat(GuardianNoticeCount.isDirective("incident:inc-1")).isFalse();
    assertThat(GuardianNoticeCount.isDirective(null)).isFalse();
  }
}
