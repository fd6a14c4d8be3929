package org.schoolsafety.edge.api;

import java.time.Instant;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.server.Route;
import org.schoolsafety.edge.auth.Principal;
import org.schoolsafety.hub.evaluation.Evaluation;
import org.schoolsafety.hub.evaluation.HazardFacts;
import org.schoolsafety.hub.evaluation.IncidentFacts;
import org.schoolsafety.hub.evaluation.SchoolFacts;
import org.schoolsafety.hub.evaluation.TipFacts;
import org.schoolsafety.hub.reporting.ReportingRules;
import org.schoolsafety.persistence.readside.PreventionQueries;
import org.schoolsafety.persistence.readside.TipQueries;

/**
 * {@code GET /api/v1/evaluations?region=&month=} (issue 18): how reporting and response worked in
 * a region in a month, computed from the read side's tables (incident rows, the school list,
 * hazards, the tips queue) — no entity is asked. {@code format=csv&table=} gives one of its tables
 * as CSV ({@link CsvTables}). Command centers within their region, education agencies within
 * their jurisdiction (as for the region's prevention records).
 */
public final class EvaluationRoutes extends RouteSupport {

  /** Months before this one cannot hold anything the hub recorded. */
  private static final YearMonth EARLIEST = YearMonth.of(2000, 1);
  private static final int MAX_SCHOOLS = 20_000;
  /** The answer's tables a CSV can hold ({@code table=}), the first by default. */
  static final List<String> TABLES = List.of("schools", "rollups", "findings");

  private final PreventionQueries prevention;
  private final TipQueries tips;
  private final ReportingRules rules;

  public EvaluationRoutes(ApiContext api, PreventionQueries prevention, TipQueries tips) {
    super(api);
    this.prevention = prevention;
    this.tips = tips;
    this.rules = ReportingRules.fromConfig(api.system().settings().config());
  }

  @Override
  public Route route(Principal p) {
    return pathPrefix("evaluations", () -> pathEndOrSingleSlash(() -> get(() -> parameterMap(params ->
        optionalHeaderValueByName("Accept", accept -> {
      var errors = new ArrayList<Problem.FieldError>();
      String region = regionParam(params, p, errors);
      YearMonth month = month(params.get("month"), errors);
      CsvTables.Choice format = CsvTables.choose(params, accept, TABLES, errors);
      if (!errors.isEmpty()) {
        throw ApiException.invalid(errors);
      }
      String scope = region;
      return onReply(agencyProfileOf(p), agency -> authorize(api.policy().readEvaluation(p, scope, agency), p,
          "read the evaluation of region " + scope, "", () -> respond(evaluate(scope, month)
              .thenCombine(training(scope, month), EvaluationRoutes::withTraining),
              body -> format.respond(body, "evaluation-" + scope + "-" + month))));
    })))));
  }

  private YearMonth month(String value, List<Problem.FieldError> errors) {
    if (value == null) {
      errors.add(new Problem.FieldError("month", "is required, e.g. 2026-11"));
      return null;
    }
    try {
      YearMonth month = YearMonth.parse(value);
      YearMonth latest = YearMonth.now(api.clock().withZone(rules.zone())).plusMonths(1);
      if (month.isBefore(EARLIEST) || month.isAfter(latest)) {
        errors.add(new Problem.FieldError("month", "must be between " + EARLIEST + " and " + latest));
      }
      return month;
    } catch (DateTimeParseException e) {
      errors.add(new Problem.FieldError("month", "must be a month such as 2026-11"));
      return null;
    }
  }

  private CompletionStage<Evaluation.Report> evaluate(String region, YearMonth month) {
    Instant from = month.minusMonths(1).atDay(1).atStartOfDay(rules.zone()).toInstant();
    Instant to = month.plusMonths(1).atDay(1).atStartOfDay(rules.zone()).toInstant();
    CompletionStage<List<IncidentFacts>> incidents = api.queries().reportedBetween(region, from, to);
    CompletionStage<List<HazardFacts>> hazards = prevention.hazardsDue(region, from, to);
    CompletionStage<List<SchoolFacts>> schools = allSchools(region, MAX_SCHOOLS).thenApply(list ->
        list.stream().map(s -> new SchoolFacts(s.schoolId(), s.name(), s.regionCode(), s.evacuationMonths())).toList());
    CompletionStage<List<TipFacts>> received = tips.receivedBetween(region, from, to);
    Instant now = api.clock().instant();
    return incidents.thenCompose(i -> hazards.thenCompose(h -> schools.thenCombine(received,
        (s, t) -> Evaluation.of(region, month, rules, now, i, s, h, t))));
  }

  /**
   * Training coverage (issue 15's {@code TrainingCoverage}) over the twelve months that end with
   * the evaluated month: staff trainings against staff, per school and region.
   */
  private CompletionStage<Map<String, Object>> training(String region, YearMonth month) {
    return prevention.trainingCoverage(region, month.plusMonths(1).atDay(1).minusYears(1), month.atEndOfMonth(),
        MAX_SCHOOLS);
  }

  private static Map<String, Object> withTraining(Evaluation.Report report, Map<String, Object> training) {
    var body = new LinkedHashMap<String, Object>();
    body.put("region", report.region());
    body.put("month", report.month());
    body.put("zone", report.zone());
    body.put("schools", report.schools());
    body.put("rollups", report.rollups());
    body.put("findings", report.findings());
    body.put("trainingCoverage", training);
    return body;
  }


}
