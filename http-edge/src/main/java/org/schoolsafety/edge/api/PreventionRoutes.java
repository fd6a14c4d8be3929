package org.schoolsafety.edge.api;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;
import org.schoolsafety.edge.api.dto.PreventionRequests.HealthCheckRequest;
import org.schoolsafety.edge.api.dto.PreventionRequests.InspectionRequest;
import org.schoolsafety.edge.api.dto.PreventionRequests.RectificationRequest;
import org.schoolsafety.edge.api.dto.PreventionRequests.SurroundingRequest;
import org.schoolsafety.edge.api.dto.PreventionRequests.TrainingRequest;
import org.schoolsafety.edge.api.dto.PreventionRequests.VerificationRequest;
import org.schoolsafety.edge.api.dto.IncidentView;
import org.schoolsafety.edge.api.dto.PreventionRequests.WarningAckRequest;
import org.schoolsafety.edge.api.dto.PreventionRequests.WarningIncidentRequest;
import org.schoolsafety.edge.auth.AccessPolicy.Decision;
import org.schoolsafety.edge.auth.Principal;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.hub.Rejection;
import org.schoolsafety.hub.agency.Agency;
import org.schoolsafety.hub.agency.AgencyProfile;
import org.schoolsafety.hub.hazard.Hazard;
import org.schoolsafety.hub.hazard.HazardCategory;
import org.schoolsafety.hub.hazard.HazardCommand;
import org.schoolsafety.hub.hazard.HazardState;
import org.schoolsafety.hub.hazard.HazardStatus;
import org.schoolsafety.hub.hazard.NewHazard;
import org.schoolsafety.hub.incident.Casualties;
import org.schoolsafety.hub.incident.Incident;
import org.schoolsafety.hub.incident.IncidentCommand;
import org.schoolsafety.hub.incident.IncidentReport;
import org.schoolsafety.hub.incident.IncidentState;
import org.schoolsafety.hub.incident.IncidentType;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.hub.incident.NewIncident;
import org.schoolsafety.hub.incident.ReportKind;
import org.schoolsafety.hub.incident.SchoolRef;
import org.schoolsafety.hub.prevention.HealthCheck;
import org.schoolsafety.hub.prevention.OutbreakCluster;
import org.schoolsafety.hub.prevention.Prevention;
import org.schoolsafety.hub.prevention.SchoolInfo;
import org.schoolsafety.hub.prevention.Warning;
import org.schoolsafety.hub.risk.RiskModel;
import org.schoolsafety.hub.risk.RiskScore;
import org.schoolsafety.hub.school.School;
import org.schoolsafety.hub.school.SchoolProfile;
import org.schoolsafety.persistence.readside.PreventionQueries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prevention (issue 15): inspections and hazards, health checks, trainings, surroundings, the
 * risk score and early warnings. Writes go to the school's {@code Prevention} record and to one
 * {@code Hazard} entity per hazard; region-wide lists (hazards, ranking, warnings) come from the
 * read side, never from asking entities.
 */
public final class PreventionRoutes extends RouteSupport {

  /** Reads of personal data go to this logger (see logback.xml): health checks are about children. */
  private static final Logger audit = LoggerFactory.getLogger("org.schoolsafety.audit");

  private final PreventionQueries queries;

  public PreventionRoutes(ApiContext api, PreventionQueries queries) {
    super(api);
    this.queries = queries;
  }

