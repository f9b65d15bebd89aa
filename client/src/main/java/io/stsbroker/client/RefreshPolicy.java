package io.stsbroker.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When a cached credential is refreshed in the background and when it may no longer be handed
 * out, both measured back from the credential's own expiration.
 *
 * <p>The broker hands out credentials with at least 20 minutes left and credentials-java treats
 * 15 minutes or less as stale (it would then call back on every use), so by default this client
 * starts a background refresh once 18 minutes (less up to 1 minute of jitter) are left and never
 * hands out a credential with 16 minutes or less left.
 *
 * @param refreshBefore start a background refresh once less than this is left. By default, 18 minutes.
 * @param minRemaining  never hand out a credential with this much or less left; fetch a new one
 *                      first. By default, 16 minutes.
 * @param jitter        each credential's refresh point is moved later by a random part of this, so
 *                      replicas that fetched together do not refresh together. By default, 1 minute.
 * @param retryInterval after a background refresh attempt, wait at least this long before the
 *                      next one, so a broker outage is not met with a request per call. By default,
 *                      15 seconds.
 */
public record RefreshPolicy(Duration refreshBefore, Duration minRemaining, Duration jitter, Duration retryInterval) {

    /** 18 minutes refresh-ahead, 16 minutes floor, 1 minute jitter, 15 seconds between background attempts. */
    public static final RefreshPolicy DEFAULT = new RefreshPolicy(
            Duration.ofMinutes(18), Duration.ofMinutes(16), Duration.ofMinutes(1), Duration.ofSeconds(15));

    /** What the cache does with a credential at a given instant. */
    public enum Action {
        /** Hand out the cached credential. */
        SERVE,
        /** Hand out the cached credential and start a background refresh if none is running. */
        SERVE_AND_REFRESH,
        /** Do not hand out the cached credential: fetch a new one first and wait for it. */
        FETCH_FIRST
    }

    public RefreshPolicy {
        Objects.requireNonNull(refreshBefore, "refreshBefore");
        Objects.requireNonNull(minRemaining, "minRemaining");
        Objects.requireNonNull(jitter, "jitter");
        Objects.requireNonNull(retryInterval, "retryInterval");
        if (minRemaining.isNegative() || jitter.isNegative() || retryInterval.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative: minRemaining=" + minRemaining
                    + " jitter=" + jitter + " retryInterval=" + retryInterval);
        }
        if (refreshBefore.minus(jitter).compareTo(minRemaining) <= 0) {
            throw new IllegalArgumentException("refreshBefore minus jitter must exceed minRemaining, or the"
                    + " background refresh could never run: refreshBefore=" + refreshBefore + " jitter=" + jitter
                    + " minRemaining=" + minRemaining);
        }
    }

    /**
     * The instant from which a background refresh is due, for a credential expiring at
     * {@code expiration} and a random {@code jitterFraction} in [0, 1).
     */
    public Instant refreshAt(Instant expiration, double jitterFraction) {
        if (jitterFraction < 0 || jitterFraction >= 1) {
            throw new IllegalArgumentException("jitterFraction must be in [0, 1): " + jitterFraction);
        }
        long jitterMillis = (long) (jitter.toMillis() * jitterFraction);
        return expiration.minus(refreshBefore).plusMillis(jitterMillis);
    }

    /** The instant from which a credential expiring at {@code expiration} must no longer be handed out. */
    public Instant staleAt(Instant expiration) {
        return expiration.minus(minRemaining);
    }

    /** Whether a newly fetched credential may be handed out at all at {@code now}. */
    public boolean usable(Instant now, Instant expiration) {
        return now.isBefore(staleAt(expiration));
    }

    /**
     * Decides what to do at {@code now} with a cached credential expiring at {@code expiration},
     * whose refresh is due at {@code refreshAt}, when the last background attempt was at
     * {@code lastAttempt} ({@code null} if none).
     */
    public Action decide(Instant now, Instant expiration, Instant refreshAt, Instant lastAttempt) {
        if (!usable(now, expiration)) {
            return Action.FETCH_FIRST;
        }
        boolean due = !now.isBefore(refreshAt);
        boolean backedOff = lastAttempt == null || !now.isBefore(lastAttempt.plus(retryInterval));
        return due && backedOff ? Action.SERVE_AND_REFRESH : Action.SERVE;
    }
}
