package io.stsbroker.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.stsbroker.auth.AuthRefusals;
import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.concurrent.CompletionException;

/**
 * Maps every exception that reaches JAX-RS to the JSON error body: the broker's own
 * {@link BrokerException}, framework statuses (404, 405, 406, 415, malformed JSON), and, as a last
 * resort, anything else to a 500 whose body says nothing about the cause.
 */
public class ExceptionMappers {

    private static final Logger LOG = Logger.getLogger(ExceptionMappers.class);

    @Inject
    AuthRefusals refusals;
    @Inject
    ErrorResponses errors;

    @ServerExceptionMapper
    public Response broker(BrokerException e, RoutingContext ctx) {
        return errors.response(e, RequestIds.of(ctx));
    }

    @ServerExceptionMapper
    public Response completion(CompletionException e, RoutingContext ctx) {
        if (e.getCause() instanceof BrokerException b) {
            return broker(b, ctx);
        }
        return unexpected(e.getCause() == null ? e : e.getCause(), ctx);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, RoutingContext ctx) {
        ErrorCode code = ErrorCode.forStatus(e.getResponse().getStatus());
        if (code == ErrorCode.INTERNAL_ERROR) {
            return unexpected(e, ctx);
        }
        return errors.response(code, RequestIds.of(ctx));
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e, RoutingContext ctx) {
        // Jackson's message can quote the input, which may be a secret pasted in the wrong field.
        return errors.response(new BrokerException(ErrorCode.INVALID_PARAMETER,
                "The request body is not valid JSON of the expected shape."), RequestIds.of(ctx));
    }

    @ServerExceptionMapper({AuthenticationFailedException.class, UnauthorizedException.class})
    public Response unauthorized(RuntimeException e, RoutingContext ctx) {
        String requestId = RequestIds.of(ctx);
        refusals.record(ctx, e, requestId); // e.g. no token for an @Authenticated resource: reason "missing"
        return errors.response(ErrorCode.UNAUTHORIZED, requestId);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, RoutingContext ctx) {
        return errors.response(ErrorCode.FORBIDDEN, RequestIds.of(ctx));
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable t, RoutingContext ctx) {
        String requestId = RequestIds.of(ctx);
        if (ctx != null && ctx.response().ended()) {
            // The framework already answered while JAX-RS was reading the request (a chunked body cut
            // off with 413): the caller's doing, not a broker fault; the response below is never sent.
            LOG.debugf("%s after the response to request %s was sent", t.getClass().getName(), requestId);
        } else {
            // Class name only: messages of arbitrary exceptions may carry request data.
            LOG.errorf("Unexpected %s for request %s", t.getClass().getName(), requestId);
            LOG.debug("Unexpected failure detail", t);
        }
        return errors.response(ErrorCode.INTERNAL_ERROR, requestId);
    }
}
