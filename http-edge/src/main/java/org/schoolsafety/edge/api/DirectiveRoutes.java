package org.schoolsafety.edge.api;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;
import org.schoolsafety.edge.api.dto.AccountabilityRequest;
import org.schoolsafety.edge.api.dto.DirectiveAckRequest;
import org.schoolsafety.edge.api.dto.DirectiveRequest;
import org.schoolsafety.edge.api.dto.DirectiveView;
import org.schoolsafety.edge.api.dto.LiftRequest;
import org.schoolsafety.edge.auth.AccessPolicy.Decision;
import org.schoolsafety.edge.auth.Principal;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.hub.Rejection;
import org.schoolsafety.hub.directive.Directive;
import org.schoolsafety.hub.directive.DirectiveSpec;
import org.schoolsafety.hub.directive.TargetSchool;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.school.School;
import org.schoolsafety.hub.school.SchoolProfile;
import org.schoolsafety.persistence.readside.DirectiveQueries;
import org.schoolsafety.persistence.readside.SchoolSummary;

/**
 * {@code /api/v1/directives}: a command center tells the schools of a region (or a list of
 * schools) to take a posture; schools acknowledge and account for their people; the command
 * center watches the progress and lifts the directive.
 */
public final class DirectiveRoutes extends RouteSupport {

  private static final Pattern DIRECTIVE_ID = Pattern.compile("dir-[0-9a-f]{24,32}");

  private final SchoolProfiles schools;
  private final DirectiveQueries list;

  public DirectiveRoutes(ApiContext api, DirectiveQueries list) {
    super(api);
    this.list = list;
    this.schools = new SchoolProfiles(id -> api.sharding().entityRefFor(School.ENTITY_TYPE_KEY, id)
        .askWithStatus(School.Get::new, api.askTimeout()).thenApply(School.State::profile), SchoolProfiles.MAX_SCHOOLS);
  }

  @Override
  public Route route(Principal p) {
    return pathPrefix("directives", () -> concat(
        pathEndOrSingleSlash(() -> concat(
            post(() -> jsonBody(DirectiveRequest.class, body -> issue(p, body))),
            get(() -> parameterMap(params -> listed(p, params))))),
        pathPrefix(segment(), id -> concat(
            pathEnd(() -> get(() -> visible(p, id, state -> api.policy().readDirective(p, state), "read",
                state -> present(p, state, StatusCodes.OK)))),
            path("acks", () -> post(() -> jsonBody(DirectiveAckRequest.class, body -> acknowledge(p, id, body)))),
            path("accountability", () -> post(() -> jsonBody(AccountabilityRequest.class, body -> account(p, id, body)))),
            path("lift", () -> post(() -> jsonBody(LiftRequest.class, body -> lift(p, id, body))))))));
  }

  /**
   * The directives over a region, newest first, from the read side (a directive appears a moment
   * after it is issued): those issued within the region and those naming one of its schools. For
   * the command centers over the region, and operators for exercise directives, as the incident
   * list. Each directive's schools and sums are in {@code GET /directives/{id}}.
   */
  private Route listed(Principal p, Map<String, String> params) {
    String region = Params.region(Optional.ofNullable(params.get("region")),
        p.is(Role.COMMAND_CENTER) ? p.subject() : null);
    Set<Mode> modes = Params.modes(Optional.ofNullable(params.get("mode")));
    DirectiveQueries.Which which = Params.oneOf("state", Optional.of(params.getOrDefault("state", "ACTIVE")),
        DirectiveQueries.Which.class);
    int limit = Params.limit(Optional.ofNullable(params.get("limit")), 100, 500);
    return authorize(api.policy().watchRegion(p, region, modes), p, "list the directives of region " + region, "",
        () -> respond(list.ofRegion(region, modes.stream().map(Enum::name).collect(Collectors.toSet()), which, limit),
            rows -> ok(Map.of("region", region, "state", which.name(), "directives", rows))));
  }

