package org.schoolsafety.edge.api;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.Route;
import org.schoolsafety.edge.api.dto.AgencyRequest;
import org.schoolsafety.edge.api.dto.AgencyView;
import org.schoolsafety.edge.api.dto.DispatchNoticeView;
import org.schoolsafety.edge.auth.AccessPolicy.DispatchScope;
import org.schoolsafety.edge.auth.Principal;
import org.schoolsafety.hub.agency.AgencyProfile;
import org.schoolsafety.hub.agency.InboxPage;
import org.schoolsafety.hub.agency.InboxQuery;
import org.schoolsafety.hub.agency.NoticePage;
import org.schoolsafety.hub.agency.NoticeQuery;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.prevention.WarningNotice;
import org.schoolsafety.persistence.readside.DispatchRecord;
import org.schoolsafety.persistence.readside.IncidentQueries;

/**
 * {@code /api/v1/agencies}: the registry of agencies and their dispatch inboxes. Inboxes and
 * histories list real dispatches unless {@code mode=} asks for drills, and only the dispatches
 * whose incidents the caller could read one by one.
 */
public final class AgencyRoutes extends RouteSupport {

  private final InboxCursor cursors;

  public AgencyRoutes(ApiContext api, InboxCursor cursors) {
    super(api);
    this.cursors = cursors;
  }

  @Override
  public Route route(Principal principal) {
    return pathPrefix("agencies", () -> concat(
        pathEndOrSingleSlash(() -> post(() -> authorize(api.policy().registerAgency(principal), principal,
            "register agencies", "", () -> jsonBody(AgencyRequest.class, body -> register(principal, body))))),
        pathPrefix(segment(), agencyId -> concat(
            pathEnd(() -> get(() -> summary(principal, agencyId))),
            path("dispatches", () -> get(() -> parameterMap(params -> dispatches(principal, agencyId, params)))),
            path("dispatch-history", () -> get(() -> parameterMap(params -> history(principal, agencyId, params))))))));
  }

  private Route register(Principal principal, AgencyRequest request) {
    AgencyProfile profile = request.toProfile();
    long started = System.nanoTime();
    // Registration answers with the profile; a retried one of a busy agency shows its open dispatches.
    return respond(api.agencyRegistration().register(profile, principal.id())
            .thenCompose(registered -> agencies.summary(profile.agencyId(), api.askTimeoutLeft(started))),
        summary -> json(StatusCodes.CREATED, AgencyView.of(summary, notice -> true))
            .addHeader(Location.create("/api/v1/agencies/" + profile.agencyId())));
  }

  /** The agency's profile, open dispatches and escalated directives; the inbox stays with the agency. */
  private Route summary(Principal principal, String agencyId) {
    String notFound = "no agency with id '" + Ids.printable(agencyId) + "'";
    if (!Fields.ID.matcher(agencyId).matches()) {
      return complete(Problems.of(StatusCodes.NOT_FOUND, notFound));
    }
    return onReply(agencies.summary(agencyId, api.askTimeout()),
        summary -> authorize(api.policy().readAgency(principal, summary.profile()), principal,
            "read agency " + agencyId, notFound, () -> complete(ok(AgencyView.of(summary, notice ->
                api.policy().dispatchScope(principal, summary.profile(), Set.of(Mode.ACTUAL, Mode.EXERCISE))
                    .admits(notice.mode(), notice.regionCode()))))));
  }

