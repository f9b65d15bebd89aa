package io.stsbroker.auth;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
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

    private final TokenChecker tokens;

    public ApiKeyAuthenticationMechanism(TokenChecker tokens) {
        this.tokens = tokens;
    }

    /**
     * In this order, each step before any costly one: an address over its failure limit gets 429;
     * several {@code Authorization} headers, an over-long or malformed token fail (counted as a
     * failure); a JWT-shaped token goes on to SmallRye JWT; anything else is hashed and looked up as
     * an API key. The shape checks are {@link TokenChecker}'s, shared with the warm path.
     */
    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext ctx, IdentityProviderManager identities) {
        if (ctx.request().getHeader(HttpHeaders.AUTHORIZATION) != null) {
            BrokerException throttled = tokens.throttled(ctx);
            if (throttled != null) {
                return Uni.createFrom().failure(throttled);
            }
        }
        String token = BearerTokens.from(ctx);
        return switch (tokens.shape(ctx, token, true)) {
            case SEVERAL_HEADERS, MALFORMED_JWT -> Uni.createFrom().failure(Refusals.refused(RefusalReason.MALFORMED));
            case TOO_LONG -> Uni.createFrom().failure(Refusals.refused(RefusalReason.TOO_LONG));
            case NONE, JWT -> Uni.createFrom().nullItem();
            case API_KEY -> identities.authenticate(new ApiKeyAuthenticationRequest(token));
        };
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