  /** A directive's id: keyed by the principal, mode and clientRef when there is one, else random. */
  public static String directiveId(String principalId, String mode, String clientRef) {
    if (clientRef == null) {
      return "dir-" + UUID.randomUUID().toString().replace("-", "");
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest((principalId + "|" + mode + "|" + clientRef).getBytes(StandardCharsets.UTF_8));
      return "dir-" + HexFormat.of().formatHex(digest).substring(0, 24);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // --- issuing --------------------------------------------------------------------------

  private Route issue(Principal p, DirectiveRequest body) {
    DirectiveRequest.Checked checked = body.check();
    long started = System.nanoTime();
    if (checked.region() != null) {
      return authorize(api.policy().issueDirective(p, checked.region(), checked.mode()), p,
          "issue directives to region " + checked.region(), "",
          () -> onReply(regionSchools(checked.region()), targets -> issue(p, checked, checked.region(), targets, started)));
    }
    return authorize(api.policy().issueDirectives(p, checked.mode()), p, "issue " + checked.mode() + " directives", "",
        () -> onReply(namedSchools(checked.schoolIds()), profiles -> {
          for (SchoolProfile school : profiles) {
            if (api.policy().directSchool(p, school, checked.mode()) != Decision.ALLOW) {
              return complete(Problems.of(StatusCodes.FORBIDDEN,
                  p.id() + " may not issue directives to school " + school.schoolId()));
            }
          }
          String scope = commonPrefix(profiles);
          if (scope == null) {
            throw Params.invalid("schoolIds", "must all lie in one province");
          }
          return issue(p, checked, scope, profiles.stream().map(DirectiveRoutes::target).toList(), started);
        }));
  }

  private Route issue(Principal p, DirectiveRequest.Checked checked, String scope, List<TargetSchool> targets,
      long started) {
    var spec = new DirectiveSpec(checked.posture(), checked.instruction(), checked.mode(), scope,
        targets.stream().sorted(Comparator.comparing(TargetSchool::schoolId)).toList(),
        Duration.ofMinutes(checked.ackWithinMinutes()), "direct");
    String id = directiveId(p.id(), checked.mode().name(), checked.clientRef());
    CompletionStage<Directive.State> existing = checked.clientRef() == null
        ? CompletableFuture.completedFuture(null)
        : directive(id).askWithStatus(Directive.Get::new, api.askTimeoutLeft(started))
            .exceptionally(failure -> {
              if (Problems.cause(failure) instanceof Rejection.NotFound) {
                return null;
              }
              throw new CompletionException(Problems.cause(failure));
            });
    return onReply(existing, known -> {
      if (known != null) {
        // A retry: the same directive whatever the registry says about the region's schools now.
        DirectiveSpec was = known.spec();
        boolean same = was.posture() == spec.posture() && was.instruction().equals(spec.instruction())
            && was.mode() == spec.mode() && was.scope().equals(spec.scope()) && was.ackWithin().equals(spec.ackWithin());
        if (!same) {
          return complete(Problems.of(StatusCodes.CONFLICT,
              "clientRef '" + checked.clientRef() + "' was used for a different directive"));
        }
        return present(p, known, StatusCodes.OK, Location.create("/api/v1/directives/" + id),
            RawHeader.create("Idempotent-Replayed", "true"));
      }
      return onReply(directive(id).askWithStatus(
              (ActorRef<StatusReply<Directive.State>> r) -> new Directive.Issue(spec, p.id(), r),
              api.askTimeoutLeft(started)),
          state -> present(p, state, StatusCodes.CREATED, Location.create("/api/v1/directives/" + id)));
    });
  }

  /** The registered schools of a region (from the registry, which lags registrations by seconds). */
  private CompletionStage<List<TargetSchool>> regionSchools(String region) {
    return allIds(region, null, new ArrayList<>()).thenCompose(ids -> {
      if (ids.isEmpty()) {
        throw new CompletionException(Params.invalid("region", "has no registered school"));
      }
      if (ids.size() > DirectiveRequest.MAX_SCHOOLS) {
        throw new CompletionException(Params.invalid("region", "has more than " + DirectiveRequest.MAX_SCHOOLS
            + " schools; issue one directive per part of it"));
      }
      var lookups = ids.stream().map(id -> schools.get(id).toCompletableFuture()).toList();
      return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new))
          .thenApply(done -> lookups.stream().map(CompletableFuture::join).map(DirectiveRoutes::target).toList());
    });
  }

  private CompletionStage<List<String>> allIds(String region, String after, List<String> found) {
    return api.queries().schools(region, 1000, after).thenCompose(page -> {
      page.items().stream().map(SchoolSummary::schoolId).forEach(found::add);
      if (page.next() == null || found.size() > DirectiveRequest.MAX_SCHOOLS) {
        return CompletableFuture.completedFuture(found);
      }
      return allIds(region, page.next(), found);
    });
  }

