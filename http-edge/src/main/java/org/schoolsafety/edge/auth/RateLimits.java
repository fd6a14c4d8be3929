package org.schoolsafety.edge.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.typesafe.config.Config;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * A token bucket per principal (Bucket4j), kept in a bounded cache (Caffeine) so that many
 * principals cannot grow memory without limit. Per node: a cluster of N nodes admits up to N
 * times the rate, which is fine for protecting each node.
 */
public final class RateLimits {

  private final Cache<String, Bucket> buckets;
  private final long burst;
  private final long perSecond;

  public RateLimits(long burst, long perSecond) {
    this.burst = burst;
    this.perSecond = perSecond;
    this.buckets = Caffeine.newBuilder()
        .maximumSize(100_000)
        .expireAfterAccess(Duration.ofMinutes(10))
        .build();
  }

  public static RateLimits fromConfig(Config config) {
    Config c = config.getConfig("hub.http.rate-limit");
    return new RateLimits(c.getLong("burst"), c.getLong("per-second"));
  }

  /** Empty when the request may go ahead; otherwise how many seconds to wait. */
  public OptionalLong tryAcquire(Principal principal) {
    Bucket bucket = buckets.get(principal.id(), id -> Bucket.builder()
        .addLimit(Bandwidth.builder().capacity(burst).refillGreedy(perSecond, Duration.ofSeconds(1)).build())
        .build());
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      return OptionalLong.empty();
    }
    long nanos = probe.getNanosToWaitForRefill();
    return OptionalLong.of(Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L));
  }
}
