package io.stsbroker.sts;

import java.util.Set;

/**
 * The one place where STS error codes are sorted into what the broker does about them.
 *
 * <ul>
 *   <li>{@link Kind#RETRYABLE}: throttling, server errors, network failures; retried with backoff,
 *       and a cached credential keeps being served while it is above {@code min-remaining}.</li>
 *   <li>{@link Kind#REVOKED}: the cloud withdrew the grant ({@code NoPermission},
 *       {@code EntityNotExist.Role}); the cached credential is evicted so the revocation takes
 *       effect.</li>
 *   <li>{@link Kind#PERMANENT}: anything else STS rejected (bad signature, bad parameter, unknown
 *       key); retrying cannot help.</li>
 * </ul>
 */
public final class UpstreamErrors {

    public enum Kind { RETRYABLE, PERMANENT, REVOKED }

    private static final Set<String> REVOKED_CODES = Set.of("NoPermission", "EntityNotExist.Role");
    private static final Set<Integer> RETRYABLE_STATUSES = Set.of(408, 429, 500, 502, 503, 504);

    private UpstreamErrors() {
    }

    /**
     * @param code       the STS {@code Code}, or null when no STS answer was read (network error)
     * @param httpStatus the HTTP status STS answered with, or 0 when there was none
     */
    public static Kind classify(String code, int httpStatus) {
        if (code == null) {
            return Kind.RETRYABLE;
        }
        if (REVOKED_CODES.contains(code)) {
            return Kind.REVOKED;
        }
        if (code.startsWith("Throttling") || code.equals("ServiceUnavailable") || code.equals("InternalError")
                || code.equals("SignatureNonceUsed") || code.equals("RequestTimeout")) {
            return Kind.RETRYABLE;
        }
        if (code.startsWith("InvalidParameter") || code.startsWith("InvalidAccessKeyId")
                || code.startsWith("InvalidSecurityToken") || code.startsWith("InvalidTimeStamp")
                || code.equals("SignatureDoesNotMatch") || code.equals("IncompleteSignature")
                || code.equals("MissingSecurityToken")) {
            return Kind.PERMANENT;
        }
        return RETRYABLE_STATUSES.contains(httpStatus) ? Kind.RETRYABLE : Kind.PERMANENT;
    }
}
