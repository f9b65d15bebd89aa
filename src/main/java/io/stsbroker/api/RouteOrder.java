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
     * {@link ShutdownGate}: with the guards; it refuses every request once shutdown has begun, so
     * which of the two answers first does not matter.
     */
    public static final int SHUTDOWN_GATE = Integer.MIN_VALUE;

    /** {@link UsageTap}: with the guards; it only registers an end handler on credential requests. */
    public static final int USAGE_TAP = Integer.MIN_VALUE;

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
