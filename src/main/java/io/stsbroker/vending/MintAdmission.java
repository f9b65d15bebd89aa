package io.stsbroker.vending;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.local.SynchronizationStrategy;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Decides whether a request that the cache cannot answer may start a new AssumeRole (a mint), so
 * that one caller cannot spend the upstream budget everyone shares by asking for a new
 * (durationSeconds, policy) variant each time:
 * <ul>
 *   <li>at most {@code broker.cache.max-variants-per-caller} variants of one role per caller,
 *       held or being minted ({@code reason="variant-limit"});</li>
 *   <li>at most {@code broker.rate-limit.mints-per-caller} mints per caller per minute, a bucket of
 *       that many refilled evenly over a minute ({@code reason="mint-limit"}).</li>
 * </ul>
 * Either refusal is 429 {@code Throttling} with {@code Retry-After}, counted in
 * {@code broker_mints_refused_total{reason}}. Background refreshes never come here.
 *
 * <p>It also says whether the mint is a cold start (the caller holds no other variant of the
 * role), which goes first in the {@link UpstreamBudget}.
 *
 * <p>Lock order: a (caller, role) monitor may be held while the cache is asked or a mint put in it;
 * nothing the cache calls back ({@link #forget}) takes that monitor.
 *
 * <p>Memory: one bucket per caller that minted within the last few minutes, and one set of keys
 * per (caller, role ARN), both bounded by {@code broker.cache.max-entries}. A set is pruned of keys
 * the cache no longer holds each time its caller mints, so it needs no exact bookkeeping of
 * failures and evictions.
 */
final class MintAdmission {

    /** Longer than a bucket takes to refill from empty (one minute), so expiry never loosens the limit. */
    private static final Duration IDLE_EXPIRY = Duration.ofMinutes(2);

    private final int mintsPerMinute;
    private final int maxVariants;
    /** Seconds until a cached key leaves the cache at its floor, 0 while it is being minted, -1 when not held. */
    private final ToLongFunction<CredentialKey> heldFor;
    private final Cache<String, Bucket> mintBuckets;
    private final Cache<Holder, Set<CredentialKey>> variants;
    private final Counter mintLimited;
    private final Counter variantLimited;

    MintAdmission(int mintsPerMinute, int maxVariants, long maxEntries, ToLongFunction<CredentialKey> heldFor,
                  MeterRegistry meters) {
        this.mintsPerMinute = mintsPerMinute;
        this.maxVariants = maxVariants;
        this.heldFor = heldFor;
        // Maintenance on the calling thread, as for every cache asked per request (see CallerRateLimiter).
        this.mintBuckets = Caffeine.newBuilder().executor(Runnable::run)
                .maximumSize(maxEntries).expireAfterAccess(IDLE_EXPIRY).build();
        this.variants = Caffeine.newBuilder().executor(Runnable::run).maximumSize(maxEntries).build();
        this.mintLimited = meters.counter("broker.mints.refused", "reason", "mint-limit");
        this.variantLimited = meters.counter("broker.mints.refused", "reason", "variant-limit");
    }

    /**
     * Admits one mint of {@code key} and starts it with {@code mint}, or refuses it. Counting the
     * caller's variants, admitting and starting the mint are one step per (caller, role), so a
     * variant just admitted is in the cache before the next request counts.
     *
     * @param mint starts the mint at the given priority ({@link FetchPriority#COLD} when the caller
     *             holds no other variant of the role) and puts it in the cache
     * @throws BrokerException 429 {@code Throttling} over either limit
     */
    <T> T admit(CredentialKey key, Function<FetchPriority, T> mint) {
        Set<CredentialKey> held = variants.get(new Holder(key.identity(), key.roleArn()),
                h -> ConcurrentHashMap.newKeySet());
        synchronized (held) {
            held.removeIf(k -> !k.equals(key) && heldFor.applyAsLong(k) < 0);
            boolean known = held.contains(key);
            if (!known && held.size() >= maxVariants) {
                variantLimited.increment();
                throw variantLimit(held);
            }
            FetchPriority priority = held.size() - (known ? 1 : 0) == 0 ? FetchPriority.COLD : FetchPriority.DEFERRABLE;
            ConsumptionProbe probe = mintBuckets.get(key.identity(), i -> newBucket()).tryConsumeAndReturnRemaining(1);
            if (!probe.isConsumed()) {
                mintLimited.increment();
                throw mintLimit(probe.getNanosToWaitForRefill());
            }
            held.add(key);
            return mint.apply(priority);
        }
    }

    /** Forgets a key the cache dropped (a size eviction, expiry or invalidation; not a refresh). */
    void forget(CredentialKey key) {
        Set<CredentialKey> held = variants.getIfPresent(new Holder(key.identity(), key.roleArn()));
        if (held != null) {
            held.remove(key);
        }
    }

    private Bucket newBucket() {
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(mintsPerMinute).refillGreedy(mintsPerMinute, Duration.ofMinutes(1)))
                .withSynchronizationStrategy(SynchronizationStrategy.SYNCHRONIZED)
                .build();
    }

    private BrokerException variantLimit(Set<CredentialKey> held) {
        long soonest = held.stream().mapToLong(heldFor).filter(s -> s >= 0).min().orElse(1);
        return new BrokerException(ErrorCode.THROTTLING, "This caller already holds " + maxVariants
                + " variants (durationSeconds and policy combinations) of this role, the most allowed"
                + " (broker.cache.max-variants-per-caller); reuse one of them or ask again when one expires.",
                null, Duration.ofSeconds(Math.max(1, soonest)), null);
    }

    private static BrokerException mintLimit(long nanosToWait) {
        return new BrokerException(ErrorCode.THROTTLING, "This caller has asked for too many new credentials"
                + " (broker.rate-limit.mints-per-caller per minute); reuse the ones it holds or try again later.",
                null, Duration.ofSeconds(Math.max(1, TimeUnit.NANOSECONDS.toSeconds(nanosToWait) + 1)), null);
    }

    /** One caller's variants of one role are counted together. */
    private record Holder(String identity, String roleArn) {
    }
}
