package io.stsbroker.auth;

import io.stsbroker.config.BrokerConfig;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;

/**
 * Recognises, without side effects, a caller that needs no further proof: a configured API key, or
 * a JWT that SmallRye JWT verified before and whose {@code exp} has not passed ({@link VerifiedTokens});
 * for every other request (no token, an unknown or malformed one, several {@code Authorization}
 * headers, an address over its failure limit) it answers null, and the full authentication decides.
 *
 * <p>It grants nothing the full path would not: the same registry, the same remembered identities,
 * the same shape checks, and it never records a failure, so a null answer changes no state.
 */
@Singleton
public class KnownCallers {

    private final ApiKeyRegistry apiKeys;
    private final VerifiedTokens verified;
    private final AuthFailureLimiter failures;
    private final int maxTokenLength;

    KnownCallers(ApiKeyRegistry apiKeys, VerifiedTokens verified, AuthFailureLimiter failures, BrokerConfig config) {
        this.apiKeys = apiKeys;
        this.verified = verified;
        this.failures = failures;
        this.maxTokenLength = config.auth().maxTokenLength();
    }

    /** The caller this request proves to be, or null when the full authentication must decide. */
    public Caller find(RoutingContext ctx) {
        if (ctx.request().headers().getAll(HttpHeaders.AUTHORIZATION).size() != 1 || failures.overLimit(ctx)) {
            return null;
        }
        String token = BearerTokens.from(ctx);
        if (token == null || token.length() > maxTokenLength) {
            return null;
        }
        if (BearerTokens.isJwtShaped(token)) {
            // No base64url scan: only a token identical to one that was verified (so well-formed) is found.
            return verified.find(token);
        }
        return apiKeys.nameOf(token).map(ApiKeyIdentityProvider::callerNamed).orElse(null);
    }
}
