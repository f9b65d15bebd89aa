package io.stsbroker.client;

import java.time.Duration;
import java.util.Optional;

/**
 * The broker could not answer now (HTTP 429, 503, 504 or a network failure); the request may
 * succeed later, after {@link #retryAfter()} if the broker said when.
 */
public class BrokerUnavailableException extends BrokerException {
    private static final long serialVersionUID = 1L;

    private final Duration retryAfter;

    public BrokerUnavailableException(String message, BrokerError error, Duration retryAfter, Throwable cause) {
        super(message, error, cause);
        this.retryAfter = retryAfter;
    }

    /** How long the broker asked callers to wait ({@code Retry-After}), if it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    @Override
    public boolean retryable() {
        return true;
    }
}
