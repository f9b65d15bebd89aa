package io.stsbroker.auth;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Answers a JWT that was verified before (and is still within its {@code exp}) from
 * {@link VerifiedTokens}; for any other token it answers "not mine", and Quarkus moves on to
 * SmallRye JWT's provider, which verifies it.
 *
 * <p>Runs before SmallRye JWT's provider (higher priority): an RS256 check costs several times
 * the rest of a cached credential request.
 */
@ApplicationScoped
public class VerifiedTokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    private final VerifiedTokens verified;

    public VerifiedTokenIdentityProvider(VerifiedTokens verified) {
        this.verified = verified;
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext ctx) {
        Caller known = verified.find(request.getToken().getToken());
        return known == null ? Uni.createFrom().nullItem() : Uni.createFrom().item(Callers.identityOf(known));
    }

    /**
     * Above SmallRye JWT's validator, which keeps the interface's default (1001): at equal
     * priority the order is arbitrary, and the cache would never be asked.
     */
    @Override
    public int priority() {
        return 2000;
    }
}
