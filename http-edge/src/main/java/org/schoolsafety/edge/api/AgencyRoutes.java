package org.schoolsafety.edge.api;

import java.time.Duration;
import java.util.Map;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import org.apache.pekko.http.javadsl.server.Route;
import org.schoolsafety.edge.api.dto.AgencyRequest;
import org.schoolsafety.edge.api.dto.AgencyView;
import org.schoolsafety.edge.api.dto.DispatchNoticeView;
import org.schoolsafety.hub.agency.Agency;
import org.schoolsafety.hub.agency.AgencyProfile;
import org.schoolsafety.hub.agency.AgencyRegistration;

/** {@code /api/v1/agencies}: the registry of agencies and their dispatch inboxes. */
public final class AgencyRoutes extends RouteSupport {

  private final ClusterSharding sharding;
  private final AgencyRegistration registration;

  public AgencyRoutes(ClusterSharding sharding, AgencyRegistration registration, Duration askTimeout) {
    super(askTimeout);
    this.sharding = sharding;
    this.registration = registration;
  }

  @Override
  public Route route() {
    return pathPrefix("agencies", () -> concat(
        pathEndOrSingleSlash(() -> post(() -> jsonBody(AgencyRequest.class, this::register))),
        pathPrefix(segment(), agencyId -> concat(
            pathEnd(() -> get(() -> fetch(agencyId))),
            path("dispatches", () -> get(() -> parameterOptional("state", state -> dispatches(agencyId, state.orElse("open")))))))));
  }

  private Route register(AgencyRequest request) {
    AgencyProfile profile = request.toProfile();
    return respond(registration.register(profile, Principals.OPERATOR_UNAUTHENTICATED),
        state -> json(StatusCodes.CREATED, AgencyView.of(state))
            .addHeader(Location.create("/api/v1/agencies/" + profile.agencyId())));
  }

  private Route fetch(String agencyId) {
    if (!Fields.ID.matcher(agencyId).matches()) {
      return complete(unknown(agencyId));
    }
    return respond(agency(agencyId).askWithStatus(Agency.Get::new, askTimeout), s -> ok(AgencyView.of(s)));
  }

  private Route dispatches(String agencyId, String state) {
    if (!state.equals("open") && !state.equals("all")) {
      return complete(Problems.from(ApiException.invalid(java.util.List.of(
          new Problem.FieldError("state", "must be 'open' or 'all'")))));
    }
    if (!Fields.ID.matcher(agencyId).matches()) {
      return complete(unknown(agencyId));
    }
    return respond(agency(agencyId).askWithStatus(Agency.Get::new, askTimeout), s -> ok(Map.of(
        "agencyId", agencyId,
        "state", state,
        "dispatches", s.inbox(state.equals("all")).stream().map(DispatchNoticeView::of).toList())));
  }

  private static org.apache.pekko.http.javadsl.model.HttpResponse unknown(String agencyId) {
    return Problems.of(StatusCodes.NOT_FOUND, "no agency with id '" + Ids.printable(agencyId) + "'");
  }

  private EntityRef<Agency.Command> agency(String agencyId) {
    return sharding.entityRefFor(Agency.ENTITY_TYPE_KEY, agencyId);
  }
}
