package org.schoolsafety.edge.api;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;
import org.schoolsafety.edge.api.dto.AckRequest;
import org.schoolsafety.edge.api.dto.CancelRequest;
import org.schoolsafety.edge.api.dto.CloseRequest;
import org.schoolsafety.edge.api.dto.IncidentImportRequest;
import org.schoolsafety.edge.api.dto.IncidentRequest;
import org.schoolsafety.edge.api.dto.IncidentView;
import org.schoolsafety.edge.api.dto.ReportRequest;
import org.schoolsafety.edge.auth.AccessPolicy.Decision;
import org.schoolsafety.edge.cap.CapAlerts;
import org.schoolsafety.edge.cap.CapSettings;
import org.schoolsafety.edge.auth.Principal;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.hub.incident.Level;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.incident.Status;
import org.schoolsafety.hub.reporting.ReportingDeadline;
import org.schoolsafety.hub.reporting.ReportingDeadlines;
import org.schoolsafety.hub.reporting.ReportingRules;
import org.schoolsafety.persistence.readside.IncidentQueries;
import org.schoolsafety.persistence.readside.IncidentSummary;
import org.schoolsafety.hub.Rejection;
import org.schoolsafety.hub.agency.AgencyKind;
import org.schoolsafety.hub.agency.AgencyProfile;
import org.schoolsafety.hub.directory.AgencyDirectory;
import org.schoolsafety.hub.incident.Incident;
import org.schoolsafety.hub.incident.IncidentCommand;
import org.schoolsafety.hub.incident.IncidentIds;
import org.schoolsafety.hub.incident.IncidentImport;
import org.schoolsafety.hub.incident.IncidentImports;
import org.schoolsafety.hub.incident.IncidentReport;
import org.schoolsafety.hub.incident.IncidentState;
import org.schoolsafety.hub.incident.SchoolRef;
import org.schoolsafety.hub.school.School;
import org.schoolsafety.hub.school.SchoolProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /api/v1/incidents}: reporting, following up, acknowledging and ending incidents. */
public final class IncidentRoutes extends RouteSupport {

  /** Reads of personal data by agencies go to this logger (see logback.xml). */
  private static final Logger audit = LoggerFactory.getLogger("org.schoolsafety.audit");

  private static final ContentType CAP_XML =
      ContentTypes.create(MediaTypes.applicationWithFixedCharset("cap+xml", HttpCharsets.UTF_8));

  private final SchoolProfiles schools;
  private final CapAlerts cap;
  private final ReportingRules reporting;

  public IncidentRoutes(ApiContext api) {
    super(api);
    this.reporting = ReportingRules.fromConfig(api.system().settings().config());
    this.cap = new CapAlerts(CapSettings.fromConfig(api.system().settings().config()));
    this.schools = new SchoolProfiles(id -> api.sharding().entityRefFor(School.ENTITY_TYPE_KEY, id)
        .askWithStatus(School.Get::new, api.askTimeout()).thenApply(School.State::profile), SchoolProfiles.MAX_SCHOOLS);
  }

