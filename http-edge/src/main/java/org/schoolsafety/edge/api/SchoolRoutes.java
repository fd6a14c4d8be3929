package org.schoolsafety.edge.api;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;
import org.schoolsafety.edge.api.dto.DrillRequest;
import org.schoolsafety.edge.api.dto.SchoolRequest;
import org.schoolsafety.edge.api.dto.SchoolView;
import org.schoolsafety.edge.auth.Principal;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.hub.agency.Agency;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.school.School;
import org.schoolsafety.hub.school.SchoolProfile;

/** {@code /api/v1/schools}: the registry of schools. */
public final class SchoolRoutes extends RouteSupport {

  public SchoolRoutes(ApiContext api) {
    super(api);
  }

  @Override
  public Route route(Principal principal) {
    return pathPrefix("schools", () -> concat(
        pathEndOrSingleSlash(() -> concat(
            post(() -> authorize(api.policy().registerSchool(principal), principal,
                "register schools", "", () -> jsonBody(SchoolRequest.class, body -> register(principal, body)))),
            get(() -> parameterMap(params -> list(principal, params))))),
        pathPrefix(segment(), schoolId -> concat(
            pathEnd(() -> get(() -> parameterOptional("mode", mode -> fetch(principal, schoolId, Params.modes(mode))))),
            path("drills", () -> concat(
                get(() -> drills(principal, schoolId)),
                post(() -> jsonBody(DrillRequest.class, body -> recordDrill(principal, schoolId, body)))))))));
  }

  private Route register(Principal principal, SchoolRequest request) {
    SchoolProfile profile = request.toProfile();
    var reply = school(profile.schoolId()).askWithStatus(
        (ActorRef<StatusReply<School.State>> r) -> new School.Register(profile, principal.id(), r),
        api.askTimeout());
    return respond(reply, state -> json(StatusCodes.CREATED, SchoolView.of(state))
        .addHeader(Location.create("/api/v1/schools/" + profile.schoolId())));
  }

  private Route list(Principal principal, java.util.Map<String, String> params) {
    String region = Params.region(java.util.Optional.ofNullable(params.get("region")),
        principal.is(Role.COMMAND_CENTER) ? principal.subject() : null);
    int limit = Params.limit(java.util.Optional.ofNullable(params.get("limit")), 200, 1000);
    Set<Mode> modes = api.policy().visibleModes(principal, Params.modes(java.util.Optional.ofNullable(params.get("mode"))));
    return authorize(api.policy().listSchools(principal, region), principal, "list schools of region " + region, "",
        () -> respond(api.queries().schools(region, limit, params.get("cursor")), page -> ok(java.util.Map.of(
            "schools", page.items().stream().map(s -> java.util.Map.of(
                "schoolId", s.schoolId(), "name", s.name(), "regionCode", s.regionCode(), "type", s.type(),
                "location", java.util.Map.of("lat", s.lat(), "lon", s.lon()), "posture", s.posture(),
                // Only the incidents the caller may see, of the modes it asked for (ACTUAL by default).
                "openIncidents", (modes.contains(Mode.ACTUAL) ? s.openIncidents() : 0)
                    + (modes.contains(Mode.EXERCISE) ? s.openExercises() : 0))).toList(),
            "next", page.next() == null ? IncidentRoutes.NO_NEXT : page.next()))));
  }

  /** The school; its open incidents only as far as the caller could read them one by one. */
  private Route fetch(Principal principal, String schoolId, Set<Mode> modes) {
    String notFound = "no school with id '" + Ids.printable(schoolId) + "'";
    if (!Fields.ID.matcher(schoolId).matches()) {
      return complete(Problems.of(StatusCodes.NOT_FOUND, notFound));
    }
    long started = System.nanoTime();
    return onReply(school(schoolId).askWithStatus(School.Get::new, api.askTimeout()),
        state -> onReply(callerAgency(principal, state, started), agency -> authorize(
            api.policy().readSchool(principal, state.profile(), agency == null ? null : agency.profile()), principal,
            "read school " + schoolId, notFound, () -> complete(ok(SchoolView.of(state,
                notice -> api.policy().seesSchoolIncident(principal, state.profile(), notice.mode(), modes,
                    agency != null && agency.incidentIds().contains(notice.incidentId()))))))));
  }

  private Route drills(Principal principal, String schoolId) {
    return registered(schoolId, state -> authorize(api.policy().readDrills(principal, state.profile()), principal,
        "read the drills of school " + schoolId, "", () -> complete(ok(java.util.Map.of(
            "schoolId", schoolId, "drills", state.drills(), "evacuationMonths", state.evacuationMonths())))));
  }

  private Route recordDrill(Principal principal, String schoolId, DrillRequest body) {
    var drill = body.check(api.clock());
    long started = System.nanoTime();
    return registered(schoolId, state -> authorize(api.policy().recordDrill(principal, state.profile()), principal,
        "record drills for school " + schoolId, "", () -> respond(
            school(schoolId).askWithStatus(
                (ActorRef<StatusReply<School.State>> r) -> new School.RecordDrill(drill, principal.id(), r),
                api.askTimeoutLeft(started)),
            after -> {
              // The school's prevention record counts evacuation drills for its risk score.
              api.sharding().entityRefFor(org.schoolsafety.hub.prevention.Prevention.ENTITY_TYPE_KEY, schoolId)
                  .tell(new org.schoolsafety.hub.prevention.Prevention.NoteDrill(drill, api.system().ignoreRef()));
              return json(StatusCodes.CREATED, java.util.Map.of("schoolId", schoolId, "drill", drill));
            })));
  }

  private Route registered(String schoolId, java.util.function.Function<School.State, Route> inner) {
    if (!Fields.ID.matcher(schoolId).matches()) {
      return complete(Problems.of(StatusCodes.NOT_FOUND, "no school with id '" + Ids.printable(schoolId) + "'"));
    }
    return onReply(school(schoolId).askWithStatus(School.Get::new, api.askTimeout()), inner);
  }

  /**
   * An agency's own profile tells which schools are in its jurisdiction, its inbox which of the
   * school's open incidents it sees: only those are asked about, not its whole inbox.
   */
  private CompletionStage<Agency.FoundDispatches> callerAgency(Principal principal, School.State school, long started) {
    if (!principal.is(Role.AGENCY)) {
      return CompletableFuture.completedFuture(null);
    }
    var incidentIds = school.openIncidentList().stream().map(n -> n.incidentId())
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
    return agencies.findDispatches(principal.subject(), incidentIds, api.askTimeoutLeft(started))
        .handle((found, failure) -> failure == null ? found : null);
  }

  private EntityRef<School.Command> school(String schoolId) {
    return api.sharding().entityRefFor(School.ENTITY_TYPE_KEY, schoolId);
  }
}
