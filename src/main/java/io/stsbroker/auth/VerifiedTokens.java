package io.stsbroker.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.quarkus.security.identity.SecurityIdentity;
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

    private final Cache<ByteBuffer, SecurityIdentity> cache;
    private final LongAdder hits = new LongAdder();

    public VerifiedTokens(BrokerConfig config) {
        long size = config.auth().verifiedTokenCacheSize();
        long maxAgeNanos = config.auth().verifiedTokenMaxAge().toNanos();
        this.cache = size <= 0 ? null : Caffeine.newBuilder()
                .maximumSize(size)
                .expireAfter(new Expiry<ByteBuffer, SecurityIdentity>() {
                    @Override
                    public long expireAfterCreate(ByteBuffer key, SecurityIdentity id, long currentTime) {
                        return Math.min(maxAgeNanos, nanosUntilExpiry(id));
                    }

                    @Override
                    public long expireAfterUpdate(ByteBuffer key, SecurityIdentity id, long currentTime, long currentDuration) {
                        return Math.min(maxAgeNanos, nanosUntilExpiry(id));
                    }

                    @Override
                    public long expireAfterRead(ByteBuffer key, SecurityIdentity id, long currentTime, long currentDuration) {
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
        SecurityIdentity id = cache.getIfPresent(key(rawToken));
        if (id != null && nanosUntilExpiry(id) > 0) {
            hits.increment();
            return id;
        }
        return null;
    }

    void remember(String rawToken, SecurityIdentity identity) {
        if (cache != null && rawToken != null) {
            cache.put(key(rawToken), identity);
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

    private static long nanosUntilExpiry(SecurityIdentity id) {
        if (!(id.getPrincipal() instanceof JsonWebToken jwt) || jwt.getExpirationTime() <= 0) {
            return 0;
        }
        long millis = TimeUnit.SECONDS.toMillis(jwt.getExpirationTime()) - System.currentTimeMillis();
        return millis <= 0 ? 0 : TimeUnit.MILLISECONDS.toNanos(millis);
    }

    private static ByteBuffer key(String rawToken) {
        return ByteBuffer.wrap(ApiKeyRegistry.sha256(rawToken));
    }
}
