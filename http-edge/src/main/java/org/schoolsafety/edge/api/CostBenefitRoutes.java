package org.schoolsafety.edge.api;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.schoolsafety.edge.auth.Principal;
import org.schoolsafety.hub.evaluation.IncidentFacts;
import org.schoolsafety.hub.incident.Casualties;
import org.schoolsafety.hub.investment.Investment;
import org.schoolsafety.hub.investment.InvestmentCategory;
import org.schoolsafety.hub.reporting.ReportingRules;
import org.schoolsafety.hub.risk.RiskScore;
import org.schoolsafety.persistence.readside.InvestmentQueries;
import org.schoolsafety.persistence.readside.PreventionQueries;

/**
 * {@code GET /api/v1/cost-benefit?region=&from=YYYY-MM&to=YYYY-MM&programme=} (issue 18 item 4): a region's
 * safety spending in a window beside what moved — its schools' risk score per dimension at the
 * start and the end of the window (risk history), incidents per 1,000 students in the window and
 * in the window before, hazards open at both ends. All from the read side; correlation only, and
 * the answer says so. Readers as for {@code /evaluations}.
 */
public final class CostBenefitRoutes extends RouteSupport {

  private static final YearMonth EARLIEST = YearMonth.of(2000, 1);
  /** Longest window: each month costs a read per day of incident index, twice. */
  static final int MAX_MONTHS = 12;
  /** Schools whose risk history is read (three reads each) in one request. */
  static final int MAX_SCHOOLS = 2_000;

  static final String METHOD = "Spending: the region's investments dated within the window, by category. Risk: for "
      + "each school with a score in its risk history, the score as it stood at the start (the last one computed "
      + "before the window, or the first within it when none came before) and at the end (the last one computed "
      + "before the window ended); the figures are the means over those schools, per dimension and overall. "
      + "Incidents: ACTUAL incidents reported in the window and in the equally long window before it, per 1,000 "
      + "students of the region's registered schools; casualties (dead and injured, as the latest report on each "
      + "incident gave them) the same way. Hazards open: recorded before and not rectified by the "
      + "start, and by the end.";
  static final List<String> LIMITS = List.of(
      "Correlation, not causation: risk and incidents move for many reasons (seasons, new records, the model's "
          + "time decay, schools joining) besides spending; nothing here says the money caused the change.",
      "Small numbers: a county has few incidents, so one more or less moves the rate per 1,000 students a lot; "
          + "compare windows and regions with that in mind.",
      "The risk score reflects what the hub records: a school that records more (inspections, hazards) can look "
          + "riskier for it, and spending not recorded in the hub is not counted.",
      "Spending often acts after the window ends; a later window may show what an earlier one bought.");

  private final PreventionQueries prevention;
  private final InvestmentQueries investments;
  private final ReportingRules rules;

  public CostBenefitRoutes(ApiContext api, PreventionQueries prevention, InvestmentQueries investments) {
    super(api);
    this.prevention = prevention;
    this.investments = investments;
    this.rules = ReportingRules.fromConfig(api.system().settings().config());
  }

  @Override
  public Route route(Principal p) {
    return pathPrefix("cost-benefit", () -> pathEndOrSingleSlash(() -> get(() -> parameterMap(params -> {
      var errors = new ArrayList<Problem.FieldError>();
      String region = regionParam(params, p, errors);
      YearMonth from = month("from", params.get("from"), errors);
      YearMonth to = month("to", params.get("to"), errors);
      if (from != null && to != null) {
        if (to.isBefore(from)) {
          errors.add(new Problem.FieldError("to", "must not be before from"));
        } else if (from.plusMonths(MAX_MONTHS - 1).isBefore(to)) {
          errors.add(new Problem.FieldError("to", "must be at most " + MAX_MONTHS + " months from from"));
        }
      }
      String programme = params.get("programme");
      if (programme != null && (programme.isBlank() || programme.length() > 200
          || programme.chars().anyMatch(Character::isISOControl))) {
        errors.add(new Problem.FieldError("programme", "must be 1 to 200 characters without control characters"));
      }
      if (!errors.isEmpty()) {
        throw ApiException.invalid(errors);
      }
      String scope = region;
      return onReply(agencyProfileOf(p), agency -> authorize(api.policy().readEvaluation(p, scope, agency), p,
          "read the cost-benefit of region " + scope, "",
          () -> respond(compute(scope, from, to, programme), RouteSupport::ok)));
    }))));
  }

  private YearMonth month(String name, String value, List<Problem.FieldError> errors) {
    if (value == null) {
      errors.add(new Problem.FieldError(name, "is required, e.g. 2026-11"));
      return null;
    }
    try {
      YearMonth month = YearMonth.parse(value);
      YearMonth latest = YearMonth.now(api.clock().withZone(rules.zone()));
      if (month.isBefore(EARLIEST) || month.isAfter(latest)) {
        errors.add(new Problem.FieldError(name, "must be between " + EARLIEST + " and " + latest));
        return null;
      }
      return month;
    } catch (DateTimeParseException e) {
      errors.add(new Problem.FieldError(name, "must be a month such as 2026-11"));
      return null;
    }
  }

