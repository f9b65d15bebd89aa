package io.stsbroker.api;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.stsbroker.api.dto.ErrorBody;
import io.stsbroker.auth.AuthRefusals;
import io.stsbroker.config.BrokerConfig;
import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Vert.x-level plumbing for what happens before or outside JAX-RS, in this order on every request:
 * assign the request id; refuse headers above {@code broker.http.max-header-size} (431); refuse
 * plain HTTP when {@code broker.http.require-tls} is set (403, {@code /q/*} exempt); refuse a
 * declared body above {@code quarkus.http.limits.max-body-size} (413). All of that runs before
 * authentication, so no token is looked at for a request that is refused anyway. Responses produced
 * here or by the framework (failed proactive authentication, 429 for an address over its failure
 * limit, no route, body too large) get the same JSON error body as the API's own errors.
 *
 * <p><b>Note:</b> headers above {@code quarkus.http.limits.max-header-size} (the hard cap, set
 * above the broker's own limit) and request lines above {@code max-initial-line-length} are
 * refused by Vert.x's HTTP decoder before any handler runs: 431 or 414 with an empty body, then the
 * connection is closed. Quarkus offers no hook there.
 */
@Singleton
public class HttpRouting {

    private static final Logger LOG = Logger.getLogger(HttpRouting.class);
    static final String TLS_REQUIRED_MESSAGE = "This API is served over HTTPS only.";

    private final boolean requireTls;
    private final int maxHeaderSize;
    private final long maxBodySize;
    /** Paths with a body limit of their own, exempt from the declared-length check (the admission webhook). */
    private final Set<String> ownBodyLimit;
    @Inject
    AuthRefusals refusals;

    HttpRouting(BrokerConfig config,
                @ConfigProperty(name = "quarkus.http.limits.max-header-size") MemorySize vertxMaxHeaderSize,
                @ConfigProperty(name = "quarkus.http.limits.max-body-size") Optional<MemorySize> maxBodySize,
                @ConfigProperty(name = "quarkus.http.idle-timeout") Duration idleTimeout) {
        if (idleTimeout.compareTo(config.requestTimeout()) <= 0) {
            // A request waiting for STS exchanges no bytes: the connection would be closed as idle under it.
            throw new IllegalArgumentException("Invalid configuration quarkus.http.idle-timeout=" + idleTimeout
                    + ": must be longer than broker.request-timeout (" + config.requestTimeout() + ")");
        }
        this.requireTls = config.http().requireTls();
        this.maxHeaderSize = config.http().maxHeaderSize();
        if (maxHeaderSize <= 0 || maxHeaderSize >= vertxMaxHeaderSize.asLongValue()) {
            throw new IllegalArgumentException("Invalid configuration broker.http.max-header-size=" + maxHeaderSize
                    + ": must be positive and below quarkus.http.limits.max-header-size (" + vertxMaxHeaderSize.asLongValue()
                    + " bytes), where Vert.x refuses headers without the JSON error body");
        }
        this.maxBodySize = maxBodySize.map(MemorySize::asLongValue).orElse(Long.MAX_VALUE);
        this.ownBodyLimit = io.stsbroker.api.admission.AdmissionRoute.ownBodyLimitPaths(config.injector().enabled());
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            RequestIds.assign(ctx);
            if (headerBytes(ctx) > maxHeaderSize) {
                closeAfter(ctx);
                write(ctx, ErrorCode.HEADER_TOO_LARGE);
            } else if (requireTls && !ctx.request().isSSL() && !isPublic(ctx)) {
                write(ctx, ErrorCode.FORBIDDEN, TLS_REQUIRED_MESSAGE, null);
            } else if (declaredBodyLength(ctx) > maxBodySize && !ownBodyLimit.contains(ctx.normalizedPath())) {
                closeAfter(ctx);
                write(ctx, ErrorCode.PAYLOAD_TOO_LARGE);
            } else {
                ctx.next();
            }
        });
        router.route().order(Integer.MIN_VALUE).failureHandler(this::onFailure);
        for (int status : new int[] {404, 405, 406, 413, 415, 431}) {
            router.errorHandler(status, ctx -> write(ctx, ErrorCode.forStatus(status)));
        }
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
            write(ctx, b.code(), b.getMessage(), b.retryAfter().orElse(null));
        } else if (t instanceof AuthenticationFailedException || t instanceof AuthenticationCompletionException
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

    /** {@code /q/*}: health probes, metrics and the OpenAPI document; none takes a token. */
    private static boolean isPublic(RoutingContext ctx) {
        // Both forms must agree, so "/q/../v1/..." is not mistaken for a public path.
        String normalized = ctx.normalizedPath();
        String raw = ctx.request().path();
        return normalized != null && raw != null && normalized.startsWith("/q/") && raw.startsWith("/q/") && !raw.contains("..");
    }

    /** Header bytes as sent on the wire (HTTP/1.1 decodes them as ISO-8859-1: one char, one byte). */
    private static long headerBytes(RoutingContext ctx) {
        long n = 0;
        for (Map.Entry<String, String> h : ctx.request().headers()) {
            n += h.getKey().length() + h.getValue().length() + 4;
        }
        return n;
    }

    private static long declaredBodyLength(RoutingContext ctx) {
        String v = ctx.request().getHeader("Content-Length");
        if (v == null) {
            return -1;
        }
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            return -1; // the HTTP decoder has already refused malformed lengths
        }
    }

    /** The body (if any) will not be read: close the HTTP/1 connection rather than parse it as the next request. */
    private static void closeAfter(RoutingContext ctx) {
        if (ctx.request().version() != HttpVersion.HTTP_2) {
            ctx.response().putHeader("Connection", "close");
            ctx.response().endHandler(v -> ctx.request().connection().close());
        }
    }

    static void write(RoutingContext ctx, ErrorCode code) {
        write(ctx, code, ErrorResponses.defaultMessage(code), null);
    }

    static void write(RoutingContext ctx, ErrorCode code, String message, Duration retryAfter) {
        if (ctx.response().ended() || ctx.response().headWritten()) {
            return;
        }
        String requestId = RequestIds.of(ctx);
        ErrorBody body = new ErrorBody(code.code(), message, requestId, null);
        var response = ctx.response().setStatusCode(code.status())
                .putHeader("Content-Type", "application/json")
                .putHeader(RequestIds.HEADER, requestId);
        if (code == ErrorCode.UNAUTHORIZED) {
            response.putHeader("WWW-Authenticate", "Bearer");
        }
        if (retryAfter != null) {
            response.putHeader("Retry-After", Long.toString(ErrorResponses.retryAfterSeconds(retryAfter)));
        }
        response.end(ErrorResponses.json(body));
    }
}
