package org.schoolsafety.edge.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.typesafe.config.Config;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.HexFormat;
import java.util.OptionalLong;
import org.schoolsafety.hub.secret.ServerKey;

/**
 * Limits on the open tip endpoints, per source address, held only in this node's memory: never
 * persisted, never logged, gone after {@code forget-after} without requests or a restart. The
 * address itself is not kept either: buckets are keyed by an HMAC of it under a key drawn at
 * random when the node starts, so not even a heap dump gives the addresses back.
 *
 * <p>Two buckets per address: submissions ({@code submit}) and reads and messages with a code
 * ({@code follow-up}).
 */
public final class TipLimits {

  public enum Kind {
    SUBMIT,
    FOLLOW_UP
  }

  private final Cache<String, Bucket> buckets;
  private final ServerKey key;
  private final RateLimits.Limit submit;
  private final Duration submitPeriod;
  private final RateLimits.Limit followUp;
  private final Duration followUpPeriod;

  public TipLimits(long submitBurst, long submitPerPeriod, Duration submitPeriod, long followUpBurst,
      long followUpPerPeriod, Duration followUpPeriod, Duration forgetAfter) {
    this.submit = new RateLimits.Limit(submitBurst, submitPerPeriod);
    this.submitPeriod = submitPeriod;
    this.followUp = new RateLimits.Limit(followUpBurst, followUpPerPeriod);
    this.followUpPeriod = followUpPeriod;
    byte[] secret = new byte[32];
    new java.security.SecureRandom().nextBytes(secret);
    this.key = ServerKey.of(secret);
    this.buckets = Caffeine.newBuilder().maximumSize(200_000).expireAfterAccess(forgetAfter).build();
  }

  public static TipLimits fromConfig(Config config) {
    Config c = config.getConfig("hub.http.tips.rate-limit");
    return new TipLimits(c.getLong("submit.burst"), c.getLong("submit.refill"), c.getDuration("submit.every"),
        c.getLong("follow-up.burst"), c.getLong("follow-up.refill"), c.getDuration("follow-up.every"),
        c.getDuration("forget-after"));
  }

  /** Empty when the request may go ahead; otherwise how many seconds to wait. */
  public OptionalLong tryAcquire(Kind kind, String sourceAddress) {
    String id = kind + ":" + HexFormat.of().formatHex(key.mac(String.valueOf(sourceAddress)));
    Bucket bucket = buckets.get(id, k -> {
      RateLimits.Limit limit = kind == Kind.SUBMIT ? submit : followUp;
      Duration period = kind == Kind.SUBMIT ? submitPeriod : followUpPeriod;
      return Bucket.builder()
          .addLimit(Bandwidth.builder().capacity(limit.burst()).refillGreedy(limit.perSecond(), period).build())
          .build();
    });
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L));
  }
}