  /** The profiles of the named schools; unknown ones are a 400 naming each. */
  private CompletionStage<List<SchoolProfile>> namedSchools(List<String> ids) {
    var lookups = ids.stream().map(id -> schools.get(id).toCompletableFuture()
        .handle((profile, failure) -> failure == null ? profile
            : Problems.cause(failure) instanceof Rejection.NotFound ? null : rethrow(failure))).toList();
    return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).thenApply(done -> {
      var f = new Fields();
      var profiles = new ArrayList<SchoolProfile>();
      for (int i = 0; i < ids.size(); i++) {
        SchoolProfile profile = lookups.get(i).join();
        if (profile == null) {
          f.error("schoolIds[" + i + "]", "no school with id '" + ids.get(i) + "' is registered");
        } else {
          profiles.add(profile);
        }
      }
      f.throwIfInvalid();
      return profiles;
    });
  }

  private static SchoolProfile rethrow(Throwable failure) {
    throw new CompletionException(Problems.cause(failure));
  }

  private static TargetSchool target(SchoolProfile p) {
    return new TargetSchool(p.schoolId(), p.name(), p.region(), p.students(), p.staff());
  }

  /** The longest county, city or province prefix all schools share; null when they span provinces. */
  static String commonPrefix(List<SchoolProfile> profiles) {
    for (int length : new int[] {6, 4, 2}) {
      String first = profiles.get(0).region().value().substring(0, length);
      if (profiles.stream().allMatch(s -> s.region().value().startsWith(first))) {
        return first;
      }
    }
    return null;
  }

  // --- answers of schools, lifting ------------------------------------------------------

  private Route acknowledge(Principal p, String id, DirectiveAckRequest body) {
    DirectiveAckRequest ack = body.check();
    long started = System.nanoTime();
    return visible(p, id, state -> api.policy().answerDirective(p, state, ack.schoolId()),
        "acknowledge for school " + ack.schoolId() + " on",
        state -> command(p, id, started, StatusCodes.OK, r -> new Directive.Acknowledge(ack.schoolId(), p.id(), r)));
  }

  private Route account(Principal p, String id, AccountabilityRequest body) {
    AccountabilityRequest.Checked report = body.check();
    long started = System.nanoTime();
    return visible(p, id, state -> api.policy().answerDirective(p, state, report.schoolId()),
        "report accountability for school " + report.schoolId() + " on",
        state -> command(p, id, started, StatusCodes.OK,
            r -> new Directive.Report(report.schoolId(), report.report(), p.id(), r)));
  }

  private Route lift(Principal p, String id, LiftRequest body) {
    String reason = body.checkedReason();
    long started = System.nanoTime();
    return visible(p, id, state -> api.policy().liftDirective(p, state), "lift",
        state -> command(p, id, started, StatusCodes.OK, r -> new Directive.Lift(reason, p.id(), r)));
  }

  private Route command(Principal p, String id, long started, StatusCode status,
      Function<ActorRef<StatusReply<Directive.State>>, Directive.Command> command) {
    return onReply(directive(id).askWithStatus(command::apply, api.askTimeoutLeft(started)),
        state -> present(p, state, status));
  }

  /** Fetches the directive and lets the access policy decide; one the caller may not see is a 404. */
  private Route visible(Principal p, String id, Function<Directive.State, Decision> decide, String action,
      Function<Directive.State, Route> inner) {
    String notFound = "no directive with id '" + Ids.printable(id) + "'";
    if (!DIRECTIVE_ID.matcher(id).matches()) {
      return complete(Problems.of(StatusCodes.NOT_FOUND, notFound));
    }
    return onReply(directive(id).askWithStatus(Directive.Get::new, api.askTimeout()),
        state -> authorize(decide.apply(state), p, action + " directive " + id, notFound, () -> inner.apply(state)));
  }

  /** The directive as {@code p} may see it, with the guardian notices it caused at those schools. */
  private Route present(Principal p, Directive.State state, StatusCode status, HttpHeader... headers) {
    DirectiveView view = DirectiveView.of(state, s -> api.policy().seesDirectiveSchool(p, state, s.school()));
    // The count is a read-side nicety: when the read side cannot be read, the directive still answers (null).
    CompletionStage<Optional<DirectiveView.GuardianNotices>> counted = api.queries()
        .guardianNotices(state.directiveId(), view.schools().stream().map(DirectiveView.SchoolEntry::schoolId).toList())
        .handle((c, failure) -> failure != null ? Optional.empty()
            : Optional.of(new DirectiveView.GuardianNotices(c.schools(), c.notices())));
    return onSuccess(counted, c -> complete(json(status, view.withGuardianNotices(c.orElse(null)))
        .addHeaders(List.of(headers))));
  }

  private EntityRef<Directive.Command> directive(String id) {
    return api.sharding().entityRefFor(Directive.ENTITY_TYPE_KEY, id);
  }
}
