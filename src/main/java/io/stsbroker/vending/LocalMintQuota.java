package io.stsbroker.vending;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.local.SynchronizationStrategy;
import io.stsbroker.config.BrokerConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * The {@link MintQuota} of one replica: a bucket4j bucket per caller and, per (caller, role ARN),
 * the set of keys it holds or is minting, pruned of keys this replica's cache no longer holds each
 * time the caller mints (so it needs no exact bookkeeping of failures and evictions).
 *
 * <p>Counting the caller's variants, admitting and starting the mint are one step per (caller,
 * role): a variant just admitted is in the cache before the next decision counts. Nothing the cache
 * calls back ({@link #forget}) takes that monitor.
 *
 * <p>Memory: one bucket per caller that minted within the last few minutes, and one set of keys per
 * (caller, role ARN), both bounded by {@code broker.cache.max-entries}.
 */
@Singleton
public class LocalMintQuota implements MintQuota {

    /** Longer than a bucket takes to refill from empty (one minute), so expiry never loosens the limit. */
    private static final Duration IDLE_EXPIRY = Duration.ofMinutes(2);

    private final int mintsPerMinute;
    private final int maxVariants;
    private final Cache<String, Bucket> mintBuckets;
    private final Cache<Holder, Set<CredentialKey>> variants;

    @Inject
    public LocalMintQuota(BrokerConfig config) {
        this(config.rateLimit().mintsPerCaller(), config.cache().maxVariantsPerCaller(), config.cache().maxEntries());
    }

    public LocalMintQuota(int mintsPerMinute, int maxVariants, long maxEntries) {
        this.mintsPerMinute = mintsPerMinute;
        this.maxVariants = maxVariants;
        // Maintenance on the calling thread, as for every cache asked per request (see CallerRateLimiter).
        this.mintBuckets = Caffeine.newBuilder().executor(Runnable::run)
                .maximumSize(maxEntries).expireAfterAccess(IDLE_EXPIRY).build();
        this.variants = Caffeine.newBuilder().executor(Runnable::run).maximumSize(maxEntries).build();
    }

    /** Decides at once, on the calling thread. */
    @Override
    public CompletionStage<Decision> admit(CredentialKey key, ToLongFunction<CredentialKey> heldFor,
                                           Consumer<FetchPriority> start) {
        Set<CredentialKey> held = variants.get(new Holder(key.identity(), key.roleArn()),
                h -> ConcurrentHashMap.newKeySet());
        synchronized (held) {
            held.removeIf(k -> !k.equals(key) && heldFor.applyAsLong(k) < 0);
            boolean known = held.contains(key);
            if (!known && held.size() >= maxVariants) {
                long soonest = held.stream().mapToLong(heldFor).filter(s -> s >= 0).min().orElse(1);
                return CompletableFuture.completedFuture(
                        new TooManyVariants(maxVariants, Duration.ofSeconds(Math.max(1, soonest))));
            }
            FetchPriority priority = held.size() - (known ? 1 : 0) == 0 ? FetchPriority.COLD : FetchPriority.DEFERRABLE;
            ConsumptionProbe probe = mintBuckets.get(key.identity(), i -> newBucket()).tryConsumeAndReturnRemaining(1);
            if (!probe.isConsumed()) {
                return CompletableFuture.completedFuture(new TooManyMints(Duration.ofNanos(probe.getNanosToWaitForRefill())));
            }
            held.add(key);
            start.accept(priority);
            return CompletableFuture.completedFuture(new Admitted(priority));
        }
    }

    @Override
    public void forget(CredentialKey key) {
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

    /** One caller's variants of one role are counted together. */
    private record Holder(String identity, String roleArn) {
    }
}