  @Override
  public Route route(Principal p) {
    return pathPrefix("incidents", () -> concat(
        pathEndOrSingleSlash(() -> concat(
            post(() -> optionalHeaderValueByName("Idempotency-Key",
                key -> jsonBody(IncidentRequest.class, body -> report(p, body, key.orElse(null))))),
            get(() -> parameterMap(params -> list(p, params))))),
        path("open-counts", () -> get(() -> parameterMap(params -> openCounts(p, params)))),
        // Other methods end here with 405: "imports" is not an incident id for the routes below.
        path("imports", () -> concat(
            post(() -> authorize(api.policy().importIncidents(p), p, "import incidents", "",
                () -> jsonBody(IncidentImportRequest.class, body -> importRecord(p, body)))),
            extractMethod(method -> method.equals(HttpMethods.POST) ? reject() // POST's own rejections (413, 415, ...)
                : complete(Problems.of(StatusCodes.METHOD_NOT_ALLOWED, "method not allowed here; allowed: [POST]"))))),
        pathPrefix(segment(), id -> concat(
            pathEnd(() -> get(() -> visible(p, id, state -> api.policy().readIncident(p, state), "read",
                state -> onReply(reportingDeadlines(state), deadlines -> complete(json(StatusCodes.OK,
                    view(p, state).withReportingDeadlines(deadlines))))))),
            path("cap", () -> get(() -> visible(p, id, state -> api.policy().readIncident(p, state), "read",
                state -> optionalHeaderValueByName("Accept", accept -> capAlert(state, accept.orElse("")))))),
            path("audit", () -> get(() -> visible(p, id, state -> api.policy().readAudit(p, state), "read the audit trail of",
                state -> respond(api.auditTrail().ofIncident(id), entries -> ok(Map.of("incidentId", id, "entries", entries)))))),
            path("reports", () -> post(() -> jsonBody(ReportRequest.class, body -> addReport(p, id, body)))),
            path("acks", () -> post(() -> jsonBody(AckRequest.class, body -> acknowledge(p, id, body)))),
            path("close", () -> post(() -> jsonBody(CloseRequest.class, body -> close(p, id, body)))),
            path("cancel", () -> post(() -> jsonBody(CancelRequest.class, body -> cancel(p, id, body))))))));
  }

  // --- listing --------------------------------------------------------------------------

  /** The longest span of days one list request may cover. */
  private static final int MAX_DAYS = 92;

  private Route list(Principal p, Map<String, String> params) {
    String region = Params.region(Optional.ofNullable(params.get("region")),
        p.is(Role.COMMAND_CENTER) ? p.subject() : null);
    Set<Mode> modes = Params.modes(Optional.ofNullable(params.get("mode")));
    return authorize(api.policy().watchRegion(p, region, modes), p, "list incidents of region " + region, "", () -> {
      String status = params.get("status");
      boolean openOnly = "open".equals(status);
      Set<String> statuses = status == null || openOnly ? null : Set.of(Params.oneOf("status", Optional.of(status), Status.class).name());
      Level level = Params.oneOf("level", Optional.ofNullable(params.get("level")), Level.class);
      LocalDate to = Params.date("to", Optional.ofNullable(params.get("to")), LocalDate.now(api.clock().withZone(ZoneOffset.UTC)));
      LocalDate from = Params.date("from", Optional.ofNullable(params.get("from")), to.minusDays(6));
      if (from.isAfter(to) || from.plusDays(MAX_DAYS).isBefore(to)) {
        throw Params.invalid("from", "must be on or before 'to' and at most " + MAX_DAYS + " days before it");
      }
      int limit = Params.limit(Optional.ofNullable(params.get("limit")), 50, 200);
      String drillId = params.get("drillId");
      if (drillId != null && !Fields.ID.matcher(drillId).matches()) {
        throw Params.invalid("drillId", "must be a drill id");
      }
      var filter = new IncidentQueries.IncidentFilter(region, statuses, openOnly, level == null ? null : level.name(),
          modes.stream().map(Enum::name).collect(java.util.stream.Collectors.toSet()), drillId, from, to, limit,
          params.get("cursor"));
      CompletionStage<IncidentQueries.Page<IncidentSummary>> page = incidentPage(filter);
      return respond(page, result -> ok(Map.of("incidents", result.items(),
          "next", Optional.ofNullable(result.next()).map(Object.class::cast).orElse(NO_NEXT))));
    });
  }

  /**
   * True totals of a region's open incidents (the console's counters): by level, drills by level and
   * dispatches by state, from counts the projection keeps; however many are open, one small read.
   */
  private Route openCounts(Principal p, Map<String, String> params) {
    String region = Params.region(Optional.ofNullable(params.get("region")),
        p.is(Role.COMMAND_CENTER) ? p.subject() : null);
    Set<Mode> modes = Params.modes(Optional.ofNullable(params.get("mode")));
    return authorize(api.policy().watchRegion(p, region, modes), p, "count incidents of region " + region, "",
        () -> respond(api.queries().openTotals(region, modes.stream().map(Enum::name)
            .collect(java.util.stream.Collectors.toSet())), totals -> ok(Map.of(
                "region", totals.region(),
                "modes", modes.stream().map(Enum::name).sorted().toList(),
                "open", totals.open(),
                "byLevel", totals.byLevel(),
                "drillsByLevel", totals.drillsByLevel(),
                "dispatches", totals.dispatches()))));
  }

