package org.schoolsafety.edge.api;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.Route;
import org.schoolsafety.edge.api.dto.AgencyRequest;
import org.schoolsafety.edge.api.dto.AgencyView;
import org.schoolsafety.edge.api.dto.DispatchNoticeView;
import org.schoolsafety.edge.auth.AccessPolicy.DispatchScope;
import org.schoolsafety.edge.auth.Principal;
import org.schoolsafety.hub.agency.Agency;
import org.schoolsafety.hub.agency.AgencyProfile;
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

  public AgencyRoutes(ApiContext api) {
    super(api);
  }

  @Override
  public Route route(Principal principal) {
    return pathPrefix("agencies", () -> concat(
        pathEndOrSingleSlash(() -> post(() -> authorize(api.policy().registerAgency(principal), principal,
            "register agencies", "", () -> jsonBody(AgencyRequest.class, body -> register(principal, body))))),
        pathPrefix(segment(), agencyId -> concat(
            pathEnd(() -> get(() -> readable(principal, agencyId, state -> complete(ok(AgencyView.of(state, notice ->
                api.policy().dispatchScope(principal, state.profile(), Set.of(Mode.ACTUAL, Mode.EXERCISE))
                    .admits(notice.mode(), notice.regionCode()))))))),
            path("dispatches", () -> get(() -> parameterMap(params -> dispatches(principal, agencyId, params)))),
            path("dispatch-history", () -> get(() -> parameterMap(params -> history(principal, agencyId, params))))))));
  }

  private Route register(Principal principal, AgencyRequest request) {
    AgencyProfile profile = request.toProfile();
    return respond(api.agencyRegistration().register(profile, principal.id()),
        state -> json(StatusCodes.CREATED, AgencyView.of(state))
            .addHeader(Location.create("/api/v1/agencies/" + profile.agencyId())));
  }

  private Route dispatches(Principal principal, String agencyId, Map<String, String> params) {
    String state = params.getOrDefault("state", "open");
    if (!state.equals("open") && !state.equals("all")) {
      throw Params.invalid("state", "must be 'open' or 'all'");
    }
    Set<Mode> modes = Params.modes(Optional.ofNullable(params.get("mode")));
    return scoped(principal, agencyId, modes, (agency, scope) -> complete(ok(Map.of(
        "agencyId", agencyId,
        "state", state,
        "dispatches", agency.inbox(state.equals("all")).stream()
            .filter(n -> scope.admits(n.mode(), n.regionCode()))
            .map(DispatchNoticeView::of).toList(),
        // Hazards the agency was told about (MAJOR at once, or OVERDUE): additive, by hazardId.
        "hazards", agency.hazardInbox(state.equals("all")).stream()
            .filter(h -> scope.modes().contains(Mode.ACTUAL)
                && (scope.regionPrefix() == null || h.regionCode().startsWith(scope.regionPrefix())))
            .toList(),
        // Devices of schools in its jurisdiction that went silent (docs/SENSORS.md): real devices, so
        // shown as real (ACTUAL) items to whoever may see the agency's real dispatches.
        "deviceNotices", agency.deviceInbox(state.equals("all")).stream()
            .filter(n -> scope.admits(Mode.ACTUAL, n.regionCode()))
            .toList(),
        // Early warnings addressed to the agency (issue 15: the county education agency, and the
        // health agency for health-check clusters): additive, by warningId; not cleared ones unless
        // state=all. About real schools' records, so shown to whoever may see its real dispatches.
        "warnings", agency.warningInbox(state.equals("all")).stream()
            .filter(w -> scope.admits(Mode.ACTUAL, w.regionCode()))
            .map(WarningNotice::warning)
            .toList(),
        // Anonymous tips the agency was told about (WEAPON, SELF_HARM, untriaged, escalated):
        // additive, by tipId; only the agency itself sees them.
        "tips", principal.is(org.schoolsafety.edge.auth.Role.AGENCY) && principal.subject().equals(agencyId)
            ? agency.tipInbox(state.equals("all")) : java.util.List.of()))));
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

  /** The agency, if the caller may read it, with the part of its dispatches the caller may see. */
  private Route scoped(Principal principal, String agencyId, Set<Mode> modes,
      BiFunction<Agency.State, DispatchScope, Route> inner) {
    return readable(principal, agencyId, agency ->
        inner.apply(agency, api.policy().dispatchScope(principal, agency.profile(), modes)));
  }

  private Route readable(Principal principal, String agencyId, java.util.function.Function<Agency.State, Route> inner) {
    String notFound = "no agency with id '" + Ids.printable(agencyId) + "'";
    if (!Fields.ID.matcher(agencyId).matches()) {
      return complete(Problems.of(StatusCodes.NOT_FOUND, notFound));
    }
    return onReply(agency(agencyId).askWithStatus(Agency.Get::new, api.askTimeout()),
        state -> authorize(api.policy().readAgency(principal, state.profile()), principal,
            "read agency " + agencyId, notFound, () -> inner.apply(state)));
  }

  private EntityRef<Agency.Command> agency(String agencyId) {
    return api.sharding().entityRefFor(Agency.ENTITY_TYPE_KEY, agencyId);
  }
}