  private CompletionStage<Map<String, Object>> compute(String region, YearMonth from, YearMonth to, String programme) {
    Instant start = from.atDay(1).atStartOfDay(rules.zone()).toInstant();
    Instant end = to.plusMonths(1).atDay(1).atStartOfDay(rules.zone()).toInstant();
    int months = (int) (to.getYear() * 12L + to.getMonthValue() - from.getYear() * 12L - from.getMonthValue() + 1);
    Instant before = from.minusMonths(months).atDay(1).atStartOfDay(rules.zone()).toInstant();

    var spending = spending(region, from, to);
    var students = prevention.students(region);
    var incidents = api.queries().reportedBetween(region, start, end);
    var earlier = api.queries().reportedBetween(region, before, start);
    var hazards = prevention.hazardsOfRegion(region, h -> true, Integer.MAX_VALUE);
    return students.thenCombine(spending, (registered, items) -> {
      // A programme's view: its spending, and what moved at the schools that spent on it.
      var spent = programme == null ? items : items.stream().filter(i -> programme.equals(i.programme())).toList();
      var schools = new java.util.TreeMap<String, Integer>(registered);
      if (programme != null) {
        var spenders = spent.stream().map(Investment::schoolId).collect(java.util.stream.Collectors.toSet());
        schools.keySet().retainAll(spenders);
      }
      return Map.entry(schools, spent);
    }).thenCompose(scope -> {
      var schools = scope.getKey();
      if (schools.size() > MAX_SCHOOLS) {
        throw new ApiException(StatusCodes.UNPROCESSABLE_ENTITY, "more than " + MAX_SCHOOLS + " schools in region "
            + region, List.of(new Problem.FieldError("region", "has too many schools for one request; ask for a city "
            + "or county")));
      }
      return risk(schools.keySet().stream().toList(), start, end).thenCompose(risk ->
          incidents.thenCompose(now -> earlier.thenCombine(hazards, (then, hz) -> {
            var body = new LinkedHashMap<String, Object>();
            body.put("region", region);
            body.put("programme", programme);
            body.put("from", from.toString());
            body.put("to", to.toString());
            body.put("zone", rules.zone().getId());
            body.put("spending", totals(scope.getValue()));
            body.put("risk", risk);
            int pupils = schools.values().stream().mapToInt(Integer::intValue).sum();
            long inWindow = actual(now, schools);
            long inWindowBefore = actual(then, schools);
            var inc = new LinkedHashMap<String, Object>();
            inc.put("students", pupils);
            inc.put("schools", schools.size());
            inc.put("inWindow", inWindow);
            inc.put("per1000StudentsInWindow", per1000(inWindow, pupils));
            inc.put("windowBefore", Map.of("from", from.minusMonths(months).toString(),
                "to", from.minusMonths(1).toString()));
            inc.put("inWindowBefore", inWindowBefore);
            inc.put("per1000StudentsInWindowBefore", per1000(inWindowBefore, pupils));
            Casualties hurt = casualties(now, schools);
            Casualties hurtBefore = casualties(then, schools);
            inc.put("casualtiesInWindow", hurt.dead() + hurt.injured());
            inc.put("casualtiesPer1000StudentsInWindow", per1000(hurt.dead() + hurt.injured(), pupils));
            inc.put("casualtiesInWindowBefore", hurtBefore.dead() + hurtBefore.injured());
            inc.put("casualtiesPer1000StudentsInWindowBefore", per1000(hurtBefore.dead() + hurtBefore.injured(), pupils));
            var byKind = new LinkedHashMap<String, Object>();
            byKind.put("inWindow", hurt);
            byKind.put("inWindowBefore", hurtBefore);
            inc.put("casualtiesByKind", byKind);
            inc.put("withoutCasualtyFigures", unknownCasualties(now, schools) + unknownCasualties(then, schools));
            body.put("incidents", inc);
            var open = hz.stream().filter(h -> schools.containsKey(String.valueOf(h.get("schoolId")))).toList();
            body.put("hazardsOpen", Map.of("atStart", openAt(open, start), "atEnd", openAt(open, end)));
            body.put("method", METHOD);
            body.put("limits", LIMITS);
            return (Map<String, Object>) body;
          })));
    });
  }

  /** The region's investments dated within the window. */
  private CompletionStage<List<Investment>> spending(String region, YearMonth from, YearMonth to) {
    LocalDate first = from.atDay(1);
    LocalDate last = to.atEndOfMonth();
    CompletionStage<List<Investment>> all = CompletableFuture.completedFuture(List.of());
    for (int year = from.getYear(); year <= to.getYear(); year++) {
      var ofYear = investments.ofRegion(region, year);
      all = all.thenCombine(ofYear, (a, b) -> {
        var both = new ArrayList<>(a);
        both.addAll(b);
        return (List<Investment>) both;
      });
    }
    return all.thenApply(list -> list.stream().filter(i -> !i.date().isBefore(first) && !i.date().isAfter(last))
        .toList());
  }