  /** JSON null for "no further page". */
  static final Object NO_NEXT = com.fasterxml.jackson.databind.node.NullNode.getInstance();

  // --- reporting ------------------------------------------------------------------------

  private Route report(Principal p, IncidentRequest body, String idempotencyKey) {
    IncidentRequest.Checked checked = body.check(idempotencyKey, api.clock());
    long started = System.nanoTime();
    return onReply(school(checked.schoolId()), school -> authorize(
        api.policy().report(p, school, checked.mode()), p,
        "report incidents for school " + checked.schoolId(), "", () -> {
          var ref = new SchoolRef(checked.schoolId(), school.name(), school.region());
          String incidentId = api.incidentIds().forReport(checked.schoolId(), checked.mode(), p.id(), checked.clientRef());
          CompletionStage<IncidentCommand.Accepted> accepted = incident(incidentId).askWithStatus(
              (ActorRef<StatusReply<IncidentCommand.Accepted>> r) ->
                  new IncidentCommand.Report(checked.at(ref), p.id(), r),
              api.askTimeoutLeft(started));
          return onReply(accepted, a -> {
            HttpResponse response = present(p, a.incident(), a.replayed() ? StatusCodes.OK : StatusCodes.CREATED)
                .addHeader(Location.create("/api/v1/incidents/" + incidentId));
            return complete(a.replayed() ? response.addHeader(RawHeader.create("Idempotent-Replayed", "true")) : response);
          });
        }));
  }

  /** The principal id under which imported records' references are keyed: any operator may retry an import. */
  static final String IMPORTS = "import";

  /**
   * A closed incident from a previous system (issue 18): checked as a live report is, then the
   * escalation chains of the kinds it names from the province's directory (so the agencies are
   * the ones that cover the school today), then the incident records it — or says which field
   * is wrong, changing nothing.
   */
  private Route importRecord(Principal p, IncidentImportRequest body) {
    IncidentImportRequest.Checked checked = body.check(api.clock());
    long started = System.nanoTime();
    return onReply(school(checked.schoolId()), school -> {
      IncidentImport record = checked.at(new SchoolRef(checked.schoolId(), school.name(), school.region()));
      CompletionStage<Map<AgencyKind, List<AgencyProfile>>> chains = checked.kinds().isEmpty()
          ? CompletableFuture.completedFuture(Map.of())
          : api.sharding().entityRefFor(AgencyDirectory.ENTITY_TYPE_KEY, school.region().province())
              .<AgencyDirectory.Chains>askWithStatus(r -> new AgencyDirectory.FindChains(school.region(),
                  Set.copyOf(checked.kinds()), r), api.askTimeoutLeft(started))
              .thenApply(AgencyDirectory.Chains::byKind);
      return onReply(chains, byKind -> {
        var problems = IncidentImports.check(record, byKind, api.clock().instant());
        if (!problems.isEmpty()) {
          throw ApiException.invalid(problems.stream().map(x -> new Problem.FieldError(x.field(), x.message())).toList());
        }
        String incidentId = api.incidentIds().forReport(checked.schoolId(), Mode.ACTUAL, IMPORTS, checked.clientRef());
        CompletionStage<IncidentCommand.Accepted> accepted = incident(incidentId).askWithStatus(
            (ActorRef<StatusReply<IncidentCommand.Accepted>> r) -> new IncidentCommand.Import(record, byKind, p.id(), r),
            api.askTimeoutLeft(started));
        return onReply(accepted, a -> {
          HttpResponse response = present(p, a.incident(), a.replayed() ? StatusCodes.OK : StatusCodes.CREATED)
              .addHeader(Location.create("/api/v1/incidents/" + incidentId));
          return complete(a.replayed() ? response.addHeader(RawHeader.create("Idempotent-Replayed", "true")) : response);
        });
      });
    });
  }

