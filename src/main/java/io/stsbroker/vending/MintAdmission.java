package io.stsbroker.vending;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
 * The {@link MintQuota} counts (on this replica by default, across replicas in cluster mode); this
 * class turns its refusals into 429 {@code Throttling} with {@code Retry-After}, counted in
 * {@code broker_mints_refused_total{reason}}. Background refreshes never come here.
 *
 * <p>It also says whether the mint is a cold start (the caller holds no other variant of the
 * role), which goes first in the {@link UpstreamBudget}.
 */
final class MintAdmission {

    private final MintQuota quota;
    /** Seconds until a cached key leaves the cache at its floor, 0 while it is being minted, -1 when not held. */
    private final ToLongFunction<CredentialKey> heldFor;
    private final Counter mintLimited;
    private final Counter variantLimited;

    /** Admission on this replica's own counts ({@link LocalMintQuota}). */
    MintAdmission(int mintsPerMinute, int maxVariants, long maxEntries, ToLongFunction<CredentialKey> heldFor,
                  MeterRegistry meters) {
        this(new LocalMintQuota(mintsPerMinute, maxVariants, maxEntries), heldFor, meters);
    }

    MintAdmission(MintQuota quota, ToLongFunction<CredentialKey> heldFor, MeterRegistry meters) {
        this.quota = quota;
        this.heldFor = heldFor;
        this.mintLimited = meters.counter("broker.mints.refused", "reason", "mint-limit");
        this.variantLimited = meters.counter("broker.mints.refused", "reason", "variant-limit");
    }

    /**
     * Admits one mint of {@code key} and starts it with {@code mint}, or refuses it.
     *
     * @param mint starts the mint at the given priority ({@link FetchPriority#COLD} when the caller
     *             holds no other variant of the role) and puts it in the cache
     * @return what {@code mint} returned, or a failure with {@link BrokerException} 429
     *         {@code Throttling} over either limit
     */
    <T> CompletionStage<T> admit(CredentialKey key, Function<FetchPriority, T> mint) {
        AtomicReference<T> started = new AtomicReference<>();
        return quota.admit(key, heldFor, priority -> started.set(mint.apply(priority))).thenApply(decision -> {
            if (decision instanceof MintQuota.TooManyVariants v) {
                variantLimited.increment();
                throw new CompletionException(variantLimit(v));
            }
            if (decision instanceof MintQuota.TooManyMints m) {
                mintLimited.increment();
                throw new CompletionException(mintLimit(m.retryAfter()));
            }
            return started.get();
        });
    }

    /** Forgets a key the cache dropped (a size eviction, expiry or invalidation; not a refresh). */
    void forget(CredentialKey key) {
        quota.forget(key);
    }

    private static BrokerException variantLimit(MintQuota.TooManyVariants v) {
        return new BrokerException(ErrorCode.THROTTLING, "This caller already holds " + v.max()
                + " variants (durationSeconds and policy combinations) of this role, the most allowed"
                + " (broker.cache.max-variants-per-caller); reuse one of them or ask again when one expires.",
                null, Duration.ofSeconds(Math.max(1, v.retryAfter().toSeconds())), null);
    }

    private static BrokerException mintLimit(Duration wait) {
        return new BrokerException(ErrorCode.THROTTLING, "This caller has asked for too many new credentials"
                + " (broker.rate-limit.mints-per-caller per minute); reuse the ones it holds or try again later.",
                null, Duration.ofSeconds(Math.max(1, TimeUnit.NANOSECONDS.toSeconds(wait.toNanos()) + 1)), null);
    }
}
