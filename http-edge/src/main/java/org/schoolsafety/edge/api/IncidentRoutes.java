package org.schoolsafety.edge.api;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;
import org.schoolsafety.edge.api.dto.AckRequest;
import org.schoolsafety.edge.api.dto.CancelRequest;
import org.schoolsafety.edge.api.dto.CloseRequest;
import org.schoolsafety.edge.api.dto.IncidentRequest;
import org.schoolsafety.edge.api.dto.IncidentView;
import org.schoolsafety.edge.api.dto.ReportRequest;
import org.schoolsafety.hub.Rejection;
import org.schoolsafety.hub.incident.Incident;
import org.schoolsafety.hub.incident.IncidentCommand;
import org.schoolsafety.hub.incident.IncidentIds;
import org.schoolsafety.hub.incident.IncidentState;
import org.schoolsafety.hub.incident.SchoolRef;
import org.schoolsafety.hub.school.School;

/** {@code /api/v1/incidents}: reporting, following up, acknowledging and ending incidents. */
public final class IncidentRoutes extends RouteSupport {

  private final ClusterSharding sharding;
  private final Clock clock;

  public IncidentRoutes(ClusterSharding sharding, Clock clock, Duration askTimeout) {
    super(askTimeout);
    this.sharding = sharding;
    this.clock = clock;
  }

  @Override
  public Route route() {
    return pathPrefix("incidents", () -> concat(
        pathEndOrSingleSlash(() -> post(() -> optionalHeaderValueByName("Idempotency-Key",
            key -> jsonBody(IncidentRequest.class, body -> report(body, key.orElse(null)))))),
        pathPrefix(segment(), incidentId -> concat(
            pathEnd(() -> get(() -> known(incidentId, () -> fetch(incidentId)))),
            path("reports", () -> post(() -> known(incidentId, () -> jsonBody(ReportRequest.class, body -> addReport(incidentId, body))))),
            path("acks", () -> post(() -> known(incidentId, () -> jsonBody(AckRequest.class, body -> acknowledge(incidentId, body))))),
            path("close", () -> post(() -> known(incidentId, () -> jsonBody(CloseRequest.class, body -> close(incidentId, body))))),
            path("cancel", () -> post(() -> known(incidentId, () -> jsonBody(CancelRequest.class, body -> cancel(incidentId, body)))))))));
  }

  private Route report(IncidentRequest body, String idempotencyKey) {
    IncidentRequest.Checked checked = body.check(idempotencyKey, clock);
    String incidentId = IncidentIds.forReport(checked.schoolId(), checked.clientRef());
    String by = Principals.reporter(checked.schoolId(), checked.initial().reporter().name(),
        checked.initial().reporter().role());
    CompletionStage<IncidentCommand.Accepted> accepted = schoolOf(checked.schoolId())
        .thenCompose(school -> incident(incidentId).askWithStatus(
            (ActorRef<StatusReply<IncidentCommand.Accepted>> r) ->
                new IncidentCommand.Report(checked.at(school), by, r),
            askTimeout));
    return respond(accepted, a -> {
      HttpResponse response = json(a.replayed() ? StatusCodes.OK : StatusCodes.CREATED, IncidentView.of(a.incident()))
          .addHeader(Location.create("/api/v1/incidents/" + incidentId));
      return a.replayed() ? response.addHeader(RawHeader.create("Idempotent-Replayed", "true")) : response;
    });
  }

  /** The school as the incident will remember it; an unknown school is a 404 naming the field. */
  private CompletionStage<SchoolRef> schoolOf(String schoolId) {
    CompletionStage<School.State> school = sharding.entityRefFor(School.ENTITY_TYPE_KEY, schoolId)
        .askWithStatus(School.Get::new, askTimeout);
    return school.handle((state, failure) -> {
      if (failure != null) {
        Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
        throw new CompletionException(cause instanceof Rejection.NotFound
            ? ApiException.notFound("schoolId: no school with id '" + schoolId + "' is registered")
            : cause);
      }
      return new SchoolRef(schoolId, state.profile().name(), state.profile().region());
    });
  }

  private Route fetch(String incidentId) {
    return respond(incident(incidentId).askWithStatus(IncidentCommand.Get::new, askTimeout),
        s -> ok(IncidentView.of(s)));
  }

  private Route addReport(String incidentId, ReportRequest body) {
    var report = body.check();
    return command(incidentId, StatusCodes.CREATED,
        r -> new IncidentCommand.AddReport(report, Principals.OPERATOR_UNAUTHENTICATED, r));
  }

  private Route acknowledge(String incidentId, AckRequest body) {
    AckRequest ack = body.check();
    return command(incidentId, StatusCodes.OK,
        r -> new IncidentCommand.Acknowledge(ack.agencyId(), ack.note(), Principals.agency(ack.agencyId()), r));
  }

  private Route close(String incidentId, CloseRequest body) {
    String note = body.checkedNote();
    return command(incidentId, StatusCodes.OK,
        r -> new IncidentCommand.Close(note, Principals.commandCenter(), r));
  }

  private Route cancel(String incidentId, CancelRequest body) {
    String reason = body.checkedReason();
    return command(incidentId, StatusCodes.OK,
        r -> new IncidentCommand.Cancel(reason, Principals.OPERATOR_UNAUTHENTICATED, r));
  }

  private Route command(String incidentId, org.apache.pekko.http.javadsl.model.StatusCode status,
      Function<ActorRef<StatusReply<IncidentState>>, IncidentCommand> command) {
    return respond(incident(incidentId).askWithStatus(command::apply, askTimeout),
        s -> json(status, IncidentView.of(s)));
  }

  /** Ids that cannot be incident ids are answered here, without waking an entity. */
  private Route known(String incidentId, java.util.function.Supplier<Route> inner) {
    if (!IncidentIds.isValid(incidentId)) {
      return complete(Problems.of(StatusCodes.NOT_FOUND, "no incident with id '" + Ids.printable(incidentId) + "'"));
    }
    return inner.get();
  }

  private EntityRef<IncidentCommand> incident(String incidentId) {
    return sharding.entityRefFor(Incident.ENTITY_TYPE_KEY, incidentId);
  }
}
