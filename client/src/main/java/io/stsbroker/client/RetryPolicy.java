package io.stsbroker.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How often and how long to retry a broker request that failed with a retryable error
 * (HTTP 429, 503, 504 or a network failure).
 *
 * <p>The wait before retry {@code n} (1-based) is {@code baseDelay * 2^(n-1)} with up to half of it
 * removed at random (so replicas do not retry in step), capped at {@code maxDelay}, or the broker's
 * {@code Retry-After} if that is longer ({@code Retry-After: 0} does not cut the backoff short). <b>Note:</b> if the broker asks for a longer wait than
 * {@code maxDelay}, the request fails at once instead of blocking the caller that long.
 *
 * @param maxAttempts total attempts including the first; 1 disables retries. By default, 3.
 * @param baseDelay   the first backoff when the broker gave no {@code Retry-After}. By default, 250 ms.
 * @param maxDelay    the longest single wait. By default, 10 seconds.
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {

    /** 3 attempts, 250 ms base delay, 10 s maximum delay. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(3, Duration.ofMillis(250), Duration.ofSeconds(10));

    /** A single attempt: errors surface immediately. */
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);

    public RetryPolicy {
        Objects.requireNonNull(baseDelay, "baseDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (maxAttempts < 1 || maxAttempts > 10) {
            throw new IllegalArgumentException("maxAttempts must be between 1 and 10: " + maxAttempts);
        }
        if (baseDelay.isNegative() || maxDelay.isNegative()) {
            throw new IllegalArgumentException("delays must not be negative: " + baseDelay + " " + maxDelay);
        }
        if (baseDelay.compareTo(maxDelay) > 0) {
            throw new IllegalArgumentException("baseDelay must not exceed maxDelay: " + baseDelay + " > " + maxDelay);
        }
    }

    /** The backoff before retry {@code retry} (1-based) given a random {@code fraction} in [0, 1). */
    public Duration backoff(int retry, double fraction) {
        Duration full = baseDelay;
        for (int i = 1; i < retry && full.compareTo(maxDelay) < 0; i++) {
            full = full.multipliedBy(2);
        }
        if (full.compareTo(maxDelay) > 0) {
            full = maxDelay;
        }
        long millis = full.toMillis();
        return Duration.ofMillis(millis - (long) (millis / 2.0 * fraction));
    }
}