  /** The profile of the school a report names; an unknown school is a 404 naming the field. */
  private CompletionStage<SchoolProfile> school(String schoolId) {
    return schools.get(schoolId).exceptionally(failure -> {
      Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
      throw new CompletionException(cause instanceof Rejection.NotFound
          ? ApiException.notFound("schoolId: no school with id '" + schoolId + "' is registered")
          : cause);
    });
  }

  // --- commands on an incident ----------------------------------------------------------

  private Route addReport(Principal p, String id, ReportRequest body) {
    IncidentReport report = body.check();
    long started = System.nanoTime();
    return visible(p, id, state -> api.policy().addReport(p, state, report.kind()), "add reports to",
        state -> command(p, id, started, StatusCodes.CREATED, r -> new IncidentCommand.AddReport(report, p.id(),
            api.policy().mayLowerLevel(p, state), r)));
  }

  private Route acknowledge(Principal p, String id, AckRequest body) {
    AckRequest ack = body.check();
    long started = System.nanoTime();
    if (!IncidentIds.isValid(id) || !api.policy().incidentDecidesAcknowledgement(p, ack.agencyId())) {
      return readThenAcknowledge(p, id, ack, started);
    }
    // One ask instead of two (read, then acknowledge): the incident answers not found to an agency
    // it was not dispatched to, as the read would have. A refusal for the incident's state goes
    // the old way: a node of an earlier build, during a rolling upgrade, ignores fromTheAgency and
    // answers "not dispatched" as a conflict, which would tell the agency that the incident exists.
    return onComplete(incident(id).askWithStatus(
            (ActorRef<StatusReply<IncidentState>> r) -> new IncidentCommand.Acknowledge(ack.agencyId(), ack.note(),
                p.id(), true, r), api.askTimeoutLeft(started)),
        attempt -> attempt.isSuccess() ? complete(present(p, attempt.get(), StatusCodes.OK))
            : Problems.cause(attempt.failed().get()) instanceof Rejection.Conflict ? readThenAcknowledge(p, id, ack, started)
            : complete(Problems.from(attempt.failed().get())));
  }

  /** Reads the incident, lets the policy decide, then acknowledges: built (and so asked) only when called. */
  private Route readThenAcknowledge(Principal p, String id, AckRequest ack, long started) {
    return visible(p, id, started, state -> api.policy().acknowledge(p, state, ack.agencyId()),
        "acknowledge for agency " + ack.agencyId() + " on",
        state -> command(p, id, started, StatusCodes.OK,
            r -> new IncidentCommand.Acknowledge(ack.agencyId(), ack.note(), p.id(), r)));
  }

  private Route close(Principal p, String id, CloseRequest body) {
    String note = body.checkedNote();
    long started = System.nanoTime();
    return visible(p, id, state -> api.policy().close(p, state), "close",
        state -> command(p, id, started, StatusCodes.OK, r -> new IncidentCommand.Close(note, p.id(), r)));
  }

  private Route cancel(Principal p, String id, CancelRequest body) {
    String reason = body.checkedReason();
    long started = System.nanoTime();
    return visible(p, id, state -> api.policy().cancel(p, state), "cancel",
        state -> command(p, id, started, StatusCodes.OK, r -> new IncidentCommand.Cancel(reason, p.id(), r)));
  }

  /** The command, within what is left of the request's time budget after the visibility check. */
  private Route command(Principal p, String id, long started, StatusCode status,
      Function<ActorRef<StatusReply<IncidentState>>, IncidentCommand> command) {
    return onReply(incident(id).askWithStatus(command::apply, api.askTimeoutLeft(started)),
        state -> complete(present(p, state, status)));
  }

  // --- access ---------------------------------------------------------------------------

