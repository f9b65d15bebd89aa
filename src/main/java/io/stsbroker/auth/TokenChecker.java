package io.stsbroker.auth;

import io.stsbroker.config.BrokerConfig;
import io.stsbroker.error.BrokerException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;

/**
 * The one place that judges the bearer token a request presents, for both ways a caller is
 * identified: {@link ApiKeyAuthenticationMechanism} (the full authentication) reads its
 * {@linkplain #shape shape}, and the warm path asks {@link #find} for a caller that needs no further
 * proof. Shape checks, in order: several {@code Authorization} headers, no bearer token, a token
 * over {@code broker.auth.max-token-length}, JWT-shaped (three dot-separated segments) or else an
 * API key.
 *
 * <p>{@link #find} has no side effects: it answers a configured API key, or a JWT that SmallRye JWT
 * verified before and whose {@code exp} has not passed ({@link VerifiedTokens}); for every other
 * request (no token, an unknown or malformed one, several headers, an address over its failure
 * limit) it answers null and records nothing, and the full authentication decides.
 */
@Singleton
public class TokenChecker {

    /** What a presented token is, judged without hashing or verifying it. */
    enum Shape {
        /** No bearer token (no header, or another scheme). */
        NONE,
        /** Two mechanisms could each read a different header: refused outright. */
        SEVERAL_HEADERS,
        TOO_LONG,
        /** JWT-shaped, but with characters no compact JWS has. */
        MALFORMED_JWT,
        JWT,
        API_KEY
    }

    private final ApiKeyRegistry apiKeys;
    private final VerifiedTokens verified;
    private final AuthFailureLimiter failures;
    private final int maxTokenLength;

    TokenChecker(ApiKeyRegistry apiKeys, VerifiedTokens verified, AuthFailureLimiter failures, BrokerConfig config) {
        this.apiKeys = apiKeys;
        this.verified = verified;
        this.failures = failures;
        this.maxTokenLength = config.auth().maxTokenLength();
    }

    /**
     * The shape of {@code token}, the bearer token of {@code ctx}. With {@code scanJwt} a JWT-shaped
     * token is also scanned for characters outside base64url, before any parser sees it; without, it
     * is not (for a lookup that only finds tokens identical to verified, so well-formed, ones).
     */
    Shape shape(RoutingContext ctx, String token, boolean scanJwt) {
        if (ctx.request().headers().getAll(HttpHeaders.AUTHORIZATION).size() > 1) {
            return Shape.SEVERAL_HEADERS;
        }
        if (token == null) {
            return Shape.NONE;
        }
        if (token.length() > maxTokenLength) {
            return Shape.TOO_LONG;
        }
        if (BearerTokens.isJwtShaped(token)) {
            return !scanJwt || BearerTokens.isBase64UrlSegments(token) ? Shape.JWT : Shape.MALFORMED_JWT;
        }
        return Shape.API_KEY;
    }

    /** The refusal for a request from an address over its failure limit (marked for {@link AuthRefusals}), else null. */
    BrokerException throttled(RoutingContext ctx) {
        return failures.refusal(ctx).orElse(null);
    }

    /** The caller this request proves to be without further work, or null when the full authentication must decide. */
    public Caller find(RoutingContext ctx) {
        if (failures.overLimit(ctx)) {
            return null;
        }
        String token = BearerTokens.from(ctx);
        return switch (shape(ctx, token, false)) {
            case JWT -> verified.find(token);
            case API_KEY -> apiKeys.nameOf(token).map(ApiKeyIdentityProvider::callerNamed).orElse(null);
            default -> null;
        };
    }
}
