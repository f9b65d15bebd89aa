package io.stsbroker.api;

import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.stsbroker.api.dto.ErrorBody;
import io.stsbroker.error.ErrorCode;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * Vert.x-level plumbing for what happens before or outside JAX-RS: assigns the request id first,
 * and gives responses produced there (failed proactive authentication, no route, body too large)
 * the same JSON error body as the API's own errors.
 */
@Singleton
public class HttpRouting {

    private static final Logger LOG = Logger.getLogger(HttpRouting.class);

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            RequestIds.assign(ctx);
            ctx.next();
        });
        router.route().order(Integer.MIN_VALUE).failureHandler(this::onFailure);
        for (int status : new int[] {404, 405, 406, 413, 415, 431}) {
            router.errorHandler(status, ctx -> write(ctx, ErrorCode.forStatus(status)));
        }
    }

    private void onFailure(RoutingContext ctx) {
        Throwable t = ctx.failure();
        if (t instanceof AuthenticationFailedException || t instanceof AuthenticationCompletionException
                || t instanceof UnauthorizedException) {
            write(ctx, ErrorCode.UNAUTHORIZED);
        } else if (t instanceof ForbiddenException) {
            write(ctx, ErrorCode.FORBIDDEN);
        } else if (t == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
            write(ctx, ErrorCode.forStatus(ctx.statusCode()));
        } else {
            LOG.errorf("Unhandled failure for request %s: %s", RequestIds.of(ctx),
                    t == null ? "status " + ctx.statusCode() : t.getClass().getName());
            write(ctx, ErrorCode.INTERNAL_ERROR);
        }
    }

    static void write(RoutingContext ctx, ErrorCode code) {
        if (ctx.response().ended() || ctx.response().headWritten()) {
            return;
        }
        String requestId = RequestIds.of(ctx);
        ErrorBody body = new ErrorBody(code.code(), ErrorResponses.defaultMessage(code), requestId, null);
        var response = ctx.response().setStatusCode(code.status())
                .putHeader("Content-Type", "application/json")
                .putHeader(RequestIds.HEADER, requestId);
        if (code == ErrorCode.UNAUTHORIZED) {
            response.putHeader("WWW-Authenticate", "Bearer");
        }
        response.end(ErrorResponses.json(body));
    }
}
