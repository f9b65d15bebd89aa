package io.stsbroker.api;

import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.stsbroker.auth.AuthRefusals;
import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * Maps failures outside JAX-RS to the JSON error body: failed proactive authentication (401), 429
 * for an address over its failure limit, other {@link BrokerException}s, framework statuses, and
 * anything else to a 500 that says nothing about the cause. JAX-RS's own failures go through
 * {@link ExceptionMappers} instead.
 */
@Singleton
class FailureResponses {

    private static final Logger LOG = Logger.getLogger(FailureResponses.class);

    private final AuthRefusals refusals;
    private final ErrorResponses errors;

    FailureResponses(AuthRefusals refusals, ErrorResponses errors) {
        this.refusals = refusals;
        this.errors = errors;
    }

    void install(@Observes Router router) {
        router.route().order(RouteOrder.FAILURES).failureHandler(this::onFailure);
    }

    private void onFailure(RoutingContext ctx) {
        Throwable t = ctx.failure();
        if (ctx.response().ended()) {
            // Already answered (a chunked body cut off with 413 while JAX-RS read it): nothing left to say.
            LOG.debugf("Failure after the response was sent, request %s: %s", RequestIds.of(ctx),
                    t == null ? "status " + ctx.statusCode() : t.getClass().getName());
            return;
        }
        refusals.record(ctx, t, RequestIds.of(ctx)); // failed authentication: logged and counted with its reason
        if (t instanceof BrokerException b) {
            errors.write(ctx, b);
        } else if (t instanceof AuthenticationFailedException || t instanceof AuthenticationCompletionException
                || t instanceof UnauthorizedException) {
            errors.write(ctx, ErrorCode.UNAUTHORIZED);
        } else if (t instanceof ForbiddenException) {
            errors.write(ctx, ErrorCode.FORBIDDEN);
        } else if (t == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
            errors.write(ctx, ErrorCode.forStatus(ctx.statusCode()));
        } else {
            LOG.errorf("Unhandled failure for request %s: %s", RequestIds.of(ctx),
                    t == null ? "status " + ctx.statusCode() : t.getClass().getName());
            errors.write(ctx, ErrorCode.INTERNAL_ERROR);
        }
    }
}
