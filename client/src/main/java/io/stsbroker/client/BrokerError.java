package io.stsbroker.client;

import java.util.Optional;

/**
 * What went wrong talking to the broker: its HTTP status and error body, or a client-side code.
 *
 * @param httpStatus   the broker's HTTP status, or {@code 0} when no response was received
 * @param code         the broker's {@code code} (e.g. {@code Forbidden}) or one of the
 *                     {@code CLIENT_*} codes below for failures detected by this library
 * @param message      the broker's {@code message}, or a description of the client-side failure
 * @param requestId    the broker's {@code requestId} (or {@code X-Request-Id}), or {@code null}
 * @param upstreamCode STS's error code when STS refused the broker, or {@code null}
 */
public record BrokerError(int httpStatus, String code, String message, String requestId, String upstreamCode) {

    /** Configuration is missing or unusable: no broker URL, no token, unreadable token or CA file. */
    public static final String CLIENT_CONFIGURATION = "ClientConfiguration";
    /** The broker could not be reached, or the connection failed mid-request. */
    public static final String CLIENT_NETWORK = "ClientNetworkError";
    /** The broker answered with a body this client cannot understand. */
    public static final String CLIENT_MALFORMED_RESPONSE = "ClientMalformedResponse";
    /** The broker handed out credentials with too little time left to be handed on (clock skew?). */
    public static final String CLIENT_CREDENTIALS_TOO_SHORT = "ClientCredentialsTooShort";
    /** The calling thread was interrupted while waiting. */
    public static final String CLIENT_INTERRUPTED = "ClientInterrupted";

    /** A failure detected by this library before or without a broker response. */
    public static BrokerError client(String code, String message) {
        return new BrokerError(0, code, message, null, null);
    }

    public Optional<String> requestIdIfKnown() {
        return Optional.ofNullable(requestId);
    }

    public Optional<String> upstreamCodeIfKnown() {
        return Optional.ofNullable(upstreamCode);
    }
}
