package org.schoolsafety.edge.api;

import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.server.Route;
import org.schoolsafety.edge.auth.Principal;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.persistence.readside.IncidentQueries;

/** {@code /api/v1/drills}: which schools of a region held no evacuation drill in a month. */
public final class DrillRoutes extends RouteSupport {

  /** Schools one compliance request goes through, at most. */
  private static final int MAX_SCHOOLS = 20_000;

  public DrillRoutes(ApiContext api) {
    super(api);
  }

  @Override
  public Route route(Principal p) {
    return path(PathMatchersHolder.COMPLIANCE, () -> get(() -> parameterMap(params -> {
      String region = Params.region(Optional.ofNullable(params.get("region")),
          p.is(Role.COMMAND_CENTER) ? p.subject() : null);
      String month = month(params.get("month"));
      return authorize(api.policy().listSchools(p, region), p, "read drill compliance of region " + region, "",
          () -> respond(allSchools(region, MAX_SCHOOLS), schools -> {
            var missing = schools.stream().filter(s -> s.evacuationMonths() == null || !s.evacuationMonths().contains(month))
                .map(s -> Map.of("schoolId", s.schoolId(), "name", s.name(), "regionCode", s.regionCode(),
                    "lastEvacuationMonth", s.evacuationMonths() == null || s.evacuationMonths().isEmpty() ? "none"
                        : s.evacuationMonths().stream().max(String::compareTo).get()))
                .toList();
            return ok(Map.of("region", region, "month", month, "schools", schools.size(),
                "withoutEvacuationDrill", missing));
          }));
    })));
  }


  private static String month(String value) {
    if (value == null) {
      throw Params.invalid("month", "is required, e.g. 2026-11");
    }
    try {
      return YearMonth.parse(value).toString();
    } catch (DateTimeParseException e) {
      throw Params.invalid("month", "must be a month such as 2026-11");
    }
  }

  /** {@code drills/compliance}. */
  private static final class PathMatchersHolder {
    static final org.apache.pekko.http.javadsl.server.PathMatcher0 COMPLIANCE =
        org.apache.pekko.http.javadsl.server.PathMatchers.segment("drills").slash("compliance");
  }
}