  private static Map<String, Object> totals(List<Investment> inWindow) {
    var byCategory = new LinkedHashMap<String, BigDecimal>();
    for (InvestmentCategory c : InvestmentCategory.values()) {
      byCategory.put(c.name(), BigDecimal.valueOf(inWindow.stream().filter(i -> i.category() == c)
          .mapToLong(Investment::amountFen).sum(), 2));
    }
    var m = new LinkedHashMap<String, Object>();
    m.put("investments", inWindow.size());
    m.put("totalCny", BigDecimal.valueOf(inWindow.stream().mapToLong(Investment::amountFen).sum(), 2));
    m.put("byCategory", byCategory);
    return m;
  }

  /** Mean score per dimension over the schools scored at both ends of the window. */
  private CompletionStage<Map<String, Object>> risk(List<String> schools, Instant start, Instant end) {
    var pairs = new ArrayList<CompletableFuture<Optional<Map<String, Double>[]>>>();
    for (String school : schools) {
      var atStart = prevention.riskAt(school, start, end);
      var atEnd = prevention.riskAt(school, end, end);
      pairs.add(atStart.thenCombine(atEnd, (a, b) -> {
        if (a.isEmpty() || b.isEmpty()) {
          return Optional.<Map<String, Double>[]>empty();
        }
        @SuppressWarnings("unchecked")
        Map<String, Double>[] pair = new Map[] {a.get(), b.get()};
        return Optional.of(pair);
      }).toCompletableFuture());
    }
    return CompletableFuture.allOf(pairs.toArray(CompletableFuture[]::new)).thenApply(done -> {
      var scored = pairs.stream().map(CompletableFuture::join).flatMap(Optional::stream).toList();
      var keys = new ArrayList<>(RiskScore.DIMENSIONS);
      keys.add("overall");
      var startMeans = new LinkedHashMap<String, Double>();
      var endMeans = new LinkedHashMap<String, Double>();
      var change = new LinkedHashMap<String, Double>();
      for (String k : keys) {
        double s = scored.stream().mapToDouble(p -> p[0].getOrDefault(k, 0.0)).average().orElse(0);
        double e = scored.stream().mapToDouble(p -> p[1].getOrDefault(k, 0.0)).average().orElse(0);
        startMeans.put(k, round(s));
        endMeans.put(k, round(e));
        change.put(k, round(round(e) - round(s)));
      }
      var m = new LinkedHashMap<String, Object>();
      m.put("schoolsCompared", scored.size());
      m.put("atStart", scored.isEmpty() ? null : startMeans);
      m.put("atEnd", scored.isEmpty() ? null : endMeans);
      m.put("change", scored.isEmpty() ? null : change);
      return m;
    });
  }

  /** ACTUAL incidents at the schools in scope (registered schools of the region, or a programme's). */
  private static long actual(List<IncidentFacts> incidents, Map<String, Integer> schools) {
    return incidents.stream().filter(i -> "ACTUAL".equals(i.mode()) && schools.containsKey(i.schoolId())).count();
  }

  /**
   * The latest casualty figures of the ACTUAL incidents in scope, summed; incidents whose read-side
   * row predates the figures count none ({@link #unknownCasualties}).
   */
  private static Casualties casualties(List<IncidentFacts> incidents, Map<String, Integer> schools) {
    int dead = 0;
    int injured = 0;
    int missing = 0;
    for (IncidentFacts i : incidents) {
      if ("ACTUAL".equals(i.mode()) && schools.containsKey(i.schoolId()) && i.casualties() != null) {
        dead += i.casualties().dead();
        injured += i.casualties().injured();
        missing += i.casualties().missing();
      }
    }
    return new Casualties(dead, injured, missing);
  }

  private static long unknownCasualties(List<IncidentFacts> incidents, Map<String, Integer> schools) {
    return incidents.stream().filter(i -> "ACTUAL".equals(i.mode()) && schools.containsKey(i.schoolId())
        && i.casualties() == null).count();
  }

  private static BigDecimal per1000(long incidents, int students) {
    return students == 0 ? null
        : BigDecimal.valueOf(incidents * 1000L).divide(BigDecimal.valueOf(students), 2, RoundingMode.HALF_UP);
  }

  private static long openAt(List<Map<String, Object>> hazards, Instant at) {
    return hazards.stream().filter(h -> {
      Instant recorded = instant(h.get("recordedAt"));
      Instant rectified = instant(h.get("rectifiedAt"));
      return recorded != null && recorded.isBefore(at) && (rectified == null || !rectified.isBefore(at));
    }).count();
  }

  private static Instant instant(Object value) {
    return value == null || "null".equals(value) ? null : Instant.parse(value.toString());
  }

  private static double round(double value) {
    return Math.round(value * 10.0) / 10.0;
  }

}
