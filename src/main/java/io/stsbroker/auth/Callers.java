package io.stsbroker.auth;

import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;

/** Reads the {@link Caller} that authentication attached to a Quarkus {@link SecurityIdentity}. */
public final class Callers {

    private Callers() {
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
