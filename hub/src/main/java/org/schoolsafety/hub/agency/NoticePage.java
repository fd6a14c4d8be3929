package org.schoolsafety.hub.agency;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.hazard.HazardNotice;
import org.schoolsafety.hub.prevention.WarningNotice;
import org.schoolsafety.hub.tip.TipNotice;

/**
 * A page of an agency's other inboxes ({@link NoticeQuery}), with {@code next} when more follow.
 * Not filtered by mode or region: the caller decides what it may show, as for {@link InboxPage}.
 * {@code asOf}: the agency's journal position when the page was read, so that a reader of several
 * pages can tell whether they come from one state ({@link #MIXED} once joined pages do not).
 */
public record NoticePage(
    List<HazardNotice> hazards,
    List<DeviceNotice> deviceNotices,
    List<WarningNotice> warnings,
    List<TipNotice> tips,
    NoticeQuery.Position next,
    long asOf)
    implements CborSerializable {

  /** The {@code asOf} of pages joined from different states of the agency. */
  public static final long MIXED = -1;

  public int size() {
    return hazards.size() + deviceNotices.size() + warnings.size() + tips.size();
  }

  /**
   * This page followed by {@code later}, with the next of {@code later}. A notice already on this
   * page is not added again (it changed between the two reads and moved behind the position).
   */
  public NoticePage then(NoticePage later) {
    return new NoticePage(join(hazards, later.hazards, HazardNotice::hazardId),
        join(deviceNotices, later.deviceNotices, DeviceNotice::key), join(warnings, later.warnings, WarningNotice::warningId),
        join(tips, later.tips, TipNotice::tipId), later.next, later.asOf == asOf ? asOf : MIXED);
  }

  private static <T> List<T> join(List<T> a, List<T> b, Function<T, String> key) {
    var seen = a.stream().map(key).collect(Collectors.toSet());
    return Stream.concat(a.stream(), b.stream().filter(n -> !seen.contains(key.apply(n)))).toList();
  }
}
