package org.schoolsafety.edge.api;

import java.time.Clock;
import java.time.Duration;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.schoolsafety.edge.auth.AccessPolicy;
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
    Clock clock) {}
