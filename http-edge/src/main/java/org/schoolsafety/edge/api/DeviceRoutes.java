package org.schoolsafety.edge.api;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.util.LinkedHashMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;
import org.schoolsafety.edge.api.dto.DeviceRequest;
import org.schoolsafety.edge.api.dto.DeviceView;
import org.schoolsafety.edge.api.dto.ReadingsRequest;
import org.schoolsafety.edge.auth.Principal;
import org.schoolsafety.hub.Rejection;
import org.schoolsafety.hub.device.Device;
import org.schoolsafety.hub.device.DeviceRecord;
import org.schoolsafety.hub.device.Ingested;
import org.schoolsafety.hub.device.SensorSettings;
import org.schoolsafety.hub.school.School;
import org.schoolsafety.hub.school.SchoolProfile;

/**
 * A school's devices ({@code /api/v1/schools/{schoolId}/devices}) and its gateways' readings
 * ({@code POST /api/v1/sensors/readings}, docs/SENSORS.md). A batch is answered {@code 202} once
 * everything it changed (an alarm's incident opened or its evidence attached, a device back
 * online) is in the school's journal; readings below every threshold change nothing durable.
 */
public final class DeviceRoutes extends RouteSupport {

  /** A batch of 500 camera readings with long ids is larger than the API's usual 64 KiB. */
  static final long MAX_READINGS_BODY = 256 * 1024;

  /** The largest body {@code request}'s endpoint accepts: {@code usual}, more for readings. */
  public static long bodyLimit(HttpRequest request, long usual) {
    return request.getUri().path().equals("/api/v1/sensors/readings") ? Math.max(usual, MAX_READINGS_BODY) : usual;
  }

  private final SensorSettings settings;

  public DeviceRoutes(ApiContext api, SensorSettings settings) {
    super(api);
    this.settings = settings;
  }

  @Override
  public Route route(Principal p) {
    return concat(
        pathPrefix("schools", () -> pathPrefix(segment(), schoolId -> path("devices", () -> concat(
            post(() -> jsonBody(DeviceRequest.class, body -> register(p, schoolId, body))),
            get(() -> list(p, schoolId)))))),
        path(segment("sensors").slash("readings"), () -> post(() -> withSizeLimit(MAX_READINGS_BODY,
            () -> jsonBody(ReadingsRequest.class, body -> ingest(p, body))))));
  }

  private Route register(Principal p, String schoolId, DeviceRequest body) {
    Device device = body.check();
    long started = System.nanoTime();
    return registered(schoolId, profile -> authorize(api.policy().registerDevice(p, profile), p,
        "register devices of school " + schoolId, "", () -> respond(
            school(schoolId).askWithStatus(
                (ActorRef<StatusReply<DeviceRecord>> r) -> new School.RegisterDevice(device, p.id(), r),
                api.askTimeoutLeft(started)),
            record -> json(StatusCodes.CREATED, DeviceView.of(record))
                .addHeader(Location.create("/api/v1/schools/" + schoolId + "/devices")))));
  }

  private Route list(Principal p, String schoolId) {
    String notFound = "no school with id '" + Ids.printable(schoolId) + "'";
    if (!Fields.ID.matcher(schoolId).matches()) {
      return complete(Problems.of(StatusCodes.NOT_FOUND, notFound));
    }
    return onReply(school(schoolId).askWithStatus(School.GetDevices::new, api.askTimeout()),
        devices -> authorize(api.policy().readDevices(p, devices.profile()), p, "read the devices of school " + schoolId,
            notFound, () -> {
              var body = new LinkedHashMap<String, Object>();
              body.put("schoolId", schoolId);
              body.put("registered", devices.devices().stream().filter(DeviceRecord::registered).count());
              body.put("unregistered", devices.devices().stream().filter(d -> !d.registered()).count());
              body.put("flagged", devices.devices().stream().filter(DeviceRecord::flagged).count());
              body.put("devices", devices.devices().stream().map(DeviceView::of).toList());
              return complete(ok(body));
            }));
  }

  private Route ingest(Principal p, ReadingsRequest body) {
    ReadingsRequest.Checked checked = body.check(api.clock(), settings);
    String schoolId = checked.schoolId();
    return authorize(api.policy().sendReadings(p, schoolId), p, "send readings for school " + schoolId, "", () -> {
      CompletionStage<Ingested> ingested = school(schoolId).askWithStatus(
          (ActorRef<StatusReply<Ingested>> r) -> new School.Ingest(checked.batch(), p.id(), r), api.askTimeout());
      return respond(notFoundAsField(ingested, schoolId), result -> {
        var answer = new LinkedHashMap<String, Object>();
        answer.put("schoolId", schoolId);
        answer.put("gatewayId", checked.batch().gatewayId());
        answer.put("accepted", result.accepted());
        answer.put("alarms", result.alarms());
        answer.put("incidents", result.incidents());
        answer.put("unregistered", result.unregistered());
        return json(StatusCodes.ACCEPTED, answer);
      });
    });
  }

  /** An unknown school is a 404 naming the field. */
  private static <T> CompletionStage<T> notFoundAsField(CompletionStage<T> reply, String schoolId) {
    return reply.exceptionally(failure -> {
      Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
      throw new CompletionException(cause instanceof Rejection.NotFound
          ? ApiException.notFound("schoolId: no school with id '" + schoolId + "' is registered")
          : cause);
    });
  }

  private Route registered(String schoolId, java.util.function.Function<SchoolProfile, Route> inner) {
    if (!Fields.ID.matcher(schoolId).matches()) {
      return complete(Problems.of(StatusCodes.NOT_FOUND, "no school with id '" + Ids.printable(schoolId) + "'"));
    }
    return onReply(school(schoolId).askWithStatus(School.Get::new, api.askTimeout()), state -> inner.apply(state.profile()));
  }

  private EntityRef<School.Command> school(String schoolId) {
    return api.sharding().entityRefFor(School.ENTITY_TYPE_KEY, schoolId);
  }
}
