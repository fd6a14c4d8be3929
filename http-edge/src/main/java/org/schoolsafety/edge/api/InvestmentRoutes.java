package org.schoolsafety.edge.api;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.math.BigDecimal;
import java.time.Year;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.pattern.StatusReply;
import org.schoolsafety.edge.api.dto.InvestmentRequest;
import org.schoolsafety.edge.auth.Principal;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.hub.agency.Agency;
import org.schoolsafety.hub.agency.AgencyProfile;
import org.schoolsafety.hub.investment.Investment;
import org.schoolsafety.hub.investment.InvestmentCategory;
import org.schoolsafety.hub.investment.SchoolInvestments;
import org.schoolsafety.hub.reporting.ReportingRules;
import org.schoolsafety.hub.school.School;
import org.schoolsafety.hub.school.SchoolProfile;
import org.schoolsafety.persistence.readside.InvestmentQueries;

/**
 * Safety spending (issue 18): a school's investments are recorded in its own
 * {@code SchoolInvestments} record (never on the incident report path) and listed from it; a
 * region's roll-ups by category and year come from the read side.
 */
public final class InvestmentRoutes extends RouteSupport {

  /** The region answer's tables a CSV can hold ({@code table=}), the first by default. */
  static final List<String> TABLES = List.of("schools", "rollups");

  private final InvestmentQueries queries;
  private final ReportingRules rules;

  public InvestmentRoutes(ApiContext api, InvestmentQueries queries) {
    super(api);
    this.queries = queries;
    this.rules = ReportingRules.fromConfig(api.system().settings().config());
  }

  @Override
  public Route route(Principal p) {
    return concat(
        pathPrefix("schools", () -> pathPrefix(segment(), schoolId -> path("investments", () -> concat(
            get(() -> registered(p, schoolId, (school, agency) -> authorize(
                api.policy().readInvestments(p, school, agency), p, "read the safety spending of school " + schoolId, "",
                () -> respond(record(schoolId).askWithStatus(SchoolInvestments.Get::new, api.askTimeout()),
                    state -> ok(Map.of("schoolId", schoolId,
                        "investments", state.list().stream().map(InvestmentRoutes::view).toList())))))),
            post(() -> jsonBody(InvestmentRequest.class, body -> record(p, schoolId, body))))))),
        path("investments", () -> get(() -> parameterMap(params ->
            optionalHeaderValueByName("Accept", accept -> rollups(p, params, accept))))));
  }

  private Route record(Principal p, String schoolId, InvestmentRequest body) {
    long started = System.nanoTime();
    return registered(p, schoolId, (school, agency) -> authorize(api.policy().recordInvestment(p, school, agency), p,
        "record safety spending for school " + schoolId, "", () -> {
          Investment investment = body.check(school, p.id(), api.clock());
          return onReply(record(schoolId).askWithStatus(
              (ActorRef<StatusReply<SchoolInvestments.Recorded>> r) -> new SchoolInvestments.Record(investment, r),
              api.askTimeoutLeft(started)), recorded -> {
                var response = json(recorded.replayed() ? StatusCodes.OK : StatusCodes.CREATED,
                    view(recorded.investment()));
                return complete(recorded.replayed()
                    ? response.addHeader(RawHeader.create("Idempotent-Replayed", "true")) : response);
              });
        }));
  }

  private Route rollups(Principal p, Map<String, String> params, Optional<String> accept) {
    var errors = new ArrayList<Problem.FieldError>();
    String region = regionParam(params, p, errors);
    int thisYear = Year.now(api.clock().withZone(rules.zone())).getValue();
    int year = thisYear;
    if (params.containsKey("year")) {
      String value = params.get("year");
      if (value == null || !value.matches("\\d{4}") || Integer.parseInt(value) < 2000
          || Integer.parseInt(value) > thisYear + 1) {
        errors.add(new Problem.FieldError("year", "must be a year from 2000 to " + (thisYear + 1)));
      } else {
        year = Integer.parseInt(value);
      }
    }
    CsvTables.Choice format = CsvTables.choose(params, accept, TABLES, errors);
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    int chosen = year;
    return onReply(agencyProfileOf(p, System.nanoTime()), agency -> authorize(
        api.policy().readRegionInvestments(p, region, agency), p, "read the safety spending of region " + region, "",
        () -> respond(queries.ofRegion(region, chosen),
            list -> format.respond(rollup(region, chosen, list), "investments-" + region + "-" + chosen))));
  }

