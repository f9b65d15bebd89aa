package io.stsbroker.auth;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.stsbroker.config.BrokerConfig;
import io.stsbroker.error.BrokerException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Set;

/**
 * The first authentication step for every request: refuses cheaply what needs no cryptography
 * (addresses over {@code broker.auth.max-failures-per-minute}, several {@code Authorization}
 * headers, over-long or non-base64url tokens), claims {@code Authorization: Bearer} tokens that are
 * not JWT-shaped and checks them as API keys, and leaves JWT-shaped ones (and requests without a
 * bearer token) to SmallRye JWT.
 *
 * <p>Quarkus moves on to the next mechanism only when one finds no credentials, not when one
 * fails, so this mechanism runs first (higher priority) and answers "no credentials" for every
 * token it does not own.
 */
@ApplicationScoped
public class ApiKeyAuthenticationMechanism implements HttpAuthenticationMechanism {

    static final ChallengeData CHALLENGE = new ChallengeData(401, "WWW-Authenticate", "Bearer");

    private final AuthFailureLimiter limiter;
    private final int maxTokenLength;

    public ApiKeyAuthenticationMechanism(AuthFailureLimiter limiter, BrokerConfig config) {
        this.limiter = limiter;
        this.maxTokenLength = config.auth().maxTokenLength();
    }

    /**
     * In this order, each step before any costly one: an address over its failure limit gets 429;
     * an over-long or malformed token fails (counted as a failure); a JWT-shaped token goes on to
     * SmallRye JWT; anything else is hashed and looked up as an API key.
     */
    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext ctx, IdentityProviderManager identities) {
        var refusal = ctx.request().getHeader(HttpHeaders.AUTHORIZATION) == null ? java.util.Optional.<BrokerException>empty()
                : limiter.refusal(ctx);
        if (refusal.isPresent()) {
            return Uni.createFrom().failure(refusal.get());
        }
        if (ctx.request().headers().getAll(HttpHeaders.AUTHORIZATION).size() > 1) {
            // Two mechanisms could each read a different one: refuse the ambiguity outright.
            return Uni.createFrom().failure(Refusals.refused(RefusalReason.MALFORMED));
        }
        String token = BearerTokens.from(ctx);
        if (token == null) {
            return Uni.createFrom().optional(java.util.Optional.empty());
        }
        if (token.length() > maxTokenLength) {
            return Uni.createFrom().failure(Refusals.refused(RefusalReason.TOO_LONG));
        }
        if (BearerTokens.isJwtShaped(token)) {
            if (!BearerTokens.isBase64UrlSegments(token)) {
                return Uni.createFrom().failure(Refusals.refused(RefusalReason.MALFORMED));
            }
            return Uni.createFrom().optional(java.util.Optional.empty());
        }
        return identities.authenticate(new ApiKeyAuthenticationRequest(token));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext ctx) {
        return Uni.createFrom().item(CHALLENGE);
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(ApiKeyAuthenticationRequest.class);
    }

    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY + 1000;
    }
}
