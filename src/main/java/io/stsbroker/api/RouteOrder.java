package io.stsbroker.api;

/**
 * The order of the broker's own Vert.x routes, in one place. Vert.x runs routes in ascending order,
 * and these are the lowest there are: they run before the framework's body handler, authentication
 * and JAX-RS routes, so before a body is read or a token looked at. Routes of equal order run in the
 * order they were registered; where that matters, the observer priority noted below decides it.
 */
public final class RouteOrder {

    /** {@link RequestGuards}: request id, header and body limits, the TLS guard. */
    public static final int REQUEST_GUARDS = Integer.MIN_VALUE;

    /**
     * {@link UsageTap}: after the warm route, which counts what it answers itself, so a warm request
     * never pays for the tap's end handler.
     */
    public static final int USAGE_TAP = Integer.MIN_VALUE + 2;

    /**
     * The admission webhook and the injector-only filter ({@code api.admission}): with the guards,
     * registered after them (their observers run at a later priority), and before the framework's
     * body handler, so the webhook reads its body under its own limit.
     */
    public static final int ADMISSION = Integer.MIN_VALUE;

    /** {@link WarmCredentialsRoute}: right after the guards, before the framework's authentication. */
    public static final int WARM_CREDENTIALS = REQUEST_GUARDS + 1;

    /** {@link FailureResponses}: failure handlers run in their own order; this one runs first. */
    public static final int FAILURES = Integer.MIN_VALUE;

    private RouteOrder() {
    }
}
