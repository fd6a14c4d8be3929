package org.schoolsafety.edge.api;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.stream.javadsl.Source;
import org.schoolsafety.edge.auth.Principal;
import org.schoolsafety.edge.auth.Role;
import org.schoolsafety.edge.stream.LiveLog.Sequenced;
import org.schoolsafety.hub.agency.Agency;
import org.schoolsafety.hub.agency.DispatchEntry;
import org.schoolsafety.hub.directive.DirectiveProgress;
import org.schoolsafety.hub.feed.FeedEntry;
import org.schoolsafety.hub.feed.IncidentFeed;
import org.schoolsafety.hub.incident.Mode;

/**
 * Live streams as Server-Sent Events, each resumable with {@code Last-Event-ID}:
 * {@code /api/v1/stream/incidents?region=&mode=} — a region's incident events and its schools'
 * early warnings ({@code event: warning}), from its province's {@link IncidentFeed};
 * {@code /api/v1/agencies/{id}/stream} — an agency's dispatch changes and the warnings addressed
 * to it, from the agency's journal. The SSE id is the position in that journal.
 */
public final class StreamRoutes extends RouteSupport {

  public StreamRoutes(ApiContext api) {
    super(api);
  }

  @Override
  public Route route(Principal p) {
    return concat(
        path(segment("stream").slash("incidents"), () -> get(() -> parameterMap(params ->
            optionalHeaderValueByName("Last-Event-ID", lastId -> incidents(p, params, lastId))))),
        path(segment("agencies").slash(segment()).slash("stream"), agencyId -> get(() -> parameterOptional("mode", mode ->
            optionalHeaderValueByName("Last-Event-ID", lastId -> agency(p, agencyId, Params.modes(mode), lastId))))));
  }

  private Route incidents(Principal p, Map<String, String> params, Optional<String> lastId) {
    String region = Params.region(Optional.ofNullable(params.get("region")),
        p.is(Role.COMMAND_CENTER) ? p.subject() : null);
    Set<Mode> modes = Params.modes(Optional.ofNullable(params.get("mode")));
    long after = lastEventId(lastId);
    String province = region.substring(0, 2);
    return authorize(api.policy().watchRegion(p, region, modes), p, "watch region " + region, "", () -> {
      CompletionStage<Long> start = after >= 0 ? java.util.concurrent.CompletableFuture.completedFuture(after)
          : api.sharding().entityRefFor(IncidentFeed.ENTITY_TYPE_KEY, province)
              .ask(IncidentFeed.GetPosition::new, api.askTimeout());
      return onReply(start, from -> stream(p, withDirectives(province, region, modes, api.liveLog().<FeedEntry>follow(
              PersistenceId.of(IncidentFeed.ENTITY_TYPE_KEY.name(), province).id(),
              IncidentFeed.topic(province),
              from,
              envelope -> new Sequenced<>(envelope.sequenceNr(), Optional.of(feedEntry(envelope))),
              message -> message instanceof FeedEntry e
                  ? Optional.of(new Sequenced<>(e.seq(), Optional.of(e))) : Optional.empty())
          // Warnings are about real schools' real records: shown with the ACTUAL incidents.
          .filter(e -> e.regionCode().startsWith(region)
              && modes.contains(e.isWarning() ? Mode.ACTUAL : e.item().mode()))
          .map(e -> e.isWarning()
              ? ServerSentEvent.create(new String(JsonSupport.write(StreamViews.of(e.seq(), e.warning())),
                  java.nio.charset.StandardCharsets.UTF_8), "warning", String.valueOf(e.seq()))
              : ServerSentEvent.create(new String(JsonSupport.write(StreamViews.of(e, api.policy().authority())),
                  java.nio.charset.StandardCharsets.UTF_8), "incident", String.valueOf(e.seq()))))));
    });
  }

  private static FeedEntry feedEntry(org.apache.pekko.persistence.query.EventEnvelope envelope) {
    if (envelope.event() instanceof IncidentFeed.WarningAppended w) {
      return new FeedEntry(envelope.sequenceNr(), null, w.notice());
    }
    return new FeedEntry(envelope.sequenceNr(), ((IncidentFeed.ItemAppended) envelope.event()).item());
  }

  /**
   * The incident events merged with the live totals of the region's directives ({@code event:
   * directive}, without an id: each carries the directive's whole totals, so one missed is made
   * good by the next, and a client resuming with Last-Event-ID reads current totals with GET).
   */
  private Source<ServerSentEvent, NotUsed> withDirectives(String province, String region, Set<Mode> modes,
      Source<ServerSentEvent, NotUsed> incidents) {
    Source<ServerSentEvent, NotUsed> directives = api.liveLog().live(DirectiveProgress.topic(province))
        .filter(m -> m instanceof DirectiveProgress d && d.scope().startsWith(region) && modes.contains(d.mode()))
        .map(m -> ServerSentEvent.create(new String(JsonSupport.write(StreamViews.of((DirectiveProgress) m)),
            java.nio.charset.StandardCharsets.UTF_8), "directive"));
    return incidents.merge(directives);
  }

  /** An agency's dispatch changes, as far as the caller may see them (as in its inbox). */
  private Route agency(Principal p, String agencyId, Set<Mode> modes, Optional<String> lastId) {
    if (!Fields.ID.matcher(agencyId).matches()) {
      return complete(Problems.of(StatusCodes.NOT_FOUND, "no agency with id '" + Ids.printable(agencyId) + "'"));
    }
    long after = lastEventId(lastId);
    long started = System.nanoTime();
    return onReply(agencies.profile(agencyId, api.askTimeout()), state -> authorize(
        api.policy().readAgency(p, state.profile()), p, "watch agency " + agencyId,
        "no agency with id '" + Ids.printable(agencyId) + "'", () -> {
          var scope = api.policy().dispatchScope(p, state.profile(), modes);
          CompletionStage<Long> start = after >= 0 ? java.util.concurrent.CompletableFuture.completedFuture(after)
              : api.sharding().entityRefFor(Agency.ENTITY_TYPE_KEY, agencyId)
                  .ask(Agency.GetPosition::new, api.askTimeoutLeft(started));
          return onReply(start, from -> stream(p, api.liveLog().<DispatchEntry>follow(
                  PersistenceId.of(Agency.ENTITY_TYPE_KEY.name(), agencyId).id(),
                  Agency.topic(agencyId),
                  from,
                  envelope -> new Sequenced<>(envelope.sequenceNr(), envelope.event() instanceof Agency.DispatchTracked t
                      ? Optional.of(new DispatchEntry(agencyId, envelope.sequenceNr(), t.notice()))
                      : envelope.event() instanceof Agency.WarningTracked w
                          ? Optional.of(DispatchEntry.ofWarning(agencyId, envelope.sequenceNr(), w.notice()))
                          : Optional.empty()),
                  message -> message instanceof DispatchEntry e
                      ? Optional.of(new Sequenced<>(e.seq(), Optional.of(e))) : Optional.empty())
              .filter(e -> e.isWarning() ? scope.admits(Mode.ACTUAL, e.warning().regionCode())
                  : scope.admits(e.notice().mode(), e.notice().regionCode()))
              .map(e -> e.isWarning()
                  ? ServerSentEvent.create(new String(JsonSupport.write(StreamViews.of(e.seq(), e.warning())),
                      java.nio.charset.StandardCharsets.UTF_8), "warning", String.valueOf(e.seq()))
                  : ServerSentEvent.create(new String(JsonSupport.write(StreamViews.of(e)),
                      java.nio.charset.StandardCharsets.UTF_8), "dispatch", String.valueOf(e.seq())))));
        }));
  }
}