  /** Totals by category for the region, each county, city and province within it, and each school. */
  static Map<String, Object> rollup(String region, int year, List<Investment> investments) {
    var body = new LinkedHashMap<String, Object>();
    body.put("region", region);
    body.put("year", year);
    body.putAll(totals(investments));
    var regions = new TreeMap<String, List<Investment>>((a, b) -> a.length() != b.length() ? a.length() - b.length()
        : a.compareTo(b));
    var schools = new TreeMap<String, List<Investment>>();
    for (Investment i : investments) {
      for (int length : new int[] {2, 4, 6}) {
        if (length >= region.length()) {
          regions.computeIfAbsent(i.regionCode().substring(0, length), k -> new ArrayList<>()).add(i);
        }
      }
      schools.computeIfAbsent(i.schoolId(), k -> new ArrayList<>()).add(i);
    }
    body.put("rollups", regions.entrySet().stream().map(e -> {
      var r = new LinkedHashMap<String, Object>();
      r.put("regionCode", e.getKey());
      r.put("level", e.getKey().length() == 2 ? "province" : e.getKey().length() == 4 ? "city" : "county");
      r.putAll(totals(e.getValue()));
      return r;
    }).toList());
    body.put("schools", schools.entrySet().stream().map(e -> {
      var s = new LinkedHashMap<String, Object>();
      s.put("schoolId", e.getKey());
      s.put("regionCode", e.getValue().get(0).regionCode());
      s.putAll(totals(e.getValue()));
      return s;
    }).toList());
    return body;
  }

  private static Map<String, Object> totals(List<Investment> investments) {
    var byCategory = new LinkedHashMap<String, BigDecimal>();
    for (InvestmentCategory c : InvestmentCategory.values()) {
      long fen = investments.stream().filter(i -> i.category() == c).mapToLong(Investment::amountFen).sum();
      byCategory.put(c.name(), BigDecimal.valueOf(fen, 2));
    }
    var t = new LinkedHashMap<String, Object>();
    t.put("investments", investments.size());
    t.put("totalCny", BigDecimal.valueOf(investments.stream().mapToLong(Investment::amountFen).sum(), 2));
    t.put("byCategory", byCategory);
    return t;
  }

  static Map<String, Object> view(Investment i) {
    var m = new LinkedHashMap<String, Object>();
    m.put("investmentId", i.investmentId());
    m.put("schoolId", i.schoolId());
    m.put("regionCode", i.regionCode());
    m.put("date", i.date().toString());
    m.put("category", i.category().name());
    m.put("amountCny", BigDecimal.valueOf(i.amountFen(), 2));
    m.put("hazardId", i.hazardId());
    m.put("programme", i.programme());
    m.put("recordedAt", i.recordedAt().toString());
    m.put("recordedBy", i.recordedBy());
    return m;
  }

  // --- helpers ----------------------------------------------------------------------------

  /** The registered school and the caller's own agency profile (null for other callers). */
  private Route registered(Principal p, String schoolId, BiFunction<SchoolProfile, AgencyProfile, Route> inner) {
    if (!Fields.ID.matcher(schoolId).matches()) {
      return complete(Problems.of(StatusCodes.NOT_FOUND, "no school with id '" + Ids.printable(schoolId) + "'"));
    }
    long started = System.nanoTime();
    return onReply(api.sharding().entityRefFor(School.ENTITY_TYPE_KEY, schoolId)
            .askWithStatus(School.Get::new, api.askTimeout()),
        state -> onReply(agencyProfileOf(p, started), agency -> inner.apply(state.profile(), agency)));
  }


  private EntityRef<SchoolInvestments.Command> record(String schoolId) {
    return api.sharding().entityRefFor(SchoolInvestments.ENTITY_TYPE_KEY, schoolId);
  }
}
