package io.stsbroker.api;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.stsbroker.error.BrokerException;
import io.stsbroker.error.ErrorCode;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import java.time.Duration;

/**
 * Refuses requests that arrive once shutdown has begun (SIGTERM): 503 {@code UpstreamUnavailable}
 * with {@code Retry-After: 1} and {@code Connection: close}, so a client retries on another replica
 * instead of waiting on one that is leaving. Requests already in flight are not touched: Quarkus
 * waits for them up to {@code quarkus.shutdown.timeout} before it stops the server (which
 * {@code config.BrokerConfigValidator} holds above {@code broker.request-timeout}).
 *
 * <p>Why this exists: Quarkus's own graceful shutdown keeps serving new requests until its server
 * stops (it only adds {@code Connection: close}), and readiness reaches the load balancer late.
 * Shutdown begins when Quarkus fires {@link ShutdownDelayInitiatedEvent} (its pre-shutdown phase,
 * with {@code quarkus.shutdown.delay-enabled}), the same moment its readiness check turns DOWN.
 */
@Singleton
public class ShutdownGate {

    static final String MESSAGE = "This broker replica is shutting down; retry.";
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final ErrorResponses errors;
    private volatile boolean closing;

    ShutdownGate(ErrorResponses errors) {
        this.errors = errors;
    }

    void onShutdownBegun(@Observes ShutdownDelayInitiatedEvent event) {
        closing = true;
    }

    /**
     * Answers the request with the refusal once shutdown has begun and returns true; otherwise does
     * nothing and returns false. Called first by {@link RequestGuards}, so it costs a volatile read
     * per request rather than a route of its own.
     */
    boolean refused(RoutingContext ctx) {
        if (!closing) {
            return false;
        }
        if (ctx.request().version() != HttpVersion.HTTP_2) {
            ctx.response().putHeader("Connection", "close");
        }
        errors.write(ctx, new BrokerException(ErrorCode.UPSTREAM_UNAVAILABLE, MESSAGE, null, RETRY_AFTER, null));
        return true;
    }
}
