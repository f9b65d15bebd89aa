package io.stsbroker.api;

import io.stsbroker.auth.Caller;
import io.stsbroker.auth.TokenChecker;
import io.stsbroker.config.BrokerConfig;
import io.stsbroker.error.BrokerException;
import io.stsbroker.request.CredentialRequests;
import io.stsbroker.request.Format;
import io.stsbroker.vending.VendedCredential;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;


/**
 * Answers {@code GET /v1/credentials/{role}} on the event loop, before Quarkus security and JAX-RS
 * run, when the answer is already known to be a cached credential: the caller is one the
 * {@link TokenChecker} recognises without further proof, and {@link CredentialRequests#tryWarm}
 * (the same use case as the full path, in its mode that may not wait) finds the credential cached.
 * Every other request ({@code ctx.next()}) takes the full path, {@link CredentialsResource},
 * unchanged; so does all of it when {@code broker.http.warm-route} is false.
 *
 * <p>Why: Quarkus' proactive authentication, the security interceptors and the dynamic response
 * writer cost several times the work of a cached answer (docs/BENCHMARKS.md). This adapter only
 * translates: it takes the simple requests (no body, a plain {@code Accept}, an exact query), and
 * writes the use case's answer with the same body writer as the full path.
 */
@Singleton
public class WarmCredentialsRoute {

    static final String PREFIX = "/v1/credentials/";
    // Pre-encoded header names and values, as Vert.x recommends for constant headers.
    private static final CharSequence JSON = HttpHeaders.createOptimized(CredentialBodies.CONTENT_TYPE);
    private static final CharSequence CACHE_CONTROL = HttpHeaders.createOptimized("Cache-Control");
    private static final CharSequence NO_STORE = HttpHeaders.createOptimized(CredentialBodies.HEADERS.get("Cache-Control"));
    private static final CharSequence PRAGMA = HttpHeaders.createOptimized("Pragma");
    private static final CharSequence NO_CACHE = HttpHeaders.createOptimized(CredentialBodies.HEADERS.get("Pragma"));

    private final boolean enabled;
    private final TokenChecker tokens;
    private final CredentialRequests requests;
    private final ErrorResponses errors;
    private final UsageTap usage;

    WarmCredentialsRoute(BrokerConfig config, TokenChecker tokens, CredentialRequests requests, ErrorResponses errors,
                         UsageTap usage) {
        this.enabled = config.http().warmRoute(); // with an HTTP permission policy start-up stops (config.BrokerConfigValidator)
        this.tokens = tokens;
        this.requests = requests;
        this.errors = errors;
        this.usage = usage;
    }

    void install(@Observes Router router) {
        if (enabled) {
            router.route().order(RouteOrder.WARM_CREDENTIALS).handler(this::handle);
        }
    }

    private void handle(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        String roleName = req.method() == HttpMethod.GET ? roleNameOf(req.path()) : null;
        Format format = roleName == null ? null : formatOf(req.query());
        if (format == null || !acceptsJson(req) || hasBody(req)) {
            ctx.next();
            return;
        }
        Caller caller = tokens.find(ctx);
        VendedCredential v;
        try {
            v = caller == null ? null : requests.tryWarm(caller, roleName, RequestIds.of(ctx));
        } catch (BrokerException e) {
            usage.count(caller.identity(), e.code().status());
            errors.write(ctx, e);
            return;
        }
        if (v == null) {
            ctx.next();
            return;
        }
        usage.count(caller.identity(), 200);
        HttpServerResponse response = ctx.response();
        response.putHeader(HttpHeaders.CONTENT_TYPE, JSON);
        response.putHeader(CACHE_CONTROL, NO_STORE);
        response.putHeader(PRAGMA, NO_CACHE);
        response.end(Buffer.buffer(CredentialBodies.of(v, format)));
    }

    /**
     * The role name when the path is exactly {@code /v1/credentials/<name>} with a name JAX-RS would
     * pass on unchanged (no escapes, no further segments, no dot segments), else null.
     */
    static String roleNameOf(String path) {
        if (path == null || !path.startsWith(PREFIX) || path.length() == PREFIX.length()) {
            return null;
        }
        for (int i = PREFIX.length(); i < path.length(); i++) {
            char c = path.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || (c == '.' && i > PREFIX.length()))) {
                return null;
            }
        }
        return path.substring(PREFIX.length());
    }

    /** The format of an empty or exact {@code format=<value>} query, null for any other (left to JAX-RS). */
    static Format formatOf(String query) {
        return Format.ofExactQuery(query);
    }

    /** No {@code Accept}, or one that plainly takes JSON; any other goes to JAX-RS's content negotiation. */
    private static boolean acceptsJson(HttpServerRequest req) {
        String accept = req.getHeader(HttpHeaders.ACCEPT);
        return accept == null || accept.equals("*/*") || accept.equals(CredentialBodies.CONTENT_TYPE)
                || accept.equals("application/json, */*");
    }

    private static boolean hasBody(HttpServerRequest req) {
        String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
        return (length != null && !length.equals("0")) || req.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
    }
}
