package io.stsbroker.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.stsbroker.config.BrokerConfig;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Identities of JWTs that SmallRye JWT has verified, by SHA-256 of the whole token; an entry is
 * forgotten at the token's own {@code exp} or after {@code broker.auth.verified-token-max-age},
 * whichever comes first, so an expired token is never served from here.
 *
 * <p>Only the signature check is skipped: authorization still runs on every request, so a grant
 * revoked in the role catalogue applies at once. Wall-clock time is used, as the verifier does.
 */
@Singleton
public class VerifiedTokens {

    /** An identity with its token's {@code exp} read once, not from the claims on every request. */
    private record Verified(SecurityIdentity identity, long expiresAtMillis) {
    }

    private final Cache<ByteBuffer, Verified> cache;
    private final LongAdder hits = new LongAdder();

    public VerifiedTokens(BrokerConfig config) {
        long size = config.auth().verifiedTokenCacheSize();
        long maxAgeNanos = config.auth().verifiedTokenMaxAge().toNanos();
        this.cache = size <= 0 ? null : Caffeine.newBuilder()
                .executor(Runnable::run) // read on every request: see CallerRateLimiter
                .maximumSize(size)
                .expireAfter(new Expiry<ByteBuffer, Verified>() {
                    @Override
                    public long expireAfterCreate(ByteBuffer key, Verified v, long currentTime) {
                        return Math.min(maxAgeNanos, nanosUntilExpiry(v));
                    }

                    @Override
                    public long expireAfterUpdate(ByteBuffer key, Verified v, long currentTime, long currentDuration) {
                        return Math.min(maxAgeNanos, nanosUntilExpiry(v));
                    }

                    @Override
                    public long expireAfterRead(ByteBuffer key, Verified v, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    /** The remembered identity for this exact token, if it is still within its {@code exp}. */
    SecurityIdentity find(String rawToken) {
        if (cache == null) {
            return null;
        }
        Verified v = cache.getIfPresent(key(rawToken));
        if (v != null && nanosUntilExpiry(v) > 0) {
            hits.increment();
            return v.identity();
        }
        return null;
    }

    void remember(String rawToken, SecurityIdentity identity) {
        Caller caller = identity.getAttribute(Caller.ATTRIBUTE);
        if (cache != null && rawToken != null && caller != null && identity.getPrincipal() instanceof JsonWebToken jwt
                && jwt.getExpirationTime() > 0) {
            // Only the caller is kept, not the verified principal: it holds the raw token and every
            // claim, which nothing after authentication reads, and which would stay on the heap.
            SecurityIdentity slim = QuarkusSecurityIdentity.builder()
                    .setPrincipal(new QuarkusPrincipal(caller.identity()))
                    .addAttribute(Caller.ATTRIBUTE, caller)
                    .build();
            cache.put(key(rawToken), new Verified(slim, TimeUnit.SECONDS.toMillis(jwt.getExpirationTime())));
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

    private static long nanosUntilExpiry(Verified v) {
        long millis = v.expiresAtMillis() - System.currentTimeMillis();
        return millis <= 0 ? 0 : TimeUnit.MILLISECONDS.toNanos(millis);
    }

    private static ByteBuffer key(String rawToken) {
        return ByteBuffer.wrap(ApiKeyRegistry.sha256(rawToken));
    }
}