  /**
   * Fetches the incident and lets the access policy decide. An incident the principal may not
   * see answers exactly like one that does not exist.
   */
  private Route visible(Principal p, String id, Function<IncidentState, Decision> decide, String action,
      Function<IncidentState, Route> inner) {
    return visible(p, id, System.nanoTime(), decide, action, inner);
  }

  /** The same within what is left of a request's time budget that started at {@code started}. */
  private Route visible(Principal p, String id, long started, Function<IncidentState, Decision> decide, String action,
      Function<IncidentState, Route> inner) {
    String notFound = "no incident with id '" + Ids.printable(id) + "'";
    if (!IncidentIds.isValid(id)) {
      return complete(Problems.of(StatusCodes.NOT_FOUND, notFound));
    }
    // Note: building this route sends the ask (onReply takes a running stage).
    api.metrics().accessRead();
    return onReply(incident(id).askWithStatus(IncidentCommand.Get::new, api.askTimeoutLeft(started)),
        state -> authorize(decide.apply(state), p, action + " incident " + id, notFound,
            () -> inner.apply(state)));
  }

  /**
   * The incident's reporting deadlines, judged now. The incident at hand holds every report's
   * time unless its history is longer than its state keeps; then the facts come from the read
   * side, which folded them from the events (none while it has not caught up, or cannot answer).
   */
  private CompletionStage<List<ReportingDeadline>> reportingDeadlines(IncidentState state) {
    if (!state.isTrimmed()) {
      return java.util.concurrent.CompletableFuture.completedFuture(deadlinesNow(state));
    }
    return api.queries().reportingFacts(state.incidentId())
        .thenApply(facts -> facts.map(f -> ReportingDeadlines.of(f, reporting, api.clock().instant()))
            .orElse(List.of()))
        .exceptionally(failure -> List.of());
  }

  /** The deadlines of an incident whose state holds all its reports. */
  private List<ReportingDeadline> deadlinesNow(IncidentState state) {
    return ReportingDeadlines.of(state.reportingFacts(), reporting, api.clock().instant());
  }

  /**
   * The incident as this principal may see it after a command; agencies' reads of personal data
   * are logged. Its deadlines when the state holds every report (else, as before, none: a
   * command's answer does not wait for the read side).
   */
  private HttpResponse present(Principal p, IncidentState state, StatusCode status) {
    IncidentView view = view(p, state);
    return json(status, state.isTrimmed() ? view : view.withReportingDeadlines(deadlinesNow(state)));
  }

  private IncidentView view(Principal p, IncidentState state) {
    boolean contacts = api.policy().mayReadContactDetails(p, state);
    if (contacts && api.policy().isDispatchedAgency(p, state)) {
      audit.info("personal-data-read principal={} incident={} data=reporter-contact,casualties",
          p.id(), state.incidentId());
    }
    return IncidentView.of(state, contacts, api.policy().authority());
  }

  /**
   * The incident as a CAP 1.2 alert: {@code application/cap+xml}, or {@code application/xml} for
   * a client that asks for that and not for CAP's own type. The school's point comes from its profile.
   */
  private Route capAlert(IncidentState state, String accept) {
    boolean plainXml = accept.contains("application/xml") && !accept.contains("application/cap+xml");
    ContentType type = plainXml ? ContentTypes.create(MediaTypes.APPLICATION_XML, HttpCharsets.UTF_8) : CAP_XML;
    CompletionStage<HttpResponse> response = schools.get(state.incident().school().schoolId())
        .thenApply(profile -> profile.location())
        .exceptionally(failure -> null) // the alert still goes out, with its geocode but no circle
        .thenApply(location -> HttpResponse.create().withStatus(StatusCodes.OK)
            .withEntity(HttpEntities.create(type, cap.latest(state, location).getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    return completeWithFuture(response);
  }

  private EntityRef<IncidentCommand> incident(String incidentId) {
    return api.sharding().entityRefFor(Incident.ENTITY_TYPE_KEY, incidentId);
  }
}
