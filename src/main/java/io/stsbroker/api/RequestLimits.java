package io.stsbroker.api;

import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * The header limit ({@code broker.http.max-header-size}, answered 431 with the JSON body) and the
 * declared body limit ({@code quarkus.http.limits.max-body-size}, 413), checked before the body is
 * read or a token looked at.
 *
 * <p><b>Note:</b> headers above {@code quarkus.http.limits.max-header-size} (the hard cap, set
 * above the broker's own limit; see {@code config.BrokerConfigValidator}) and request lines above
 * {@code max-initial-line-length} are refused by Vert.x's HTTP decoder before any handler runs:
 * 431 or 414 with an empty body, then the connection is closed. Quarkus offers no hook there.
 */
final class RequestLimits {

    private final int maxHeaderSize;
    private final long maxBodySize;
    /** Paths with a body limit of their own (the admission webhook), exempt from {@code maxBodySize}. */
    private final java.util.Set<String> ownBodyLimit;

    /** {@code maxBodySize}: {@link Long#MAX_VALUE} when unlimited. */
    RequestLimits(int maxHeaderSize, long maxBodySize, java.util.Set<String> ownBodyLimit) {
        this.maxHeaderSize = maxHeaderSize;
        this.maxBodySize = maxBodySize;
        this.ownBodyLimit = ownBodyLimit;
    }

    boolean headersTooLarge(RoutingContext ctx) {
        return headerBytes(ctx) > maxHeaderSize;
    }

    /** Only a declared {@code Content-Length}; a chunked body over the limit is cut off by Quarkus while read. */
    boolean declaredBodyTooLarge(RoutingContext ctx) {
        return declaredBodyLength(ctx) > maxBodySize && !ownBodyLimit.contains(ctx.normalizedPath());
    }

    /** Header bytes as sent on the wire (HTTP/1.1 decodes them as ISO-8859-1: one char, one byte). */
    private static long headerBytes(RoutingContext ctx) {
        long n = 0;
        for (var h : ctx.request().headers()) {
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
    static void closeAfter(RoutingContext ctx) {
        if (ctx.request().version() != HttpVersion.HTTP_2) {
            ctx.response().putHeader("Connection", "close");
            ctx.response().endHandler(v -> ctx.request().connection().close());
        }
    }
}
