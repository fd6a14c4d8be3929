package org.schoolsafety.edge.api;

import java.time.Clock;
import java.time.Duration;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.schoolsafety.edge.auth.AccessPolicy;
import org.schoolsafety.hub.agency.AgencyRegistration;
import org.schoolsafety.persistence.AuditTrail;

/** What the route classes share: entity access, the access policy, timeouts and the clock. */
public record ApiContext(
    ClusterSharding sharding,
    AgencyRegistration agencyRegistration,
    AccessPolicy policy,
    AuditTrail auditTrail,
    Duration askTimeout,
    Clock clock) {}
