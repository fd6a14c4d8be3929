package org.schoolsafety.edge.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.typesafe.config.Config;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A token bucket per principal (Bucket4j), kept in a bounded cache (Caffeine) so that many
 * principals cannot grow memory without limit. Per node: a cluster of N nodes admits up to N
 * times the rate, which is fine for protecting each node.
 *
 * <p>The size of a principal's bucket depends on its role: {@code hub.http.rate-limit.burst} and
 * {@code per-second} for every role, raised for a role by its entry under
 * {@code hub.http.rate-limit.roles} (an agency's dispatch system or a command center speaks for
 * many schools). A role's entry only ever raises its limits: the default stays the floor of
 * every role, so raising the default (say, for a benchmark) still raises everyone.
 */
public final class RateLimits {

  /** A bucket's size: {@code burst} requests at once, refilled at {@code perSecond}. */
  public record Limit(long burst, long perSecond) {
    public Limit {
      if (burst < 1 || perSecond < 1) {
        throw new IllegalArgumentException("rate limits must be at least 1, not burst " + burst
            + " and per-second " + perSecond);
      }
    }

    Limit atLeast(Limit floor) {
      return new Limit(Math.max(burst, floor.burst), Math.max(perSecond, floor.perSecond));
    }
  }

  private final Cache<String, Bucket> buckets;
  private final Limit fallback;
  private final Map<Role, Limit> byRole;
  private final TimeMeter time;

  public RateLimits(long burst, long perSecond) {
    this(new Limit(burst, perSecond), Map.of());
  }

  /** {@code fallback} for every role, raised for the roles in {@code byRole}. */
  public RateLimits(Limit fallback, Map<Role, Limit> byRole) {
    this(fallback, byRole, TimeMeter.SYSTEM_MILLISECONDS);
  }

  /** With a clock of the caller's (tests). */
  RateLimits(Limit fallback, Map<Role, Limit> byRole, TimeMeter time) {
    this.fallback = fallback;
    this.byRole = new EnumMap<>(Role.class);
    byRole.forEach((role, limit) -> this.byRole.put(role, limit.atLeast(fallback)));
    this.time = time;
    this.buckets = Caffeine.newBuilder()
        .maximumSize(100_000)
        .expireAfterAccess(Duration.ofMinutes(10))
        .build();
  }

  public static RateLimits fromConfig(Config config) {
    return fromConfig(config, TimeMeter.SYSTEM_MILLISECONDS);
  }

  static RateLimits fromConfig(Config config, TimeMeter time) {
    Config c = config.getConfig("hub.http.rate-limit");
    Limit fallback = new Limit(c.getLong("burst"), c.getLong("per-second"));
    Map<Role, Limit> byRole = new EnumMap<>(Role.class);
    if (c.hasPath("roles")) {
      Config roles = c.getConfig("roles");
      for (String name : roles.root().keySet()) {
        Role role;
        try {
          role = Role.valueOf(name);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("hub.http.rate-limit.roles." + name + ": no such role (roles: "
              + Arrays.toString(Role.values()) + ")");
        }
        Config r = roles.getConfig(name);
        byRole.put(role, new Limit(r.hasPath("burst") ? r.getLong("burst") : fallback.burst(),
            r.hasPath("per-second") ? r.getLong("per-second") : fallback.perSecond()));
      }
    }
    return new RateLimits(fallback, byRole, time);
  }

  /** The bucket size of a principal of this role. */
  public Limit limitFor(Role role) {
    return byRole.getOrDefault(role, fallback);
  }

  /** Empty when the request may go ahead; otherwise how many seconds to wait. */
  public OptionalLong tryAcquire(Principal principal) {
    Bucket bucket = buckets.get(principal.id(), id -> {
      Limit limit = limitFor(principal.role());
      return Bucket.builder()
          .addLimit(Bandwidth.builder().capacity(limit.burst()).refillGreedy(limit.perSecond(), Duration.ofSeconds(1)).build())
          .withCustomTimePrecision(time)
          .build();
    });
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      return OptionalLong.empty();
    }
    long nanos = probe.getNanosToWaitForRefill();
    return OptionalLong.of(Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L));
  }
}