  @Override
  public Route route(Principal p) {
    return concat(
        pathPrefix("schools", () -> pathPrefix(segment(), schoolId -> concat(
            path("inspections", () -> post(() -> jsonBody(InspectionRequest.class, body -> inspect(p, schoolId, body)))),
            path("hazards", () -> get(() -> parameterOptional("state", state -> schoolHazards(p, schoolId, state)))),
            path("health-checks", () -> concat(
                get(() -> school(p, schoolId, true, (s, agency) -> record(schoolId, r -> healthChecks(p, s, r)))),
                post(() -> jsonBody(HealthCheckRequest.class, body -> write(p, schoolId, body.check(api.clock()),
                    (info, check, r) -> new Prevention.RecordHealthCheck(info, check, p.id(), r),
                    (state, check) -> healthCheckAnswer(state, check)))))),
            path("trainings", () -> concat(
                get(() -> school(p, schoolId, false, (s, agency) -> record(schoolId, r -> ok(Map.of(
                    "schoolId", schoolId, "trainings", r.trainings()))))),
                post(() -> jsonBody(TrainingRequest.class, body -> write(p, schoolId, body.check(api.clock()),
                    (info, training, r) -> new Prevention.RecordTraining(info, training, p.id(), r),
                    (state, training) -> Map.of("schoolId", schoolId, "training", training)))))),
            path("surroundings", () -> concat(
                get(() -> school(p, schoolId, false, (s, agency) -> record(schoolId, r -> ok(Map.of(
                    "schoolId", schoolId, "surroundings", r.surroundings().values()))))),
                post(() -> jsonBody(SurroundingRequest.class, body -> write(p, schoolId, body.check(),
                    (info, surrounding, r) -> new Prevention.DeclareSurrounding(info, surrounding, p.id(), r),
                    (state, surrounding) -> Map.of("schoolId", schoolId, "surrounding", surrounding)))))),
            pathPrefix("risk", () -> concat(
                pathEnd(() -> get(() -> school(p, schoolId, false, (s, agency) -> risk(s)))),
                path("history", () -> get(() -> parameterOptional("limit", limit -> school(p, schoolId, false,
                    (s, agency) -> respond(queries.riskHistory(schoolId, Params.limit(limit, 100, 1000)),
                        rows -> ok(Map.of("schoolId", schoolId, "history", rows)))))))))))),
        pathPrefix("hazards", () -> concat(
            pathEndOrSingleSlash(() -> get(() -> parameterMap(params -> regionHazards(p, params)))),
            pathPrefix(segment(), hazardId -> concat(
                pathEnd(() -> get(() -> hazard(p, hazardId, "read", api.policy()::readHazard,
                    state -> complete(ok(view(state)))))),
                path("rectification", () -> post(() -> jsonBody(RectificationRequest.class, body -> {
                  String note = body.check();
                  return hazard(p, hazardId, "report the rectification of", api.policy()::rectifyHazard,
                      state -> respond(hazardRef(hazardId).askWithStatus(
                          (ActorRef<StatusReply<HazardState>> r) -> new HazardCommand.Rectify(note, p.id(), r),
                          api.askTimeout()), after -> ok(view(after))));
                }))),
                path("verification", () -> post(() -> jsonBody(VerificationRequest.class, body -> {
                  String note = body.check();
                  return hazard(p, hazardId, "verify", api.policy()::verifyHazard,
                      state -> respond(hazardRef(hazardId).askWithStatus(
                          (ActorRef<StatusReply<HazardState>> r) -> new HazardCommand.Verify(body.accepted(), note, p.id(), r),
                          api.askTimeout()), after -> ok(view(after))));
                }))))))),
        path("risk", () -> get(() -> parameterMap(params -> ranking(p, params)))),
        pathPrefix("warnings", () -> concat(
            pathEndOrSingleSlash(() -> get(() -> parameterMap(params -> warnings(p, params)))),
            pathPrefix(segment(), warningId -> concat(
                path("acks", () -> post(() -> jsonBody(WarningAckRequest.class, body -> {
                  body.check();
                  return acknowledge(p, warningId);
                }))),
                path("incident", () -> post(() -> jsonBody(WarningIncidentRequest.class,
                    body -> warningIncident(p, warningId, body.check())))))))),
        path(segment("trainings").slash("coverage"), () -> get(() -> parameterMap(params -> trainingCoverage(p, params)))));
  }

