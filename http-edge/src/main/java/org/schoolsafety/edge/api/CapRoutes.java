package org.schoolsafety.edge.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.pattern.StatusReply;
import org.schoolsafety.edge.api.dto.DirectiveView;
import org.schoolsafety.edge.auth.Principal;
import org.schoolsafety.edge.cap.CapInbound;
import org.schoolsafety.hub.Rejection;
import org.schoolsafety.hub.directive.Directive;
import org.schoolsafety.hub.directive.DirectiveSpec;
import org.schoolsafety.hub.directive.TargetSchool;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.school.Posture;
import org.schoolsafety.hub.school.School;
import org.schoolsafety.persistence.readside.SchoolSummary;

/**
 * {@code POST /api/v1/cap/alerts}: an outside authority's CAP 1.2 alert becomes one directive to
 * the schools it concerns (within the regions the caller may warn). An {@code Update} replaces the
 * schools and the instruction, a {@code Cancel} lifts it; the same message twice changes nothing.
 */
public final class CapRoutes extends RouteSupport {

  /** Schools one alert may reach; more is refused (issue it per part of the region). */
  static final int MAX_SCHOOLS = 10_000;
  /** Schools of the caller's regions one alert looks through, at most. */
  static final int MAX_SCANNED = 100_000;
  /** How long a school has to acknowledge a directive from an alert. */
  static final Duration ACK_WITHIN = Duration.ofMinutes(10);
  private static final Set<String> XML_TYPES = Set.of("application/cap+xml", "application/xml", "text/xml");

  private final SchoolProfiles schools;

  public CapRoutes(ApiContext api) {
    super(api);
    this.schools = new SchoolProfiles(id -> api.sharding().entityRefFor(School.ENTITY_TYPE_KEY, id)
        .askWithStatus(School.Get::new, api.askTimeout()).thenApply(School.State::profile), SchoolProfiles.MAX_SCHOOLS);
  }

  @Override
  public Route route(Principal p) {
    return pathPrefix("cap", () -> path("alerts", () -> post(() -> authorize(api.policy().postCapAlert(p), p,
        "post CAP alerts", "", () -> xmlBody(bytes -> receive(p, CapInbound.read(bytes)))))));
  }

  private Route xmlBody(java.util.function.Function<byte[], Route> inner) {
    return extractRequestEntity(entity -> {
      String type = entity.getContentType().mediaType().toString();
      if (!XML_TYPES.contains(type)) {
        return complete(Problems.of(StatusCodes.UNSUPPORTED_MEDIA_TYPE,
            "the body must be a CAP 1.2 alert as application/cap+xml (or application/xml), not " + type));
      }
      return entity(Unmarshaller.entityToByteString(), bytes -> {
        if (bytes.isEmpty()) {
          throw ApiException.badRequest("a CAP alert is required as the body");
        }
        return inner.apply(bytes.toArray());
      });
    });
  }

  /** The directive of a CAP message thread: keyed by the caller and the thread's first message. */
  public static String directiveId(String principalId, String messageKey) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(("cap|" + principalId + "|" + messageKey).getBytes(StandardCharsets.UTF_8));
      return "dir-" + HexFormat.of().formatHex(digest).substring(0, 24);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Route receive(Principal p, CapInbound.Alert alert) {
    Mode mode = switch (alert.status()) {
      case "Actual" -> Mode.ACTUAL;
      case "Exercise" -> Mode.EXERCISE;
      default -> null;
    };
    if (mode == null || !Set.of("Alert", "Update", "Cancel").contains(alert.msgType())) {
      // System, Test and Draft messages, Acks and Errors: accepted, nothing to act on.
      return complete(ok(answer(alert, "ignored", null, 0)));
    }
    long started = System.nanoTime();
    return onReply(thread(p, alert), existing -> switch (alert.msgType()) {
      case "Cancel" -> existing == null
          ? complete(ok(answer(alert, "nothing to cancel", null, 0)))
          : command(p, alert, existing.directiveId(), "lifted", StatusCodes.OK, started,
              r -> new Directive.Lift("CAP Cancel " + alert.key(), p.id(), r));
      case "Update" -> existing == null
          ? issue(p, alert, mode, started)
          : revise(p, alert, mode, existing, started);
      default -> existing == null
          ? issue(p, alert, mode, started)
          : complete(present(p, alert, "unchanged", existing, StatusCodes.OK));
    });
  }

  /**
   * The directive this message belongs to: for an Alert, its own (if it was received before); for
   * an Update or Cancel, that of the first message it references that made one (or null).
   */
  private CompletionStage<Directive.State> thread(Principal p, CapInbound.Alert alert) {
    var candidates = new ArrayList<String>();
    candidates.add(directiveId(p.id(), alert.key()));
    if (!alert.msgType().equals("Alert")) {
      alert.references().forEach(ref -> candidates.add(directiveId(p.id(), ref)));
    }
    return first(candidates, 0);
  }

  private CompletionStage<Directive.State> first(List<String> ids, int i) {
    if (i >= ids.size()) {
      return CompletableFuture.completedFuture(null);
    }
    return directive(ids.get(i)).askWithStatus(Directive.Get::new, api.askTimeout())
        .handle((state, failure) -> {
          if (failure == null) {
            return CompletableFuture.completedFuture(state);
          }
          Throwable cause = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
          if (cause instanceof Rejection.NotFound) {
            return first(ids, i + 1);
          }
          return CompletableFuture.<Directive.State>failedFuture(cause);
        }).thenCompose(s -> s);
  }

