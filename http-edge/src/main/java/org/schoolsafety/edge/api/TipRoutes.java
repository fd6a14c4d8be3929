package org.schoolsafety.edge.api;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.schoolsafety.edge.api.dto.IncidentView;
import org.schoolsafety.edge.api.dto.TipRequests.MessageRequest;
import org.schoolsafety.edge.api.dto.TipRequests.TipIncidentRequest;
import org.schoolsafety.edge.api.dto.TipRequests.TipAckRequest;
import org.schoolsafety.edge.api.dto.TipRequests.TipHazardRequest;
import org.schoolsafety.edge.api.dto.TipRequests.TipRequest;
import org.schoolsafety.edge.api.dto.TipRequests.TriageRequest;
import org.schoolsafety.edge.auth.AccessPolicy.Decision;
import org.schoolsafety.edge.auth.Principal;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.edge.auth.TipLimits;
import org.schoolsafety.hub.agency.Agency;
import org.schoolsafety.hub.agency.AgencyProfile;
import org.schoolsafety.hub.hazard.Hazard;
import org.schoolsafety.hub.hazard.HazardCommand;
import org.schoolsafety.hub.hazard.HazardState;
import org.schoolsafety.hub.hazard.NewHazard;
import org.schoolsafety.hub.incident.Casualties;
import org.schoolsafety.hub.incident.Incident;
import org.schoolsafety.hub.incident.IncidentCommand;
import org.schoolsafety.hub.incident.IncidentReport;
import org.schoolsafety.hub.incident.IncidentState;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.incident.NewIncident;
import org.schoolsafety.hub.incident.ReportKind;
import org.schoolsafety.hub.incident.SchoolRef;
import org.schoolsafety.hub.school.School;
import org.schoolsafety.hub.school.SchoolProfile;
import org.schoolsafety.hub.tip.NewTip;
import org.schoolsafety.persistence.readside.TipQueries;
import org.schoolsafety.hub.tip.SchoolTips;
import org.schoolsafety.hub.tip.Tip;
import org.schoolsafety.hub.tip.TipCodes;
import org.schoolsafety.hub.tip.TipCommand;
import org.schoolsafety.hub.tip.TipMessage;
import org.schoolsafety.hub.tip.TipState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Anonymous tips (issue 17). {@link #publicRoute()} needs no token: submitting a tip, and reading
 * and writing to it with its follow-up code. It records nothing about the caller: no address, no
 * user agent, no header; the per-address limits ({@link TipLimits}) live in memory only, keyed by
 * a keyed hash of the address. A wrong code, another tip's code, an id the hub never issued and an
 * unknown tip all get the same 404 with the same body.
 *
 * <p>{@link #route(Principal)} is the staff side: a school's tip list, one tip with its text and
 * notes, triage, reporting it as an incident or recording it as a hazard, and the acknowledgement
 * of a told agency.
 */
public final class TipRoutes extends RouteSupport {

  /** Reads of a tip's text go to the audit log, like other personal data (the reader, never the tipster). */
  private static final Logger audit = LoggerFactory.getLogger("org.schoolsafety.audit");

  public static final String CODE_HEADER = "Follow-Up-Code";

  private final TipCodes codes;
  private final TipLimits limits;
  private final TipQueries queue;

  public TipRoutes(ApiContext api, TipCodes codes, TipLimits limits, TipQueries queue) {
    super(api);
    this.codes = codes;
    this.limits = limits;
    this.queue = queue;
  }

  // --- open to anyone ---------------------------------------------------------------------

  /** {@code /api/v1/tips} for tipsters: no token. Requests it does not serve fall through to the API. */
  public Route publicRoute() {
    return pathPrefix("api", () -> pathPrefix("v1", () -> pathPrefix("tips", () -> concat(
        pathEndOrSingleSlash(() -> post(() -> limited(TipLimits.Kind.SUBMIT,
            () -> jsonBody(TipRequest.class, this::submit)))),
        pathPrefix(segment(), tipId -> concat(
            // Without a code this is a staff read: it falls through to the authenticated API.
            pathEnd(() -> get(() -> headerValueByName(CODE_HEADER, code -> limited(TipLimits.Kind.FOLLOW_UP,
                () -> asTipster(tipId, code, (ActorRef<StatusReply<TipState>> r) -> new TipCommand.ReadAsTipster(
                    codes.hash(tipId, code), r), StatusCodes.OK))))),
            path("messages", () -> post(() -> optionalHeaderValueByName(CODE_HEADER, code -> limited(
                TipLimits.Kind.FOLLOW_UP, () -> jsonBody(MessageRequest.class, body -> {
                  String text = body.check();
                  String presented = code.orElse("");
                  return asTipster(tipId, presented, (ActorRef<StatusReply<TipState>> r) ->
                      new TipCommand.WriteAsTipster(codes.hash(tipId, presented), text, r), StatusCodes.CREATED);
                })))))))))));
  }

  private Route limited(TipLimits.Kind kind, Supplier<Route> inner) {
    return extractRequest(request -> {
      String source = request.getAttribute(org.apache.pekko.http.scaladsl.model.AttributeKeys.remoteAddress())
          .flatMap(a -> a.getAddress()).map(a -> a.getHostAddress()).orElse("unknown");
      var wait = limits.tryAcquire(kind, source);
      if (wait.isPresent()) {
        return complete(Problems.of(StatusCodes.TOO_MANY_REQUESTS,
                "too many tip requests from your network; please try again in " + wait.getAsLong()
                    + " s. If someone is in danger now, call 110 (police), 120 (ambulance) or 119 (fire).")
            .addHeader(RetryAfter.create(wait.getAsLong())));
      }
      return inner.get();
    });
  }

  private Route submit(TipRequest body) {
    var checked = body.check();
    long started = System.nanoTime();
    CompletionStage<SchoolProfile> school = api.sharding().entityRefFor(School.ENTITY_TYPE_KEY, checked.schoolId())
        .askWithStatus(School.Get::new, api.askTimeout())
        .thenApply(School.State::profile);
    return onComplete(school, attempt -> {
      if (attempt.isFailure()) {
        Throwable cause = Problems.cause(attempt.failed().get());
        if (cause instanceof org.schoolsafety.hub.Rejection.NotFound) {
          return complete(Problems.from(ApiException.invalid(List.of(
              new Problem.FieldError("schoolId", "is not a registered school")))));
        }
        return complete(Problems.from(cause));
      }
      SchoolProfile profile = attempt.get();
      String tipId = codes.newTipId();
      String code = codes.newCode();
      var tip = new NewTip(tipId, profile.schoolId(), profile.name(), profile.region(), checked.category(),
          checked.text(), checked.when(), checked.where());
      return respond(tipRef(tipId).askWithStatus(
              (ActorRef<StatusReply<TipState>> r) -> new TipCommand.Submit(tip, codes.hash(tipId, code), r),
              api.askTimeoutLeft(started)),
          state -> json(StatusCodes.CREATED, Map.of("tipId", tipId, "followUpCode", code,
                  "status", state.status().name(),
                  "keepTheCode", "This code is shown once. Keep it: with the tip id it is the only way to read"
                      + " replies and write more. Nobody at the school or the hub can look it up for you."))
              .addHeader(Location.create("/api/v1/tips/" + tipId)));
    });
  }

  /** Asks the tip with the tipster's code; anything but a match is the one 404. */
  private Route asTipster(String tipId, String code,
      Function<ActorRef<StatusReply<TipState>>, TipCommand> command, org.apache.pekko.http.javadsl.model.StatusCode ok) {
    if (!codes.isGenuine(tipId) || code == null || code.length() > 100) {
      return complete(unknownTip());
    }
    return onComplete(tipRef(tipId).askWithStatus(command::apply, api.askTimeout()), attempt -> {
      if (attempt.isSuccess()) {
        return complete(json(ok, tipsterView(attempt.get())));
      }
      Throwable cause = Problems.cause(attempt.failed().get());
      if (cause instanceof org.schoolsafety.hub.Rejection.NotFound) {
        return complete(unknownTip());
      }
      return complete(Problems.from(cause));
    });
  }

  static org.apache.pekko.http.javadsl.model.HttpResponse unknownTip() {
    return Problems.of(StatusCodes.NOT_FOUND, Tip.UNKNOWN);
  }

  /** What the tipster sees: status and the conversation meant for them; no priority, names or notes. */
  static Map<String, Object> tipsterView(TipState s) {
    var view = new LinkedHashMap<String, Object>();
    view.put("tipId", s.tipId());
    view.put("schoolName", s.tip().schoolName());
    view.put("category", s.tip().category());
    view.put("status", s.status());
    view.put("receivedAt", s.receivedAt());
    view.put("messages", s.tipsterMessages().stream().map(m -> Map.of(
        "at", m.at(), "from", m.from().equals(TipMessage.TIPSTER) ? "TIPSTER" : "SCHOOL", "text", m.text())).toList());
    return view;
  }

  // --- staff and agencies ------------------------------------------------------------------

  @Override
  public Route route(Principal p) {
    return concat(
        pathPrefix("schools", () -> pathPrefix(segment(), schoolId -> path("tips", () -> get(() ->
            parameterOptional("state", state -> schoolTips(p, schoolId, state)))))),
        pathPrefix("tips", () -> concat(
            pathEndOrSingleSlash(() -> get(() -> parameterMap(params -> regionTips(p, params)))),
            pathPrefix(segment(), tipId -> concat(
            pathEnd(() -> get(() -> tip(p, tipId, "read tip", api.policy()::readTip, state -> {
              audit.info("personal-data-read principal={} tip={} data=tip-text", p.id(), tipId);
              return complete(ok(staffView(state)));
            }))),
            path("triage", () -> post(() -> jsonBody(TriageRequest.class, body -> {
              var t = body.check();
              return tip(p, tipId, "triage tip", api.policy()::triageTip, state -> respond(tipRef(tipId).askWithStatus(
                  (ActorRef<StatusReply<TipState>> r) -> new TipCommand.Triage(t.priority(), t.status(), t.note(),
                      t.toTipster(), p.id(), r), api.askTimeout()), after -> ok(staffView(after))));
            }))),
            path("incident", () -> post(() -> jsonBody(TipIncidentRequest.class, body -> {
              var checked = body.check();
              return tip(p, tipId, "report tip", api.policy()::triageTip, state -> reportTip(p, state, checked));
            }))),
            path("hazard", () -> post(() -> jsonBody(TipHazardRequest.class, body -> {
              var checked = body.check();
              return tip(p, tipId, "record tip as hazard", api.policy()::triageTip, state -> recordHazard(p, state, checked));
            }))),
            path("acks", () -> post(() -> jsonBody(TipAckRequest.class, body -> {
              String agencyId = body.check();
              return tip(p, tipId, "acknowledge tip",
                  (pr, school, region, agency, told) -> api.policy().acknowledgeTip(pr, school, region, agency, told, agencyId),
                  state -> respond(tipRef(tipId).askWithStatus(
                      (ActorRef<StatusReply<TipState>> r) -> new TipCommand.Acknowledge(agencyId, p.id(), r),
                      api.askTimeout()), after -> ok(staffView(after))));
            }))))))));
  }

  /**
   * The tips queue of a region, from the read side: the open tips of its schools, most urgent
   * first, with their response deadlines — metadata only, never a tip's text, messages or notes,
   * so that a command center may watch that tips are answered in time without reading them.
   */
  private Route regionTips(Principal p, Map<String, String> params) {
    String region = Params.region(Optional.ofNullable(params.get("region")),
        p.is(Role.COMMAND_CENTER) ? p.subject() : null);
    String which = params.getOrDefault("state", "open");
    if (!which.equals("open")) {
      throw Params.invalid("state", "must be 'open' (the queue lists open tips)");
    }
    int limit = Params.limit(Optional.ofNullable(params.get("limit")), 200, 1000);
    return onReply(agencyProfileOf(p, System.nanoTime()), agency -> authorize(
        api.policy().readRegionTips(p, region, agency), p, "list the tips of region " + region, "",
        () -> respond(queue.openOfRegion(region, limit),
            rows -> ok(Map.of("region", region, "state", which, "tips", rows)))));
  }

  /** Whose reference the incident ids of tips' incidents are scoped to: the hub's, not a caller's. */
  private static final String TIP_REPORTS = "hub:tips";

  /**
   * A tip reported as an incident, prefilled from the tip (type from its category, the time it
   * arrived) with the reporter's own summary, never the tipster's words. The clientRef derives from
   * the tip ({@code tip:<tipId>}) and the incident id from that whoever calls, so a retry or a
   * second caller lands on the same incident: 201 the first time, then 200 with {@code
   * Idempotent-Replayed: true}. Reported first, then linked; calling again mends a failure between.
   */
  private Route reportTip(Principal p, TipState tip, TipIncidentRequest.Checked body) {
    long started = System.nanoTime();
    if (tip.incidentId() != null) {
      return respond(incidentRef(tip.incidentId()).askWithStatus(IncidentCommand.Get::new, api.askTimeout()),
          incident -> tipIncidentAnswer(p, tip, incident, true));
    }
    var t = tip.tip();
    String summary = body.summary() != null ? body.summary()
        : "Reported from anonymous tip " + tip.tipId() + " (" + t.category() + ")";
    var initial = new IncidentReport(ReportKind.INITIAL, null, null, tip.receivedAt(), summary, Casualties.NONE,
        body.measures(), body.level(), body.reporter(), null, null);
    var report = new NewIncident(new SchoolRef(t.schoolId(), t.schoolName(), t.region()),
        body.type() != null ? body.type() : t.category().incidentType(), body.level(), Mode.ACTUAL, initial,
        "tip:" + tip.tipId());
    String incidentId = api.incidentIds().forReport(t.schoolId(), Mode.ACTUAL, TIP_REPORTS, report.clientRef());
    // A conflict means this tip's incident exists in another reporter's words: an earlier call
    // reported it but did not get to link it. It is the same incident.
    CompletionStage<IncidentCommand.Accepted> accepted = incidentRef(incidentId).askWithStatus(
            (ActorRef<StatusReply<IncidentCommand.Accepted>> r) -> new IncidentCommand.Report(report, p.id(), r),
            api.askTimeoutLeft(started))
        .exceptionallyCompose(failure -> Problems.cause(failure) instanceof org.schoolsafety.hub.Rejection.Conflict
            ? incidentRef(incidentId).askWithStatus(IncidentCommand.Get::new, api.askTimeoutLeft(started))
                .thenApply(existing -> new IncidentCommand.Accepted(existing, true))
            : CompletableFuture.failedStage(failure));
    CompletionStage<Map.Entry<IncidentCommand.Accepted, TipState>> linked = accepted.thenCompose(a ->
        tipRef(tip.tipId()).askWithStatus((ActorRef<StatusReply<TipState>> r) ->
            new TipCommand.LinkIncident(incidentId, p.id(), r), api.askTimeoutLeft(started))
            .thenApply(after -> Map.entry(a, after)));
    return onReply(linked, done -> complete(tipIncidentAnswer(p, done.getValue(), done.getKey().incident(),
        done.getKey().replayed())));
  }

  private org.apache.pekko.http.javadsl.model.HttpResponse tipIncidentAnswer(Principal p, TipState tip,
      IncidentState incident, boolean replayed) {
    var body = new LinkedHashMap<String, Object>();
    body.put("tipId", tip.tipId());
    body.put("incidentId", incident.incidentId());
    body.put("incident", IncidentView.of(incident, api.policy().mayReadContactDetails(p, incident),
        api.policy().authority()));
    var response = json(replayed ? StatusCodes.OK : StatusCodes.CREATED, body)
        .addHeader(Location.create("/api/v1/incidents/" + incident.incidentId()));
    return replayed ? response.addHeader(RawHeader.create("Idempotent-Replayed", "true")) : response;
  }

  /**
   * A tip recorded as a hazard, through the same Hazard entity and rectification plan (五定) as an
   * inspection's hazard: category from the tip's (unless given), found on the day the tip arrived,
   * the tip's id in place of an inspection id, and the recorder's own description, never the
   * tipster's words. The hazard id derives from the tip, so a retry or a second caller lands on the
   * same hazard: 201 the first time, then 200 with {@code Idempotent-Replayed: true}. Opened first,
   * then linked; calling again mends a failure between. No inspection is recorded: a tip is not one,
   * and counting it would flatter the school's inspection record.
   */
  private Route recordHazard(Principal p, TipState tip, TipHazardRequest.Checked body) {
    long started = System.nanoTime();
    if (tip.hazardId() != null) {
      return respond(hazardRef(tip.hazardId()).askWithStatus(HazardCommand.Get::new, api.askTimeout()),
          hazard -> tipHazardAnswer(tip, hazard, true));
    }
    var t = tip.tip();
    String hazardId = NewHazard.idOf(t.schoolId(), tip.tipId(), 1);
    var hazard = new NewHazard(hazardId, t.schoolId(), t.schoolName(), t.region(), tip.tipId(),
        LocalDate.ofInstant(tip.receivedAt(), ZoneOffset.UTC),
        body.category() != null ? body.category() : t.category().hazardCategory(), body.severity(),
        body.location() != null ? body.location() : "as reported in anonymous tip " + tip.tipId(),
        body.description() != null ? body.description()
            : "Recorded from anonymous tip " + tip.tipId() + " (" + t.category() + ")",
        body.plan());
    // A conflict means this tip's hazard exists in another recorder's words: an earlier call opened
    // it but did not get to link it. It is the same hazard.
    CompletionStage<Map.Entry<HazardState, Boolean>> opened = hazardRef(hazardId).askWithStatus(
            (ActorRef<StatusReply<HazardState>> r) -> new HazardCommand.Open(hazard, p.id(), r),
            api.askTimeoutLeft(started))
        .thenApply(state -> Map.entry(state, false))
        .exceptionallyCompose(failure -> Problems.cause(failure) instanceof org.schoolsafety.hub.Rejection.Conflict
            ? hazardRef(hazardId).askWithStatus(HazardCommand.Get::new, api.askTimeoutLeft(started))
                .thenApply(existing -> Map.entry(existing, true))
            : CompletableFuture.failedStage(failure));
    CompletionStage<Map.Entry<Map.Entry<HazardState, Boolean>, TipState>> linked = opened.thenCompose(h ->
        tipRef(tip.tipId()).askWithStatus((ActorRef<StatusReply<TipState>> r) ->
            new TipCommand.LinkHazard(hazardId, p.id(), r), api.askTimeoutLeft(started))
            .thenApply(after -> Map.entry(h, after)));
    return onReply(linked, done -> complete(tipHazardAnswer(done.getValue(), done.getKey().getKey(),
        done.getKey().getValue())));
  }

  private org.apache.pekko.http.javadsl.model.HttpResponse tipHazardAnswer(TipState tip, HazardState hazard,
      boolean replayed) {
    var body = new LinkedHashMap<String, Object>();
    body.put("tipId", tip.tipId());
    body.put("hazardId", hazard.hazardId());
    body.put("hazard", PreventionRoutes.view(hazard));
    var response = json(replayed ? StatusCodes.OK : StatusCodes.CREATED, body)
        .addHeader(Location.create("/api/v1/hazards/" + hazard.hazardId()));
    return replayed ? response.addHeader(RawHeader.create("Idempotent-Replayed", "true")) : response;
  }

  private EntityRef<HazardCommand> hazardRef(String hazardId) {
    return api.sharding().entityRefFor(Hazard.ENTITY_TYPE_KEY, hazardId);
  }

  private EntityRef<IncidentCommand> incidentRef(String incidentId) {
    return api.sharding().entityRefFor(Incident.ENTITY_TYPE_KEY, incidentId);
  }

  private Route schoolTips(Principal p, String schoolId, Optional<String> state) {
    String which = state.orElse("open");
    if (!which.equals("open") && !which.equals("all")) {
      throw Params.invalid("state", "must be 'open' or 'all'");
    }
    if (!Fields.ID.matcher(schoolId).matches()) {
      return complete(Problems.of(StatusCodes.NOT_FOUND, "no school with id '" + Ids.printable(schoolId) + "'"));
    }
    long started = System.nanoTime();
    return onReply(api.sharding().entityRefFor(School.ENTITY_TYPE_KEY, schoolId).askWithStatus(School.Get::new, api.askTimeout()),
        school -> onReply(agencyProfileOf(p, started), agency -> authorize(
            api.policy().listSchoolTips(p, school.profile(), agency), p, "read the tips of school " + schoolId, "",
            () -> respond(api.sharding().entityRefFor(SchoolTips.ENTITY_TYPE_KEY, schoolId)
                    .askWithStatus(SchoolTips.Get::new, api.askTimeoutLeft(started)),
                tips -> ok(Map.of("schoolId", schoolId, "state", which, "tips", tips.list(which.equals("all"))))))));
  }

  private interface TipDecision {
    Decision decide(Principal p, String schoolId, String regionCode, AgencyProfile callerAgency,
        java.util.Set<String> toldAgencies);
  }

  private Route tip(Principal p, String tipId, String action, TipDecision decision, Function<TipState, Route> inner) {
    if (!codes.isGenuine(tipId)) {
      return complete(unknownTip());
    }
    long started = System.nanoTime();
    return onReply(tipRef(tipId).askWithStatus(TipCommand.Get::new, api.askTimeout()),
        state -> onReply(agencyProfileOf(p, started), agency -> authorize(
            decision.decide(p, state.tip().schoolId(), state.tip().region().value(), agency, state.notified().keySet()),
            p, action + " " + tipId, Tip.UNKNOWN, () -> inner.apply(state))));
  }

  /** Everything staff need to triage; never the code's hash. */
  static Map<String, Object> staffView(TipState s) {
    var view = new LinkedHashMap<String, Object>();
    var t = s.tip();
    view.put("tipId", s.tipId());
    view.put("schoolId", t.schoolId());
    view.put("schoolName", t.schoolName());
    view.put("regionCode", t.region().value());
    view.put("category", t.category());
    view.put("text", t.text());
    view.put("when", t.when());
    view.put("where", t.where());
    view.put("priority", s.priority());
    view.put("status", s.status());
    view.put("receivedAt", s.receivedAt());
    view.put("deadline", s.deadline());
    view.put("triagedAt", s.triagedAt());
    view.put("overdue", s.overdueAt() != null);
    view.put("incidentId", s.incidentId());
    view.put("hazardId", s.hazardId());
    view.put("messages", s.messages().stream().map(m -> {
      var msg = new LinkedHashMap<String, Object>();
      msg.put("at", m.at());
      msg.put("from", m.from());
      msg.put("text", m.text());
      msg.put("toTipster", m.forTipster());
      msg.put("by", m.by());
      return msg;
    }).toList());
    view.put("agencies", s.notified().values().stream().map(n -> {
      var a = new LinkedHashMap<String, Object>();
      a.put("agencyId", n.agency().agencyId());
      a.put("kind", n.agency().kind());
      a.put("tier", n.agency().tier());
      a.put("reason", n.reason());
      a.put("notifiedAt", n.at());
      a.put("ackDeadline", n.ackDeadline());
      a.put("ackAt", n.ackAt());
      return a;
    }).toList());
    view.put("timeline", s.timeline());
    return view;
  }


  private EntityRef<TipCommand> tipRef(String tipId) {
    return api.sharding().entityRefFor(Tip.ENTITY_TYPE_KEY, tipId);
  }
}
