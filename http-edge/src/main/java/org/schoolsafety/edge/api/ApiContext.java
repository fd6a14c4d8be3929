package org.schoolsafety.edge.api;

import java.time.Clock;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.schoolsafety.hub.incident.IncidentIds;
import scala.concurrent.ExecutionContextExecutor;
import org.schoolsafety.edge.auth.AccessPolicy;
import org.schoolsafety.edge.ops.Metrics;
import org.schoolsafety.hub.agency.AgencyRegistration;
import org.schoolsafety.edge.stream.LiveLog;
import org.schoolsafety.edge.stream.StreamLimits;
import org.schoolsafety.persistence.AuditTrail;
import org.schoolsafety.persistence.readside.IncidentQueries;

/** What the route classes share: entity access, the access policy, timeouts and the clock. */
public record ApiContext(
    ClusterSharding sharding,
    AgencyRegistration agencyRegistration,
    AccessPolicy policy,
    AuditTrail auditTrail,
    IncidentQueries queries,
    LiveLog liveLog,
    StreamLimits streamLimits,
    Duration heartbeat,
    Duration askTimeout,
    Clock clock,
    ActorSystem<?> system,
    IncidentIds incidentIds,
    Metrics metrics) {

  /** For timers of the routes' own (not per entity). */
  public Scheduler scheduler() {
    return system.scheduler();
  }

  public ExecutionContextExecutor executor() {
    return system.executionContext();
  }

  /** The shortest wait for an entity, however little of the request's budget is left. */
  static final Duration LAST_ASK_FLOOR = Duration.ofSeconds(1);

  /**
   * What is left of one request's ask-timeout for its next entity: a request that asks two
   * entities in turn (the school, then the new incident) answers within about ask-timeout, not
   * twice that, so it never outlasts a client's timeout while the cluster is busy.
   */
  public Duration askTimeoutLeft(long startedNanos) {
    return askTimeoutLeftAfter(Duration.ofNanos(System.nanoTime() - startedNanos));
  }

  Duration askTimeoutLeftAfter(Duration spent) {
    Duration left = askTimeout.minus(spent);
    return left.compareTo(LAST_ASK_FLOOR) < 0 ? LAST_ASK_FLOOR : left;
  }
}
