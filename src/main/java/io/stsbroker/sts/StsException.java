package io.stsbroker.sts;

import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;

import java.time.Duration;

/**
 * STS refused, failed or could not be reached; {@link #kind()} says what the broker should do
 * about it (see {@link UpstreamErrors#classify}).
 *
 * <p>The message names the upstream code and request id only; STS messages are not copied into
 * it, because callers see it.
 */
public final class StsException extends BrokerException {

    private final UpstreamErrors.Kind kind;
    private final String upstreamRequestId;

    public StsException(String upstreamCode, int httpStatus, String upstreamRequestId, Throwable cause) {
        this(upstreamCode, UpstreamErrors.classify(upstreamCode, httpStatus), upstreamRequestId, cause);
    }

    private StsException(String upstreamCode, UpstreamErrors.Kind kind, String upstreamRequestId, Throwable cause) {
        super(kind == UpstreamErrors.Kind.RETRYABLE ? ErrorCode.UPSTREAM_UNAVAILABLE : ErrorCode.UPSTREAM_ERROR,
                message(upstreamCode, kind, upstreamRequestId), upstreamCode,
                kind == UpstreamErrors.Kind.RETRYABLE ? Duration.ofSeconds(1) : null, cause);
        this.kind = kind;
        this.upstreamRequestId = upstreamRequestId;
    }

    /** STS could not be reached or did not answer in time (no upstream code). */
    public static StsException unreachable(String what, Throwable cause) {
        return new StsException(null, UpstreamErrors.Kind.RETRYABLE, null,
                cause == null ? new RuntimeException(what) : cause);
    }

    public UpstreamErrors.Kind kind() {
        return kind;
    }

    public String upstreamRequestId() {
        return upstreamRequestId;
    }

    private static String message(String upstreamCode, UpstreamErrors.Kind kind, String requestId) {
        if (upstreamCode == null) {
            return "The token service could not be reached; try again shortly.";
        }
        String id = requestId == null ? "" : " (STS RequestId " + requestId + ")";
        return switch (kind) {
            case RETRYABLE -> "The token service is throttling or failing: " + upstreamCode + id + "; try again shortly.";
            case REVOKED -> "The token service refused this role for the broker: " + upstreamCode + id
                    + ". The role's trust policy or the broker's RAM permissions must be fixed.";
            case PERMANENT -> "The token service rejected the broker's request: " + upstreamCode + id + ".";
        };
    }
}
