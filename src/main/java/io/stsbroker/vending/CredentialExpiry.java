package io.stsbroker.vending;

import com.github.benmanes.caffeine.cache.Expiry;

import java.time.Clock;
import java.time.Duration;

/**
 * Expires each entry when its credential has {@code min-remaining} left, measured back from the
 * credential's own expiration on the broker's {@link Clock}; a failed mint's entry at once.
 *
 * <p><b>Note:</b> Caffeine passes ticker nanoseconds, not wall-clock time; the ticker is derived
 * from the same clock, so durations computed here from the clock agree with it.
 */
final class CredentialExpiry implements Expiry<CredentialKey, CachedCredential> {

    private final Clock clock;
    private final Duration minRemaining;

    CredentialExpiry(Clock clock, Duration minRemaining) {
        this.clock = clock;
        this.minRemaining = minRemaining;
    }

    long nanosUntilFloor(CachedCredential value) {
        if (value.failure() != null) {
            return 0; // a failed mint is answered to those waiting on it, never to later requests
        }
        Duration left = Duration.between(clock.instant(), value.credentials().expiration().minus(minRemaining));
        return left.isNegative() ? 0 : left.toNanos();
    }

    @Override
    public long expireAfterCreate(CredentialKey key, CachedCredential value, long currentTime) {
        return nanosUntilFloor(value);
    }

    @Override
    public long expireAfterUpdate(CredentialKey key, CachedCredential value, long currentTime, long currentDuration) {
        return nanosUntilFloor(value);
    }

    @Override
    public long expireAfterRead(CredentialKey key, CachedCredential value, long currentTime, long currentDuration) {
        return currentDuration;
    }
}
