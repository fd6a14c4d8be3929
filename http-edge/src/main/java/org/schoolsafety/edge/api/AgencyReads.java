package org.schoolsafety.edge.api;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.StatusReply;
import org.schoolsafety.hub.agency.Agency;
import org.schoolsafety.hub.agency.InboxPage;
import org.schoolsafety.hub.agency.InboxQuery;
import org.schoolsafety.hub.agency.NoticePage;
import org.schoolsafety.hub.agency.NoticeQuery;
import org.schoolsafety.hub.incident.Mode;

/**
 * How routes read an agency: its profile, its summary, a page of its inbox or of its other inboxes,
 * which of some incidents it was dispatched to. Each is a message of its own, whose reply stays
 * small however busy the agency is (a whole state can outgrow the remote frame:
 * docs/RELIABILITY.md, "Large replies across nodes").
 *
 * <p>With {@code hub.agency.whole-state-reads = on} each is answered from the whole state
 * ({@link Agency.Get}) instead, computed here as the agency would: the messages a release before
 * 2026-12-03 understands. With {@code hub.agency.notice-pages = off} the other inboxes come with the
 * first page of the inbox ({@link Agency.GetInbox}), as a release of 2026-12-03 before
 * {@link Agency.GetNotices} read them. Each only for a rolling upgrade from such a release
 * (docs/DEPLOY.md, section 5): an old node cannot read the new messages, and a new node asking an
 * agency it holds would wait out the ask timeout.
 */
final class AgencyReads {

  static final String WHOLE_STATE_READS = "hub.agency.whole-state-reads";
  static final String NOTICE_PAGES = "hub.agency.notice-pages";

  private final ClusterSharding sharding;
  private final boolean wholeState;
  private final boolean noticePages;

  AgencyReads(ClusterSharding sharding, boolean wholeState, boolean noticePages) {
    this.sharding = sharding;
    this.wholeState = wholeState;
    this.noticePages = noticePages;
  }

  /** The state with the profile alone (not found for an unknown agency). */
  CompletionStage<Agency.State> profile(String agencyId, Duration timeout) {
    return wholeState
        ? agency(agencyId).askWithStatus(Agency.Get::new, timeout).thenApply(Agency.State::profileOnly)
        : agency(agencyId).askWithStatus(Agency.GetProfile::new, timeout);
  }

  CompletionStage<Agency.Summary> summary(String agencyId, Duration timeout) {
    return wholeState
        ? agency(agencyId).askWithStatus(Agency.Get::new, timeout).thenApply(Agency.State::summary)
        : agency(agencyId).askWithStatus(Agency.GetSummary::new, timeout);
  }

  CompletionStage<InboxPage> inbox(String agencyId, InboxQuery query, Duration timeout) {
    return wholeState
        ? agency(agencyId).askWithStatus(Agency.Get::new, timeout).thenApply(state -> state.page(query))
        : agency(agencyId).askWithStatus((ActorRef<StatusReply<InboxPage>> r) -> new Agency.GetInbox(query, r), timeout);
  }

  /**
   * A page of the other inboxes. By whole state, or from a node that does not know
   * {@link Agency.GetNotices} ({@code hub.agency.notice-pages = off}), all of them in one page.
   */
  CompletionStage<NoticePage> notices(String agencyId, NoticeQuery query, Duration timeout) {
    if (wholeState) {
      return agency(agencyId).askWithStatus(Agency.Get::new, timeout).thenApply(state -> state.allNotices(query.all()));
    }
    if (!noticePages) {
      var withTheFirstPage = new InboxQuery(query.all(), EnumSet.allOf(Mode.class), null, 1, null, true);
      return inbox(agencyId, withTheFirstPage, timeout).thenApply(page -> new NoticePage(page.hazards(),
          page.deviceNotices(), page.warnings(), page.tips(), null, 0));
    }
    return agency(agencyId).askWithStatus((ActorRef<StatusReply<NoticePage>> r) -> new Agency.GetNotices(query, r),
        timeout);
  }

  CompletionStage<Agency.FoundDispatches> findDispatches(String agencyId, Set<String> incidentIds, Duration timeout) {
    if (wholeState) {
      return agency(agencyId).askWithStatus(Agency.Get::new, timeout).thenApply(state -> state.findDispatches(incidentIds));
    }
    return agency(agencyId).askWithStatus(
        (ActorRef<StatusReply<Agency.FoundDispatches>> r) -> new Agency.FindDispatches(incidentIds, r), timeout);
  }

  private EntityRef<Agency.Command> agency(String agencyId) {
    return sharding.entityRefFor(Agency.ENTITY_TYPE_KEY, agencyId);
  }
}
