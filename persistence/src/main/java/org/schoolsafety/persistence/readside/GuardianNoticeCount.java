package org.schoolsafety.persistence.readside;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The notices a directive caused to the guardians of its schools: {@code notices} postures it set
 * or released at a school (each one a POSTURE notice on the school's guardian feed), at
 * {@code schools} distinct schools. It counts notices published, not guardians: the hub does not
 * know who holds a guardian token or reads the feed.
 */
public record GuardianNoticeCount(int schools, int notices) {

  public static final GuardianNoticeCount NONE = new GuardianNoticeCount(0, 0);

  /** Posture keys of directives ("dir-…"), not the lockdowns an intrusion incident sets ("incident:…"). */
  static boolean isDirective(String directiveKey) {
    return directiveKey != null && directiveKey.startsWith("dir-");
  }

  /** Counts rows of (school id) only for the schools {@code shown} admits. */
  static GuardianNoticeCount of(List<String> schoolIdPerNotice, Collection<String> shown) {
    Set<String> schools = new HashSet<>();
    int notices = 0;
    for (String schoolId : schoolIdPerNotice) {
      if (shown.contains(schoolId)) {
        schools.add(schoolId);
        notices++;
      }
    }
    return new GuardianNoticeCount(schools.size(), notices);
  }
}
