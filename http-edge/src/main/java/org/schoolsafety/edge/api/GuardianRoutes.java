package org.schoolsafety.edge.api;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;
import org.schoolsafety.edge.api.dto.GuardianRequests.InvitationRequest;
import org.schoolsafety.edge.api.dto.GuardianRequests.MessageRequest;
import org.schoolsafety.edge.api.dto.GuardianRequests.RedemptionRequest;
import org.schoolsafety.edge.api.dto.GuardianRequests.RenewalRequest;
import org.schoolsafety.edge.api.dto.GuardianRequests.RevocationRequest;
import org.schoolsafety.edge.api.dto.GuardianRequests.WithdrawalRequest;
import org.schoolsafety.edge.auth.GuardianRevocations;
import org.schoolsafety.edge.auth.GuardianTokens;
import org.schoolsafety.edge.auth.Principal;
import org.schoolsafety.edge.auth.TipLimits;
import org.schoolsafety.edge.stream.LiveLog.Sequenced;
import org.schoolsafety.hub.Rejection;
import org.schoolsafety.hub.guardian.GuardianCodes;
import org.schoolsafety.hub.guardian.GuardianInvitation;
import org.schoolsafety.hub.guardian.GuardianMessage;
import org.schoolsafety.hub.guardian.GuardianMessages;
import org.schoolsafety.hub.guardian.GuardianNotice;
import org.schoolsafety.hub.guardian.GuardianNotices;
import org.schoolsafety.hub.guardian.GuardianRegistry;
import org.schoolsafety.hub.guardian.GuardianRegistry.Enrolment;
import org.schoolsafety.hub.school.School;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guardians (issue 17). A school's staff create one-time invitation codes for a class; a guardian
 * redeems one, without a token, for a {@code GUARDIAN} token scoped to that school and class
 * ({@link GuardianTokens}); with it the guardian tells the school's staff about the child's
 * circumstances and reads the school's notices — its posture, its incidents (type, level,
 * status), drills — now ({@code GET /guardian/notices}) and live ({@code GET /guardian/stream}).
 * The school comes from the token only: there is no parameter by which to ask about another.
 *
 * <p>Notices are read from the School entity's own events (its state for the current picture,
 * its journal and pub-sub for the stream, {@link GuardianNotices}); telling guardians writes
 * nothing.
 *
 * <p>Redeeming enrols the guardian in the school's {@link GuardianRegistry}: the school's staff
 * list their guardians there and revoke one, which every node then refuses
 * ({@link GuardianRevocations}, checked in {@link Authentication}) and whose open streams end; a
 * guardian renews its token ({@code POST /guardian/token}) while enrolled.
 */
public final class GuardianRoutes extends RouteSupport {

  /** Reads of guardians' messages go to the audit log, like other personal data. */
  private static final Logger audit = LoggerFactory.getLogger("org.schoolsafety.audit");
  private static final Logger log = LoggerFactory.getLogger(GuardianRoutes.class);

  /** What the school's config says about invitations, tokens and enrolments. */
  public record Settings(Duration invitationTtl, Duration invitationMaxTtl, int maxCodesPerRequest,
      Duration enrolmentTtl) {
    public static Settings fromConfig(com.typesafe.config.Config config) {
      return new Settings(config.getDuration("hub.guardian.invitation-ttl"),
          config.getDuration("hub.guardian.invitation-max-ttl"), config.getInt("hub.guardian.max-codes-per-request"),
          config.getDuration("hub.guardian.enrolment-ttl"));
    }
  }

  /** Guardian ids as {@link GuardianCodes#newGuardianId()} makes them: anything else wakes no entity. */
  private static final Pattern GUARDIAN_ID = Pattern.compile("gdn-[0-9a-f]{16}");

  private final GuardianCodes codes;
  private final GuardianTokens tokens;
  private final TipLimits limits;
  private final Settings settings;
  private final GuardianRevocations revocations;

  public GuardianRoutes(ApiContext api, GuardianCodes codes, GuardianTokens tokens, TipLimits limits,
      Settings settings, GuardianRevocations revocations) {
    super(api);
    this.codes = codes;
    this.tokens = tokens;
    this.limits = limits;
    this.settings = settings;
    this.revocations = revocations;
  }

  // --- open to anyone: redeeming a code ----------------------------------------------------