  // --- school-scoped --------------------------------------------------------------------

  /** The registered school and the caller's own agency profile, once the policy allowed the read. */
  private Route school(Principal p, String schoolId, boolean health, BiFunction<SchoolProfile, AgencyProfile, Route> inner) {
    return registered(p, schoolId, (school, agency) -> authorize(api.policy().readPrevention(p, school, agency, health), p,
        "read the prevention records of school " + schoolId, "", () -> inner.apply(school, agency)));
  }

  private Route registered(Principal p, String schoolId, BiFunction<SchoolProfile, AgencyProfile, Route> inner) {
    if (!Fields.ID.matcher(schoolId).matches()) {
      return complete(Problems.of(StatusCodes.NOT_FOUND, "no school with id '" + Ids.printable(schoolId) + "'"));
    }
    long started = System.nanoTime();
    return onReply(api.sharding().entityRefFor(School.ENTITY_TYPE_KEY, schoolId).askWithStatus(School.Get::new, api.askTimeout()),
        state -> onReply(agencyProfileOf(p, started), agency -> inner.apply(state.profile(), agency)));
  }

  private Route record(String schoolId, Function<Prevention.State, org.apache.pekko.http.javadsl.model.HttpResponse> answer) {
    return respond(prevention(schoolId).askWithStatus(Prevention.Get::new, api.askTimeout()), answer);
  }

  private interface Command<T> {
    Prevention.Command of(SchoolInfo info, T value, ActorRef<StatusReply<Prevention.State>> replyTo);
  }

  /** Health checks, trainings, surroundings: the school's staff record them; 201 once durable. */
  private <T> Route write(Principal p, String schoolId, T value, Command<T> command,
      BiFunction<Prevention.State, T, Object> answer) {
    long started = System.nanoTime();
    return registered(p, schoolId, (school, agency) -> authorize(api.policy().recordPrevention(p, school), p,
        "record prevention work for school " + schoolId, "", () -> respond(prevention(schoolId).askWithStatus(
            (ActorRef<StatusReply<Prevention.State>> r) -> command.of(info(school), value, r), api.askTimeoutLeft(started)),
            state -> json(StatusCodes.CREATED, answer.apply(state, value)))));
  }

  private Route inspect(Principal p, String schoolId, InspectionRequest body) {
    long started = System.nanoTime();
    return registered(p, schoolId, (school, agency) -> authorize(api.policy().recordInspection(p, school, agency), p,
        "record inspections for school " + schoolId, "", () -> {
          var checked = body.check(info(school), api.clock());
          // The inspection first, then its hazards: a retry with the same inspectionId repeats
          // both idempotently, so a failure half-way is mended by sending the request again.
          CompletionStage<Prevention.State> recorded = prevention(schoolId).askWithStatus(
              (ActorRef<StatusReply<Prevention.State>> r) -> new Prevention.RecordInspection(info(school),
                  checked.inspection(), p.id(), r), api.askTimeoutLeft(started));
          CompletionStage<List<HazardState>> hazards = recorded.thenCompose(state -> {
            var opened = new ArrayList<CompletableFuture<HazardState>>();
            for (NewHazard h : checked.hazards()) {
              opened.add(hazardRef(h.hazardId()).askWithStatus(
                  (ActorRef<StatusReply<HazardState>> r) -> new HazardCommand.Open(h, p.id(), r),
                  api.askTimeoutLeft(started)).toCompletableFuture());
            }
            return CompletableFuture.allOf(opened.toArray(CompletableFuture[]::new))
                .thenApply(done -> opened.stream().map(CompletableFuture::join).toList());
          });
          return respond(hazards, list -> json(StatusCodes.CREATED, Map.of(
              "schoolId", schoolId, "inspection", checked.inspection(),
              "hazards", list.stream().map(PreventionRoutes::view).toList())));
        }));
  }

