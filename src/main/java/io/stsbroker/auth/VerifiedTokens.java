package io.stsbroker.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.quarkus.security.identity.SecurityIdentity;
import io.stsbroker.config.BrokerConfig;
import jakarta.inject.Singleton;

import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Callers proven by JWTs that were verified before, by SHA-256 of the whole token, each with the
 * fingerprint of the key that verified it. An entry is answered only while {@link TokenTimes}
 * accepts the token's {@code exp} (the same rule as a full verification), is forgotten after
 * {@code broker.auth.verified-token-max-age} at the latest, and is dropped as soon as the key that
 * verified it leaves the trusted key set ({@link #retainVerifiedBy}).
 *
 * <p>Only the signature check is skipped: authorization still runs on every request, so a grant
 * revoked in the role catalogue applies at once.
 */
@Singleton
public class VerifiedTokens {

    /** The caller a token proved, when the token stops being accepted, and the key that verified it. */
    private record Verified(Caller caller, long acceptedUntilMillis, String keyFingerprint) {
    }

    /** SHA-256 of a token as four longs: a smaller key than a buffer around an array. */
    private record Digest(long a, long b, long c, long d) {
    }

    private final Cache<Digest, Verified> cache;
    private final TokenTimes times;
    private final LongAdder hits = new LongAdder();

    public VerifiedTokens(BrokerConfig config, TokenTimes times) {
        this.times = times;
        long size = config.auth().verifiedTokenCacheSize();
        long maxAgeNanos = config.auth().verifiedTokenMaxAge().toNanos();
        this.cache = size <= 0 ? null : Caffeine.newBuilder()
                .executor(Runnable::run) // read on every request: see CallerRateLimiter
                .maximumSize(size)
                .expireAfter(new Expiry<Digest, Verified>() {
                    @Override
                    public long expireAfterCreate(Digest key, Verified v, long currentTime) {
                        return Math.min(maxAgeNanos, nanosLeft(v));
                    }

                    @Override
                    public long expireAfterUpdate(Digest key, Verified v, long currentTime, long currentDuration) {
                        return Math.min(maxAgeNanos, nanosLeft(v));
                    }

                    @Override
                    public long expireAfterRead(Digest key, Verified v, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    /** The caller this exact token proved, if {@link TokenTimes} still accepts its {@code exp}; else null. */
    Caller find(String rawToken) {
        if (cache == null) {
            return null;
        }
        Verified v = cache.getIfPresent(key(rawToken));
        if (v != null && nanosLeft(v) > 0) {
            hits.increment();
            return v.caller();
        }
        return null;
    }

    /** Remembers a token that was verified now by the key with this fingerprint. */
    void remember(String rawToken, SecurityIdentity identity, long exp, String keyFingerprint) {
        Caller caller = identity.getAttribute(Caller.ATTRIBUTE);
        if (cache != null && rawToken != null && caller != null && keyFingerprint != null) {
            // Only the caller is kept, not the verified principal: it holds the raw token and every
            // claim, which nothing after authentication reads, and which would stay on the heap.
            cache.put(key(rawToken), new Verified(caller, times.acceptedUntilMillis(exp), keyFingerprint));
        }
    }

    /** Forgets every token verified by a key whose fingerprint is not in {@code trusted}. */
    void retainVerifiedBy(Set<String> trusted) {
        if (cache != null) {
            cache.asMap().values().removeIf(v -> !trusted.contains(v.keyFingerprint()));
        }
    }

    /** Requests answered without a signature check so far. */
    public long hits() {
        return hits.sum();
    }

    /** Tokens remembered now (an estimate, as Caffeine gives it). */
    public long size() {
        return cache == null ? 0 : cache.estimatedSize();
    }

    /** Drops everything, e.g. when verification keys change. */
    public void clear() {
        if (cache != null) {
            cache.invalidateAll();
        }
    }

    private long nanosLeft(Verified v) {
        long millis = times.millisLeft(v.acceptedUntilMillis());
        return millis <= 0 ? 0 : TimeUnit.MILLISECONDS.toNanos(millis);
    }

    private static Digest key(String rawToken) {
        ByteBuffer d = ByteBuffer.wrap(ApiKeyRegistry.sha256(rawToken));
        return new Digest(d.getLong(), d.getLong(), d.getLong(), d.getLong());
    }
}
