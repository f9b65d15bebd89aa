package io.stsbroker.error;

/**
 * The stable error vocabulary of the broker's HTTP API: each code has exactly one HTTP status.
 *
 * <p>Codes are part of the public contract (clients switch on them), so they are never renamed.
 */
public enum ErrorCode {
    INVALID_PARAMETER("InvalidParameter", 400),
    UNAUTHORIZED("Unauthorized", 401),
    FORBIDDEN("Forbidden", 403),
    NOT_FOUND("NotFound", 404),
    METHOD_NOT_ALLOWED("MethodNotAllowed", 405),
    NOT_ACCEPTABLE("NotAcceptable", 406),
    PAYLOAD_TOO_LARGE("PayloadTooLarge", 413),
    UNSUPPORTED_MEDIA_TYPE("UnsupportedMediaType", 415),
    THROTTLING("Throttling", 429),
    HEADER_TOO_LARGE("HeaderTooLarge", 431),
    INTERNAL_ERROR("InternalError", 500),
    UPSTREAM_ERROR("UpstreamError", 502),
    UPSTREAM_UNAVAILABLE("UpstreamUnavailable", 503);

    private final String code;
    private final int status;

    ErrorCode(String code, int status) {
        this.code = code;
        this.status = status;
    }

    /** The value of the {@code code} field in error bodies. */
    public String code() {
        return code;
    }

    public int status() {
        return status;
    }

    /** The code for an HTTP status the framework produced on its own (404, 405, 413, ...). */
    public static ErrorCode forStatus(int status) {
        for (ErrorCode c : values()) {
            if (c.status == status) {
                return c;
            }
        }
        return status >= 500 ? INTERNAL_ERROR : INVALID_PARAMETER;
    }
}
