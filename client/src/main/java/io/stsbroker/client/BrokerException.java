package io.stsbroker.client;

import java.util.Optional;

/**
 * The broker refused a request, could not be reached, or its answer was unusable; carries the
 * broker's {@code code}, {@code requestId} and {@code upstreamCode}.
 *
 * <p>Subclasses mark the cases a caller handles differently: {@link BrokerAuthenticationException}
 * (401), {@link BrokerAccessDeniedException} (403), {@link BrokerUnavailableException} (worth
 * retrying). Messages say what to fix and never contain a token, secret or security token.
 */
public class BrokerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient BrokerError error;

    public BrokerException(String message, BrokerError error, Throwable cause) {
        super(message, cause);
        this.error = error;
    }

    public BrokerException(String message, BrokerError error) {
        this(message, error, null);
    }

    /** The structured details behind this exception. */
    public BrokerError error() {
        return error;
    }

    /** The broker's HTTP status, or {@code 0} when no response was received. */
    public int httpStatus() {
        return error.httpStatus();
    }

    /** The broker's error {@code code}, or a {@code BrokerError.CLIENT_*} code. */
    public String code() {
        return error.code();
    }

    /** The broker's request id, to quote when asking the broker's operators. */
    public Optional<String> requestId() {
        return error.requestIdIfKnown();
    }

    /** STS's own error code when STS refused the broker (HTTP 502). */
    public Optional<String> upstreamCode() {
        return error.upstreamCodeIfKnown();
    }

    /** Whether the same request may succeed if sent again later. */
    public boolean retryable() {
        return false;
    }
}
