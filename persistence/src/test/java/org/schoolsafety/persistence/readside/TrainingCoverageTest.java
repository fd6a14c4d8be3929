package org.schoolsafety.persistence.readside;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Training coverage as a pure function: hand-computed figures per school and per county, city and province. */
class TrainingCoverageTest {

  static final LocalDate TO = LocalDate.parse("2026-11-30");
  static final LocalDate FROM = TO.minusDays(365);

  @Test
  @SuppressWarnings("unchecked")
  void staffCoverageIsCappedPerSchoolAndRolledUpByRegion() {
    var schools = List.of(
        new TrainingCoverage.School("a", "A", "650102", 40),
        new TrainingCoverage.School("b", "B", "650103", 60),
        new TrainingCoverage.School("c", "C", "650202", 0));
    var sessions = List.of(
        // a: 30 + 25 staff, capped at its 40; students and parents counted apart
        new TrainingCoverage.Session("a", TO, "FIRE", "STAFF", 30, 2.0),
        new TrainingCoverage.Session("a", TO.minusDays(100), "FIRST_AID", "STAFF", 25, 1.5),
        new TrainingCoverage.Session("a", TO, "FIRE", "STUDENTS", 400, 1.0),
        new TrainingCoverage.Session("a", TO, "TRAFFIC", "PARENTS", 90, 0.5),
        // b: 15 staff in the window; the older one does not count
        new TrainingCoverage.Session("b", FROM, "FIRE", "STAFF", 15, 1.0),
        new TrainingCoverage.Session("b", FROM.minusDays(1), "FIRE", "STAFF", 60, 1.0),
        // a school outside the region's list: ignored
        new TrainingCoverage.Session("zz", TO, "FIRE", "STAFF", 10, 1.0));
    Map<String, Object> answer = TrainingCoverage.of("65", schools, sessions, FROM, TO, 2);

    var listed = (List<Map<String, Object>>) answer.get("schools");
    assertThat(answer.get("schoolCount")).isEqualTo(3);
    // lowest coverage first, schools without staff last; at most the limit
    assertThat(listed).extracting(r -> r.get("schoolId")).containsExactly("b", "a");
    Map<String, Object> a = listed.get(1);
    assertThat(a.get("staffTrained")).isEqualTo(40);
    assertThat(a.get("staffCoverage")).isEqualTo(1.0);
    assertThat(a.get("staffSessions")).isEqualTo(2);
    assertThat(a.get("studentSessions")).isEqualTo(1);
    assertThat(a.get("parentParticipants")).isEqualTo(90);
    assertThat(a.get("hoursByTopic")).isEqualTo(Map.of("FIRE", 3.0, "FIRST_AID", 1.5, "TRAFFIC", 0.5));
    Map<String, Object> b = listed.get(0);
    assertThat(b.get("staffTrained")).isEqualTo(15);
    assertThat(b.get("staffCoverage")).isEqualTo(0.25);

    var regions = (List<Map<String, Object>>) answer.get("regions");
    assertThat(regions).extracting(r -> r.get("region"))
        .containsExactly("65", "6501", "650102", "650103", "6502", "650202");
    Map<String, Object> province = regions.get(0);
    assertThat(province.get("tier")).isEqualTo("PROVINCE");
    assertThat(province.get("schools")).isEqualTo(3);
    assertThat(province.get("staff")).isEqualTo(100);
    assertThat(province.get("staffTrained")).isEqualTo(55);
    assertThat(province.get("staffCoverage")).isEqualTo(0.55);
    Map<String, Object> city = regions.get(1);
    assertThat(city.get("tier")).isEqualTo("CITY");
    assertThat(city.get("schools")).isEqualTo(2);
    assertThat(city.get("staffCoverage")).isEqualTo(0.55);
    Map<String, Object> noStaff = regions.get(5);
    assertThat(noStaff.get("tier")).isEqualTo("COUNTY");
    assertThat(noStaff.get("staffCoverage")).isNull();
  }
}