  /**
   * The inbox. With {@code limit}, one page of dispatches and {@code next} when more follow (pass it
   * back as {@code cursor}); without, every dispatch from the cursor on, gathered page by page from
   * the agency so that no single reply between nodes outgrows the remote transport's frame. The
   * other inboxes (hazards, silent devices, early warnings, tips) come whole with every answer,
   * gathered the same way.
   */
  private Route dispatches(Principal principal, String agencyId, Map<String, String> params) {
    String state = params.getOrDefault("state", "open");
    if (!state.equals("open") && !state.equals("all")) {
      throw Params.invalid("state", "must be 'open' or 'all'");
    }
    Set<Mode> modes = Params.modes(Optional.ofNullable(params.get("mode")));
    Optional<Integer> limit = params.containsKey("limit")
        ? Optional.of(Params.limit(Optional.of(params.get("limit")), InboxQuery.MAX_LIMIT, InboxQuery.MAX_LIMIT))
        : Optional.empty();
    long started = System.nanoTime();
    return scoped(principal, agencyId, modes, (profile, scope) -> {
      // what a cursor may continue: this agency's inbox, in this state, for what this caller sees of it
      String signedFor = String.join("|", agencyId, state, String.valueOf(new java.util.TreeSet<>(scope.modes())),
          String.valueOf(scope.regionPrefix()));
      InboxQuery.Position after;
      try {
        after = cursors.decode(params.get("cursor"), signedFor);
      } catch (IllegalArgumentException badCursor) {
        throw Params.invalid("cursor", badCursor.getMessage());
      }
      var query = new InboxQuery(state.equals("all"), scope.modes(), scope.regionPrefix(),
          limit.orElse(InboxQuery.MAX_LIMIT), after, false);
      CompletionStage<InboxPage> inbox = limit.isPresent()
          ? agencies.inbox(agencyId, query, api.askTimeoutLeft(started))
          : gather(agencyId, "inbox", query, started, (q, left) -> agencies.inbox(agencyId, q, left),
              InboxPage::next, InboxQuery::after, AgencyRoutes::joinDispatches);
      // The other inboxes come whole with every answer, read in pages of their own beside the dispatches.
      CompletionStage<NoticePage> notices = otherInboxes(agencyId, state.equals("all"), started, NOTICE_READS);
      return onReply(inbox.thenCombine(notices, (page, other) -> new InboxPage(page.profile(), page.dispatches(),
              page.next(), other.hazards(), other.deviceNotices(), other.warnings(), other.tips())),
          answer -> complete(ok(inboxBody(principal, agencyId, state, scope, answer,
              answer.next() == null ? IncidentRoutes.NO_NEXT : cursors.encode(answer.next(), signedFor)))));
    });
  }

  /**
   * Every page from {@code query} on, joined into one whose {@code next} is the last page's (none):
   * each page is one bounded reply from the agency, and the whole gathering has the request's ask
   * timeout, as one ask had.
   */
  private <P, Q, N> CompletionStage<P> gather(String agencyId, String what, Q query, long started,
      BiFunction<Q, java.time.Duration, CompletionStage<P>> read, java.util.function.Function<P, N> next,
      BiFunction<Q, N, Q> after, java.util.function.BinaryOperator<P> join) {
    return read.apply(query, api.askTimeoutLeft(started)).thenCompose(page -> {
      N position = next.apply(page);
      if (position == null) {
        return java.util.concurrent.CompletableFuture.completedFuture(page);
      }
      if (System.nanoTime() - started > api.askTimeout().toNanos()) {
        return java.util.concurrent.CompletableFuture.failedFuture(new java.util.concurrent.TimeoutException(
            "agency " + agencyId + ": its " + what + " was not read within " + api.askTimeout()));
      }
      return gather(agencyId, what, after.apply(query, position), started, read, next, after, join)
          .thenApply(rest -> join.apply(page, rest));
    });
  }

  /** How often the other inboxes are read before an answer is given from pages of different moments. */
  static final int NOTICE_READS = 3;

  /**
   * The other inboxes, page by page, read again (up to {@code reads} times in all, while half the
   * request's ask timeout is left) when the agency wrote anything between two pages: one reply used
   * to carry them, and so one moment of them. After that the answer may miss a notice that moved
   * ahead of the pages already read (notified again) while they were read; none is listed twice (the
   * pages are joined by key).
   */
  private CompletionStage<NoticePage> otherInboxes(String agencyId, boolean all, long started, int reads) {
    return gather(agencyId, "other inboxes", NoticeQuery.first(all), started,
        (q, left) -> agencies.notices(agencyId, q, left), NoticePage::next, NoticeQuery::after, NoticePage::then)
        .thenCompose(read -> {
          // again only while half the request's time is left, and the read in hand if that fails
          boolean again = read.asOf() == NoticePage.MIXED && reads > 1
              && System.nanoTime() - started < api.askTimeout().toNanos() / 2;
          return again
              ? otherInboxes(agencyId, all, started, reads - 1).exceptionally(failed -> read)
              : java.util.concurrent.CompletableFuture.completedFuture(read);
        });
  }

