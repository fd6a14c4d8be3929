package org.schoolsafety.hub.agency;

import java.util.List;
import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.hazard.HazardNotice;
import org.schoolsafety.hub.prevention.WarningNotice;
import org.schoolsafety.hub.tip.TipNotice;

/**
 * A page of an agency's other inboxes ({@link NoticeQuery}), with {@code next} when more follow.
 * Not filtered by mode or region: the caller decides what it may show, as for {@link InboxPage}.
 */
public record NoticePage(
    List<HazardNotice> hazards,
    List<DeviceNotice> deviceNotices,
    List<WarningNotice> warnings,
    List<TipNotice> tips,
    NoticeQuery.Position next)
    implements CborSerializable {

  public int size() {
    return hazards.size() + deviceNotices.size() + warnings.size() + tips.size();
  }

  /** This page followed by {@code later}: the next of {@code later}. */
  public NoticePage then(NoticePage later) {
    return new NoticePage(concat(hazards, later.hazards), concat(deviceNotices, later.deviceNotices),
        concat(warnings, later.warnings), concat(tips, later.tips), later.next);
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    var both = new java.util.ArrayList<T>(a.size() + b.size());
    both.addAll(a);
    both.addAll(b);
    return List.copyOf(both);
  }
}