  private Route schoolHazards(Principal p, String schoolId, Optional<String> state) {
    HazardStatus status = Params.oneOf("state", state, HazardStatus.class);
    return school(p, schoolId, false, (s, agency) -> respond(
        queries.hazardsOfSchool(schoolId, h -> status == null || status.name().equals(h.get("status"))),
        rows -> ok(Map.of("schoolId", schoolId, "hazards", rows))));
  }

  private org.apache.pekko.http.javadsl.model.HttpResponse healthChecks(Principal p, SchoolProfile school,
      Prevention.State record) {
    if (!p.speaksForSchool(school.schoolId())) {
      audit.info("personal-data-read principal={} school={} data=health-checks", p.id(), school.schoolId());
    }
    return ok(Map.of("schoolId", school.schoolId(), "healthChecks", record.healthCheckList(),
        "clusters", record.clusters()));
  }

  private static Object healthCheckAnswer(Prevention.State state, HealthCheck check) {
    var clusters = state.clusters().stream()
        .filter(c -> c.classId().equals(check.classId()) && !check.date().isBefore(c.from()) && !check.date().isAfter(c.to()))
        .toList();
    return Map.of("healthCheck", check, "clusters", clusters);
  }

  private Route risk(SchoolProfile school) {
    return respond(prevention(school.schoolId()).askWithStatus(
            (ActorRef<StatusReply<RiskScore>> r) -> new Prevention.Assess(info(school), r), api.askTimeout()),
        score -> {
          var body = new LinkedHashMap<String, Object>();
          body.put("schoolId", school.schoolId());
          body.put("overall", score.overall());
          body.put("level", score.level());
          body.put("dimensions", score.dimensions());
          body.put("factors", score.factors());
          body.put("computedAt", score.computedAt().toString());
          return ok(body);
        });
  }

  // --- region-wide, from the read side ----------------------------------------------------

  private Route regionHazards(Principal p, Map<String, String> params) {
    String region = Params.region(Optional.ofNullable(params.get("region")),
        p.is(Role.COMMAND_CENTER) ? p.subject() : null);
    HazardStatus status = Params.oneOf("state", Optional.ofNullable(params.get("state")), HazardStatus.class);
    HazardCategory category = Params.oneOf("category", Optional.ofNullable(params.get("category")), HazardCategory.class);
    int limit = Params.limit(Optional.ofNullable(params.get("limit")), 200, 1000);
    Predicate<Map<String, Object>> wanted = h -> (status == null || status.name().equals(h.get("status")))
        && (category == null || category.name().equals(h.get("category")));
    return regional(p, region, false, "list the hazards of region " + region,
        () -> respond(queries.hazardsOfRegion(region, wanted, limit), rows -> ok(Map.of("region", region, "hazards", rows))));
  }

  private Route ranking(Principal p, Map<String, String> params) {
    String region = Params.region(Optional.ofNullable(params.get("region")),
        p.is(Role.COMMAND_CENTER) ? p.subject() : null);
    int top = Params.limit(Optional.ofNullable(params.get("top")), 20, 1000);
    return regional(p, region, false, "rank the schools of region " + region,
        () -> respond(queries.ranking(region, top), rows -> ok(Map.of("region", region, "schools", rows))));
  }

  private Route warnings(Principal p, Map<String, String> params) {
    String region = Params.region(Optional.ofNullable(params.get("region")),
        p.is(Role.COMMAND_CENTER) ? p.subject() : null);
    String state = params.get("state");
    if (state != null && !List.of("RAISED", "ACKNOWLEDGED", "CLEARED", "ACTIVE").contains(state)) {
      throw Params.invalid("state", "must be one of [RAISED, ACKNOWLEDGED, CLEARED, ACTIVE]");
    }
    int limit = Params.limit(Optional.ofNullable(params.get("limit")), 200, 1000);
    Predicate<Map<String, Object>> wanted = w -> state == null
        || (state.equals("ACTIVE") ? !"CLEARED".equals(w.get("state")) : state.equals(w.get("state")));
    return regional(p, region, true, "list the warnings of region " + region,
        () -> respond(queries.warnings(region, wanted, limit), rows -> ok(Map.of("region", region, "warnings", rows))));
  }