  /** {@code POST /api/v1/guardians/redemptions}: no token; anything else falls through to the API. */
  public Route publicRoute() {
    return pathPrefix("api", () -> pathPrefix("v1", () -> path(segment("guardians").slash("redemptions"), () ->
        post(() -> limited(() -> jsonBody(RedemptionRequest.class, body -> redeem(body.check())))))));
  }

  /** Shares the per-address bucket of tip follow-ups (in memory, keyed by a keyed hash of the address). */
  private Route limited(Supplier<Route> inner) {
    return extractRequest(request -> {
      String source = request.getAttribute(org.apache.pekko.http.scaladsl.model.AttributeKeys.remoteAddress())
          .flatMap(a -> a.getAddress()).map(a -> a.getHostAddress()).orElse("unknown");
      var wait = limits.tryAcquire(TipLimits.Kind.FOLLOW_UP, source);
      if (wait.isPresent()) {
        return complete(Problems.of(StatusCodes.TOO_MANY_REQUESTS,
                "too many attempts from your network; please try again in " + wait.getAsLong() + " s")
            .addHeader(RetryAfter.create(wait.getAsLong())));
      }
      return inner.get();
    });
  }

  /**
   * Redeems the code, then enrols the guardian in the school's registry (where the school lists
   * and revokes guardians, and renewals are checked); the token is handed out only once both are
   * durable.
   */
  private Route redeem(String code) {
    String guardianId = codes.newGuardianId();
    long started = System.nanoTime();
    CompletionStage<Enrolled> enrolled = api.sharding()
        .entityRefFor(GuardianInvitation.ENTITY_TYPE_KEY, codes.hash(code))
        .askWithStatus((ActorRef<StatusReply<GuardianInvitation.State>> r) ->
            new GuardianInvitation.Redeem(guardianId, r), api.askTimeout())
        .thenCompose(state -> api.sharding().entityRefFor(GuardianRegistry.ENTITY_TYPE_KEY, state.schoolId())
            .askWithStatus((ActorRef<StatusReply<Enrolment>> r) -> new GuardianRegistry.Enrol(state.guardianId(),
                state.classId(), state.redeemedAt(), state.redeemedAt().plus(settings.enrolmentTtl()), r),
                api.askTimeoutLeft(started))
            .thenApply(enrolment -> new Enrolled(state.schoolId(), enrolment))
            .exceptionally(failure -> {
              // The code is spent but the guardian is not on the school's list: a retry would be 409.
              log.warn("guardian {} redeemed a code of school {} but could not be enrolled", state.guardianId(),
                  state.schoolId(), failure);
              throw new ApiException(StatusCodes.SERVICE_UNAVAILABLE, "the code was accepted but the school's"
                  + " guardian list could not be updated in time; ask the school for a new code", List.of());
            }));
    return respond(enrolled, e -> tokenAnswer(StatusCodes.CREATED,
        Principal.guardian(e.enrolment().guardianId(), e.schoolId(), e.enrolment().classId()), e.enrolment()));
  }

  private record Enrolled(String schoolId, Enrolment enrolment) {}

  /** The token answer: a token that ends at its lifetime or at the enrolment's end, whichever comes first. */
  private HttpResponse tokenAnswer(StatusCode status, Principal guardian, Enrolment enrolment) {
    Instant now = api.clock().instant();
    Instant expiresAt = now.plus(tokens.ttl());
    if (enrolment.expiresAt().isBefore(expiresAt)) {
      expiresAt = enrolment.expiresAt();
    }
    var body = new LinkedHashMap<String, Object>();
    body.put("token", tokens.issue(guardian, now, expiresAt));
    body.put("tokenType", "Bearer");
    body.put("expiresAt", expiresAt);
    body.put("guardianId", guardian.guardianId());
    body.put("schoolId", guardian.guardianSchool());
    body.put("classId", guardian.guardianClass());
    body.put("enrolmentExpiresAt", enrolment.expiresAt());
    return json(status, body);
  }

  // --- with a token ------------------------------------------------------------------------

