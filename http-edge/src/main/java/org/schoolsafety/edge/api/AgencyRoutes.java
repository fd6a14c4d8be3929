package org.schoolsafety.edge.api;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.Route;
import org.schoolsafety.edge.api.dto.AgencyRequest;
import org.schoolsafety.edge.api.dto.AgencyView;
import org.schoolsafety.edge.api.dto.DispatchNoticeView;
import org.schoolsafety.edge.auth.Principal;
import org.schoolsafety.hub.agency.Agency;
import org.schoolsafety.hub.agency.AgencyProfile;

/** {@code /api/v1/agencies}: the registry of agencies and their dispatch inboxes. */
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
            pathEnd(() -> get(() -> readable(principal, agencyId, state -> complete(ok(AgencyView.of(state)))))),
            path("dispatches", () -> get(() -> parameterOptional("state", state ->
                dispatches(principal, agencyId, state.orElse("open"))))),
            path("dispatch-history", () -> get(() -> parameterMap(params ->
                readable(principal, agencyId, agency -> respond(
                    api.queries().dispatches(agencyId, Params.limit(java.util.Optional.ofNullable(params.get("limit")), 50, 200),
                        params.get("cursor")),
                    page -> ok(Map.of("agencyId", agencyId, "dispatches", page.items(),
                        "next", page.next() == null ? IncidentRoutes.NO_NEXT : page.next())))))))))));
  }

  private Route register(Principal principal, AgencyRequest request) {
    AgencyProfile profile = request.toProfile();
    return respond(api.agencyRegistration().register(profile, principal.id()),
        state -> json(StatusCodes.CREATED, AgencyView.of(state))
            .addHeader(Location.create("/api/v1/agencies/" + profile.agencyId())));
  }

  private Route dispatches(Principal principal, String agencyId, String state) {
    if (!state.equals("open") && !state.equals("all")) {
      return complete(Problems.from(ApiException.invalid(List.of(
          new Problem.FieldError("state", "must be 'open' or 'all'")))));
    }
    return readable(principal, agencyId, agency -> complete(ok(Map.of(
        "agencyId", agencyId,
        "state", state,
        "dispatches", agency.inbox(state.equals("all")).stream().map(DispatchNoticeView::of).toList()))));
  }

  private Route readable(Principal principal, String agencyId, Function<Agency.State, Route> inner) {
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