  private Route issue(Principal p, CapInbound.Alert alert, Mode mode, long started) {
    Posture posture = alert.posture();
    if (posture == null) {
      // An all-clear for a thread the hub never saw: nothing to lift.
      return complete(ok(answer(alert, "nothing to lift", null, 0)));
    }
    String id = directiveId(p.id(), alert.key());
    return onReply(concerned(p, alert), targets -> {
      var spec = spec(p, alert, mode, posture, targets);
      return command(p, alert, id, "issued", StatusCodes.CREATED, started,
          r -> new Directive.Issue(spec, p.id(), r));
    });
  }

  private Route revise(Principal p, CapInbound.Alert alert, Mode mode, Directive.State existing, long started) {
    if (existing.revisions().contains(alert.key()) || existing.spec().source().equals("cap:" + alert.key())) {
      return complete(present(p, alert, "unchanged", existing, StatusCodes.OK));
    }
    Posture posture = alert.posture();
    if (posture == null) {
      return command(p, alert, existing.directiveId(), "lifted", StatusCodes.OK, started,
          r -> new Directive.Lift("CAP Update (all clear) " + alert.key(), p.id(), r));
    }
    return onReply(concerned(p, alert), targets -> {
      var spec = spec(p, alert, mode, posture, targets);
      return command(p, alert, existing.directiveId(), "revised", StatusCodes.OK, started,
          r -> new Directive.Revise(spec, alert.key(), p.id(), r));
    });
  }

  private DirectiveSpec spec(Principal p, CapInbound.Alert alert, Mode mode, Posture posture, List<TargetSchool> targets) {
    return new DirectiveSpec(posture, alert.instruction(), mode, scope(p, targets),
        targets.stream().sorted(Comparator.comparing(TargetSchool::schoolId)).toList(), ACK_WITHIN, "cap:" + alert.key());
  }

  /** The narrowest county, city or province holding every school; the caller's region when none. */
  private static String scope(Principal p, List<TargetSchool> targets) {
    List<String> regions = p.directableRegions();
    if (targets.isEmpty()) {
      return regions.size() == 1 ? regions.get(0) : "";
    }
    for (int length : new int[] {6, 4, 2}) {
      String first = targets.get(0).region().value().substring(0, length);
      if (targets.stream().allMatch(t -> t.region().value().startsWith(first))) {
        return first;
      }
    }
    return "";
  }

  /** The schools of the caller's regions that the alert concerns (from the school registry). */
  private CompletionStage<List<TargetSchool>> concerned(Principal p, CapInbound.Alert alert) {
    var found = new LinkedHashMap<String, SchoolSummary>();
    CompletionStage<Integer> scanned = CompletableFuture.completedFuture(0);
    for (String region : p.directableRegions()) {
      scanned = scanned.thenCompose(count -> scan(region, null, alert, found, count));
    }
    return scanned.thenCompose(count -> {
      if (found.size() > MAX_SCHOOLS) {
        throw new CompletionException(ApiException.invalid(List.of(new Problem.FieldError("alert",
            "concerns " + found.size() + " schools, more than the " + MAX_SCHOOLS + " one directive may reach"))));
      }
      var lookups = found.keySet().stream().map(id -> schools.get(id).toCompletableFuture()).toList();
      return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).thenApply(done -> lookups.stream()
          .map(CompletableFuture::join)
          .map(s -> new TargetSchool(s.schoolId(), s.name(), s.region(), s.students(), s.staff()))
          .toList());
    });
  }

  private CompletionStage<Integer> scan(String region, String after, CapInbound.Alert alert,
      Map<String, SchoolSummary> found, int count) {
    return api.queries().schools(region, 1000, after).thenCompose(page -> {
      for (SchoolSummary s : page.items()) {
        if (s.regionCode() != null && alert.concerns(s.lat(), s.lon(), s.regionCode())) {
          found.putIfAbsent(s.schoolId(), s);
        }
      }
      int total = count + page.items().size();
      if (page.next() == null || total >= MAX_SCANNED || found.size() > MAX_SCHOOLS) {
        return CompletableFuture.completedFuture(total);
      }
      return scan(region, page.next(), alert, found, total);
    });
  }

  private Route command(Principal p, CapInbound.Alert alert, String id, String action, StatusCode status, long started,
      java.util.function.Function<ActorRef<StatusReply<Directive.State>>, Directive.Command> command) {
    return onReply(directive(id).askWithStatus(command::apply, api.askTimeoutLeft(started)),
        state -> complete(present(p, alert, action, state, status)));
  }

  private HttpResponse present(Principal p, CapInbound.Alert alert, String action, Directive.State state,
      StatusCode status) {
    var body = answer(alert, action, state.directiveId(), state.schools().size());
    body.put("directive", DirectiveView.of(state, s -> api.policy().seesDirectiveSchool(p, state, s.school())));
    return json(status, body).addHeader(Location.create("/api/v1/directives/" + state.directiveId()));
  }

  private static Map<String, Object> answer(CapInbound.Alert alert, String action, String directiveId, int schools) {
    var body = new LinkedHashMap<String, Object>();
    body.put("identifier", alert.identifier());
    body.put("sender", alert.sender());
    body.put("sent", alert.sent());
    body.put("status", alert.status());
    body.put("msgType", alert.msgType());
    body.put("action", action);
    body.put("directiveId", directiveId);
    body.put("schools", schools);
    return body;
  }

  private EntityRef<Directive.Command> directive(String id) {
    return api.sharding().entityRefFor(Directive.ENTITY_TYPE_KEY, id);
  }
}
