package io.stsbroker.auth;

import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;

/** Reads the {@link Caller} that authentication attached to a Quarkus {@link SecurityIdentity}, and makes such identities. */
public final class Callers {

    private Callers() {
    }

    /** The identity our identity providers answer with: named after the caller, carrying it. */
    static SecurityIdentity identityOf(Caller caller) {
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(caller.identity()))
                .addAttribute(Caller.ATTRIBUTE, caller)
                .build();
    }

    /** @throws UnauthorizedException when the identity is anonymous or was not made by our mechanisms */
    public static Caller of(SecurityIdentity identity) {
        Caller caller = identity == null ? null : identity.getAttribute(Caller.ATTRIBUTE);
        if (caller == null) {
            throw new UnauthorizedException();
        }
        return caller;
    }
}
