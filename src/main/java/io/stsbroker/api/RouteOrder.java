package io.stsbroker.api;

/**
 * The order of the broker's own Vert.x routes, in one place. Vert.x runs routes in ascending order,
 * and these are the lowest there are: they run before the framework's authentication and JAX-RS
 * routes, so before a token is looked at.
 */
final class RouteOrder {

    /** {@link RequestGuards}: request id, header and body limits, the TLS guard. First of all. */
    static final int REQUEST_GUARDS = Integer.MIN_VALUE;

    /** {@link WarmCredentialsRoute}: right after the guards, before the framework's authentication. */
    static final int WARM_CREDENTIALS = REQUEST_GUARDS + 1;

    /** {@link FailureResponses}: failure handlers run in their own order; this one runs first. */
    static final int FAILURES = Integer.MIN_VALUE;

    private RouteOrder() {
    }
}
