package io.stsbroker.api;

import io.stsbroker.auth.Caller;
import io.stsbroker.auth.KnownCallers;
import io.stsbroker.config.BrokerConfig;
import io.stsbroker.error.BrokerException;
import io.stsbroker.policy.AccessPolicy;
import io.stsbroker.policy.CallerRateLimiter;
import io.stsbroker.policy.Role;
import io.stsbroker.vending.CredentialVendor;
import io.stsbroker.vending.VendRequest;
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
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.Optional;

/**
 * Answers {@code GET /v1/credentials/{role}} on the event loop, before Quarkus security and JAX-RS
 * run, when the answer is already known to be a cached credential: the caller is a configured API
 * key or a JWT verified before ({@link KnownCallers}), the role is granted to it now, and the cache
 * holds a credential above its floor. Every other request ({@code ctx.next()}) takes the full path,
 * {@link CredentialsResource}, unchanged; so does all of it when {@code broker.http.warm-route} is
 * false.
 *
 * <p>Why: Quarkus' proactive authentication, the security interceptors and the dynamic response
 * writer cost several times the work of a cached answer (docs/BENCHMARKS.md). Nothing is checked
 * less: the decision to take this path has no side effects, and once taken the request is
 * counted against the same rate limits, in the same order, and served by the same vending call
 * and body writer as on the full path. A revoked grant or an expired token fails the first test
 * and goes the full way, where it is refused and audited.
 */
@Singleton
public class WarmCredentialsRoute {

    static final String PREFIX = "/v1/credentials/";
    private static final String QUERY_BROKER = "format=" + CredentialBodies.FORMAT_BROKER;
    private static final String QUERY_ALIBABA_URI = "format=" + CredentialBodies.FORMAT_ALIBABA_URI;
    // Pre-encoded header names and values, as Vert.x recommends for constant headers.
    private static final CharSequence JSON = HttpHeaders.createOptimized(CredentialBodies.CONTENT_TYPE);
    private static final CharSequence CACHE_CONTROL = HttpHeaders.createOptimized("Cache-Control");
    private static final CharSequence NO_STORE = HttpHeaders.createOptimized(CredentialBodies.HEADERS.get("Cache-Control"));
    private static final CharSequence PRAGMA = HttpHeaders.createOptimized("Pragma");
    private static final CharSequence NO_CACHE = HttpHeaders.createOptimized(CredentialBodies.HEADERS.get("Pragma"));

    private final boolean enabled;
    private final KnownCallers callers;
    private final AccessPolicy policy;
    private final CallerRateLimiter rateLimiter;
    private final CredentialVendor vendor;
    private final VendOutcomes outcomes;

    WarmCredentialsRoute(BrokerConfig config, KnownCallers callers, AccessPolicy policy, CallerRateLimiter rateLimiter,
                         CredentialVendor vendor, VendOutcomes outcomes) {
        this.enabled = config.http().warmRoute();
        if (enabled) {
            firstHttpPermission(ConfigProvider.getConfig().getPropertyNames()).ifPresent(name -> {
                throw new IllegalStateException("Invalid configuration " + name + ": broker.http.warm-route=true answers"
                        + " cached credential requests before quarkus.http.auth.permission policies run;"
                        + " set broker.http.warm-route=false to use such policies");
            });
        }
        this.callers = callers;
        this.policy = policy;
        this.rateLimiter = rateLimiter;
        this.vendor = vendor;
        this.outcomes = outcomes;
    }

    /** An HTTP permission policy would not see warm requests: start-up refuses the combination. */
    static Optional<String> firstHttpPermission(Iterable<String> propertyNames) {
        for (String name : propertyNames) {
            if (name.startsWith("quarkus.http.auth.permission.")) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    void install(@Observes Router router) {
        if (enabled) {
            // Right after HttpRouting's checks (request id, header size, TLS, body size), before authentication.
            router.route().order(Integer.MIN_VALUE + 1).handler(this::handle);
        }
    }

    private void handle(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        String roleName = req.method() == HttpMethod.GET ? roleNameOf(req.path()) : null;
        Boolean alibabaFormat = roleName == null ? null : formatOf(req.query());
        if (alibabaFormat == null || !acceptsJson(req) || hasBody(req)) {
            ctx.next();
            return;
        }
        Caller caller = callers.find(ctx);
        Role role = caller == null ? null : policy.grantedOrNull(caller.identity(), roleName);
        if (role == null) {
            ctx.next();
            return;
        }
        String requestId = RequestIds.of(ctx);
        // The role's own duration and policy, resolved exactly as the full path resolves a GET.
        VendRequest request = CredentialsResource.vendRequest(caller,
                policy.resolve(role, Optional.empty(), Optional.empty()), requestId);
        CredentialVendor.Warm warm = vendor.warm(request);
        if (warm == null) {
            ctx.next();
            return;
        }
        // Decided: from here on this request is answered here, exactly as CredentialsResource would.
        outcomes.countWarm();
        ctx.put(UsageTap.CALLER, caller.identity());
        try {
            rateLimiter.admit(caller.identity());
            rateLimiter.admit(caller.identity(), role.name());
        } catch (BrokerException e) {
            outcomes.count(e.code().code());
            HttpRouting.write(ctx, e.code(), e.getMessage(), e.retryAfter().orElse(null));
            return;
        }
        // Handed out even if the entry is dropped meanwhile: it was valid when the request was decided.
        VendedCredential v = warm.handOut();
        outcomes.count(VendOutcomes.SUCCESS);
        HttpServerResponse response = ctx.response();
        response.putHeader(HttpHeaders.CONTENT_TYPE, JSON);
        response.putHeader(CACHE_CONTROL, NO_STORE);
        response.putHeader(PRAGMA, NO_CACHE);
        response.end(Buffer.buffer(CredentialBodies.of(v, alibabaFormat)));
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

    /** True for {@code format=alibaba-uri}, false for none or {@code format=broker}, null for any other query. */
    static Boolean formatOf(String query) {
        if (query == null || query.isEmpty()) {
            return false;
        }
        if (query.equals(QUERY_ALIBABA_URI)) {
            return true;
        }
        return query.equals(QUERY_BROKER) ? false : null;
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
