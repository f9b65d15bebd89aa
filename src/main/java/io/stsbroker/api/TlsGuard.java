package io.stsbroker.api;

import io.vertx.ext.web.RoutingContext;

/**
 * {@code broker.http.require-tls}: refuses the API over plain HTTP. {@code /q/*} (health probes,
 * metrics, the OpenAPI document; none takes a token) stays reachable so probes work without TLS.
 */
final class TlsGuard {

    static final String TLS_REQUIRED_MESSAGE = "This API is served over HTTPS only.";

    private final boolean requireTls;

    TlsGuard(boolean requireTls) {
        this.requireTls = requireTls;
    }

    /** Whether this request must be refused with 403 {@code Forbidden}. */
    boolean refuses(RoutingContext ctx) {
        return requireTls && !ctx.request().isSSL() && !isPublic(ctx);
    }

    private static boolean isPublic(RoutingContext ctx) {
        // Both forms must agree, so "/q/../v1/..." is not mistaken for a public path.
        String normalized = ctx.normalizedPath();
        String raw = ctx.request().path();
        return normalized != null && raw != null && normalized.startsWith("/q/") && raw.startsWith("/q/") && !raw.contains("..");
    }
}
