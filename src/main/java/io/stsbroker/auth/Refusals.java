package io.stsbroker.auth;

import io.quarkus.security.AuthenticationFailedException;

/**
 * Builds authentication failures that carry their {@link RefusalReason} as a cause, and reads it
 * back. Quarkus' {@link AuthenticationFailedException} is final, so the reason rides in the cause
 * chain; its message names the reason only, never the token, a claim or a key.
 */
final class Refusals {

    private Refusals() {
    }

    /** The cause that carries a reason through Quarkus and SmallRye exception wrapping. */
    static final class Reason extends RuntimeException {
        final RefusalReason reason;

        Reason(RefusalReason reason) {
            super(reason.tag(), null, false, false); // an expected outcome on a hot path: no stack trace
            this.reason = reason;
        }
    }

    /** The failure an authentication step returns for this reason. */
    static AuthenticationFailedException refused(RefusalReason reason) {
        return new AuthenticationFailedException(reason.tag(), new Reason(reason));
    }

    /** The reason somewhere in a failure's cause chain, or null. */
    static RefusalReason in(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t instanceof Reason r) {
                return r.reason;
            }
        }
        return null;
    }
}
