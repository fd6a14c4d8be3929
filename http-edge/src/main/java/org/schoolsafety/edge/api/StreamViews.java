package org.schoolsafety.edge.api;

import java.time.Instant;
import java.util.List;
import org.schoolsafety.edge.api.dto.DispatchNoticeView;
import org.schoolsafety.hub.agency.DispatchEntry;
import org.schoolsafety.hub.directive.Directive;
import org.schoolsafety.hub.directive.DirectiveProgress;
import org.schoolsafety.hub.feed.FeedEntry;
import org.schoolsafety.hub.feed.FeedItem;
import org.schoolsafety.hub.incident.Authority;
import org.schoolsafety.hub.prevention.Warning;
import org.schoolsafety.hub.prevention.WarningNotice;
import org.schoolsafety.hub.region.RegionCode;

/** The JSON of stream events (docs/API.md, "Live streams"). */
final class StreamViews {

  private StreamViews() {}

  record IncidentEventView(
      long seq, String incidentId, String event, Instant at, String by, String detail, String schoolId,
      String schoolName, String regionCode, String type, String level, String mode, String drillId, String status,
      List<DispatchView> dispatches, String leadTier, String leadRegion) {}

  record DispatchView(
      String agencyId, String agencyName, String kind, String tier, String state, Instant deadline, Instant ackAt) {}

  record DispatchEventView(long seq, DispatchNoticeView dispatch) {}

  /** {@code leadTier}/{@code leadRegion}: who leads at the incident's level now (a regrade moves it up). */
  static IncidentEventView of(FeedEntry e, Authority authority) {
    FeedItem i = e.item();
    return new IncidentEventView(e.seq(), i.incidentId(), i.event(), i.at(), i.by(), i.detail(), i.schoolId(),
        i.schoolName(), i.regionCode(), i.type().name(), i.level().name(), i.mode().name(), i.drillId(), i.status().name(),
        i.dispatches().stream().map(d -> new DispatchView(d.agencyId(), d.agencyName(), d.kind().name(),
            d.tier().name(), d.state().name(), d.deadline(), d.ackAt())).toList(),
        authority.leadTier(i.level()).name(), authority.leadRegion(i.level(), RegionCode.of(i.regionCode())));
  }

  /** A directive's totals on the command-center stream. */
  record DirectiveEventView(String directiveId, String event, Instant at, String scope, String posture, String mode,
      String status, Instant deadline, Directive.Totals totals) {}

  static DirectiveEventView of(DirectiveProgress d) {
    return new DirectiveEventView(d.directiveId(), d.event(), d.at(), d.scope(), d.posture().name(), d.mode().name(),
        d.lifted() ? "LIFTED" : "ACTIVE", d.deadline(), d.totals());
  }

  /** An early warning (issue 15) as it now is, on either stream: the same fields as in {@code GET /warnings}. */
  record WarningEventView(long seq, Warning warning) {}

  static WarningEventView of(long seq, WarningNotice notice) {
    return new WarningEventView(seq, notice.warning());
  }

  static DispatchEventView of(DispatchEntry e) {
    return new DispatchEventView(e.seq(), DispatchNoticeView.of(e.notice()));
  }
}