  @Override
  public Route route(Principal p) {
    return concat(
        pathPrefix("schools", () -> pathPrefix(segment(), schoolId -> concat(
            path(segment("guardians").slash("invitations"), () -> post(() ->
                authorize(api.policy().inviteGuardians(p, schoolId), p, "invite guardians of school " + schoolId, "",
                    () -> jsonBody(InvitationRequest.class, body -> invite(p, schoolId, body))))),
            path(segment("guardians").slash("invitations").slash("withdrawal"), () -> post(() ->
                authorize(api.policy().inviteGuardians(p, schoolId), p, "withdraw guardian codes of school " + schoolId, "",
                    () -> jsonBody(WithdrawalRequest.class, body -> withdraw(p, schoolId, body.check()))))),
            path(segment("guardians").slash(segment()).slash("revocation"),
                guardianId -> post(() -> authorize(api.policy().revokeGuardian(p, schoolId), p,
                    "revoke guardians of school " + schoolId, GuardianRegistry.UNKNOWN,
                    () -> !GUARDIAN_ID.matcher(guardianId).matches()
                        ? complete(Problems.of(StatusCodes.NOT_FOUND, GuardianRegistry.UNKNOWN))
                        : jsonBody(RevocationRequest.class, body -> revoke(p, schoolId, guardianId, body.check()))))),
            path("guardians", () -> get(() -> authorize(api.policy().listGuardians(p, schoolId), p,
                "list the guardians of school " + schoolId, "", () -> guardians(schoolId)))),
            path("guardian-messages", () -> get(() ->
                authorize(api.policy().readGuardianMessages(p, schoolId), p,
                    "read guardians' messages to school " + schoolId, "", () -> messages(p, schoolId))))))),
        pathPrefix("guardian", () -> concat(
            path("messages", () -> post(() -> authorize(api.policy().actAsGuardian(p), p, "write as a guardian", "",
                () -> jsonBody(MessageRequest.class, body -> write(p, body.check()))))),
            path("notices", () -> get(() -> authorize(api.policy().actAsGuardian(p), p, "read guardians' notices", "",
                () -> notices(p)))),
            path("token", () -> post(() -> authorize(api.policy().actAsGuardian(p), p, "renew a guardian's token", "",
                () -> jsonBody(RenewalRequest.class, body -> renew(p))))),
            path("stream", () -> get(() -> authorize(api.policy().actAsGuardian(p), p, "read guardians' notices", "",
                () -> optionalHeaderValueByName("Last-Event-ID", lastId -> stream(p, lastEventId(lastId)))))))));
  }

  private Route invite(Principal p, String schoolId, InvitationRequest body) {
    var checked = body.check(settings.maxCodesPerRequest(), settings.invitationTtl(), settings.invitationMaxTtl());
    long started = System.nanoTime();
    // The school must exist (staff tokens name it, but a token may outlive a registration mistake).
    return onReply(api.sharding().entityRefFor(School.ENTITY_TYPE_KEY, schoolId)
        .askWithStatus(School.Get::new, api.askTimeout()), school -> {
      Instant expiresAt = api.clock().instant().plus(checked.expiresIn());
      var issued = new ArrayList<CompletableFuture<String>>();
      for (int i = 0; i < checked.count(); i++) {
        String code = codes.newCode();
        issued.add(api.sharding().entityRefFor(GuardianInvitation.ENTITY_TYPE_KEY, codes.hash(code))
            .askWithStatus((ActorRef<StatusReply<GuardianInvitation.State>> r) -> new GuardianInvitation.Issue(
                schoolId, checked.classId(), expiresAt, p.id(), r), api.askTimeoutLeft(started))
            .thenApply(state -> code).toCompletableFuture());
      }
      CompletionStage<List<String>> all = CompletableFuture.allOf(issued.toArray(CompletableFuture[]::new))
          .thenApply(done -> issued.stream().map(CompletableFuture::join).toList());
      return respond(all, list -> {
        var answer = new LinkedHashMap<String, Object>();
        answer.put("schoolId", schoolId);
        answer.put("classId", checked.classId());
        answer.put("expiresAt", expiresAt);
        answer.put("codes", list);
        answer.put("note", "Each code admits one guardian once. They are shown only now: the hub keeps their hashes.");
        return json(StatusCodes.CREATED, answer);
      });
    });
  }

