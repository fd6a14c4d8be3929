package org.schoolsafety.hub.agency;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.schoolsafety.hub.Entities;
import org.schoolsafety.hub.Rejection;
import org.schoolsafety.hub.directory.AgencyDirectory;

/**
 * Registers an agency in two places: the agency entity itself and its province's directory,
 * where it claims the one slot for its kind and jurisdiction.
 *
 * <p>Order matters for consistency: an existing agency with a different profile is refused
 * before the directory is touched; the directory claim comes before the agency's own
 * registration, so that a registered agency is always findable. A failure in between leaves at
 * most a claim by the same agency id, which a retry of the same registration completes.
 */
public final class AgencyRegistration {

  private final Entities entities;
  private final Duration timeout;
  private final Scheduler scheduler;

  private final boolean wholeStateReads;

  public AgencyRegistration(Entities entities, Duration timeout, Scheduler scheduler) {
    this(entities, timeout, scheduler, false);
  }

  /** {@code wholeStateReads}: ask with {@link Agency.Get}, as a release before 2026-12-03 understands (hub.agency.whole-state-reads). */
  public AgencyRegistration(Entities entities, Duration timeout, Scheduler scheduler, boolean wholeStateReads) {
    this.entities = entities;
    this.timeout = timeout;
    this.scheduler = scheduler;
    this.wholeStateReads = wholeStateReads;
  }

  public CompletionStage<Agency.State> register(AgencyProfile profile, String by) {
    return existing(profile.agencyId())
        .thenCompose(current -> {
          if (current != null && !current.profile().equals(profile)) {
            throw new CompletionException(new Rejection.Conflict(
                "agency '" + profile.agencyId() + "' is already registered with a different profile"));
          }
          return enlist(profile);
        })
        .thenCompose(done -> AskPattern.askWithStatus(
            entities.agency(profile.agencyId()),
            replyTo -> new Agency.Register(profile, by, replyTo),
            timeout,
            scheduler));
  }

  private CompletionStage<Agency.State> existing(String agencyId) {
    CompletionStage<Agency.State> ask = AskPattern.askWithStatus(
        entities.agency(agencyId), wholeStateReads ? Agency.Get::new : Agency.GetProfile::new, timeout, scheduler);
    return ask.handle((state, failure) -> {
      if (failure == null) {
        return CompletableFuture.completedFuture(state);
      }
      Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
      if (cause instanceof Rejection.NotFound) {
        return CompletableFuture.<Agency.State>completedFuture(null);
      }
      return CompletableFuture.<Agency.State>failedFuture(cause);
    }).thenCompose(stage -> stage);
  }

  private CompletionStage<org.apache.pekko.Done> enlist(AgencyProfile profile) {
    return AskPattern.askWithStatus(
        entities.directory(profile.province()),
        replyTo -> new AgencyDirectory.Enlist(profile, replyTo),
        timeout,
        scheduler);
  }
}
