package io.stsbroker.api;

/**
 * The order of the broker's own Vert.x routes, in one place. Vert.x runs routes in ascending order,
 * and these are the lowest there are: they run before the framework's authentication and JAX-RS
 * routes, so before a token is looked at.
 */
final class RouteOrder {

    /**
     * {@link ShutdownGate}: first of all, so a request refused during shutdown costs nothing.
     */
    static final int SHUTDOWN_GATE = Integer.MIN_VALUE;

    /** {@link UsageTap}: registers its end handler before any route can answer. */
    static final int USAGE_TAP = SHUTDOWN_GATE + 1;

    /** {@link RequestGuards}: request id, header and body limits, the TLS guard. */
    static final int REQUEST_GUARDS = USAGE_TAP + 1;

    /** {@link WarmCredentialsRoute}: right after the guards, before the framework's authentication. */
    static final int WARM_CREDENTIALS = REQUEST_GUARDS + 1;

    /** {@link FailureResponses}: failure handlers run in their own order; this one runs first. */
    static final int FAILURES = Integer.MIN_VALUE;

    private RouteOrder() {
    }
}
