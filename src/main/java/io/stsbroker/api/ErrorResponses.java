package io.stsbroker.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stsbroker.api.dto.ErrorBody;
import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Duration;

/** Builds the one error response shape, for JAX-RS mappers and for Vert.x handlers alike. */
final class ErrorResponses {

    static final ObjectMapper JSON = new ObjectMapper();

    private ErrorResponses() {
    }

    static ErrorBody body(BrokerException e, String requestId) {
        return new ErrorBody(e.code().code(), e.getMessage(), requestId, e.upstreamCode().orElse(null));
    }

    static Response response(BrokerException e, String requestId) {
        // No X-Request-Id here: HttpRouting set it on the response before JAX-RS ran, and adding it
        // again would send the header twice.
        Response.ResponseBuilder r = Response.status(e.code().status())
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(body(e, requestId));
        e.retryAfter().ifPresent(d -> r.header("Retry-After", retryAfterSeconds(d)));
        if (e.code() == ErrorCode.UNAUTHORIZED) {
            r.header("WWW-Authenticate", "Bearer");
        }
        return r.build();
    }

    static long retryAfterSeconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }

    static String json(ErrorBody body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            return "{\"code\":\"InternalError\",\"message\":\"error body could not be written\"}";
        }
    }

    /** The message for an error the framework raised by status alone. */
    static String defaultMessage(ErrorCode code) {
        return switch (code) {
            case UNAUTHORIZED -> "Missing, malformed, expired or unverifiable bearer token.";
            case FORBIDDEN -> "The caller may not do this.";
            case NOT_FOUND -> "No such resource.";
            case METHOD_NOT_ALLOWED -> "This method is not allowed on this resource.";
            case NOT_ACCEPTABLE -> "This resource answers in application/json only.";
            case PAYLOAD_TOO_LARGE -> "The request body is too large.";
            case UNSUPPORTED_MEDIA_TYPE -> "The request body must be application/json.";
            case HEADER_TOO_LARGE -> "The request headers are too large.";
            case THROTTLING -> "Too many requests; slow down.";
            case INVALID_PARAMETER -> "The request is malformed.";
            case UPSTREAM_ERROR -> "The token service rejected the request.";
            case UPSTREAM_UNAVAILABLE -> "The token service is unavailable; try again shortly.";
            case INTERNAL_ERROR -> "The broker failed unexpectedly; the request id identifies the log entry.";
        };
    }
}
