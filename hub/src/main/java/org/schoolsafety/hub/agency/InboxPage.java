package org.schoolsafety.hub.agency;

import java.util.List;
import org.schoolsafety.hub.CborSerializable;
import org.schoolsafety.hub.hazard.HazardNotice;
import org.schoolsafety.hub.prevention.WarningNotice;
import org.schoolsafety.hub.tip.TipNotice;

/**
 * A page of an agency's inbox ({@link InboxQuery}): its dispatches, and {@code next} when more
 * follow. The other inboxes (hazards, silent devices, early warnings, tips: the open ones, plus the
 * most recent closed ones when the query asks for {@code all}) come whole when the query asks for
 * them, not filtered by mode or region: the caller decides what it may show. Nodes of this release
 * do not ask for them here but read them in pages of their own ({@link NoticeQuery}): open device
 * notices are all kept, so a county whose devices all went silent at once makes them larger than
 * one message between nodes may be (docs/RELIABILITY.md, "Large replies across nodes"). The field
 * stays for nodes that still ask with it.
 */
public record InboxPage(
    AgencyProfile profile,
    List<DispatchNotice> dispatches,
    InboxQuery.Position next,
    List<HazardNotice> hazards,
    List<DeviceNotice> deviceNotices,
    List<WarningNotice> warnings,
    List<TipNotice> tips)
    implements CborSerializable {}
