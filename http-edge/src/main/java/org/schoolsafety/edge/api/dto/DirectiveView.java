package org.schoolsafety.edge.api.dto;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.schoolsafety.hub.directive.Directive;
import org.schoolsafety.hub.directive.Headcount;
import org.schoolsafety.hub.directive.SchoolProgress;

/**
 * The directive read model: per school acknowledged or not, accounted-for percentage and
 * missing count, the schools still silent first, and the totals over the schools shown.
 */
public record DirectiveView(
    String directiveId, String posture, String instruction, String mode, String scope, String source,
    Instant issuedAt, String issuedBy, Instant deadline, String status, Instant liftedAt, String liftedBy,
    String liftReason, Totals totals, List<SchoolEntry> schools, GuardianNotices guardianNotices) {

  /**
   * The notices this directive caused on the guardian feeds of the schools shown: a POSTURE
   * notice each time it set or released a school's posture (ACTUAL directives only), counted
   * from the schools' posture events by the read side (which lags them by a moment). Notices
   * published, not guardians reached: the hub does not know who holds a guardian token. Null
   * when the read side could not be read.
   */
  public record GuardianNotices(int schools, int notices) {}

  public DirectiveView withGuardianNotices(GuardianNotices counted) {
    return new DirectiveView(directiveId, posture, instruction, mode, scope, source, issuedAt, issuedBy, deadline,
        status, liftedAt, liftedBy, liftReason, totals, schools, counted);
  }

  public record Totals(int schools, int acknowledged, int silent, int escalated, long expected, long accounted,
      double accountedPercent, int missing, int injured, Headcount students, Headcount staff) {}

  public record SchoolEntry(String schoolId, String name, String regionCode, boolean acknowledged, Instant ackAt,
      int expected, int accounted, double accountedPercent, int missing, int injured, Headcount students,
      Headcount staff, Map<String, Headcount> classes, Instant reportedAt, boolean escalated, String escalatedTo) {}

  /** Only the schools {@code visible} admits are shown and summed. */
  public static DirectiveView of(Directive.State state, Predicate<SchoolProgress> visible) {
    var shown = state.progress().stream().filter(visible).toList();
    int acknowledged = 0;
    int escalated = 0;
    long expected = 0;
    Headcount students = Headcount.NONE;
    Headcount staff = Headcount.NONE;
    for (SchoolProgress s : shown) {
      acknowledged += s.acknowledged() ? 1 : 0;
      escalated += s.escalated() ? 1 : 0;
      expected += s.expected();
      students = s.students() == null ? students : students.plus(s.students());
      staff = s.staff() == null ? staff : staff.plus(s.staff());
    }
    long accounted = (long) students.accounted() + staff.accounted();
    double percent = expected <= 0 ? (accounted > 0 ? 100.0 : 0.0)
        : Math.min(100.0, Math.round(accounted * 1000.0 / expected) / 10.0);
    var totals = new Totals(shown.size(), acknowledged, shown.size() - acknowledged, escalated, expected, accounted,
        percent, students.missing() + staff.missing(), students.injured() + staff.injured(), students, staff);
    var spec = state.spec();
    return new DirectiveView(state.directiveId(), spec.posture().name(), spec.instruction(), spec.mode().name(),
        spec.scope(), spec.source(), state.issuedAt(), state.issuedBy(), state.deadline(),
        state.isLifted() ? "LIFTED" : "ACTIVE", state.liftedAt(), state.liftedBy(), state.liftReason(), totals,
        shown.stream().map(DirectiveView::entry).toList(), null);
  }

  private static SchoolEntry entry(SchoolProgress s) {
    return new SchoolEntry(s.school().schoolId(), s.school().name(), s.school().region().value(), s.acknowledged(),
        s.ackAt(), s.expected(), s.accounted(), s.accountedPercent(), s.missing(), s.injured(), s.students(),
        s.staff(), new TreeMap<>(s.classes()), s.reportedAt(), s.escalated(), s.escalatedTo());
  }
}