  private static InboxPage joinDispatches(InboxPage first, InboxPage rest) {
    return new InboxPage(first.profile(), concat(first.dispatches(), rest.dispatches()), rest.next(), first.hazards(),
        first.deviceNotices(), first.warnings(), first.tips());
  }

  private static <T> java.util.List<T> concat(java.util.List<T> a, java.util.List<T> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }

  private Map<String, Object> inboxBody(Principal principal, String agencyId, String state, DispatchScope scope,
      InboxPage agency, Object next) {
    var body = new java.util.LinkedHashMap<String, Object>();
    body.put("agencyId", agencyId);
    body.put("state", state);
    body.put("dispatches", agency.dispatches().stream().map(DispatchNoticeView::of).toList());
    body.put("next", next);
    body.putAll(Map.of(
        // Hazards the agency was told about (MAJOR at once, or OVERDUE): additive, by hazardId.
        "hazards", agency.hazards().stream()
            .filter(h -> scope.modes().contains(Mode.ACTUAL)
                && (scope.regionPrefix() == null || h.regionCode().startsWith(scope.regionPrefix())))
            .toList(),
        // Devices of schools in its jurisdiction that went silent (docs/SENSORS.md): real devices, so
        // shown as real (ACTUAL) items to whoever may see the agency's real dispatches.
        "deviceNotices", agency.deviceNotices().stream()
            .filter(n -> scope.admits(Mode.ACTUAL, n.regionCode()))
            .toList(),
        // Early warnings addressed to the agency (issue 15: the county education agency, and the
        // health agency for health-check clusters): additive, by warningId; not cleared ones unless
        // state=all. About real schools' records, so shown to whoever may see its real dispatches.
        "warnings", agency.warnings().stream()
            .filter(w -> scope.admits(Mode.ACTUAL, w.regionCode()))
            .map(WarningNotice::warning)
            .toList(),
        // Anonymous tips the agency was told about (WEAPON, SELF_HARM, untriaged, escalated):
        // additive, by tipId; only the agency itself sees them.
        "tips", principal.is(org.schoolsafety.edge.auth.Role.AGENCY) && principal.subject().equals(agencyId)
            ? agency.tips() : java.util.List.of()));
    return body;
  }

  private Route history(Principal principal, String agencyId, Map<String, String> params) {
    int limit = Params.limit(Optional.ofNullable(params.get("limit")), 50, 200);
    Set<Mode> modes = Params.modes(Optional.ofNullable(params.get("mode")));
    return scoped(principal, agencyId, modes, (agency, scope) -> {
      var filter = new IncidentQueries.DispatchFilter(
          scope.modes().stream().map(Enum::name).collect(Collectors.toSet()), scope.regionPrefix());
      CompletionStage<IncidentQueries.Page<DispatchRecord>> page;
      try {
        page = api.queries().dispatches(agencyId, filter, limit, params.get("cursor"));
      } catch (IllegalArgumentException badCursor) {
        throw Params.invalid("cursor", badCursor.getMessage());
      }
      return respond(page, result -> ok(Map.of("agencyId", agencyId, "dispatches", result.items(),
          "next", result.next() == null ? IncidentRoutes.NO_NEXT : result.next())));
    });
  }

  /** The agency's profile, if the caller may read it, with the part of its dispatches the caller may see. */
  private Route scoped(Principal principal, String agencyId, Set<Mode> modes,
      BiFunction<AgencyProfile, DispatchScope, Route> inner) {
    return readable(principal, agencyId, profile ->
        inner.apply(profile, api.policy().dispatchScope(principal, profile, modes)));
  }

  /** Only the profile is asked for here: the inbox can be thousands of dispatches (see {@link #dispatches}). */
  private Route readable(Principal principal, String agencyId, java.util.function.Function<AgencyProfile, Route> inner) {
    String notFound = "no agency with id '" + Ids.printable(agencyId) + "'";
    if (!Fields.ID.matcher(agencyId).matches()) {
      return complete(Problems.of(StatusCodes.NOT_FOUND, notFound));
    }
    return onReply(agencies.profile(agencyId, api.askTimeout()),
        state -> authorize(api.policy().readAgency(principal, state.profile()), principal,
            "read agency " + agencyId, notFound, () -> inner.apply(state.profile())));
  }
}
