package io.stsbroker.auth;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Turns a presented API key into the identity {@code apikey:<name>}, or fails authentication. */
@ApplicationScoped
public class ApiKeyIdentityProvider implements IdentityProvider<ApiKeyAuthenticationRequest> {

    private final ApiKeyRegistry registry;

    public ApiKeyIdentityProvider(ApiKeyRegistry registry) {
        this.registry = registry;
    }

    /** The caller behind the configured key {@code name}. */
    static Caller callerNamed(String name) {
        return new Caller("apikey:" + name, Caller.Kind.API_KEY);
    }

    @Override
    public Class<ApiKeyAuthenticationRequest> getRequestType() {
        return ApiKeyAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(ApiKeyAuthenticationRequest request, AuthenticationRequestContext ctx) {
        // Hashing a key is microseconds of CPU: done on the calling (event-loop) thread.
        return registry.nameOf(request.key())
                .map(name -> Uni.createFrom().item(Callers.identityOf(callerNamed(name))))
                .orElseGet(() -> Uni.createFrom().failure(Refusals.refused(RefusalReason.UNKNOWN_API_KEY)));
    }
}