  /**
   * Withdraws codes nobody has used: each code's outcome — WITHDRAWN (also when it already was),
   * USED (revoke its guardian instead) or UNKNOWN (never issued, or issued by another school: the
   * same answer, so that a school learns nothing of other schools' codes).
   */
  private Route withdraw(Principal p, String schoolId, WithdrawalRequest.Checked checked) {
    long started = System.nanoTime();
    var outcomes = new ArrayList<CompletableFuture<String>>();
    for (String code : checked.codes()) {
      outcomes.add(api.sharding().entityRefFor(GuardianInvitation.ENTITY_TYPE_KEY, codes.hash(code))
          .askWithStatus((ActorRef<StatusReply<GuardianInvitation.State>> r) -> new GuardianInvitation.Withdraw(
              schoolId, checked.reason(), p.id(), r), api.askTimeoutLeft(started))
          .handle((state, failure) -> {
            if (failure == null) {
              return "WITHDRAWN";
            }
            Throwable cause = Problems.cause(failure);
            if (cause instanceof Rejection.Conflict) {
              return "USED";
            }
            if (cause instanceof Rejection.NotFound) {
              return "UNKNOWN";
            }
            throw failure instanceof CompletionException c ? c : new CompletionException(failure);
          }).toCompletableFuture());
    }
    CompletionStage<List<String>> all = CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new))
        .thenApply(done -> outcomes.stream().map(CompletableFuture::join).toList());
    return respond(all, list -> {
      var rows = new ArrayList<Map<String, Object>>();
      for (int i = 0; i < list.size(); i++) {
        rows.add(Map.of("code", checked.codes().get(i), "outcome", list.get(i)));
      }
      long withdrawn = list.stream().filter("WITHDRAWN"::equals).count();
      audit.info("guardian-codes-withdrawn principal={} school={} withdrawn={} of={}", p.id(), schoolId,
          withdrawn, list.size());
      return ok(Map.of("schoolId", schoolId, "withdrawn", withdrawn, "codes", rows));
    });
  }

  /** The school's guardians, newest enrolment first: pseudonymous ids, classes and states only. */
  private Route guardians(String schoolId) {
    return respond(api.sharding().entityRefFor(GuardianRegistry.ENTITY_TYPE_KEY, schoolId)
            .askWithStatus(GuardianRegistry.Get::new, api.askTimeout()),
        state -> {
          Instant now = api.clock().instant();
          return ok(Map.of("schoolId", schoolId, "guardians",
              state.newestFirst().stream().map(e -> view(e, now)).toList()));
        });
  }

  private static Map<String, Object> view(Enrolment e, Instant now) {
    var view = new LinkedHashMap<String, Object>();
    view.put("guardianId", e.guardianId());
    view.put("classId", e.classId());
    view.put("redeemedAt", e.redeemedAt());
    view.put("enrolmentExpiresAt", e.expiresAt());
    view.put("state", e.stateAt(now));
    view.put("revokedAt", e.revokedAt());
    view.put("revokedBy", e.revokedBy());
    view.put("reason", e.reason());
    return view;
  }

  /**
   * Cuts the guardian off: durable in the school's registry, then refused on this node before
   * the answer, and on the others as the revocation reaches them ({@link GuardianRevocations}).
   */
  private Route revoke(Principal p, String schoolId, String guardianId, String reason) {
    return respond(api.sharding().entityRefFor(GuardianRegistry.ENTITY_TYPE_KEY, schoolId)
            .askWithStatus((ActorRef<StatusReply<Enrolment>> r) -> new GuardianRegistry.Revoke(guardianId, reason,
                p.id(), r), api.askTimeout()),
        e -> {
          revocations.add(new GuardianRegistry.Revoked(schoolId, e.guardianId(), e.revokedAt(), e.revokedBy(),
              e.reason()));
          return ok(view(e, api.clock().instant()));
        });
  }

  /**
   * A fresh token for the same guardian, school and class, while the enrolment lasts. A revoked
   * guardian never gets here (the token is refused first); the registry is asked all the same, so
   * a revocation this node has not heard of yet still stops the renewal.
   */
  private Route renew(Principal p) {
    return respond(api.sharding().entityRefFor(GuardianRegistry.ENTITY_TYPE_KEY, p.guardianSchool())
            .askWithStatus((ActorRef<StatusReply<Enrolment>> r) -> new GuardianRegistry.Find(p.guardianId(), r),
                api.askTimeout())
            .exceptionally(failure -> {
              if (Problems.cause(failure) instanceof Rejection.NotFound) {
                return null;
              }
              throw failure instanceof CompletionException c ? c : new CompletionException(failure);
            }),
        e -> {
          Instant now = api.clock().instant();
          if (e == null || !e.classId().equals(p.guardianClass())) {
            return Problems.of(StatusCodes.FORBIDDEN, "this guardian is not enrolled at the school;"
                + " redeem a new code from the school");
          }
          if (e.isRevoked()) {
            return Authentication.revoked();
          }
          if (!now.isBefore(e.expiresAt())) {
            return Problems.of(StatusCodes.FORBIDDEN, "this guardian's enrolment ended at " + e.expiresAt()
                + "; redeem a new code from the school");
          }
          return tokenAnswer(StatusCodes.OK, p, e);
        });
  }

  private Route messages(Principal p, String schoolId) {
    return respond(api.sharding().entityRefFor(GuardianMessages.ENTITY_TYPE_KEY, schoolId)
            .askWithStatus(GuardianMessages.Get::new, api.askTimeout()),
        state -> {
          audit.info("personal-data-read principal={} school={} data=guardian-messages", p.id(), schoolId);
          return ok(Map.of("schoolId", schoolId, "messages", state.newestFirst()));
        });
  }

  private Route write(Principal p, MessageRequest.Checked m) {
    String schoolId = p.guardianSchool();
    var message = new GuardianMessage("gmsg-" + UUID.randomUUID(), schoolId, p.guardianClass(), p.guardianId(),
        m.topic(), m.child(), m.text(), api.clock().instant());
    return respond(api.sharding().entityRefFor(GuardianMessages.ENTITY_TYPE_KEY, schoolId)
            .askWithStatus((ActorRef<StatusReply<GuardianMessage>> r) -> new GuardianMessages.Post(message, r),
                api.askTimeout()),
        saved -> json(StatusCodes.CREATED, Map.of("messageId", saved.messageId(), "at", saved.at(),
            "visibleTo", "the staff of school " + schoolId)));
  }

  private Route notices(Principal p) {
    String schoolId = p.guardianSchool();
    return respond(api.sharding().entityRefFor(School.ENTITY_TYPE_KEY, schoolId)
            .askWithStatus(School.Get::new, api.askTimeout()),
        state -> ok(Map.of("schoolId", schoolId, "schoolName", state.profile().name(),
            "classId", p.guardianClass(), "notices", GuardianNotices.current(state))));
  }

  /**
   * The school's notices as they happen: SSE {@code event: notice} with the journal position as
   * id. Without Last-Event-ID it starts now (read the current picture with GET /guardian/notices);
   * with it, it replays what was missed from the school's journal first.
   */
  private Route stream(Principal p, long after) {
    String schoolId = p.guardianSchool();
    var ref = api.sharding().entityRefFor(School.ENTITY_TYPE_KEY, schoolId);
    CompletionStage<Long> start = after >= 0 ? CompletableFuture.completedFuture(after)
        : ref.ask(School.GetPosition::new, api.askTimeout());
    return onReply(start, from -> stream(p, api.liveLog().<GuardianNotice>follow(
            PersistenceId.of(School.ENTITY_TYPE_KEY.name(), schoolId).id(),
            School.topic(schoolId),
            from,
            envelope -> new Sequenced<>(envelope.sequenceNr(), envelope.event() instanceof School.Event e
                ? GuardianNotices.of(e, envelope.sequenceNr()) : Optional.empty()),
            message -> message instanceof School.Published pub && pub.schoolId().equals(schoolId)
                ? Optional.of(new Sequenced<>(pub.seq(), GuardianNotices.of(pub.event(), pub.seq())))
                : Optional.empty())
        .map(n -> ServerSentEvent.create(new String(JsonSupport.write(n), StandardCharsets.UTF_8), "notice",
            String.valueOf(n.seq())))
        .via(endsWhenRevoked(p.guardianId()))));
  }

  /**
   * Ends the stream when the school revokes the guardian, after one {@code event: revoked} (so
   * the page can say why, rather than reconnect and be refused).
   */
  private Flow<ServerSentEvent, ServerSentEvent, NotUsed> endsWhenRevoked(String guardianId) {
    return Flow.<ServerSentEvent>create()
        .merge(Source.lazySource(() -> {
          var cut = revocations.whenRevoked(guardianId);
          return Source.completionStage(cut)
              .map(r -> ServerSentEvent.create("{\"reason\":\"access withdrawn by the school\"}", "revoked"))
              .watchTermination((mat, done) -> {
                done.whenComplete((ok, failure) -> revocations.unwatch(guardianId, cut));
                return mat;
              });
        }))
        .takeWhile(e -> !e.getEventType().filter("revoked"::equals).isPresent(), true);
  }
}
