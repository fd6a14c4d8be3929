package org.schoolsafety.persistence.readside;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;
import org.schoolsafety.hub.Entities;
import org.schoolsafety.hub.agency.Agency;
import org.schoolsafety.hub.agency.AgencyKind;
import org.schoolsafety.hub.agency.AgencyProfile;
import org.schoolsafety.hub.directory.AgencyDirectory;
import org.schoolsafety.hub.feed.IncidentFeed;
import org.schoolsafety.hub.prevention.Prevention;
import org.schoolsafety.hub.prevention.Warning;
import org.schoolsafety.hub.prevention.WarningNotice;
import org.schoolsafety.hub.region.RegionCode;

/**
 * Takes every change of a school's early warning (the prevention records' tagged {@link
 * Prevention.WarningChanged} events) to the people who act on it: the province's {@link
 * IncidentFeed}, whose journal the command centers' live streams replay, and the inbox of the
 * most specific agency of each kind the warning is addressed to (the county education agency;
 * for a health-check cluster the county health agency too, or the nearest tier above that
 * covers the school).
 *
 * <p>At least once, from the projection's offset: an event counts as handled only when the feed
 * and every agency confirmed it, else the projection restarts from its last offset and sends it
 * again. Receivers ignore a version of the warning they already have (or an older one), so
 * replays change nothing. The prevention record itself is never asked; warnings are rare, so the
 * two journal writes per change are off every report's path.
 */
final class WarningDelivery extends Handler<EventEnvelope<Object>> {

  private final ActorSystem<?> system;
  private final Entities entities;
  private final Duration askTimeout;

  WarningDelivery(ActorSystem<?> system, Entities entities) {
    this.system = system;
    this.entities = entities;
    this.askTimeout = system.settings().config().getDuration("hub.ask-timeout");
  }

  @Override
  public CompletionStage<Done> process(EventEnvelope<Object> envelope) {
    if (!(envelope.event() instanceof Prevention.WarningChanged changed)) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    Warning w = changed.warning();
    var notice = new WarningNotice(w, envelope.sequenceNr());
    RegionCode region = RegionCode.of(w.regionCode());
    CompletionStage<Done> feed = AskPattern.ask(entities.feed(region.province()),
        (ActorRef<Done> r) -> new IncidentFeed.AppendWarning(notice, r), askTimeout,
        system.scheduler());
    CompletionStage<Done> agencies = AskPattern.<AgencyDirectory.Command, StatusReply<AgencyDirectory.Chains>>ask(
            entities.directory(region.province()),
            r -> new AgencyDirectory.FindChains(region, kinds(w), r), askTimeout, system.scheduler())
        .thenCompose(reply -> {
          if (reply.isError()) {
            throw new IllegalStateException("agency directory: " + reply.getError().getMessage());
          }
          var told = new ArrayList<CompletableFuture<Done>>();
          for (AgencyKind kind : kinds(w)) {
            var chain = reply.getValue().of(kind);
            if (chain.isEmpty()) {
              system.log().warn("warning {} of school {}: no {} agency covers region {}", w.warningId(), w.schoolId(),
                  kind, w.regionCode());
              continue;
            }
            AgencyProfile first = chain.get(0);
            told.add(AskPattern.ask(entities.agency(first.agencyId()),
                (ActorRef<Done> r) -> new Agency.TrackWarning(notice, r), askTimeout,
                system.scheduler()).toCompletableFuture());
          }
          return CompletableFuture.allOf(told.toArray(CompletableFuture[]::new)).thenApply(all -> Done.getInstance());
        });
    return feed.thenCombine(agencies, (a, b) -> Done.getInstance());
  }

  /** The agency kinds a warning is addressed to (unknown names are skipped). */
  static EnumSet<AgencyKind> kinds(Warning w) {
    var kinds = EnumSet.noneOf(AgencyKind.class);
    for (String k : w.audienceKinds()) {
      try {
        kinds.add(AgencyKind.valueOf(k.strip()));
      } catch (IllegalArgumentException unknown) {
        // a kind this hub does not have: nobody to tell
      }
    }
    return kinds;
  }
}
