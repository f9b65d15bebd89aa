package io.stsbroker.vending;

import io.stsbroker.sts.AssumeRoleRequest;
import io.stsbroker.sts.StsCredentials;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a cached credential is refreshed in the background: first once {@code refresh-ahead} is left,
 * plus a jitter within the first quarter of the window down to {@code min-remaining} (so entries
 * minted together do not refresh together); a started refresh holds off others on the entry for
 * 30 s; after a failed one the next waits 5 s, doubling per failure up to 60 s.
 */
final class RefreshSchedule {

    /** How long a started refresh holds off others on the same entry (Caffeine dedupes too). */
    private static final long HOLD_MILLIS = 30_000;
    private static final long RETRY_BASE_MILLIS = 5_000;
    private static final long RETRY_MAX_MILLIS = 60_000;

    private final Clock clock;
    private final Duration refreshAhead;
    private final Duration minRemaining;

    RefreshSchedule(Clock clock, Duration refreshAhead, Duration minRemaining) {
        this.clock = clock;
        this.refreshAhead = refreshAhead;
        this.minRemaining = minRemaining;
    }

    /** A cache entry for fresh credentials, with its first refresh time drawn. */
    CachedCredential entry(AssumeRoleRequest call, StsCredentials creds, String roleName) {
        long windowMillis = refreshAhead.minus(minRemaining).toMillis();
        long jitter = ThreadLocalRandom.current().nextLong(Math.max(1, windowMillis / 4));
        Instant refreshAt = creds.expiration().minus(refreshAhead).plusMillis(jitter);
        return new CachedCredential(call, creds, roleName, refreshAt);
    }

    /** True for exactly one caller once the entry's refresh is due; that caller starts it. */
    boolean claim(CachedCredential entry) {
        return entry.claimRefresh(clock.millis(), HOLD_MILLIS);
    }

    /** After a failed refresh: puts off the next one and answers by how many milliseconds. */
    long failed(CachedCredential entry) {
        return entry.refreshFailed(clock.millis(), RETRY_BASE_MILLIS, RETRY_MAX_MILLIS);
    }
}
