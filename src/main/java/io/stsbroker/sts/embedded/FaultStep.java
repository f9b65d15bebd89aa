package io.stsbroker.sts.embedded;

import io.vertx.core.http.HttpServerRequest;

/**
 * Test-only hook of {@link EmbeddedStsServer}: runs before the normal handling of every request, so
 * a later fault-injection feature (latency, a chosen error code, a dropped connection) can take over
 * a request without touching the protocol code. Package-private on purpose: production code has no
 * way to install one.
 */
@FunctionalInterface
interface FaultStep {

    /** The default: never intervenes. */
    FaultStep NONE = request -> false;

    /**
     * @return true when this step took the request over (answered it, delayed it, or closed the
     *         connection) and normal handling must not run; false to let it through
     */
    boolean intercept(HttpServerRequest request);
}
