package org.schoolsafety.edge.api;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.schoolsafety.edge.auth.Principal;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.edge.cap.CapFeed;
import org.schoolsafety.hub.incident.Mode;
import org.schoolsafety.persistence.readside.IncidentQueries;
import org.schoolsafety.persistence.readside.IncidentSummary;

/**
 * {@code GET /api/v1/cap/feed?region=&mode=&cursor=}: a region's open incidents as an Atom feed of
 * CAP alerts (docs/CAP.md). Who may read it: whoever may list the region's incidents.
 */
public final class CapFeedRoutes extends RouteSupport {

  /** How far back an open incident still counts as a current alert. */
  private static final int DAYS = 92;
  private static final int PAGE = 200;

  public CapFeedRoutes(ApiContext api) {
    super(api);
  }

  @Override
  public Route route(Principal p) {
    return pathPrefix("cap", () -> path("feed", () -> get(() -> parameterMap(params -> feed(p, params)))));
  }

  private Route feed(Principal p, Map<String, String> params) {
    String region = Params.region(Optional.ofNullable(params.get("region")),
        p.is(Role.COMMAND_CENTER) ? p.subject() : null);
    Set<Mode> modes = Params.modes(Optional.ofNullable(params.get("mode")));
    String mode = modes.size() == 1 ? modes.iterator().next().name() : "ALL";
    return authorize(api.policy().watchRegion(p, region, modes), p, "read the alerts of region " + region, "", () -> {
      LocalDate today = LocalDate.now(api.clock().withZone(ZoneOffset.UTC));
      var filter = new IncidentQueries.IncidentFilter(region, null, true, null,
          modes.stream().map(Enum::name).collect(Collectors.toSet()), null, today.minusDays(DAYS - 1), today, PAGE,
          params.get("cursor"));
      CompletionStage<IncidentQueries.Page<IncidentSummary>> page = incidentPage(filter);
      return respond(page, result -> HttpResponse.create().withStatus(StatusCodes.OK).withEntity(HttpEntities.create(
          ContentTypes.create(MediaTypes.applicationWithFixedCharset("atom+xml", HttpCharsets.UTF_8)),
          CapFeed.of(region, mode, result.items(), result.next(), api.clock().instant())
              .getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    });
  }
}
