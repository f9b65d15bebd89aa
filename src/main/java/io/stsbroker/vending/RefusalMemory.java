package io.stsbroker.vending;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.stsbroker.error.BrokerException;
import io.stsbroker.sts.StsException;
import io.stsbroker.sts.UpstreamErrors;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * Remembers per key, for {@code broker.cache.failure-ttl}, that STS refused it permanently
 * ({@link UpstreamErrors.Kind#PERMANENT} or {@link UpstreamErrors.Kind#REVOKED}), so a caller
 * retrying a denied role in a loop costs STS one call per TTL. Transient failures are never
 * remembered: the next request tries again. A TTL of zero remembers nothing.
 */
final class RefusalMemory {

    /** Null when {@code failure-ttl} is zero. */
    private final Cache<CredentialKey, BrokerException> refusals;

    RefusalMemory(Duration failureTtl, long maxEntries, Ticker ticker) {
        if (failureTtl.isNegative()) {
            throw new IllegalArgumentException("Invalid configuration broker.cache.failure-ttl='" + failureTtl
                    + "': must be zero (off) or positive");
        }
        this.refusals = failureTtl.isZero() ? null : Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .ticker(ticker)
                .expireAfterWrite(failureTtl)
                .build();
    }

    /** The refusal remembered for {@code key}, or null. */
    BrokerException recall(CredentialKey key) {
        return refusals == null ? null : refusals.getIfPresent(key);
    }

    void rememberIfPermanent(CredentialKey key, Throwable t) {
        if (refusals != null && t instanceof StsException e && e.kind() != UpstreamErrors.Kind.RETRYABLE) {
            refusals.put(key, e);
        }
    }

    void forget(Predicate<CredentialKey> matches) {
        if (refusals != null) {
            refusals.asMap().keySet().removeIf(matches);
        }
    }
}
