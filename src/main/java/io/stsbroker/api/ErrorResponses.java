package io.stsbroker.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stsbroker.api.dto.ErrorBody;
import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Duration;

/**
 * The one writer of error responses: the JAX-RS mappers take a {@link Response} from
 * {@link #response}, the Vert.x handlers (request guards, failure and status handlers, the warm
 * route) call {@link #write}. Both send the same body ({@link ErrorBody}, {@code upstreamCode} only
 * when STS said no), the same status, and {@code WWW-Authenticate}/{@code Retry-After} under the same
 * conditions.
 */
@Singleton
public class ErrorResponses {

    private final ObjectMapper json;

    /** {@code json}: the mapper Quarkus configures (the same one that writes the API's bodies). */
    ErrorResponses(ObjectMapper json) {
        this.json = json;
    }

    /** For JAX-RS: the error as a response; the framework writes it. */
    Response response(BrokerException e, String requestId) {
        // No X-Request-Id here: RequestGuards set it on the response before JAX-RS ran, and adding it
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

    /** For JAX-RS: an error the framework raised by status alone, with its {@link #defaultMessage}. */
    Response response(ErrorCode code, String requestId) {
        return response(new BrokerException(code, defaultMessage(code)), requestId);
    }

    /** For Vert.x: an error raised by status alone, with its {@link #defaultMessage}. */
    public void write(RoutingContext ctx, ErrorCode code) {
        write(ctx, new BrokerException(code, defaultMessage(code)));
    }

    /**
     * For Vert.x: ends the response with this error, unless something was already sent (then the
     * status line is out and nothing more can be said).
     */
    public void write(RoutingContext ctx, BrokerException e) {
        if (ctx.response().ended() || ctx.response().headWritten()) {
            return;
        }
        String requestId = RequestIds.of(ctx);
        var response = ctx.response().setStatusCode(e.code().status())
                .putHeader("Content-Type", "application/json")
                .putHeader(RequestIds.HEADER, requestId);
        if (e.code() == ErrorCode.UNAUTHORIZED) {
            response.putHeader("WWW-Authenticate", "Bearer");
        }
        e.retryAfter().ifPresent(d -> response.putHeader("Retry-After", Long.toString(retryAfterSeconds(d))));
        response.end(json(body(e, requestId)));
    }

    private static ErrorBody body(BrokerException e, String requestId) {
        return new ErrorBody(e.code().code(), e.getMessage(), requestId, e.upstreamCode().orElse(null));
    }

    /** Whole seconds, rounded up and at least 1: {@code Retry-After: 0} would invite an immediate retry. */
    static long retryAfterSeconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }

    private String json(ErrorBody body) {
        try {
            return json.writeValueAsString(body);
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
