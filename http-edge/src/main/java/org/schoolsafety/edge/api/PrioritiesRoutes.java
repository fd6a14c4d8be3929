package org.schoolsafety.edge.api;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.schoolsafety.edge.auth.Principal;
import org.schoolsafety.hub.priorities.Priorities;
import org.schoolsafety.hub.reporting.ReportingRules;
import org.schoolsafety.hub.risk.RiskWeights;
import org.schoolsafety.persistence.readside.DeviceQueries;
import org.schoolsafety.persistence.readside.PreventionQueries;

/**
 * {@code GET /api/v1/priorities?region=&budget=} (issue 18 item 4): the best set of actions within
 * a budget — the region's open hazards (their rectification plans' funding) and missing measures
 * (untrained staff, this month's evacuation drill) — chosen exactly by {@code Knapsack}. Everything
 * comes from the read side (hazards, the school list, trainings) and the risk model's weights; no
 * entity is asked except the calling agency's own profile. Readers as for {@code /evaluations}.
 */
public final class PrioritiesRoutes extends RouteSupport {

  /** Budgets above this (ten billion yuan) are refused as mistyped. */
  static final long MAX_BUDGET = 10_000_000_000L;
  private static final int MAX_SCHOOLS = 20_000;
  /** The answer's tables a CSV can hold ({@code table=}), the first by default. */
  static final List<String> TABLES = List.of("chosen", "leftOut", "counties");

  private final PreventionQueries prevention;
  private final DeviceQueries devices;
  private final RiskWeights weights;
  private final Priorities.Costs costs;
  private final ReportingRules rules;

  public PrioritiesRoutes(ApiContext api, PreventionQueries prevention, DeviceQueries devices) {
    super(api);
    this.prevention = prevention;
    this.devices = devices;
    var config = api.system().settings().config();
    this.weights = RiskWeights.fromConfig(config);
    this.costs = Priorities.Costs.fromConfig(config);
    this.rules = ReportingRules.fromConfig(config);
  }

  @Override
  public Route route(Principal p) {
    return pathPrefix("priorities", () -> pathEndOrSingleSlash(() -> get(() -> parameterMap(params ->
        optionalHeaderValueByName("Accept", accept -> {
      var errors = new ArrayList<Problem.FieldError>();
      String region = regionParam(params, p, errors);
      long budget = budget(params.get("budget"), errors);
      CsvTables.Choice format = CsvTables.choose(params, accept, TABLES, errors);
      if (!errors.isEmpty()) {
        throw ApiException.invalid(errors);
      }
      String scope = region;
      return onReply(agencyProfileOf(p), agency -> authorize(api.policy().readEvaluation(p, scope, agency), p,
          "read the priorities of region " + scope, "", () -> respond(plan(scope, budget),
              body -> format.respond(body, "priorities-" + scope))));
    })))));
  }

  private static long budget(String value, List<Problem.FieldError> errors) {
    if (value == null) {
      errors.add(new Problem.FieldError("budget", "is required: whole yuan, e.g. 50000"));
      return -1;
    }
    if (!value.matches("\\d{1,11}") || Long.parseLong(value) > MAX_BUDGET) {
      errors.add(new Problem.FieldError("budget", "must be whole yuan from 0 to " + MAX_BUDGET));
      return -1;
    }
    return Long.parseLong(value);
  }

  private CompletionStage<Map<String, Object>> plan(String region, long budget) {
    LocalDate today = LocalDate.now(api.clock().withZone(rules.zone()));
    String month = YearMonth.from(today).toString();
    var hazards = prevention.openHazards(region);
    var schools = allSchools(region, MAX_SCHOOLS);
    var training = prevention.trainingCoverage(region, today.minusDays(365), today, MAX_SCHOOLS);
    var offline = schools.thenCompose(list -> devices.offline(region.substring(0, 2),
        list.stream().map(school -> school.schoolId()).collect(Collectors.toSet())));
    return hazards.thenCompose(h -> offline.thenCompose(o -> schools.thenCombine(training, (s, t) -> {
      var trained = new HashMap<String, int[]>();
      @SuppressWarnings("unchecked")
      var rows = (List<Map<String, Object>>) t.get("schools");
      for (Map<String, Object> row : rows) {
        trained.put((String) row.get("schoolId"),
            new int[] {((Number) row.get("staff")).intValue(), ((Number) row.get("staffTrained")).intValue()});
      }
      var facts = s.stream().map(school -> {
        int[] st = trained.getOrDefault(school.schoolId(), new int[] {0, 0});
        return new Priorities.School(school.schoolId(), school.name(), school.regionCode(), st[0], st[1],
            school.evacuationMonths() != null && school.evacuationMonths().contains(month));
      }).toList();
      try {
        var silent = o.stream().map(d -> new Priorities.OfflineDevice(d.schoolId(), d.deviceId(), d.kind(), d.since()))
            .toList();
        return view(Priorities.plan(region, budget, h, facts, silent, weights, costs));
      } catch (Priorities.TooLarge e) {
        throw new ApiException(StatusCodes.UNPROCESSABLE_ENTITY, e.getMessage(),
            List.of(new Problem.FieldError("region", "has too many candidates to choose from exactly; ask for a county")));
      }
    })));
  }

  private static Map<String, Object> view(Priorities.Plan plan) {
    var body = new LinkedHashMap<String, Object>();
    body.put("region", plan.region());
    body.put("budgetYuan", plan.budgetYuan());
    body.put("costYuan", plan.costYuan());
    body.put("riskReduction", plan.riskReduction());
    body.put("candidates", plan.candidates());
    body.put("chosen", plan.chosen().stream().map(PrioritiesRoutes::action).toList());
    body.put("leftOut", plan.leftOut().stream().map(PrioritiesRoutes::action).toList());
    body.put("counties", plan.counties());
    body.put("method", "Candidates are the region's hazards not yet rectified (cost: their rectification plan's "
        + "funding) and missing measures (staff not trained in the last 12 months, no evacuation drill this month, "
        + "registered devices offline; cost: hub.priorities.costs). Each one's expected risk reduction is the points "
        + "the risk model's own weights (hub.risk) give it in its school's dimension score; an offline device, which "
        + "the score does not weigh yet, counts as a general equipment hazard. The set with the largest total reduction "
        + "within the budget is chosen exactly (0/1 knapsack); of equal reductions the cheapest.");
    return body;
  }

  private static Map<String, Object> action(Priorities.Action a) {
    var m = new LinkedHashMap<String, Object>();
    m.put("actionId", a.actionId());
    m.put("kind", a.kind());
    m.put("schoolId", a.schoolId());
    m.put("schoolName", a.schoolName());
    m.put("regionCode", a.regionCode());
    m.put("costYuan", a.costYuan());
    m.put("riskReduction", a.riskReduction());
    m.put("dimension", a.dimension());
    m.put("reason", a.reason());
    if (a.leftOutBecause() != null) {
      m.put("leftOutBecause", a.leftOutBecause());
    }
    return m;
  }


}