  private Route regional(Principal p, String region, boolean health, String action, java.util.function.Supplier<Route> inner) {
    return onReply(agencyProfileOf(p, System.nanoTime()), agency -> authorize(
        api.policy().readRegionPrevention(p, region, agency, health), p, action, "", inner));
  }

  /** Warning ids are "wr-<n>-<schoolId>": the school's prevention record holds the warning. */
  private static final Pattern WARNING_ID = Pattern.compile("wr-[0-9]{1,9}-(.+)");

  private static Optional<String> schoolOfWarning(String warningId) {
    var m = WARNING_ID.matcher(warningId);
    return m.matches() && Fields.ID.matcher(m.group(1)).matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  private Route acknowledge(Principal p, String warningId) {
    String notFound = "no warning with id '" + Ids.printable(warningId) + "'";
    Optional<String> school = schoolOfWarning(warningId);
    if (school.isEmpty()) {
      return complete(Problems.of(StatusCodes.NOT_FOUND, notFound));
    }
    String schoolId = school.get();
    long started = System.nanoTime();
    return onReply(prevention(schoolId).askWithStatus(Prevention.Get::new, api.askTimeout()), record -> {
      Warning warning = record.warnings().get(warningId);
      if (warning == null) {
        return complete(Problems.of(StatusCodes.NOT_FOUND, notFound));
      }
      return onReply(agencyProfileOf(p, started), agency -> authorize(
          api.policy().acknowledgeWarning(p, schoolId, warning.regionCode(), warning.audience(), agency), p,
          "acknowledge warning " + warningId, notFound, () -> respond(prevention(schoolId).askWithStatus(
              (ActorRef<StatusReply<Warning>> r) -> new Prevention.AcknowledgeWarning(warningId, p.id(), r),
              api.askTimeoutLeft(started)), ok -> ok(ok))));
    });
  }

  /**
   * One call from a health-check cluster to an ILLNESS_OUTBREAK incident, prefilled from the
   * cluster. The incident's clientRef derives from the warning (and its id from that, whoever
   * calls), so a retry — or a second caller — lands on the same incident: 201 the first time,
   * then 200 with {@code Idempotent-Replayed: true}. The incident is reported first, then linked
   * to the warning; a call that failed between the two is mended by calling again.
   */
  private Route warningIncident(Principal p, String warningId, WarningIncidentRequest.Checked body) {
    String notFound = "no warning with id '" + Ids.printable(warningId) + "'";
    Optional<String> school = schoolOfWarning(warningId);
    if (school.isEmpty()) {
      return complete(Problems.of(StatusCodes.NOT_FOUND, notFound));
    }
    String schoolId = school.get();
    long started = System.nanoTime();
    return onReply(prevention(schoolId).askWithStatus(Prevention.Get::new, api.askTimeout()), record -> {
      Warning warning = record.warnings().get(warningId);
      if (warning == null) {
        return complete(Problems.of(StatusCodes.NOT_FOUND, notFound));
      }
      return onReply(agencyProfileOf(p, started), agency -> authorize(
          api.policy().reportWarning(p, schoolId, warning.regionCode(), warning.audience(), agency), p,
          "report warning " + warningId + " as an incident", notFound, () -> {
            Optional<OutbreakCluster> cluster = record.cluster(warning.causeId());
            if (!warning.cause().equals("HEALTH_CLUSTER") || cluster.isEmpty()) {
              return complete(Problems.of(StatusCodes.CONFLICT, "warning '" + warningId + "' is about "
                  + warning.cause() + ": only a HEALTH_CLUSTER warning becomes an incident"));
            }
            if (warning.incidentId() != null) {
              return respond(incidentRef(warning.incidentId()).askWithStatus(IncidentCommand.Get::new,
                  api.askTimeoutLeft(started)), incident -> warningIncidentAnswer(p, warning, incident, true));
            }
            return onReply(api.sharding().entityRefFor(School.ENTITY_TYPE_KEY, schoolId)
                .askWithStatus(School.Get::new, api.askTimeoutLeft(started)), registered -> {
                  SchoolProfile profile = registered.profile();
                  NewIncident report = outbreakReport(warning, cluster.get(), profile, body);
                  String incidentId = api.incidentIds().forReport(schoolId, Mode.ACTUAL, WARNING_REPORTS,
                      report.clientRef());
                  // A conflict means the incident of this warning exists with another reporter's words:
                  // an earlier call reported it but did not get to link it. It is the same incident.
                  CompletionStage<IncidentCommand.Accepted> accepted = incidentRef(incidentId).askWithStatus(
                      (ActorRef<StatusReply<IncidentCommand.Accepted>> r) -> new IncidentCommand.Report(report, p.id(), r),
                      api.askTimeoutLeft(started))
                      .exceptionallyCompose(failure -> Problems.cause(failure) instanceof Rejection.Conflict
                          ? incidentRef(incidentId).askWithStatus(IncidentCommand.Get::new, api.askTimeoutLeft(started))
                              .thenApply(existing -> new IncidentCommand.Accepted(existing, true))
                          : CompletableFuture.failedStage(failure));
                  CompletionStage<Map.Entry<IncidentCommand.Accepted, Warning>> linked = accepted.thenCompose(a ->
                      prevention(schoolId).askWithStatus((ActorRef<StatusReply<Warning>> r) ->
                          new Prevention.LinkIncident(warningId, incidentId, p.id(), r), api.askTimeoutLeft(started))
                      .thenApply(w -> Map.entry(a, w)));
                  return onReply(linked, done -> complete(warningIncidentAnswer(p, done.getValue(),
                      done.getKey().incident(), done.getKey().replayed())));
                });
          }));
    });
  }

  /** Whose reference the incident ids of warnings' incidents are scoped to: the hub's, not a caller's. */
  private static final String WARNING_REPORTS = "hub:warnings";

  private static NewIncident outbreakReport(Warning warning, OutbreakCluster c, SchoolProfile school,
      WarningIncidentRequest.Checked body) {
    String summary = "Suspected outbreak (early warning " + warning.warningId() + "): " + c.cases() + " students with "
        + c.symptom() + " in class " + c.classId() + (c.from().equals(c.to()) ? " on " + c.from()
            : " from " + c.from() + " to " + c.to()) + " (health-check cluster " + c.clusterId() + ")";
    // When the hub saw the cluster is when the school learnt of it: the initial report is due from then.
    var initial = new IncidentReport(ReportKind.INITIAL, null, null, warning.raisedAt(), summary, Casualties.NONE,
        body.measures(), body.level(), body.reporter(), null, null);
    return new NewIncident(new SchoolRef(school.schoolId(), school.name(), school.region()),
        IncidentType.ILLNESS_OUTBREAK, body.level(), Mode.ACTUAL, initial, "warning:" + warning.warningId());
  }

  private org.apache.pekko.http.javadsl.model.HttpResponse warningIncidentAnswer(Principal p, Warning warning,
      IncidentState incident, boolean replayed) {
    var body = new LinkedHashMap<String, Object>();
    body.put("warning", warning);
    body.put("incident", IncidentView.of(incident, api.policy().mayReadContactDetails(p, incident),
        api.policy().authority()));
    var response = json(replayed ? StatusCodes.OK : StatusCodes.CREATED, body)
        .addHeader(Location.create("/api/v1/incidents/" + incident.incidentId()));
    return replayed ? response.addHeader(RawHeader.create("Idempotent-Replayed", "true")) : response;
  }

  private Route trainingCoverage(Principal p, Map<String, String> params) {
    String region = Params.region(Optional.ofNullable(params.get("region")),
        p.is(Role.COMMAND_CENTER) ? p.subject() : null);
    int limit = Params.limit(Optional.ofNullable(params.get("limit")), 500, 10000);
    LocalDate to = LocalDate.now(api.clock().withZone(ZoneOffset.UTC));
    LocalDate from = to.minusDays(RiskModel.TRAINING_WINDOW.toDays());
    return onReply(agencyProfileOf(p, System.nanoTime()), agency -> authorize(
        api.policy().readTrainingCoverage(p, region, agency), p, "read the training coverage of region " + region, "",
        () -> respond(queries.trainingCoverage(region, from, to, limit), PreventionRoutes::ok)));
  }

  private EntityRef<IncidentCommand> incidentRef(String incidentId) {
    return api.sharding().entityRefFor(Incident.ENTITY_TYPE_KEY, incidentId);
  }

  // --- hazards by id ----------------------------------------------------------------------

  private interface HazardDecision {
    Decision decide(Principal p, String schoolId, String regionCode, AgencyProfile agency);
  }

  private Route hazard(Principal p, String hazardId, String action, HazardDecision decide, Function<HazardState, Route> inner) {
    String notFound = "no hazard with id '" + Ids.printable(hazardId) + "'";
    if (!NewHazard.isValidId(hazardId)) {
      return complete(Problems.of(StatusCodes.NOT_FOUND, notFound));
    }
    long started = System.nanoTime();
    return onReply(hazardRef(hazardId).askWithStatus(HazardCommand.Get::new, api.askTimeout()),
        state -> onReply(agencyProfileOf(p, started), agency -> authorize(
            decide.decide(p, state.hazard().schoolId(), state.hazard().region().value(), agency), p,
            action + " hazard " + hazardId, notFound, () -> inner.apply(state))));
  }

  static Map<String, Object> view(HazardState s) {
    var h = s.hazard();
    var m = new LinkedHashMap<String, Object>();
    m.put("hazardId", s.hazardId());
    m.put("schoolId", h.schoolId());
    m.put("schoolName", h.schoolName());
    m.put("regionCode", h.region().value());
    m.put("inspectionId", h.inspectionId());
    m.put("category", h.category());
    m.put("severity", h.severity());
    m.put("status", s.status());
    m.put("location", h.location());
    m.put("description", h.description());
    m.put("rectification", h.plan());
    m.put("deadline", h.plan().deadline().toString());
    m.put("recordedAt", String.valueOf(s.recordedAt()));
    m.put("overdueAt", s.overdueAt() == null ? null : s.overdueAt().toString());
    m.put("rectifiedAt", s.rectifiedAt() == null ? null : s.rectifiedAt().toString());
    m.put("rectificationNote", s.rectificationNote());
    m.put("verifiedAt", s.verifiedAt() == null ? null : s.verifiedAt().toString());
    m.put("notified", s.notified().values().stream().map(n -> Map.of("agencyId", n.agency().agencyId(),
        "tier", n.agency().tier(), "reason", n.reason(), "at", n.at().toString())).toList());
    m.put("timeline", s.timeline());
    return m;
  }

  // --- helpers ----------------------------------------------------------------------------

  private static SchoolInfo info(SchoolProfile school) {
    return new SchoolInfo(school.schoolId(), school.name(), school.region(), school.students(), school.staff());
  }


  private EntityRef<Prevention.Command> prevention(String schoolId) {
    return api.sharding().entityRefFor(Prevention.ENTITY_TYPE_KEY, schoolId);
  }

  private EntityRef<HazardCommand> hazardRef(String hazardId) {
    return api.sharding().entityRefFor(Hazard.ENTITY_TYPE_KEY, hazardId);
  }
}
