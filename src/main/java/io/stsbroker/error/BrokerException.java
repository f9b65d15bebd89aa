package io.stsbroker.error;

import java.time.Duration;
import java.util.Optional;

/**
 * A failure that the API turns into an error response: it carries the error code (and so the
 * HTTP status), a message safe to show the caller, and optionally the upstream STS code and a
 * retry hint.
 *
 * <p><b>Note:</b> the message is sent to callers verbatim. It must never contain a secret, a token,
 * or anything that reveals a role to a caller without the grant.
 */
public class BrokerException extends RuntimeException {

    private final ErrorCode code;
    private final String upstreamCode;
    private final Duration retryAfter;

    public BrokerException(ErrorCode code, String message) {
        this(code, message, null, null, null);
    }

    public BrokerException(ErrorCode code, String message, String upstreamCode, Duration retryAfter, Throwable cause) {
        // No stack trace capture: these are expected outcomes, thrown on hot paths.
        super(message, cause, false, false);
        this.code = code;
        this.upstreamCode = upstreamCode;
        this.retryAfter = retryAfter;
    }

    public ErrorCode code() {
        return code;
    }

    public Optional<String> upstreamCode() {
        return Optional.ofNullable(upstreamCode);
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
