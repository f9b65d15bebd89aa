package io.stsbroker.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.quarkus.security.identity.SecurityIdentity;
import io.stsbroker.config.BrokerConfig;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Callers proven by JWTs that SmallRye JWT has verified, by SHA-256 of the whole token; an entry is
 * forgotten at the token's own {@code exp} or after {@code broker.auth.verified-token-max-age},
 * whichever comes first, so an expired token is never served from here.
 *
 * <p>Only the signature check is skipped: authorization still runs on every request, so a grant
 * revoked in the role catalogue applies at once. {@link #find} compares {@code exp} with the
 * broker's {@link Clock} (the system clock in production, as the verifier uses; tests move it);
 * Caffeine's own expiry only frees memory.
 */
@Singleton
public class VerifiedTokens {

    /** The caller a token proved, with its {@code exp} read once, not from the claims on every request. */
    private record Verified(Caller caller, long expiresAtMillis) {
    }

    /** SHA-256 of a token as four longs: a smaller key than a buffer around an array. */
    private record Digest(long a, long b, long c, long d) {
    }

    private final Cache<Digest, Verified> cache;
    private final LongAdder hits = new LongAdder();
    private final Clock clock;

    public VerifiedTokens(BrokerConfig config, Clock clock) {
        this.clock = clock;
        long size = config.auth().verifiedTokenCacheSize();
        long maxAgeNanos = config.auth().verifiedTokenMaxAge().toNanos();
        this.cache = size <= 0 ? null : Caffeine.newBuilder()
                .executor(Runnable::run) // read on every request: see CallerRateLimiter
                .maximumSize(size)
                .expireAfter(new Expiry<Digest, Verified>() {
                    @Override
                    public long expireAfterCreate(Digest key, Verified v, long currentTime) {
                        return Math.min(maxAgeNanos, nanosUntilExpiry(v));
                    }

                    @Override
                    public long expireAfterUpdate(Digest key, Verified v, long currentTime, long currentDuration) {
                        return Math.min(maxAgeNanos, nanosUntilExpiry(v));
                    }

                    @Override
                    public long expireAfterRead(Digest key, Verified v, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    /** The caller this exact token proved, if the token is still within its {@code exp}; else null. */
    Caller find(String rawToken) {
        if (cache == null) {
            return null;
        }
        Verified v = cache.getIfPresent(key(rawToken));
        if (v != null && nanosUntilExpiry(v) > 0) {
            hits.increment();
            return v.caller();
        }
        return null;
    }

    void remember(String rawToken, SecurityIdentity identity) {
        Caller caller = identity.getAttribute(Caller.ATTRIBUTE);
        if (cache != null && rawToken != null && caller != null && identity.getPrincipal() instanceof JsonWebToken jwt
                && jwt.getExpirationTime() > 0) {
            // Only the caller is kept, not the verified principal: it holds the raw token and every
            // claim, which nothing after authentication reads, and which would stay on the heap.
            cache.put(key(rawToken), new Verified(caller, TimeUnit.SECONDS.toMillis(jwt.getExpirationTime())));
        }
    }

    /** Requests answered without a signature check so far. */
    public long hits() {
        return hits.sum();
    }

    /** Drops everything, e.g. when verification keys change. */
    public void clear() {
        if (cache != null) {
            cache.invalidateAll();
        }
    }

    private long nanosUntilExpiry(Verified v) {
        long millis = v.expiresAtMillis() - clock.millis();
        return millis <= 0 ? 0 : TimeUnit.MILLISECONDS.toNanos(millis);
    }

    private static Digest key(String rawToken) {
        ByteBuffer d = ByteBuffer.wrap(ApiKeyRegistry.sha256(rawToken));
        return new Digest(d.getLong(), d.getLong(), d.getLong(), d.getLong());
    }
}
