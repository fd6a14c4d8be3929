package org.schoolsafety.edge.api;

import java.time.Duration;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import org.apache.pekko.http.javadsl.server.Route;
import org.schoolsafety.edge.api.dto.SchoolRequest;
import org.schoolsafety.edge.api.dto.SchoolView;
import org.schoolsafety.hub.school.School;
import org.schoolsafety.hub.school.SchoolProfile;

/** {@code /api/v1/schools}: the registry of schools. */
public final class SchoolRoutes extends RouteSupport {

  private final ClusterSharding sharding;

  public SchoolRoutes(ClusterSharding sharding, Duration askTimeout) {
    super(askTimeout);
    this.sharding = sharding;
  }

  @Override
  public Route route() {
    return pathPrefix("schools", () -> concat(
        pathEndOrSingleSlash(() -> post(() -> jsonBody(SchoolRequest.class, this::register))),
        path(segment(), schoolId -> get(() -> fetch(schoolId)))));
  }

  private Route register(SchoolRequest request) {
    SchoolProfile profile = request.toProfile();
    var reply = school(profile.schoolId()).askWithStatus(
        (org.apache.pekko.actor.typed.ActorRef<org.apache.pekko.pattern.StatusReply<School.State>> r) ->
            new School.Register(profile, Principals.OPERATOR_UNAUTHENTICATED, r),
        askTimeout);
    return respond(reply, state -> json(StatusCodes.CREATED, SchoolView.of(state))
        .addHeader(Location.create("/api/v1/schools/" + profile.schoolId())));
  }

  private Route fetch(String schoolId) {
    if (!Fields.ID.matcher(schoolId).matches()) {
      return complete(Problems.of(StatusCodes.NOT_FOUND, "no school with id '" + Ids.printable(schoolId) + "'"));
    }
    return respond(school(schoolId).askWithStatus(School.Get::new, askTimeout), s -> ok(SchoolView.of(s)));
  }

  private EntityRef<School.Command> school(String schoolId) {
    return sharding.entityRefFor(School.ENTITY_TYPE_KEY, schoolId);
  }
}
